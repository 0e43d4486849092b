"""SHACL validation for data stewards: a form page, and a POST API taking Turtle, JSON-LD,
N-Triples or RDF/XML (raw body, or a multipart/urlencoded form with a file or pasted
text). Reports as JSON, Turtle (sh:ValidationReport) or a readable Dutch HTML page."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from beleidsgraaf import formats
from beleidsgraaf.errors import ParameterError, RdfInputError, UserError
from beleidsgraaf.formats import FORM_TYPES, HTML, JSON, MULTIPART_FORM, SPREADSHEET, TURTLE, XLSX_SUFFIX
from beleidsgraaf.publish_cli import checked_graph_iri
from beleidsgraaf.rdfio import format_for
from beleidsgraaf.results import compact
from beleidsgraaf.convert import MappingError
from beleidsgraaf.validation_sandbox import Upload

from .service import Service, service
from .errors import ApiError, PayloadTooLarge, UnsupportedMediaType, error_response
from .negotiation import negotiate, wants_html
from .openapi_responses import BODY_ERRORS, HTML_PAGE, ok

if TYPE_CHECKING:  # annotations only: the server answers SPARQL without rdflib
    from beleidsgraaf.validation import ValidationReport

router = APIRouter(tags=["Validatie"])

REPORT_OFFERS = [JSON, TURTLE, HTML]
FORMAT_CHOICES = formats.upload_choices()
_STRING = {"schema": {"type": "string"}}
RDF_BODIES = {formats.media_type(f): {"schema": {"type": ["object", "array"]}} if f == ox.RdfFormat.JSON_LD
              else _STRING for f in formats.UPLOAD_FORMATS}  # a JSON-LD document is JSON

VALIDATE_DOC = {
    "parameters": [
        {"name": "alone", "in": "query", "schema": {"type": "boolean", "default": False},
         "description": "validate the input alone; by default it is validated together with the shipped data "
                        "and every published graph, so references to existing entities resolve"},
        {"name": "graph", "in": "query", "schema": {"type": "string", "format": "iri"},
         "description": "the published graph the input is a new version of: its current version is left out"},
        {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["", *FORMAT_CHOICES]},
         "description": "RDF format of the input when the Content-Type does not say"},
    ],
    "requestBody": {"content": {
        **RDF_BODIES,
        SPREADSHEET: {"schema": {"type": "string", "format": "binary"}},
        MULTIPART_FORM: {"schema": {"type": "object", "properties": {
            "file": {"type": "string", "format": "binary"}, "text": {"type": "string"},
            "format": {"type": "string", "enum": ["", *FORMAT_CHOICES]}, "alone": {"type": "boolean"},
            "source_text": {"type": "string", "format": "binary",
                            "description": "the plan's text: every bg:quote must be in it verbatim"}}}},
    }},
}


@router.get("/validate", summary="Validatieformulier (HTML)", response_class=Response, responses=HTML_PAGE)
def form_page(request: Request):
    c = service(request)
    return c.templates.TemplateResponse(request, "validate.html", {
        "title": "Valideren", "formats": FORMAT_CHOICES, "max_mb": c.max_upload_bytes / 1024 / 1024})


@router.post("/validate", summary="RDF valideren tegen de SHACL-vormen (met de ontologie)", response_class=Response,
             responses={**ok(*REPORT_OFFERS, description="validatierapport"), **BODY_ERRORS},
             description="Reply: JSON, Turtle (sh:ValidationReport) or HTML by Accept. 400 for unparseable "
                         "input (with line and column), 413 beyond the size limit (default 5 MB), 415 for an "
                         "unknown content type.", openapi_extra=VALIDATE_DOC)
async def validate(request: Request):
    c = service(request)
    # Here ?format= names the input's RDF syntax, so the report's format comes from Accept alone.
    media = negotiate(request, REPORT_OFFERS if not _browser_form(request) else [HTML] + REPORT_OFFERS,
                      format_param="")
    _check_declared_size(request, c)
    data, fmt_name, media_type, source, with_shipped = await _read_input(request, c)
    if not data.strip():
        raise ApiError("er is niets om te valideren: kies een bestand of plak RDF-tekst")
    spreadsheet = source.lower().endswith(XLSX_SUFFIX)
    texts = await _source_texts(request, c)
    upload = Upload(data, fmt_name, media_type, source, with_shipped,
                    replacing=_replaced_graph(request),
                    source_texts=tuple(texts.items()), spreadsheet=spreadsheet)
    # Parsing (or converting a spreadsheet) and SHACL run in a confined child process with
    # time and memory limits (see beleidsgraaf/validation_sandbox.py); this process only
    # waits, off the event loop, and only a few at a time.
    try:
        if not spreadsheet:
            format_for(fmt_name, path=source if not fmt_name and not media_type else None, media_type=media_type)
        async with c.validation_slots.taken():
            report = await run_in_threadpool(c.validation_sandbox.validate, upload)
    except RdfInputError as exc:
        return _parse_error(request, exc, data)
    except MappingError as exc:
        return error_response(request, 400, "Spreadsheet past niet bij het sjabloon",
                              f"{source}: " + "; ".join(exc.problems), extra={"problems": exc.problems})
    return _report_response(request, c, media, report, source, with_shipped)


def _replaced_graph(request: Request) -> str | None:
    """?graph=IRI: the published graph the input is a new version of (left out of the reference data)."""
    value = request.query_params.get("graph")
    if not value:
        return None
    try:
        return checked_graph_iri(value, "graph")
    except UserError as exc:
        raise ParameterError("graph", str(exc)) from None


async def _source_texts(request: Request, c: Service) -> dict[str, str]:
    """The plan's text uploaded beside the RDF (form field source_text): quotes must be in it."""
    if _content_type(request) not in FORM_TYPES:
        return {}
    form = await request.form(max_part_size=c.max_upload_bytes + 1)  # parsed once, cached by Starlette
    texts = {}
    for upload in form.getlist("source_text"):
        if isinstance(upload, str) or not upload.filename:
            continue
        try:
            texts[upload.filename] = (await upload.read(c.max_upload_bytes + 1)).decode("utf-8")
        except UnicodeDecodeError:
            raise ApiError(f"brontekst {upload.filename} is geen UTF-8-tekst; sla hem op als platte tekst "
                           "(UTF-8) en probeer het opnieuw") from None
    return texts


def _browser_form(request: Request) -> bool:
    return _content_type(request) in FORM_TYPES and wants_html(request)


def _content_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _check_declared_size(request: Request, c: Service) -> None:
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > c.max_upload_bytes:
        raise _too_large(c)


def _too_large(c: Service) -> PayloadTooLarge:
    return PayloadTooLarge(f"de invoer is groter dan {c.max_upload_bytes / 1024 / 1024:g} MB; "
                           "splits het bestand of valideer op de opdrachtregel (beleidsgraaf validate); een "
                           "beheerder kan de grens verhogen met BELEIDSGRAAF_MAX_UPLOAD_BYTES")


async def _read_limited(request: Request, c: Service) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > c.max_upload_bytes:
            raise _too_large(c)
        chunks.append(chunk)
    return b"".join(chunks)


async def _read_input(request: Request, c: Service) -> tuple[bytes, str | None, str | None, str, bool]:
    """(data, format name, media type, source name, with_shipped) from a form or a raw body."""
    content_type = _content_type(request)
    # With the existing data unless the caller asks for the input alone.
    with_shipped = not _truthy(request.query_params.get("alone"))
    fmt_name = request.query_params.get("format") or None
    if content_type in FORM_TYPES:
        form = await request.form(max_part_size=c.max_upload_bytes + 1)
        with_shipped = with_shipped and not _truthy(form.get("alone"))
        fmt_name = (form.get("format") or fmt_name) or None
        upload = form.get("file")
        if upload is not None and not isinstance(upload, str) and upload.filename:
            data = await upload.read(c.max_upload_bytes + 1)
            source = upload.filename
        else:
            data = str(form.get("text") or "").encode("utf-8")
            source = "geplakte tekst"
            fmt_name = fmt_name or "turtle"
        if len(data) > c.max_upload_bytes:
            raise _too_large(c)
        return data, fmt_name, None, source, with_shipped
    if content_type == SPREADSHEET:
        return await _read_limited(request, c), None, None, "invoer" + XLSX_SUFFIX, with_shipped
    fmt = formats.rdf_format_for_media_type(content_type, accepted=formats.UPLOAD_FORMATS) if content_type else None
    if content_type and fmt is None and not fmt_name:
        raise UnsupportedMediaType(f"kan '{content_type}' niet valideren; stuur "
                                   f"{formats.listed(formats.UPLOAD_FORMATS)}, of een formulier met een bestand")
    data = await _read_limited(request, c)
    media_type = formats.media_type(fmt) if fmt is not None and not fmt_name else None
    return data, fmt_name, media_type, "invoer", with_shipped


TRUE_WORDS = {"1", "true", "on", "yes", "ja"}
FALSE_WORDS = {"", "0", "false", "off", "no", "nee"}


def _truthy(value) -> bool:
    """A yes/no switch from a query parameter or form field; anything else is a client error."""
    text = str(value or "").strip().lower()
    if text not in TRUE_WORDS | FALSE_WORDS:
        raise ParameterError("alone", f"'{str(value)[:40]}' is not a yes/no value; use true or false")
    return text in TRUE_WORDS


def _parse_error(request: Request, exc: RdfInputError, data: bytes) -> Response:
    where = f"regel {exc.line}" + (f", kolom {exc.column}" if exc.column else "") if exc.line else None
    message = f"{exc.source}: {where + ': ' if where else ''}{exc.reason}"
    extra = {"line": exc.line, "column": exc.column}
    if wants_html(request) or _browser_form(request):
        excerpt = _excerpt(data, exc.line)
        return service(request).templates.TemplateResponse(request, "error.html", {
            "status": 400, "title": "RDF niet leesbaar", "message": message,
            "suggestion": "Verbeter de invoer op die plaats en probeer het opnieuw.", "extra": extra,
            "excerpt": excerpt}, status_code=400)
    return error_response(request, 400, "RDF niet leesbaar", message, extra=extra)


def _excerpt(data: bytes, line: int | None) -> list[tuple[int, str, bool]]:
    if not line:
        return []
    lines = data.decode("utf-8", errors="replace").splitlines()
    start = max(line - 3, 0)
    return [(i + 1, lines[i], i + 1 == line) for i in range(start, min(line + 2, len(lines)))]


def _report_response(request: Request, c: Service, media: str, report: ValidationReport,
                     source: str, with_shipped: bool) -> Response:
    status = 200
    if media == JSON:
        return Response(report.as_json(), media_type=JSON, status_code=status)
    if media == TURTLE:
        return Response(report.as_turtle(), media_type=TURTLE, status_code=status)
    groups = [{"focus": focus, "href": c.href(focus), "label": results[0].focus_label,
               "curie": compact(focus), "results": [{
                   "severity": r.severity, "path": compact(r.path) if r.path else None,
                   "path_href": c.href(r.path) if r.path else None, "value": r.value,
                   "message": r.message_nl, "location": r.location} for r in results]}
              for focus, results in report.by_focus_node().items()]
    return c.templates.TemplateResponse(request, "report.html", {
        "title": "Validatierapport", "report": report, "groups": groups, "source": source,
        "with_shipped": with_shipped, "counts": report.counts, "conforms": report.violations == 0})
