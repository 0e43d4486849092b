"""The triple store: Oxigraph, in memory or persistent on disk, with the shipped data in
named graphs. Queries see the union of the named graphs as their default graph unless the
caller names graphs (SPARQL 1.1 Protocol default-graph-uri / named-graph-uri)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterable, Mapping

import pyoxigraph as ox

from .config import Settings, settings
from .dataset import data_files, ontology_files, read_graph_file
from .errors import QueryError


class Store:
    def __init__(self, oxstore: ox.Store):
        self._store = oxstore

    # -- opening -----------------------------------------------------------------------

    @classmethod
    def in_memory(cls) -> "Store":
        return cls(ox.Store())

    @classmethod
    def open(cls, path: Path, *, read_only: bool = True) -> "Store":
        if read_only:
            return cls(ox.Store.read_only(str(path)))
        return cls(ox.Store(str(path)))

    @classmethod
    def shipped(cls, cfg: Settings | None = None) -> "Store":
        """A fresh in-memory store with the ontology and all shipped data."""
        cfg = cfg or settings()
        store = cls.in_memory()
        store.load_files(cfg)
        return store

    # -- writing -----------------------------------------------------------------------

    def load_files(self, cfg: Settings) -> int:
        quads: list[ox.Quad] = []
        for gf in ontology_files(cfg) + data_files(cfg):
            quads.extend(read_graph_file(gf, cfg))
        self.add_quads(quads)
        return len(quads)

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        self._store.bulk_extend(quads)

    def flush(self) -> None:
        self._store.flush()

    # -- reading -----------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._store)

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def quads(self, graph: str | None = None) -> Iterable[ox.Quad]:
        return self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph) if graph else None)

    def query(self, sparql: str, *, substitutions: Mapping[str, object] | None = None,
              default_graph_uris: list[str] | None = None,
              named_graph_uris: list[str] | None = None):
        """Run a SPARQL query; parameters are substituted by the engine, never spliced."""
        options: dict = {"substitutions": {ox.Variable(k): v for k, v in (substitutions or {}).items()}}
        if default_graph_uris:
            options["default_graph"] = [ox.NamedNode(g) for g in default_graph_uris]
        else:
            options["use_default_graph_as_union"] = True
        if named_graph_uris:
            options["named_graphs"] = [ox.NamedNode(g) for g in named_graph_uris]
        try:
            return self._store.query(sparql, **options)
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL query: {exc.args[0] if exc.args else exc}") from None
        except (RuntimeError, ValueError) as exc:
            raise QueryError(f"cannot evaluate SPARQL query: {exc}") from None


def build_store(target: Path, cfg: Settings | None = None, extra=None) -> int:
    """Bulk-load the shipped data into a new on-disk store at `target`, atomically.

    The store is written next to the target and renamed into place only when complete,
    so a failed or killed build leaves the previous store intact.
    """
    cfg = cfg or settings()
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(target.name + ".new")
    if staging.exists():
        shutil.rmtree(staging)
    oxstore = ox.Store(str(staging))
    store = Store(oxstore)
    count = store.load_files(cfg)
    if extra is not None and len(extra):
        from .rdfio import to_oxigraph

        inferred = ox.NamedNode(cfg.graph_ns + "inferred")
        store.add_quads(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), inferred) for s, p, o in extra)
        count += len(extra)
    store.flush()
    del store, oxstore
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    if old.exists():
        shutil.rmtree(old)
    return count
