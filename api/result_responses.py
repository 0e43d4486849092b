"""A query result as a response: SPARQL results formats, RDF formats, or an HTML table."""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import Response

from beleidsgraaf import formats
from beleidsgraaf.formats import GRAPH_TYPES, HTML, RESULT_TYPES
from beleidsgraaf.results import as_solutions, is_graph_result, serialize_result

from .negotiation import negotiate

SELECT_OFFERS = RESULT_TYPES + [HTML]
GRAPH_OFFERS = GRAPH_TYPES + [HTML]


def offers_for(result) -> list[str]:
    return GRAPH_OFFERS if is_graph_result(result) else SELECT_OFFERS


def choose_media(request: Request, result, format_param: str | None = None) -> str:
    return negotiate(request, offers_for(result), format_param=format_param)


def serialized(result, media: str) -> Response:
    """The result in a machine format (`media` must not be HTML)."""
    return body_response(serialize_result(result, media), media)


def body_response(body: bytes, media: str) -> Response:
    return Response(body, media_type=formats.content_type(media), headers={"Vary": "Accept"})


def answer(store, sparql: str, substitutions: dict, media: str) -> Response:
    """A canned or page query's answer in a machine format. A store that keeps serialised
    answers (the worker pool) hands out the bytes, so a repeated question costs neither a
    worker nor a serialiser; another store's result is serialised here."""
    as_bytes = getattr(store, "query_serialized", None)
    if as_bytes is not None:
        return body_response(as_bytes(sparql, media, substitutions=substitutions), media)
    result = store.query(sparql, substitutions=substitutions)
    try:
        return serialized(result, media)
    finally:
        del result  # Oxigraph results must be dropped on the thread that made them


def cached_answer(store, sparql: str, substitutions: dict, media: str) -> Response | None:
    """The answer if the store holds it serialised already (no worker, no serialiser: cheap
    enough for the event loop), else None."""
    lookup = getattr(store, "cached_serialized", None)
    body = lookup(sparql, media, substitutions=substitutions) if lookup is not None else None
    return body_response(body, media) if body is not None else None


def table(result) -> dict:
    """Template data for an HTML rendering: a table of terms, a yes/no, or triples."""
    if isinstance(result, ox.QueryBoolean):
        return {"kind": "boolean", "value": bool(result)}
    if is_graph_result(result):
        rows = [[t.subject, t.predicate, t.object] for t in result]
        return {"kind": "graph", "variables": ["subject", "predicate", "object"], "rows": rows}
    result = as_solutions(result)
    variables = [v.value for v in result.variables]
    rows = [[solution[v] for v in variables] for solution in result]
    return {"kind": "table", "variables": variables, "rows": rows}
