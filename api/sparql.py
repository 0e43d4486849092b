"""The SPARQL 1.1 Protocol endpoint at /sparql: read-only queries by GET and POST, a
service description when no query is given, and a query page for browsers."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from beleidsgraaf import formats
from beleidsgraaf.formats import FORM_TYPES, FORM_URLENCODED, GRAPH_TYPES, HTML, SPARQL_QUERY, SPARQL_UPDATE
from beleidsgraaf.namespaces import FORMATS, SD
from beleidsgraaf.sparql_syntax import decode_query

from .result_responses import SELECT_OFFERS, choose_media, offers_for, serialized, table
from .service import service
from .errors import ApiError, Forbidden, NotAcceptable, UnsupportedMediaType
from .negotiation import negotiate
from .protocol import endpoint_base, format_hint, require_query_body, require_utf8
from .openapi_responses import BODY_ERRORS, FORBIDDEN, SPARQL_ANSWERS

if TYPE_CHECKING:
    from rdflib import Graph

router = APIRouter(tags=["SPARQL"])

UPDATE_REASON = ("SPARQL Update is not accepted here: this endpoint is read-only. "
                 "Change data by editing data/ and running 'beleidsgraaf build'.")
EXAMPLE_NAMES = ["actions-for-goal", "who-delivers", "actions-by-deadline", "laws-cited"]

# An absolute IRI as graph names are: a scheme, then the characters of a URI (RFC 3986) with
# anything else %-encoded. The OpenAPI document and the check below use the same pattern.
ABSOLUTE_IRI = r"^[A-Za-z][A-Za-z0-9+.-]*:(?:%[0-9A-Fa-f]{2}|[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=-])*$"
# An empty value is allowed and skipped: HTML forms send fields left blank.
GRAPH_IRIS = {"type": "array", "items": {"type": "string", "pattern": "^$|" + ABSOLUTE_IRI}}
FORMAT_HINT = {"type": "string", "description": "json, xml, csv, tsv, ttl, nt, jsonld, rdf or html; a value "
               "that names no format for this result is ignored and the Accept header decides"}
PROTOCOL_DOC = {
    "parameters": [
        {"name": "query", "in": "query", "schema": {"type": "string", "minLength": 1},
         "description": "SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE); relative IRIs resolve against "
                        "this endpoint's URL. Without it: the service description (RDF) or the query page (HTML)."},
        {"name": "default-graph-uri", "in": "query", "schema": GRAPH_IRIS,
         "description": "graph(s) forming the default graph (default: the union of all graphs)"},
        {"name": "named-graph-uri", "in": "query", "schema": GRAPH_IRIS,
         "description": "graph(s) available to GRAPH"},
        {"name": "format", "in": "query", "schema": FORMAT_HINT,
         "description": "result format, instead of an Accept header (" + FORMAT_HINT["description"] + ")"},
        {"name": "output", "in": "query", "schema": FORMAT_HINT, "description": "the same as format (YASGUI)"},
        {"name": "results", "in": "query", "schema": FORMAT_HINT, "description": "the same as format (SPARQLWrapper)"},
    ],
}
QUERY_FORM = {"type": "object", "required": ["query"], "properties": {
    "query": {"type": "string", "minLength": 1}, "default-graph-uri": GRAPH_IRIS,
    "named-graph-uri": GRAPH_IRIS, "format": FORMAT_HINT, "output": FORMAT_HINT, "results": FORMAT_HINT}}


@router.get("/sparql", summary="SPARQL 1.1 query (GET)", openapi_extra=PROTOCOL_DOC, response_class=Response,
            responses={**SPARQL_ANSWERS, **FORBIDDEN})
def sparql_get(request: Request):
    params = request.query_params
    if "update" in params:
        raise Forbidden(UPDATE_REASON)
    queries = params.getlist("query")
    if not queries:
        _graph_iris("default-graph-uri", params.getlist("default-graph-uri"))  # a bad one is still an error
        _graph_iris("named-graph-uri", params.getlist("named-graph-uri"))
        return _service_description_or_page(request)
    return _execute(request, _single(queries), params.getlist("default-graph-uri"),
                    params.getlist("named-graph-uri"))


@router.post("/sparql", summary="SPARQL 1.1 query (POST: form or application/sparql-query)", response_class=Response,
             responses={**SPARQL_ANSWERS, **FORBIDDEN, **BODY_ERRORS},
             openapi_extra={"parameters": PROTOCOL_DOC["parameters"][1:], "requestBody": {
                 "required": True, "content": {
                     SPARQL_QUERY: {"schema": {"type": "string", "minLength": 1}},
                     FORM_URLENCODED: {"schema": QUERY_FORM}}}})
async def sparql_post(request: Request):
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    url_params = request.query_params
    if content_type == SPARQL_UPDATE:
        raise Forbidden(UPDATE_REASON)
    if content_type == SPARQL_QUERY:
        require_utf8(request.headers.get("content-type", ""))
        text = require_query_body(decode_query(await request.body()))
        # Queries run in the thread pool, as for GET, so the event loop stays free.
        return await run_in_threadpool(_execute, request, text, url_params.getlist("default-graph-uri"),
                                       url_params.getlist("named-graph-uri"))
    if content_type in FORM_TYPES:
        form = await request.form()
        if "update" in form:
            raise Forbidden(UPDATE_REASON)
        queries = form.getlist("query")
        if not queries:
            raise ApiError("the form holds no 'query' field")
        return await run_in_threadpool(_execute, request, _single(queries),
                                       form.getlist("default-graph-uri") or url_params.getlist("default-graph-uri"),
                                       form.getlist("named-graph-uri") or url_params.getlist("named-graph-uri"),
                                       form)
    raise UnsupportedMediaType(f"POST to /sparql needs Content-Type application/sparql-query or "
                               f"application/x-www-form-urlencoded, not '{content_type or 'none'}'")


def _single(queries: list[str]) -> str:
    if len(queries) > 1:
        raise ApiError("give exactly one 'query' parameter")
    if not queries[0].strip():
        raise ApiError("the 'query' parameter is empty")
    return queries[0]


def _execute(request: Request, text: str, default_graphs: list[str], named_graphs: list[str],
             form=None) -> Response:
    base = endpoint_base(str(request.url_for("sparql_get")))
    default_graphs = _graph_iris("default-graph-uri", default_graphs)
    named_graphs = _graph_iris("named-graph-uri", named_graphs)
    with service(request).adhoc_slots.held():
        result = _evaluate(service(request).store, text, default_graphs, named_graphs, base,
                           _solutions_media(request, form))
    try:
        media = choose_media(request, result, format_param=format_hint(request, offers_for(result), form))
        if media == HTML:
            return _page(request, text, result=table(result))
        return serialized(result, media)
    finally:
        # Oxigraph results must be dropped on the thread that made them, not later by the GC.
        del result


def _evaluate(store, text: str, default_graphs: list[str], named_graphs: list[str], base: str | None,
              solutions_media: str | None = None):
    """The one path of an ad-hoc query. This process never reads the text: the store's
    worker checks it (updates and SERVICE refused, nesting bounded), parses and evaluates
    it under the time and memory limits, and explains a syntax error; it also writes a
    SELECT answer in `solutions_media`, the format the client takes for one. Ad-hoc
    answers are not cached (canned and page queries are)."""
    options = {"default_graph_uris": default_graphs or None, "named_graph_uris": named_graphs or None,
               "base_iri": base}
    if hasattr(store, "query_adhoc"):
        return store.query_adhoc(text, media=solutions_media, **options)
    return store.query(text, **options)


def _solutions_media(request: Request, form=None) -> str | None:
    """The machine format the client takes for a SELECT answer, or None (an HTML page, or
    a format it takes for graphs only: the form of the query is not known yet)."""
    try:
        media = negotiate(request, SELECT_OFFERS, format_param=format_hint(request, SELECT_OFFERS, form))
    except NotAcceptable:
        return None
    return None if media == HTML else media


def _graph_iris(parameter: str, values: list[str]) -> list[str]:
    """The graph IRIs given, without empty form fields; an invalid IRI is the client's error."""
    iris = [v.strip() for v in values if v.strip()]
    for iri in iris:
        try:
            if not re.match(ABSOLUTE_IRI, iri):
                raise ValueError("not an absolute IRI in URI characters; %-encode others")
            ox.NamedNode(iri)
        except ValueError as exc:
            raise ApiError(f"{parameter} '{iri[:80]}' is not a valid IRI ({exc}); give the full IRI of a graph, "
                           "e.g. https://w3id.org/beleidsgraaf/graph/...") from None
    return iris


def _service_description_or_page(request: Request) -> Response:
    offers = GRAPH_TYPES + [HTML]
    media = negotiate(request, offers, format_param=format_hint(request, offers))
    if media == HTML:
        example = request.query_params.get("example")
        return _page(request, _example_text(request, example))
    graph = service_description(request)
    return Response(graph.serialize(format=formats.rdflib_name(media)), media_type=media, headers={"Vary": "Accept"})


def service_description(request: Request) -> Graph:
    """An sd:Service: what this endpoint speaks and which graphs it holds."""
    from rdflib import BNode, Graph, Literal, URIRef  # here, not at import: the server starts without rdflib
    from rdflib.namespace import RDF

    g = Graph()
    g.bind("sd", SD)
    g.bind("format", FORMATS)
    endpoint = URIRef(str(request.url_for("sparql_get")))
    endpoint_node = BNode()
    g.add((endpoint_node, RDF.type, SD.Service))
    g.add((endpoint_node, SD.endpoint, endpoint))
    g.add((endpoint_node, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((endpoint_node, SD.feature, SD.UnionDefaultGraph))
    for fmt in (*formats.RESULTS_FORMATS, *formats.GRAPH_FORMATS):
        g.add((endpoint_node, SD.resultFormat, URIRef(formats.format_iri(fmt))))
    dataset = BNode()
    g.add((endpoint_node, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    default_graph = BNode()
    g.add((dataset, SD.defaultGraph, default_graph))
    g.add((default_graph, RDF.type, SD.Graph))
    store = service(request).store
    for name in store.named_graphs():
        named = BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
    g.add((endpoint_node, URIRef("http://purl.org/dc/terms/description"),
           Literal("Alleen-lezen SPARQL-endpoint van beleidsgraaf; de standaardgraaf is de vereniging van "
                   "alle benoemde grafen.", lang="nl")))
    return g


def _example_text(request: Request, name: str | None) -> str:
    c = service(request)
    if name and name in c.canned.names():
        return c.canned.get(name).sparql
    return c.internal.get("sparql-page-example").sparql


def _page(request: Request, text: str, result: dict | None = None) -> Response:
    registry = service(request).canned
    examples = [registry.get(n) for n in EXAMPLE_NAMES if n in registry.names()]
    return service(request).templates.TemplateResponse(request, "sparql.html", {
        "query": text, "result": result, "examples": examples, "title": "SPARQL"})
