"""`build --target URL`: load the dataset into a SPARQL endpoint, replacing what was there.

How safe it is, honestly:
1. Everything is parsed, validated (by `pipeline.build`) and serialised before the first
   write: bad data never reaches the endpoint.
2. Each graph is written with a Graph Store Protocol PUT into a staging graph of its own
   (`{base}staging/{token}/{name}`, outside the graph namespace, so a server reading the
   endpoint never sees it), and the staged sizes are checked against what was sent.
   A failure up to here drops the staging graphs and leaves the live graphs untouched.
3. One SPARQL Update request then MOVEs every staging graph onto its live graph and DROPs
   live graphs that are no longer shipped. On endpoints that run an update request as one
   transaction (Fuseki/TDB2, GraphDB, Oxigraph) the switch is atomic. Virtuoso applies the
   operations of a request one at a time (a failing later operation leaves earlier ones
   applied), so there the switch is not atomic: a failure during those few milliseconds
   can leave a mix of old and new graphs, which the final size check reports (run build
   again). Two builds into one endpoint at the same time are not supported.
"""

from __future__ import annotations

import time
import uuid
from collections import defaultdict
from typing import Callable, Iterable

import pyoxigraph as ox

from ..settings import Settings
from ..errors import StoreUnavailable
from .endpoint import Endpoint, graph_document
from .remote import RemoteStore


def load_endpoint(url: str, cfg: Settings, quads: Iterable[ox.Quad], log: Callable[[str], None]) -> int:
    """Replace the dataset's graphs on the endpoint at `url` with `quads`; the number of
    triples loaded."""
    store = RemoteStore(Endpoint.from_settings(url, cfg), cfg)
    try:
        return _load(store, cfg, quads, log)
    finally:
        store.endpoint.close()


def _load(store: RemoteStore, cfg: Settings, quads: Iterable[ox.Quad], log) -> int:
    graphs = _triples_by_graph(quads, cfg)
    documents = {g: graph_document(triples) for g, triples in graphs.items()}  # all before any write
    token = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
    staging = {g: f"{cfg.base}staging/{token}/{g[len(cfg.graph_ns):]}" for g in graphs}
    live_before = store.graphs_under(cfg.graph_ns)
    try:
        for graph, document in documents.items():
            store.endpoint.put_graph(staging[graph], document)
        _check_sizes(store, {staging[g]: len(t) for g, t in graphs.items()}, "staged")
    except BaseException:
        _drop_quietly(store, list(staging.values()))
        raise
    stale = [g for g in live_before if g not in graphs]
    store.endpoint.update(switch_update(staging, stale))
    store.refresh()
    _check_sizes(store, {g: len(t) for g, t in graphs.items()}, "live")
    log(f"loaded {len(graphs)} graphs into {store.endpoint.query_url}"
        + (f"; dropped {len(stale)} graphs no longer shipped" if stale else ""))
    return sum(len(t) for t in graphs.values())


def _triples_by_graph(quads: Iterable[ox.Quad], cfg: Settings) -> dict[str, set[ox.Triple]]:
    graphs: dict[str, set[ox.Triple]] = defaultdict(set)
    for q in quads:
        if not isinstance(q.graph_name, ox.NamedNode) or not q.graph_name.value.startswith(cfg.graph_ns):
            raise StoreUnavailable(f"cannot load {q} into an endpoint: every quad must be in a named graph "
                                   f"under {cfg.graph_ns}")
        graphs[q.graph_name.value].add(q.triple)
    return dict(graphs)


def switch_update(staging: dict[str, str], stale: list[str]) -> str:
    """The SPARQL Update that puts staged graphs live. Only graph IRIs of our own making
    appear in it, each checked by Oxigraph and written as an N-Triples IRI."""
    operations = [f"MOVE GRAPH {ox.NamedNode(source)} TO {ox.NamedNode(live)}" for live, source in staging.items()]
    operations += [f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in stale]
    return " ;\n".join(operations)


def _check_sizes(store: RemoteStore, expected: dict[str, int], what: str) -> None:
    found = store.graph_sizes(list(expected))
    wrong = {g: (n, found.get(g, 0)) for g, n in expected.items() if found.get(g, 0) != n}
    if wrong:
        details = "; ".join(f"<{g}>: sent {sent}, holds {held}" for g, (sent, held) in sorted(wrong.items())[:3])
        raise StoreUnavailable(f"the endpoint {store.endpoint.query_url} does not hold what was loaded "
                               f"({what} graphs): {details}")


def _drop_quietly(store: RemoteStore, graphs: list[str]) -> None:
    if not graphs:
        return
    try:
        store.endpoint.update(switch_update({}, graphs))
    except StoreUnavailable:
        pass  # the original failure is the one to report
