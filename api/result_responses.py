"""A query result as a response: SPARQL results formats, RDF formats, or an HTML table."""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import Response

from beleidsgraaf import formats
from beleidsgraaf.formats import GRAPH_TYPES, HTML, RESULT_TYPES
from beleidsgraaf.results import is_graph_result, serialize_solutions, serialize_triples

from .negotiation import negotiate

SELECT_OFFERS = RESULT_TYPES + [HTML]
GRAPH_OFFERS = GRAPH_TYPES + [HTML]


def offers_for(result) -> list[str]:
    return GRAPH_OFFERS if is_graph_result(result) else SELECT_OFFERS


def choose_media(request: Request, result, format_param: str | None = None) -> str:
    return negotiate(request, offers_for(result), format_param=format_param)


def serialized(result, media: str) -> Response:
    """The result in a machine format (`media` must not be HTML)."""
    if is_graph_result(result):
        body = serialize_triples(result, formats.rdf_format_for_media_type(media))
    else:
        body = serialize_solutions(result, formats.results_format_for_media_type(media))
    return Response(body, media_type=formats.content_type(media), headers={"Vary": "Accept"})


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
