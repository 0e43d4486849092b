"""The triple store: Oxigraph, in memory or persistent on disk, with the shipped data in
named graphs. Queries see the union of the named graphs as their default graph unless the
caller names graphs (SPARQL 1.1 Protocol default-graph-uri / named-graph-uri)."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path
from typing import Callable, Iterable, Mapping

import pyoxigraph as ox

from ..settings import Settings, current_settings
from ..shipped import data_files, ontology_files, read_graph_file
from .oxigraph_options import graph_names, query_options  # noqa: F401 (graph_names re-exported)
from ..errors import QueryError


class Store:
    def __init__(self, oxstore: ox.Store, folder: Path | None = None):
        self._store = oxstore
        self.folder = folder  # an on-disk store's folder (its search index lies there), else None

    # -- opening -----------------------------------------------------------------------

    @classmethod
    def in_memory(cls) -> "Store":
        return cls(ox.Store())

    @classmethod
    def open(cls, path: Path, *, read_only: bool = True) -> "Store":
        if read_only:
            return cls(ox.Store.read_only(str(path)), Path(path).resolve())
        return cls(ox.Store(str(path)), Path(path).resolve())

    @classmethod
    def shipped(cls, cfg: Settings | None = None) -> "Store":
        """A fresh in-memory store with the ontology and all shipped data."""
        cfg = cfg or current_settings()
        store = cls.in_memory()
        store.load_files(cfg)
        return store

    # -- writing -----------------------------------------------------------------------

    def load_files(self, cfg: Settings) -> int:
        quads = read_shipped_quads(cfg)
        self.add_quads(quads)
        return len(quads)

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        self._store.bulk_extend(quads)

    def replace_graph(self, graph: str, quads: Iterable[ox.Quad]) -> None:
        """Make named graph `graph` hold exactly `quads` (a published graph going live)."""
        name = ox.NamedNode(graph)
        self._store.remove_graph(name)
        self._store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, name) for q in quads)

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
              named_graph_uris: list[str] | None = None, base_iri: str | None = None):
        """Run a SPARQL query; parameters are substituted by the engine, never spliced."""
        from ..sparql_guard import check_query
        from ..sparql_syntax import explain

        check_query(sparql)  # the same checks as in the query workers
        options = query_options(sparql, substitutions, default_graph_uris, named_graph_uris, base_iri)
        try:
            return self._store.query(sparql, **options)
        except SyntaxError as exc:
            message = str(exc.args[0] if exc.args else exc)
            raise QueryError(explain(sparql, message) or f"malformed SPARQL query: {message}") from None
        except (RuntimeError, ValueError) as exc:
            raise QueryError(f"cannot evaluate SPARQL query: {exc}") from None


def read_shipped_quads(cfg: Settings) -> list[ox.Quad]:
    quads: list[ox.Quad] = []
    for gf in ontology_files(cfg) + data_files(cfg):
        quads.extend(read_graph_file(gf, cfg))
    return quads


def build_store(target: Path, cfg: Settings | None = None, extra=None,
                quads: list[ox.Quad] | None = None) -> int:
    """Bulk-load the shipped data into a new on-disk store and make `target` point to it.

    `target` is a symbolic link to a versioned store folder. The new store is written in
    full first and the link is swapped with one atomic rename, so a build that fails or is
    killed at any moment leaves the previous store intact and servable.
    """
    cfg = cfg or current_settings()
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if quads is None:
        quads = read_shipped_quads(cfg)  # parse everything before touching the disk
    version = target.with_name(f"{target.name}-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}")
    oxstore = ox.Store(str(version))
    store = Store(oxstore)
    store.add_quads(quads)
    count = len(quads)
    if extra is not None and len(extra):
        from ..rdfio import to_oxigraph

        inferred = ox.NamedNode(cfg.graph_ns + "inferred")
        store.add_quads(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), inferred) for s, p, o in extra)
        count += len(extra)
    store.flush()
    # The search index lives in the store folder, so the link swap publishes both at once.
    from ..search_index import INDEX_FILE, SearchIndex

    SearchIndex.build(store, version / INDEX_FILE, cfg)
    del store, oxstore
    previous = target.resolve() if target.is_symlink() else None
    _swap_link(target, version)
    _remove_old_versions(target, keep={version, previous})
    return count


def _swap_link(target: Path, version: Path) -> None:
    if target.exists() and not target.is_symlink():
        # A store from before versioned builds: move it aside so the link can take its place.
        target.rename(target.with_name(f"{target.name}-legacy-{os.getpid()}"))
    link = target.with_name(f".{target.name}.link-{os.getpid()}")
    if link.is_symlink():
        link.unlink()
    link.symlink_to(version.name)
    os.replace(link, target)


def _remove_old_versions(target: Path, keep: set[Path | None]) -> None:
    """Delete the other store versions (older ones, and half-written ones left by builds that
    were killed), but never one a running process has open (see versions.py), and keep the
    one the link pointed to until now for servers that hold no lock."""
    from ..versions import remove_if_unused

    for old in target.parent.glob(f"{target.name}-*"):
        if old.is_dir() and old not in keep:
            remove_if_unused(old)


def warn_if_stale(store_path: Path, cfg: Settings, log: Callable[[str], None]) -> None:
    """Say so when ontology/ or data/ changed after the store was built: the store does
    not follow the files by itself."""
    built = Path(store_path).resolve().stat().st_mtime
    files = [gf.path for gf in ontology_files(cfg) + data_files(cfg)]
    for broken in (p for p in files if not p.exists()):
        # A symbolic link to a file that is gone: the store still answers, but the next build fails.
        log(f"note: {broken} is a symbolic link to a missing file ({os.readlink(broken)}); the store at "
            f"{store_path} was built without it; restore the file or remove the link before 'beleidsgraaf build'")
    newer = [p.name for p in files if p.exists() and p.stat().st_mtime > built]
    if newer:
        log(f"note: {', '.join(newer[:3])}{' and more' if len(newer) > 3 else ''} changed after the store "
            f"at {store_path} was built; run 'beleidsgraaf build' to include the changes")
