"""Store backends behind one interface.

Everything above the store (the API, the CLI, the benchmark) uses only what `QueryStore`
names, and gets its store from `open_store`, the one place a store is chosen. The backends:

- `oxigraph_store`: pyoxigraph, in memory or persistent on disk (with `build_store`, the
  atomic on-disk build);
- `pooled`: the on-disk Oxigraph store with every query in a killable worker process
  (beleidsgraaf.workers), the default for `serve`;
- `rdflib_memory`: an in-memory rdflib Dataset queried by rdflib's own SPARQL engine;
- `remote`: any SPARQL 1.1 Query + Update + Graph Store Protocol endpoint.

The contract, whatever the backend:
- `query()` returns pyoxigraph `QuerySolutions` / `QueryBoolean` for SELECT / ASK, and
  `ox.QueryTriples` or `beleidsgraaf.results.Triples` for CONSTRUCT / DESCRIBE;
- the default graph is the union of all named graphs unless `default_graph_uris` is given;
- `substitutions` bind variables to checked terms, never by splicing text;
- `base_iri` resolves relative IRIs in the query (a query's own BASE wins);
- malformed or failing queries raise `QueryError`; a store that cannot be reached raises
  `StoreUnavailable`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Protocol, runtime_checkable

import pyoxigraph as ox

from ..errors import StoreUnavailable

if TYPE_CHECKING:  # not at import: the query workers import this package and stay light
    from ..settings import Settings


@runtime_checkable
class QueryStore(Protocol):
    def query(self, sparql: str, *, substitutions: Mapping[str, object] | None = None,
              default_graph_uris: list[str] | None = None,
              named_graph_uris: list[str] | None = None, base_iri: str | None = None): ...

    def quads(self, graph: str | None = None) -> Iterable[ox.Quad]: ...

    def named_graphs(self) -> list[str]: ...

    def __len__(self) -> int: ...


MEMORY_SPECS = {"memory", "oxigraph-memory"}
RDFLIB_SPECS = {"rdflib", "rdflib-memory"}


def _quiet(_: str) -> None:
    pass


def is_remote_spec(spec: str | Path | None) -> bool:
    return isinstance(spec, str) and spec.lower().startswith(("http://", "https://"))


def is_store_spec(spec: str | Path | None) -> bool:
    """Whether `spec` names a store other than a folder: memory, rdflib or a URL."""
    return is_remote_spec(spec) or (isinstance(spec, str) and spec.lower() in MEMORY_SPECS | RDFLIB_SPECS)


def open_store(spec: str | Path | None = None, cfg: Settings | None = None, *, limits=None,
               with_published: bool = False, wait: bool = True,
               log: Callable[[str], None] = _quiet) -> QueryStore:
    """The one place a store is chosen (serve, the CLI, the benchmark and the tests call it).

    `spec` names it: a folder (on-disk Oxigraph), `memory` / `oxigraph-memory` (the shipped
    data in Oxigraph in memory), `rdflib` (the shipped data in an rdflib Dataset) or an
    http(s) URL of a SPARQL endpoint. Without a spec: the store BELEIDSGRAAF_STORE names,
    else the built store if there is one, else the shipped data in memory.

    `limits` (a workers.QueryLimits) runs the queries on a folder in the worker pool, as the
    service does (with `wait=False` the workers are still starting on return: call the
    store's `wait_started` before its first query); `with_published` adds the published
    graphs to an in-memory store, which starts from the shipped data only (a folder and an
    endpoint hold them already)."""
    from ..settings import current_settings

    cfg = cfg or current_settings()
    if spec is None:
        spec = cfg.store or (cfg.store_dir if cfg.store_dir.is_dir() else "memory")
    text = str(spec)
    if text.lower() in MEMORY_SPECS | RDFLIB_SPECS:
        if text.lower() in MEMORY_SPECS:
            from .oxigraph_store import Store

            store = Store.shipped(cfg)
        else:
            from .rdflib_memory import RdflibStore

            store = RdflibStore.shipped(cfg)
        if with_published:
            from ..publish import load_published

            load_published(store, cfg)
        return store
    if is_remote_spec(text):
        from .remote import RemoteStore

        return RemoteStore.from_settings(text, cfg)
    path = Path(spec)
    if not path.is_dir():
        raise StoreUnavailable(f"{path}: no store there; build one with 'beleidsgraaf build --store {path}', "
                               f"or name 'memory', 'rdflib' or an http(s) SPARQL endpoint URL")
    if limits is not None:
        from .pooled import PooledStore

        store = PooledStore(path, limits, wait=wait)  # the workers start first, then the rest
    from .oxigraph_store import Store, warn_if_stale

    warn_if_stale(path, cfg, log)
    return store if limits is not None else Store.open(path)
