"""Store backends behind one interface.

Everything above the store (the API, the CLI) uses only what `QueryStore` names. Three
backends implement it:

- `oxigraph`: pyoxigraph, in memory or persistent on disk (the default for `serve`);
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
from typing import Iterable, Mapping, Protocol, runtime_checkable

import pyoxigraph as ox

from ..config import Settings, settings
from ..errors import StoreUnavailable


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


def is_remote_spec(spec: str | Path | None) -> bool:
    return isinstance(spec, str) and spec.lower().startswith(("http://", "https://"))


def is_store_spec(spec: str | Path | None) -> bool:
    """Whether `spec` names a store other than a folder: memory, rdflib or a URL."""
    return is_remote_spec(spec) or (isinstance(spec, str) and spec.lower() in MEMORY_SPECS | RDFLIB_SPECS)


def open_store(spec: str | Path, cfg: Settings | None = None) -> QueryStore:
    """The store a spec names: a folder (on-disk Oxigraph), `memory` / `oxigraph-memory`
    (the shipped data in Oxigraph in memory), `rdflib` (the shipped data in an rdflib
    Dataset) or an http(s) URL of a SPARQL endpoint."""
    cfg = cfg or settings()
    text = str(spec)
    if text.lower() in MEMORY_SPECS:
        from ..store import Store

        return Store.shipped(cfg)
    if text.lower() in RDFLIB_SPECS:
        from .rdflib_memory import RdflibStore

        return RdflibStore.shipped(cfg)
    if is_remote_spec(text):
        from .remote import RemoteStore

        return RemoteStore.from_environment(text, cfg)
    path = Path(spec)
    if not path.is_dir():
        raise StoreUnavailable(f"{path}: no store there; build one with 'beleidsgraaf build --store {path}', "
                               f"or name 'memory', 'rdflib' or an http(s) SPARQL endpoint URL")
    from ..store import Store

    return Store.open(path)
