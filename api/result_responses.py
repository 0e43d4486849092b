"""A query result as a response: SPARQL results formats, RDF formats, or an HTML table."""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import Response

from beleidsgraaf.results import is_graph_result, serialize_solutions, serialize_triples

from .negotiation import GRAPH_KEYS, GRAPH_TYPES, HTML, RESULT_KEYS, RESULT_TYPES, negotiate

SELECT_OFFERS = RESULT_TYPES + [HTML]
GRAPH_OFFERS = GRAPH_TYPES + [HTML]
CHARSET_TYPES = {"text/csv", "text/tab-separated-values", "text/turtle", "application/n-triples"}


def offers_for(result) -> list[str]:
    return GRAPH_OFFERS if is_graph_result(result) else SELECT_OFFERS


def choose_media(request: Request, result, format_param: str | None = None) -> str:
    return negotiate(request, offers_for(result), format_param=format_param)


def serialized(result, media: str) -> Response:
    """The result in a machine format (`media` must not be HTML)."""
    if is_graph_result(result):
        body = serialize_triples(result, GRAPH_KEYS[media])
    else:
        body = serialize_solutions(result, RESULT_KEYS[media])
    content_type = media + ("; charset=utf-8" if media in CHARSET_TYPES else "")
    return Response(body, media_type=content_type, headers={"Vary": "Accept"})


def table(result) -> dict:
    """Template data for an HTML rendering: a table of terms, a yes/no, or triples."""
    if isinstance(result, ox.QueryBoolean):
        return {"kind": "boolean", "value": bool(result)}
    if is_graph_result(result):
        rows = [[t.subject, t.predicate, t.object] for t in result]
        return {"kind": "graph", "variables": ["subject", "predicate", "object"], "rows": rows}
    variables = [v.value for v in result.variables]
    rows = [[solution[v] for v in variables] for solution in result]
    return {"kind": "table", "variables": variables, "rows": rows}
