"""One SPARQL grammar for every backend: Oxigraph's parser checks each query first.

Backends other than Oxigraph would otherwise each accept and reject different things
(rdflib's grammar has gaps; Virtuoso takes its own extensions such as `define` pragmas
and runs updates sent as queries). Parsing with Oxigraph against an empty store gives the
same error messages everywhere and tells which result form to expect. SELECT and
CONSTRUCT results are lazy, so nothing is evaluated; ASK on an empty store is trivial.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Mapping

import pyoxigraph as ox

from .oxigraph_store import Store

SELECT, ASK, GRAPH = "SELECT", "ASK", "GRAPH"

_EMPTY = Store.in_memory()


@dataclass(frozen=True)
class QueryShape:
    form: str  # SELECT, ASK or GRAPH (CONSTRUCT or DESCRIBE)
    variables: tuple[str, ...] = ()  # SELECT: the projection in Oxigraph's order


def check_query(sparql: str, substitutions: Mapping[str, object] | None = None) -> QueryShape:
    """Raise QueryError for what Oxigraph would refuse; else the query's result form and,
    for SELECT, its variables in the order Oxigraph gives them (`SELECT *` included, so
    every backend answers with the same columns in the same order)."""
    from ..sparql_guard import check_query as refuse_updates_and_service

    refuse_updates_and_service(sparql)  # before the empty store below could make a SERVICE call
    result = _EMPTY.query(sparql, substitutions={k: v for k, v in (substitutions or {}).items() if v is not None})
    try:
        if isinstance(result, ox.QueryBoolean):
            return QueryShape(ASK)
        if isinstance(result, ox.QuerySolutions):
            return QueryShape(SELECT, tuple(v.value for v in result.variables))
        return QueryShape(GRAPH)
    finally:
        del result  # Oxigraph results must be dropped on the thread that made them


def solutions_from_json(data: bytes, shape: QueryShape):
    """SPARQL JSON results as pyoxigraph QuerySolutions / QueryBoolean, with the columns in
    `shape`'s order (engines order `SELECT *` differently)."""
    if shape.form == SELECT:
        document = json.loads(data)
        head = document.setdefault("head", {})
        present = head.get("vars") or []
        head["vars"] = list(shape.variables) + [v for v in present if v not in shape.variables]
        head.pop("link", None)
        data = json.dumps(document).encode("utf-8")
    return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
