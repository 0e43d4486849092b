"""A private copy of the project's ontology, shapes, queries and data, with its own store
folder, for tests that change files or builds without touching the checkout's."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.support import ROOT



def copied_home(tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    """(home, store): BELEIDSGRAAF_HOME and BELEIDSGRAAF_STORE point at the copy (the
    environment, not Settings: the command line under test reads it)."""
    home, store = tmp_path / "home", tmp_path / "store"
    for folder in ("ontology", "shapes", "queries", "data"):
        shutil.copytree(ROOT / folder, home / folder)
    monkeypatch.setenv("BELEIDSGRAAF_HOME", str(home))
    monkeypatch.setenv("BELEIDSGRAAF_STORE", str(store))
    return home, store
