"""Canned queries at /queries: the catalogue, and one operation per .rq file (as grlc does),
so the OpenAPI document and /docs list every question with its typed parameters."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

import pyoxigraph as ox

from beleidsgraaf.namespaces import expand
from beleidsgraaf.errors import ParameterError
from beleidsgraaf.formats import HTML, JSON
from beleidsgraaf.queries import MAX_OFFSET, MAX_PAGE_SIZE, CannedQuery, Registry
from beleidsgraaf.results import compact

from .dutch import display_literal

from .result_responses import GRAPH_OFFERS, SELECT_OFFERS, answer, cached_answer, table
from .service import NotRecalled, service
from .negotiation import short_names, negotiate
from .errors import NotAcceptable
from .openapi_responses import HTML_OR_JSON, error

router = APIRouter(tags=["Vragen"])

# JSON Schema for each parameter type, so /docs shows (and checks) the right input.
PARAM_SCHEMAS = {
    "iri": {"type": "string", "format": "uri"},
    "string": {"type": "string", "pattern": "^[^\\x00]*$"},  # a NUL cannot be in an RDF literal
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
    "date": {"type": "string", "format": "date"},
    "gYear": {"type": "string", "pattern": r"^-?\d{4}$"},
    "boolean": {"type": "boolean"},
}
RESERVED = {"format"}
# A form sends the name typed in an iri parameter's box as NAME-naam (the box's suggestions
# put the IRI itself in NAME; without script, the name is looked up in the search index).
NAME_SUFFIX = "-naam"


def describe(query: CannedQuery, request: Request) -> dict:
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "tags": list(query.tags),
        "form": query.query_form,
        "url": str(request.url_for(_route_name(query.name))),
        "parameters": [{"name": p.name, "type": p.type.name, "description": p.description,
                        "required": p.required, "default": p.default} for p in query.parameters],
    }


@router.get("/queries", summary="Catalogue of canned queries", response_class=Response, responses=HTML_OR_JSON,
            description="Every canned query with its title, description and parameters (JSON or HTML).")
def list_queries(request: Request):
    registry = service(request).canned
    media = negotiate(request, [JSON, HTML])
    if media == HTML:
        return service(request).templates.TemplateResponse(request, "queries.html", {
            "title": "Vragen", "queries": list(registry)})
    return JSONResponse([describe(q, request) for q in registry])


def add_query_operations(app: FastAPI, registry: Registry) -> None:
    """One GET operation per canned query, its OpenAPI parameters taken from the .rq header."""
    for query in registry:
        app.add_api_route(
            f"/queries/{query.name}", _endpoint_for(query), methods=["GET"], name=_route_name(query.name),
            operation_id=query.name.replace("-", "_"), tags=["Vragen"] + list(query.tags),
            summary=query.label("nl"), description=_description(query),
            openapi_extra={"parameters": _openapi_parameters(query)},
            responses={200: {"description": "resultaat", "content": {m: {} for m in _offers(query)}},
                       422: error("ontbrekende of ongeldige parameter (de melding noemt de parameter)")},
        )
    app.add_api_route("/queries/{name}", _unknown_query, methods=["GET"], include_in_schema=False)


def _route_name(name: str) -> str:
    return "query_" + name.replace("-", "_")


def _offers(query: CannedQuery) -> list[str]:
    return GRAPH_OFFERS if query.query_form in ("CONSTRUCT", "DESCRIBE") else SELECT_OFFERS


def _description(query: CannedQuery) -> str:
    parts = [query.description.get("nl", ""), query.description.get("en", "")]
    return "\n\n".join(p for p in parts if p) + f"\n\nSPARQL: `queries/{query.path.name}`"


def _openapi_parameters(query: CannedQuery) -> list[dict]:
    params = []
    for p in query.parameters:
        schema = _parameter_schema(query, p)
        if p.default is not None:
            schema["default"] = p.default
        params.append({"name": p.name, "in": "query", "required": p.required, "schema": schema,
                       "description": f"{p.description} ({p.type.name})".strip()})
    params.append({"name": "format", "in": "query", "required": False,
                   "schema": {"type": "string", "enum": ["", *short_names(_offers(query))]},
                   "description": "result format instead of an Accept header"})
    return params


def _parameter_schema(query: CannedQuery, parameter) -> dict:
    """The JSON Schema of a parameter as `CannedQuery.prepare` checks it: page bounds for a
    paged query's limit and offset, and, for an optional parameter, an empty value (what an
    HTML form sends for a field left blank) meaning 'not given'."""
    schema = dict(PARAM_SCHEMAS[parameter.type.name])
    if query.pagination and parameter.name == "limit":
        schema.update(minimum=1, maximum=MAX_PAGE_SIZE)
    elif query.pagination and parameter.name == "offset":
        schema.update(minimum=0, maximum=MAX_OFFSET)
    if parameter.required:
        return {**schema, "minLength": 1} if schema["type"] == "string" else schema
    return {"anyOf": [schema, {"type": "string", "maxLength": 0}]}


def _endpoint_for(query: CannedQuery):
    async def run_canned_query(request: Request) -> Response:
        # A request for a machine format is prepared once, here: a repeated question is
        # answered on the event loop from the cache, another goes to a worker from the
        # thread pool. Anything else (a form, a name to look up, a search the index does
        # not remember) takes the full path in the thread pool.
        prepared = _machine_request(request, query)
        if prepared is None:
            return await run_in_threadpool(run, request, query)
        store = service(request).store
        return cached_answer(store, *prepared) or await run_in_threadpool(answer, store, *prepared)

    run_canned_query.__doc__ = query.label("en")
    return run_canned_query


def run(request: Request, query: CannedQuery) -> Response:
    values = resolve_names(service(request), query, single_values(request))
    missing = _missing(query, values)
    if missing and _wants_html(request, query):
        # A person opening the form (linked from /queries) has not filled it in yet: no error.
        return service(request).templates.TemplateResponse(request, "query.html", {
            "title": query.label("nl"), "query": query, "values": values, "result": None, "pages": None,
            "labelled": None, "names": parameter_names(service(request), query, values), "missing": missing})
    # ParameterError -> 422 with the parameter named; a search query gets its matches from the index.
    sparql, substitutions = query.prepare(values, finder=service(request).find)
    # Pick the format before running, so a 406 costs nothing.
    media = negotiate(request, _offers(query))
    if media != HTML:
        return answer(service(request).store, sparql, substitutions, media)
    result = service(request).store.query(sparql, substitutions=substitutions)
    try:
        rendered = table(result)
    finally:
        del result  # Oxigraph results must be dropped on the thread that made them
    return service(request).templates.TemplateResponse(request, "query.html", {
        "title": query.label("nl"), "query": query, "values": values, "result": rendered,
        "pages": page_links(request, query, values, rendered),
        "labelled": labelled_table(service(request), rendered),
        "names": parameter_names(service(request), query, values)})


def _machine_request(request: Request, query: CannedQuery) -> tuple[str, dict, str] | None:
    """(SPARQL, substitutions, media type) of a request for a machine format that needs no
    more than cheap work: no search (the index's remembered matches only), no names to
    look up, no form; else None."""
    if any(k.endswith(NAME_SUFFIX) for k in request.query_params):
        return None
    values = single_values(request)
    if _missing(query, values):
        return None
    try:  # ParameterError -> 422, as on the full path
        sparql, substitutions = query.prepare(values, finder=service(request).recalled)
    except NotRecalled:
        return None
    try:
        media = negotiate(request, _offers(query))
    except NotAcceptable:
        return None  # answered on the full path, after the parameters are checked
    return None if media == HTML else (sparql, substitutions, media)


def _missing(query: CannedQuery, values: dict[str, str]) -> list[str]:
    """The required parameters left out or blank."""
    return [p.name for p in query.parameters if p.required and not str(values.get(p.name, "")).strip()]


def single_values(request: Request) -> dict[str, str]:
    """The parameter values, each given once: a repeated parameter is ambiguous (which one
    would be used?), so it is refused rather than one of the values silently dropped."""
    for name in dict.fromkeys(request.query_params.keys()):
        if name not in RESERVED and len(request.query_params.getlist(name)) > 1:
            raise ParameterError(name, f"given {len(request.query_params.getlist(name))} times; give it once")
    return {k: v for k, v in request.query_params.items() if k not in RESERVED}


def _wants_html(request: Request, query: CannedQuery) -> bool:
    try:
        return negotiate(request, _offers(query)) == HTML
    except NotAcceptable:  # answered after the parameters are checked
        return False


def resolve_names(c, query: CannedQuery, values: dict[str, str]) -> dict[str, str]:
    """Turn the names typed in a form's boxes into IRIs: the best match in the search index
    among the members of the parameter's class."""
    resolved = {k: v for k, v in values.items() if not k.endswith(NAME_SUFFIX)}
    for param in query.parameters:
        typed = values.get(param.name + NAME_SUFFIX, "").strip()
        if param.type.name != "iri" or resolved.get(param.name) or not typed:
            continue
        class_iri = expand(param.pick_class) if param.pick_class else None
        hits = c.index().suggest(typed, limit=1, type_iri=class_iri) or c.index().search(typed, limit=1).hits
        if not hits:
            raise ParameterError(param.name, f"nothing named '{typed[:80]}' was found: pick a name from the "
                                             f"suggestions, or search for it on /zoeken")
        resolved[param.name] = hits[0].iri
    return resolved


def parameter_names(c, query: CannedQuery, values: dict[str, str]) -> dict[str, str]:
    """The label to show in each iri parameter's box: of the given value, else of the default."""
    iris = {p.name: values.get(p.name) or p.default for p in query.parameters if p.type.name == "iri"}
    labels = c.index().labels(v for v in iris.values() if v)
    return {name: (f"{labels[iri][1]} {labels[iri][0]}" if labels[iri][1] else labels[iri][0])
            for name, iri in iris.items() if iri in labels}


def labelled_table(c, rendered: dict) -> dict | None:
    """The result table as a policy officer reads it: every thing by its label, linked to its
    page; a column X with a column XLabel beside it becomes one column X."""
    if rendered.get("kind") != "table":
        return None
    variables = rendered["variables"]
    shown = [v for v in variables if not (v.endswith("Label") and v[:-5] in variables)]
    iris = {t.value for row in rendered["rows"] for t in row if isinstance(t, ox.NamedNode)}
    known = c.index().labels(iris)
    rows = []
    for row in rendered["rows"]:
        cells = dict(zip(variables, row))
        rows.append([_cell(c, cells.get(v), cells.get(v + "Label"), known) for v in shown])
    return {"variables": shown, "rows": rows}


def _cell(c, term, label_term, known: dict) -> dict | None:
    if term is None:
        return None
    if not isinstance(term, ox.NamedNode):
        return {"text": display_literal(term)}
    label = label_term.value if label_term is not None else None
    if label is None and term.value in known:
        label, notation = known[term.value]
        label = f"{notation} {label}" if notation else label
    return {"text": label or compact(term.value), "href": c.href(term.value),
            "external": c.local_path(term.value) is None}


def page_links(request: Request, query: CannedQuery, values: dict, rendered: dict) -> dict | None:
    """Links to the previous and next page of a paged query's HTML view. A page that holds
    fewer values (combinations) of the paged variables than it may is the last one."""
    page = query.page(values)
    if page is None or rendered.get("kind") != "table":
        return None
    columns = [rendered["variables"].index(v) for v in page.variables if v in rendered["variables"]]
    shown = {tuple(row[c] for c in columns) for row in rendered["rows"]}
    shown.discard(tuple(None for _ in columns))

    def link(offset: int) -> str:
        params = {k: v for k, v in request.query_params.items() if k != "offset"}
        params["offset"] = str(offset)
        return "?" + urlencode(params)

    return {"variables": page.variables, "limit": page.limit, "offset": page.offset, "shown": len(shown),
            "next": link(page.next_offset) if len(shown) >= page.limit else None,
            "previous": link(page.previous_offset) if page.previous_offset is not None else None}


def _unknown_query(request: Request, name: str):
    service(request).canned.get(name)  # raises UnknownQueryError -> 404 with suggestions
