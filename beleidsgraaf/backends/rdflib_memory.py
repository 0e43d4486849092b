"""The rdflib backend: the shipped data in an in-memory rdflib Dataset, queried by rdflib's
own (pure Python) SPARQL engine. For small jobs and for checking that our queries are
plain SPARQL 1.1 that a second engine answers alike; too slow for large graphs.

The default graph is the union of the named graphs (`Dataset(default_union=True)`).
Parameters go in as rdflib `initBindings`, which the engine binds before evaluating (the
values are already checked Oxigraph terms, converted term by term, never text).
"""

from __future__ import annotations

import warnings
from typing import Iterable, Mapping

import pyoxigraph as ox
import rdflib.plugins.sparql
from pyparsing import ParseException
from rdflib import Dataset, Graph, URIRef

from ..settings import Settings, current_settings
from ..errors import QueryError
from ..rdflib_sparql import RDFLIB_SPARQL_LOCK
from ..rdfio import to_oxigraph, to_rdflib
from ..results import Triples
from .oxigraph_options import graph_names
from . import rdflib_fixes
from .syntax import GRAPH, check_query, solutions_from_json


MAX_VIEWS = 8


class RdflibStore:
    def __init__(self, dataset: Dataset):
        rdflib_fixes.apply()
        # rdflib would fetch a FROM graph it does not hold from the web: never from here.
        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
        self._dataset = dataset
        self._views: dict[tuple, Dataset] = {}
        # rdflib's Memory store is not safe for concurrent readers and writers; the API
        # only reads, but rdflib builds indexes lazily, so queries take turns.
        # rdflib's SPARQL grammar is shared by every thread (see rdflib_sparql).
        self._lock = RDFLIB_SPARQL_LOCK

    @classmethod
    def shipped(cls, cfg: Settings | None = None) -> "RdflibStore":
        from .oxigraph_store import Store

        # Through Oxigraph, so literals have the canonical lexical form Oxigraph stores
        # ("48" for "48.0"^^xsd:decimal) and every backend shows the same values.
        store = cls(Dataset(default_union=True))
        store.add_quads(Store.shipped(cfg or current_settings()).quads())
        return store

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        graphs: dict[str, Graph] = {}
        for q in quads:
            name = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else None
            if name not in graphs:
                graphs[name] = self._dataset.graph(URIRef(name)) if name else self._dataset.default_graph
            graphs[name].add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
        self._views.clear()

    def replace_graph(self, graph: str, quads: Iterable[ox.Quad]) -> None:
        """Make named graph `graph` hold exactly `quads` (a published graph going live)."""
        with self._lock:
            self._dataset.remove_graph(URIRef(graph))
            self.add_quads(ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(graph)) for q in quads)

    # -- reading -----------------------------------------------------------------------

    def __len__(self) -> int:
        return sum(len(self._graph(name)) for name in self.named_graphs())

    def named_graphs(self) -> list[str]:
        return sorted(str(g.identifier) for g in self._dataset.graphs()
                      if isinstance(g.identifier, URIRef) and g.identifier != self._dataset.default_graph.identifier
                      and len(g))

    def quads(self, graph: str | None = None) -> Iterable[ox.Quad]:
        names = [graph] if graph else self.named_graphs()
        for name in names:
            graph_name = ox.NamedNode(name)
            for s, p, o in self._graph(name):
                yield ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph_name)

    def query(self, sparql: str, *, substitutions: Mapping[str, object] | None = None,
              default_graph_uris: list[str] | None = None,
              named_graph_uris: list[str] | None = None, base_iri: str | None = None):
        shape = check_query(sparql, substitutions, base_iri)  # in a confined worker, not here
        bindings = {k: to_rdflib(v) for k, v in (substitutions or {}).items() if v is not None}
        dataset = self._view(default_graph_uris, named_graph_uris)
        try:
            with self._lock, warnings.catch_warnings():
                # rdflib's engine calls its own deprecated Dataset API; nothing for us to act on.
                warnings.simplefilter("ignore", DeprecationWarning)
                result = dataset.query(sparql, initBindings=bindings, base=base_iri)
                if shape.form == GRAPH:
                    return Triples(ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))
                                   for s, p, o in result.graph)
                data = result.serialize(format="json")
        except ParseException as exc:
            raise QueryError(f"malformed SPARQL query (rdflib's parser): {exc}") from None
        except Exception as exc:  # rdflib's engine raises many kinds; all mean "cannot evaluate"
            raise QueryError(f"cannot evaluate SPARQL query: {type(exc).__name__}: {exc}") from None
        return solutions_from_json(data, shape)

    # -- datasets for the protocol's default-graph-uri / named-graph-uri ----------------

    def _graph(self, name: str) -> Graph:
        return self._dataset.graph(URIRef(name))

    def _view(self, default_graph_uris: list[str] | None, named_graph_uris: list[str] | None) -> Dataset:
        """The dataset a query sees: the store itself, or (when the caller names graphs) a
        copy whose default graph merges the named default graphs and whose named graphs
        are only those asked for. Copies are small here and kept for reuse."""
        if not default_graph_uris and not named_graph_uris:
            return self._dataset
        defaults = [g.value for g in graph_names(default_graph_uris or self.named_graphs(), "default-graph-uri")]
        named = [g.value for g in graph_names(named_graph_uris or self.named_graphs(), "named-graph-uri")]
        key = (tuple(defaults), tuple(named))
        if key not in self._views:
            view = Dataset(default_union=False)
            for name in defaults:
                for triple in self._graph(name):
                    view.default_graph.add(triple)
            for name in named:
                graph = view.graph(URIRef(name))
                for triple in self._graph(name):
                    graph.add(triple)
            if len(self._views) >= MAX_VIEWS:  # callers choose the graph lists: bound the copies
                self._views.pop(next(iter(self._views)))
            self._views[key] = view
        return self._views[key]
