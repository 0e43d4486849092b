"""How /sparql reads a request the way SPARQL clients send it: a relative IRI in a query is
resolved against the endpoint's URL, and the format hints clients add (SPARQLWrapper sends
`format=`, `output=` and `results=` next to its Accept header; older YASGUI `output=`) only
pick a format when they name one we can give for this result, otherwise the Accept header
decides (a hint never causes a 406 the Accept header could have avoided)."""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import Request

from beleidsgraaf import formats

from .errors import ApiError, UnsupportedMediaType

FORMAT_HINT_PARAMETERS = ("format", "output", "results")
QUERY_MISSING = ("the query is missing: a POST with Content-Type application/sparql-query carries the "
                 "query as its body (or send a form with a 'query' field, or GET /sparql?query=...)")


def endpoint_base(endpoint_url: str) -> str | None:
    """The endpoint's URL as the base IRI of a query, as the SPARQL 1.1 Protocol's reference
    servers resolve relative IRIs (`<s>` becomes `<http://host/s>`). It is given to the
    engine as its base_iri option, never written into the query: a query's own BASE still
    wins, and line and column numbers in syntax errors stay the user's.

    The URL comes partly from the request's Host header, so it is parsed as an IRI first: a
    value that is not exactly one IRI (a '>' or a space in it) gives no base, and a relative
    IRI in the query is a syntax error as before."""
    try:
        return ox.NamedNode(endpoint_url).value
    except ValueError:
        return None


def format_hint(request: Request, offers: list[str], form: dict | None = None) -> str:
    """The first format hint that names one of `offers`, or "" (let the Accept header decide)."""
    for name in FORMAT_HINT_PARAMETERS:
        for value in _hint_values(request, name, form):
            if formats.media_type_named(value) in offers:
                return value
    return ""


def _hint_values(request: Request, name: str, form: dict | None) -> list[str]:
    values = list(request.query_params.getlist(name))
    if form is not None and hasattr(form, "getlist"):
        values += [v for v in form.getlist(name) if isinstance(v, str)]
    return [v.strip() for v in values if v.strip()]


def require_utf8(content_type: str) -> None:
    """The protocol's query and update bodies are UTF-8; a body declared otherwise is refused
    rather than misread (W3C protocol test bad_query_non_utf8)."""
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        charset = value.strip().strip('"').lower()
        if name.strip().lower() == "charset" and charset not in ("utf-8", "utf8"):
            raise UnsupportedMediaType(f"the query must be sent as UTF-8, not charset={charset}; "
                                       "send Content-Type application/sparql-query; charset=UTF-8")


def require_query_body(text: str) -> str:
    """A direct POST must carry a query: an empty body is a missing query, not an update."""
    if not text.strip():
        raise ApiError(QUERY_MISSING)
    return text
