"""The SPARQL 1.1 Graph Store HTTP Protocol at /store: data stewards publish plans, one
named graph each (`?graph=IRI`); `?default` (the union of all graphs) is read-only.

Reads need no token; writes (PUT replaces, POST adds, DELETE removes) need
`Authorization: Bearer <token>` (see beleidsgraaf.stewards) and pass the SHACL gate of
beleidsgraaf.publish, which this router only calls. /store/history lists, fetches and
restores earlier versions."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from beleidsgraaf import formats, publish
from beleidsgraaf.errors import RdfInputError, UserError
from beleidsgraaf.formats import FORM_URLENCODED, GRAPH_TYPES, JSON, MULTIPART_FORM, TURTLE
from beleidsgraaf.publish_cli import checked_graph_iri
from beleidsgraaf.published import PublishedArea
from beleidsgraaf.results import serialize_triples
from beleidsgraaf.stewards import NotAuthenticated, NotAuthorised, WritesDisabled, authorise, configured_stewards

from .service import Service, service
from .errors import ApiError, UnsupportedMediaType, error_response
from .negotiation import negotiate
from .openapi_responses import BODY_ERRORS, error, ok

if TYPE_CHECKING:  # annotations only: the server answers SPARQL without rdflib
    from beleidsgraaf.validation import ValidationReport

router = APIRouter(tags=["Publiceren (Graph Store Protocol)"])

GRAPH_PARAMS = [
    {"name": "graph", "in": "query", "schema": {"type": "string", "format": "iri"},
     "description": "the named graph (one per plan), e.g. https://w3id.org/beleidsgraaf/graph/voorbeeld/plan"},
    {"name": "default", "in": "query", "schema": {"type": "string"},
     "description": "the default graph (the union of all graphs); read-only"},
]
WRITE_ERRORS = {
    401: error("geen of een onbekende sleutel (Authorization: Bearer)"),
    403: error("deze steward mag deze graaf niet schrijven, of het is een meegeleverde graaf"),
    405: error("schrijven is uitgeschakeld (geen sleutel ingesteld) of de standaardgraaf is alleen-lezen"),
    412: error("If-Match noemt niet de huidige versie: de graaf is intussen gewijzigd"),
    **BODY_ERRORS,
}
RDF_BODY = {"requestBody": {"required": True, "content": {
    media: {"schema": {"type": "string"}} for media in GRAPH_TYPES}}}
# POST also takes several RDF documents at once: a multipart/form-data body, one per part.
MULTIPART_RDF_BODY = {"requestBody": {"required": True, "content": {
    **RDF_BODY["requestBody"]["content"],
    MULTIPART_FORM: {"schema": {"type": "object", "additionalProperties": {"type": "string", "format": "binary"},
                                "description": "one RDF document per part, each with its own Content-Type"}}}}}
REPORT_NOTE = (" A violation of the shapes gives 422 with the SHACL report of /validate (conforms, counts, "
               "results; Turtle by Accept) beside status, error and message; nothing is written.")
REPORT_OFFERS = [JSON, TURTLE]


class Conflict(ApiError):
    status, title = 412, "Versie gewijzigd"


@router.head("/store", include_in_schema=False)
@router.get("/store", summary="Een graaf ophalen (Graph Store Protocol)",
            response_class=Response, responses=ok(*GRAPH_TYPES, JSON),
            description="With ?graph=IRI: the graph's triples, with its ETag when it is a published "
                        "graph. With ?default: every triple. Without either: the published graphs as JSON.",
            openapi_extra={"parameters": GRAPH_PARAMS})
async def get_graph(request: Request):
    c = service(request)
    target = _target(request)
    if target is None:
        return JSONResponse({"graphs": await run_in_threadpool(_published_list, c)})
    media = negotiate(request, GRAPH_TYPES)
    graph = None if target == "default" else target
    if graph is not None and graph not in c.store.named_graphs():
        raise _NotFoundGraph(graph)
    triples = await run_in_threadpool(lambda: [q.triple for q in c.store.quads(graph)])
    headers = {}
    if graph is not None:
        current = _area(c).current(graph)
        if current is not None and not current.deleted:
            headers["ETag"] = current.etag
    body = serialize_triples(triples, formats.rdf_format_for_media_type(media))
    return Response(b"" if request.method == "HEAD" else body, media_type=media, headers=headers)


@router.put("/store", summary="Een graaf vervangen of aanmaken", response_class=Response, status_code=204,
            responses={201: {"description": "aangemaakt"}, 204: {"description": "vervangen"}, **WRITE_ERRORS},
            description="Replaces the graph (If-Match: its ETag, If-None-Match: * for new graphs only)." + REPORT_NOTE,
            openapi_extra={"parameters": GRAPH_PARAMS, **RDF_BODY})
async def put_graph(request: Request):
    return await _write(request, merge=False)


@router.post("/store", summary="Triples aan een graaf toevoegen", response_class=Response, status_code=204,
             responses={201: {"description": "aangemaakt"}, 204: {"description": "aangevuld"}, **WRITE_ERRORS},
             description="Adds the triples to the graph (the whole is validated). A multipart/form-data body "
                         "(one RDF document per part, each with its Content-Type) adds all parts as one write."
                         + REPORT_NOTE,
             openapi_extra={"parameters": GRAPH_PARAMS, **MULTIPART_RDF_BODY})
async def post_graph(request: Request):
    return await _write(request, merge=True)


@router.delete("/store", summary="Een graaf verwijderen", response_class=Response, status_code=204,
               responses={204: {"description": "verwijderd"}, **WRITE_ERRORS},
               openapi_extra={"parameters": GRAPH_PARAMS})
async def delete_graph(request: Request):
    c = service(request)
    graph = _writable_target(request)
    try:
        steward = authorise(request.headers.get("authorization"), graph, configured_stewards(c.settings))
        version = await run_in_threadpool(lambda: publish.delete(
            graph, steward=steward.name, if_match=request.headers.get("if-match"), store=c.store,
            area=_area(c), cfg=c.settings))
    except UserError as exc:
        return _refusal(request, exc)
    _after_accepted_write(c, graph)
    return Response(status_code=204, headers={"ETag": version.etag})


@router.get("/store/history", summary="Eerdere versies van een gepubliceerde graaf", response_class=Response,
            responses=ok(JSON, *GRAPH_TYPES),
            description="Without version: the versions with their PROV-O record (who, when, file hash, "
                        "shapes). With version=N: that version's triples.",
            openapi_extra={"parameters": [GRAPH_PARAMS[0], {"name": "version", "in": "query",
                                                            "schema": {"type": "integer", "minimum": 1}}]})
async def history(request: Request):
    c = service(request)
    graph = _writable_target(request)
    number = _version_param(request)
    if number is None:
        versions = await run_in_threadpool(publish.history, graph, _area(c), c.settings)
        if not versions:
            raise _NotFoundGraph(graph)
        return JSONResponse({"graph": graph, "versions": versions})
    media = negotiate(request, GRAPH_TYPES)
    quads = _area(c).read(graph, number)
    if quads is None:
        raise _NotFoundGraph(graph, f"versie {number} van <{graph}> bestaat niet of is een verwijdering")
    body = serialize_triples([q.triple for q in quads], formats.rdf_format_for_media_type(media))
    return Response(body, media_type=media)


@router.post("/store/restore", summary="Een eerdere versie terugzetten", response_class=Response,
             responses={204: {"description": "teruggezet"}, **WRITE_ERRORS},
             description="graph and version in the query string or as a form (an HTML button)." + REPORT_NOTE,
             openapi_extra={"parameters": [GRAPH_PARAMS[0], {"name": "version", "in": "query",
                                                             "schema": {"type": "integer", "minimum": 1}}],
                            "requestBody": {"content": {FORM_URLENCODED: {"schema": {
                                "type": "object", "properties": {"graph": {"type": "string"},
                                                                 "version": {"type": "integer"}}}}}}})
async def restore(request: Request):
    c = service(request)
    form = await request.form() if request.headers.get("content-type", "").startswith(
        FORM_URLENCODED) else {}
    graph = _writable_target(request, form.get("graph"))
    number = _version_param(request, form.get("version"))
    if number is None:
        raise ApiError("geef ?version=N: het nummer van de versie om terug te zetten (zie /store/history)")
    try:
        steward = authorise(request.headers.get("authorization"), graph, configured_stewards(c.settings))
        outcome = await run_in_threadpool(lambda: publish.restore(
            graph, number, steward=steward.name, store=c.store, area=_area(c), cfg=c.settings,
            sandbox=c.validation_sandbox))
    except UserError as exc:
        return _refusal(request, exc)
    _after_accepted_write(c, graph)
    return Response(status_code=204, headers={"ETag": outcome.version.etag})


# -- writing ---------------------------------------------------------------------------------

async def _write(request: Request, *, merge: bool) -> Response:
    c = service(request)
    data = await request.body()  # first, so the body limit holds for every request
    graph = _writable_target(request)
    try:
        steward = authorise(request.headers.get("authorization"), graph, configured_stewards(c.settings))
    except UserError as exc:
        return _refusal(request, exc)
    media_type = _body_media_type(request, merge=merge)
    try:
        parts = await _multipart_parts(request) if merge else ()
        # Parsing and SHACL run in the validation sandbox (time, memory and triple limits:
        # 413/422/504 as for /validate); this process never parses the upload.
        # No validation place is taken: writes take turns under the published area's lock,
        # so at most one validates at a time, and a waiting write must not hold a place /validate needs.
        outcome = await run_in_threadpool(lambda: publish.publish(
            graph, data, steward=steward.name, media_type=None if parts else media_type, parts=parts,
            merge=merge, if_match=request.headers.get("if-match"),
            if_none_match=request.headers.get("if-none-match"),
            store=c.store, area=_area(c), cfg=c.settings, sandbox=c.validation_sandbox))
    except RdfInputError as exc:
        where = f"regel {exc.line}" + (f", kolom {exc.column}" if exc.column else "") if exc.line else None
        return error_response(request, 400, "RDF niet leesbaar", f"{where + ': ' if where else ''}{exc.reason}",
                              extra={"line": exc.line, "column": exc.column})
    except UserError as exc:
        return _refusal(request, exc)
    _after_accepted_write(c, graph)
    headers = {"ETag": outcome.version.etag}
    if outcome.created:
        return JSONResponse({"graph": graph, "version": outcome.version.number, "triples": outcome.triples},
                            status_code=201, headers={**headers, "Location": "/store?" + urlencode({"graph": graph})})
    return Response(status_code=204, headers=headers)


def _refusal(request: Request, exc: UserError) -> Response:
    if isinstance(exc, publish.Rejected):
        return _report(request, exc.report)
    if isinstance(exc, WritesDisabled):
        return error_response(request, 405, "Schrijven uitgeschakeld", str(exc), headers={"Allow": "GET, HEAD"})
    if isinstance(exc, NotAuthenticated):
        return error_response(request, 401, "Sleutel vereist", str(exc),
                              headers={"WWW-Authenticate": 'Bearer realm="beleidsgraaf"'})
    if isinstance(exc, (NotAuthorised, publish.ProtectedGraph)):
        return error_response(request, 403, "Niet toegestaan", str(exc))
    if isinstance(exc, publish.PreconditionFailed):
        headers = {"ETag": exc.current.etag} if exc.current and not exc.current.deleted else None
        return error_response(request, 412, "Versie gewijzigd", str(exc), headers=headers)
    if isinstance(exc, publish.UnknownVersion):
        return error_response(request, 404, "Niet gevonden", str(exc))
    raise exc  # the app's handler gives every other error its own status (e.g. 503 when busy)


def _report(request: Request, report: ValidationReport) -> Response:
    """The same report /validate gives, with 422 (and, in JSON, the fields of every error
    answer beside it): nothing was written."""
    media = negotiate(request, REPORT_OFFERS)
    if media == TURTLE:
        return Response(report.as_turtle(), media_type=TURTLE, status_code=422)
    body = {"status": 422, "error": "Voldoet niet aan de vormen",
            "message": f"niet gepubliceerd, er is niets gewijzigd: {report.summary_nl()}", **json.loads(report.as_json())}
    return JSONResponse(body, status_code=422)


async def _multipart_parts(request: Request) -> tuple[tuple[bytes, str, str], ...]:
    """A POST may send multipart/form-data with one RDF document per part (Graph Store
    Protocol, section 5.5): all parts are added, as one write. Each part as (bytes, media
    type, name), for the sandbox to parse; () for any other body."""
    if _media_type(request.headers.get("content-type", "")) != formats.MULTIPART_FORM:
        return ()
    files = [v for v in (await request.form()).values() if not isinstance(v, str)]
    if not files:
        raise ApiError("multipart/form-data zonder bestanden; stuur elk RDF-document als een bestand "
                       "met zijn eigen Content-Type")
    return tuple([(await part.read(), _checked_media_type(part.content_type or ""), part.filename or "invoer")
                  for part in files])


def _media_type(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def _body_media_type(request: Request, *, merge: bool) -> str:
    """The upload's media type by its Content-Type (Turtle when none is given); multipart
    bodies (POST only) are checked part by part."""
    content_type = _media_type(request.headers.get("content-type", ""))
    if content_type == formats.MULTIPART_FORM and merge:
        return content_type
    return _checked_media_type(content_type)


def _checked_media_type(content_type: str) -> str:
    """Any media type oxigraph knows for an RDF format will do (415 for another)."""
    fmt = formats.rdf_format_for_media_type(_media_type(content_type) or TURTLE)
    if fmt is None:
        raise UnsupportedMediaType(f"kan '{content_type}' niet lezen; stuur {formats.listed(formats.GRAPH_FORMATS)}")
    return fmt.media_type


# -- parameters ------------------------------------------------------------------------------

class _NotFoundGraph(ApiError):
    status, title = 404, "Niet gevonden"

    def __init__(self, graph: str, message: str | None = None):
        super().__init__(message or f"graaf <{graph}> bestaat hier niet; GET /store zonder parameters toont de "
                                    "gepubliceerde grafen")


def _target(request: Request, form_graph=None) -> str | None:
    """The graph IRI, "default" for ?default, or None when neither is given."""
    params = request.query_params
    if "default" in params and "graph" in params:
        raise ApiError("geef ?graph=IRI of ?default, niet beide")
    if "default" in params:
        return "default"
    # An empty ?graph= is a graph IRI left out by mistake, not a request for the list.
    graph = params["graph"] if "graph" in params else form_graph
    if graph is None:
        return None
    return _checked_iri(graph)


def _writable_target(request: Request, form_graph=None) -> str:
    target = _target(request, form_graph)
    if target == "default":
        raise _ReadOnlyDefault()
    if target is None:
        raise ApiError("geef ?graph=IRI: de graaf (één per plan) om te lezen of te schrijven, bijv. "
                       "?graph=https://w3id.org/beleidsgraaf/graph/voorbeeld/plan-2026")
    return target


def _checked_iri(value: str) -> str:
    try:
        return checked_graph_iri(value, "graph")
    except UserError as exc:
        raise ApiError(str(exc)) from None


def _version_param(request: Request, form_version=None) -> int | None:
    raw = request.query_params.get("version") or form_version
    if raw is None:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise ApiError(f"version '{raw}' is geen versienummer; geef een geheel getal vanaf 1")
    return int(raw)


class _ReadOnlyDefault(ApiError):
    status, title = 405, "Alleen lezen"

    def __init__(self):
        super().__init__("de standaardgraaf (?default) is de vereniging van alle grafen en alleen te lezen; "
                         "schrijf een eigen graaf met ?graph=IRI", headers={"Allow": "GET, HEAD"})


# -- helpers -----------------------------------------------------------------------------------

def _area(c: Service) -> PublishedArea:
    return PublishedArea.default(c.settings)


def _published_list(c: Service) -> list[dict]:
    area = _area(c)
    return [{"graph": g, "version": area.current(g).number, "etag": area.current(g).etag,
             "history": "/store/history?" + urlencode({"graph": g})} for g in area.graphs()]


def _after_accepted_write(c: Service, graph: str) -> None:
    """What follows the data: the search index reads the graph again, and dumps, the VoID
    description and the validation reference data, computed from the old data, are forgotten (the
    shapes did not change; canned-query answers are cached per store version already)."""
    c.index().update_graph(c.store, graph, c.settings)
    for key in [k for k in c.cache if k != "shapes_store"]:
        del c.cache[key]
