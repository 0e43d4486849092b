"""The API documentation pages, /docs (Swagger UI) and /redoc (ReDoc), served offline.

FastAPI's own pages load their scripts from a CDN and start Swagger UI with an inline
script, which a strict Content-Security-Policy forbids. The assets come from the
`fastapi-offline` package (which bundles Swagger UI and ReDoc, kept current by its
maintainers); the pages are our templates and start the viewers from static/*.js."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI, Request
from fastapi.staticfiles import StaticFiles

from .service import service

ASSETS = Path(fastapi_offline.__file__).resolve().parent / "static"
ASSETS_URL = "/static/docs"

router = APIRouter(include_in_schema=False)


def mount_assets(app: FastAPI) -> None:
    app.mount(ASSETS_URL, StaticFiles(directory=str(ASSETS)), name="docs-assets")


@router.get("/docs")
def swagger_ui(request: Request):
    return service(request).templates.TemplateResponse(request, "docs.html", {
        "title": "API", "assets": ASSETS_URL, "openapi_url": request.app.openapi_url})


@router.get("/redoc")
def redoc(request: Request):
    return service(request).templates.TemplateResponse(request, "redoc.html", {
        "title": "API", "assets": ASSETS_URL, "openapi_url": request.app.openapi_url})
