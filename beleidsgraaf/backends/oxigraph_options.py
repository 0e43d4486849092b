"""The keyword options for pyoxigraph's Store.query, shared by the in-process store and the
query workers (this module stays light: worker processes import it)."""

from __future__ import annotations

from typing import Mapping

import pyoxigraph as ox

from ..errors import QueryError
from .values import has_dataset_clause


def query_options(sparql: str, substitutions: Mapping[str, object] | None = None,
                  default_graph_uris: list[str] | None = None,
                  named_graph_uris: list[str] | None = None, base_iri: str | None = None) -> dict:
    options: dict = {"substitutions": {ox.Variable(k): v for k, v in (substitutions or {}).items()}}
    if base_iri:
        options["base_iri"] = base_iri  # relative IRIs resolve against it; a query's own BASE wins
    if default_graph_uris:
        options["default_graph"] = graph_names(default_graph_uris, "default-graph-uri")
    elif not has_dataset_clause(sparql):
        # The union default graph; a query's own FROM / FROM NAMED otherwise apply
        # (Oxigraph would let this option override them).
        options["use_default_graph_as_union"] = True
    if named_graph_uris:
        options["named_graphs"] = graph_names(named_graph_uris, "named-graph-uri")
    return options


def graph_names(uris: list[str], parameter: str) -> list[ox.NamedNode]:
    """Graph IRIs a caller named (SPARQL Protocol), checked: a bad one is the caller's error."""
    names = []
    for uri in uris:
        try:
            names.append(ox.NamedNode(uri))
        except ValueError as exc:
            raise QueryError(f"{parameter} '{uri}' is not an absolute IRI: {exc}") from None
    return names
