"""YASGUI, the SPARQL query editor researchers expect (syntax highlighting, prefix completion,
result tables, charts), at /yasgui: served from this service, pointed at /sparql, with our
prefixes and the canned queries as examples.

YASGUI is published on npm only (@zazuko/yasgui, the maintained fork). Its bundle has no
chart view (Triply's chart plugin draws with Google Charts, loaded from the web), so charts
come from Chart.js (npm chart.js), drawn by our YASR plugin static/yasgui-chart.js.
web/package.json and web/package-lock.json pin both; `npm ci --ignore-scripts --prefix web`
(run by .ci/run and the README's setup) installs them under web/node_modules, and their
prebuilt bundles are served from there. Without that step the page says how to install
them (503), and /sparql's own form works."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from beleidsgraaf.namespaces import PREFIXES

from .service import service
from .sparql import EXAMPLE_NAMES

WEB = Path(__file__).resolve().parent.parent / "web"
BUNDLE = WEB / "node_modules" / "@zazuko" / "yasgui" / "build"
BUNDLE_URL = "/static/yasgui"
CHARTS = WEB / "node_modules" / "chart.js" / "dist"
CHARTS_URL = "/static/chartjs"
INSTALL = "npm ci --ignore-scripts --prefix web"

router = APIRouter(include_in_schema=False)


def installed() -> bool:
    return ((BUNDLE / "yasgui.min.js").is_file() and (BUNDLE / "yasgui.min.css").is_file()
            and (CHARTS / "chart.umd.min.js").is_file())


def mount_bundle(app: FastAPI) -> None:
    if installed():
        app.mount(BUNDLE_URL, StaticFiles(directory=str(BUNDLE)), name="yasgui-bundle")
        app.mount(CHARTS_URL, StaticFiles(directory=str(CHARTS)), name="chartjs-bundle")


@router.get("/yasgui")
def editor(request: Request):
    templates = service(request).templates
    if not installed():
        return templates.TemplateResponse(request, "error.html", {
            "status": 503, "title": "Query-editor niet geïnstalleerd",
            "message": f"YASGUI is niet geïnstalleerd op deze server ({BUNDLE} of {CHARTS} ontbreekt).",
            "suggestion": f"Een beheerder installeert het met '{INSTALL}' in de map van beleidsgraaf. "
                          "Tot dan werkt het eenvoudige formulier op /sparql.", "extra": {}}, status_code=503)
    return templates.TemplateResponse(request, "yasgui.html", {
        "title": "Query-editor", "bundle": BUNDLE_URL, "charts": CHARTS_URL, "examples": _examples(request)})


@router.get("/yasgui/config.json")
def editor_config(request: Request):
    """What /static/yasgui-init.js starts YASGUI with: the endpoint, the first query (our
    prefixes and an example) and the canned queries as examples."""
    prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(PREFIXES.items()))
    start = service(request).internal.get("sparql-page-example").sparql
    return JSONResponse({
        "endpoint": str(request.url_for("sparql_get")),
        "prefixes": dict(sorted(PREFIXES.items())),
        "query": start if start.lstrip().upper().startswith("PREFIX") else prefixes + start,
        "examples": [{"name": e["name"], "label": e["label"], "query": e["query"]} for e in _examples(request)],
    })


def _examples(request: Request) -> list[dict]:
    registry = service(request).canned
    names = EXAMPLE_NAMES + [n for n in registry.names() if n not in EXAMPLE_NAMES]
    # A query answered by the search index is no example: its SPARQL alone has no matches to read.
    return [{"name": n, "label": registry.get(n).label("nl"), "query": registry.get(n).sparql} for n in names
            if registry.get(n).index is None]
