"""The remote backend: any SPARQL 1.1 Query + Update + Graph Store Protocol endpoint
(Virtuoso, Fuseki, GraphDB, QLever, ...), for deployments that outgrow one machine.

The union default graph is made explicit. Endpoints disagree on what a query sees when no
graph is named: Virtuoso's default graph is every graph it holds (its own system graphs
included), Fuseki's is an empty default graph unless configured with unionDefaultGraph,
GraphDB's is the union of its named graphs. So every query is sent with the dataset's
named graphs (those under the graph namespace, e.g. https://w3id.org/beleidsgraaf/graph/)
as its `default-graph-uri`s and `named-graph-uri`s: the same answer on every endpoint,
and nothing from other graphs on the server. A caller's own default-graph-uri /
named-graph-uri, or FROM / FROM NAMED in the query, take precedence.

Parameters travel as a VALUES block (see `values`): the protocol has no bind parameters,
and user input is never spliced into query text. Queries are checked with Oxigraph's
parser first (see `syntax`), so an update, or an endpoint's own extension such as
Virtuoso's `define` pragmas, never reaches the endpoint through `query()`.
"""

from __future__ import annotations

import threading
from typing import Iterable, Mapping

import pyoxigraph as ox

from ..settings import Settings, current_settings
from ..errors import QueryError, StoreUnavailable
from ..formats import N_TRIPLES, RESULTS_JSON, rdf_format_for_media_type
from ..queries import Registry
from ..results import Triples
from .oxigraph_options import graph_names
from .endpoint import Endpoint
from .syntax import GRAPH, QueryShape, check_query, solutions_from_json
from .values import bind_values


class RemoteStore:
    def __init__(self, endpoint: Endpoint, cfg: Settings | None = None):
        self.endpoint = endpoint
        self._cfg = cfg or current_settings()
        self._queries = backend_queries(self._cfg)
        self._graphs: list[str] | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, url: str, cfg: Settings | None = None) -> "RemoteStore":
        cfg = cfg or current_settings()
        return cls(Endpoint.from_settings(url, cfg), cfg)

    # -- the dataset's graphs ------------------------------------------------------------

    def named_graphs(self) -> list[str]:
        """The dataset's graphs on the endpoint, read once: the store is read-only while
        served (`refresh()` after loading)."""
        with self._lock:
            if self._graphs is None:
                self._graphs = self.graphs_under(self._cfg.graph_ns)
            return list(self._graphs)

    def refresh(self) -> None:
        with self._lock:
            self._graphs = None

    def graphs_under(self, namespace: str) -> list[str]:
        query = self._queries.get("store-graphs")
        rows = self._select(query.sparql, query.bind({"namespace": namespace}), [], [])
        return sorted(row["graph"].value for row in rows)

    def graph_sizes(self, graphs: list[str]) -> dict[str, int]:
        """Triples per graph, for the graphs named (absent when empty)."""
        if not graphs:
            return {}
        query = self._queries.get("graph-sizes")
        rows = self._select(query.sparql, {}, list(graphs), list(graphs))
        return {row["graph"].value: int(row["triples"].value) for row in rows}

    def __len__(self) -> int:
        return sum(self.graph_sizes(self.named_graphs()).values())

    def quads(self, graph: str | None = None) -> Iterable[ox.Quad]:
        names = [graph] if graph else self.named_graphs()
        query = self._queries.get("graph-triples")
        expected = self.graph_sizes(names)
        for name in names:
            triples = self._graph(query.sparql, query.bind({"graph": name}), [name])
            if len(triples) < expected.get(name, 0):
                raise StoreUnavailable(f"the endpoint {self.endpoint.query_url} returned {len(triples)} of the "
                                       f"{expected[name]} triples in <{name}>: it cuts results off (Virtuoso: "
                                       f"raise ResultSetMaxRows in the [SPARQL] section of virtuoso.ini)")
            graph_name = ox.NamedNode(name)
            for t in triples:
                yield ox.Quad(t.subject, t.predicate, t.object, graph_name)

    # -- queries -------------------------------------------------------------------------

    def query(self, sparql: str, *, substitutions: Mapping[str, object] | None = None,
              default_graph_uris: list[str] | None = None,
              named_graph_uris: list[str] | None = None, base_iri: str | None = None):
        shape = check_query(sparql, substitutions, base_iri)  # in a confined worker, not here
        text = bind_values(sparql, substitutions)
        if base_iri:
            # The SPARQL protocol has no base parameter: a BASE in the prologue is the only
            # way to tell another endpoint. The IRI was checked (ox.NamedNode) by the caller,
            # and a query's own BASE, later in the prologue, still wins.
            text = f"BASE <{ox.NamedNode(base_iri).value}> {text}"
        if default_graph_uris or named_graph_uris or not shape.own_dataset:
            ours = self.named_graphs()
            default_graphs = [g.value for g in graph_names(default_graph_uris or ours, "default-graph-uri")]
            named_graphs = [g.value for g in graph_names(named_graph_uris or ours, "named-graph-uri")]
        else:
            default_graphs, named_graphs = [], []  # the query's own FROM / FROM NAMED apply
        if shape.form == GRAPH:
            return self._graph(text, {}, default_graphs, named_graphs)
        return self._solutions(text, shape, default_graphs, named_graphs)

    def _solutions(self, text: str, shape: QueryShape, default_graphs, named_graphs):
        response = self.endpoint.query(text, RESULTS_JSON, default_graphs, named_graphs)
        _check_not_truncated(response, self.endpoint.query_url)
        try:
            return solutions_from_json(response.content, shape)
        except (SyntaxError, ValueError) as exc:
            raise QueryError(f"the endpoint {self.endpoint.query_url} sent results that are not SPARQL JSON: "
                             f"{exc}") from None

    def _graph(self, sparql: str, substitutions, default_graphs, named_graphs=None) -> Triples:
        text = bind_values(sparql, substitutions)
        response = self.endpoint.query(text, N_TRIPLES, default_graphs, named_graphs or default_graphs)
        _check_not_truncated(response, self.endpoint.query_url)
        fmt = rdf_format_for_media_type(response.headers.get("content-type", N_TRIPLES)) or ox.RdfFormat.N_TRIPLES
        try:
            return Triples(q.triple for q in ox.parse(response.content, format=fmt))
        except SyntaxError as exc:
            raise QueryError(f"the endpoint {self.endpoint.query_url} sent a graph that does not parse as "
                             f"{fmt.name}: {exc}") from None

    def _select(self, sparql: str, substitutions, default_graphs, named_graphs) -> list[dict]:
        shape = check_query(sparql, substitutions)
        result = self._solutions(bind_values(sparql, substitutions), shape, default_graphs, named_graphs)
        variables = [v.value for v in result.variables]
        return [{v: row[v] for v in variables} for row in result]


def backend_queries(cfg: Settings) -> Registry:
    """The queries the remote backend itself runs (queries/backend/*.rq)."""
    return Registry.from_directory(cfg.queries_dir / "backend")


def _check_not_truncated(response, url: str) -> None:
    # Virtuoso answers at most ResultSetMaxRows rows and says so in this header only.
    limit = response.headers.get("x-sparql-maxrows")
    if limit:
        raise QueryError(f"the endpoint {url} cut the answer off at {limit} rows (Virtuoso: raise "
                         f"ResultSetMaxRows in the [SPARQL] section of virtuoso.ini)")
