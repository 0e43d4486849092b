"""Where things are and what IRIs look like; overridable through environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_BASE = "https://w3id.org/beleidsgraaf/"


def _default_home() -> Path:
    # The package sits in the repository next to ontology/, shapes/, data/ and queries/.
    return Path(os.environ.get("BELEIDSGRAAF_HOME", Path(__file__).resolve().parent.parent))


@dataclass(frozen=True)
class Settings:
    home: Path = field(default_factory=_default_home)
    base: str = field(default_factory=lambda: os.environ.get("BELEIDSGRAAF_BASE", DEFAULT_BASE))

    @property
    def ontology_dir(self) -> Path:
        return self.home / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.home / "shapes"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def queries_dir(self) -> Path:
        return self.home / "queries"

    @property
    def store_spec(self) -> str | None:
        """BELEIDSGRAAF_STORE as given: a folder, memory, rdflib or an endpoint URL (a Path
        would fold the // of a URL)."""
        return os.environ.get("BELEIDSGRAAF_STORE") or None

    @property
    def store_dir(self) -> Path:
        return Path(self.store_spec or self.home / "build" / "store")

    @property
    def def_ns(self) -> str:
        return self.base + "def#"

    @property
    def id_ns(self) -> str:
        return self.base + "id/"

    @property
    def graph_ns(self) -> str:
        return self.base + "graph/"


def settings() -> Settings:
    return Settings()
