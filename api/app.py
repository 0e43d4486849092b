"""The app factory: one store in, one FastAPI app out, with a router per concept."""

from __future__ import annotations

from fastapi import FastAPI, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from beleidsgraaf import __version__
from beleidsgraaf.settings import Settings, current_settings
from beleidsgraaf.queries import Registry
from beleidsgraaf.backends import QueryStore
from beleidsgraaf.search_index import SearchIndex

from . import browse, canned, docs, dumps, model, sparql, validate, yasgui
from . import graph_store
from .bodylimit import BodyLimitMiddleware, default_limit, route_limits
from .service import HERE, Service, make_templates
from .errors import install_handlers
from .freshness import NewerBuildNotice
from .methods import HeadAsGetMiddleware
from .security import SecurityHeadersMiddleware
from .openapi_responses import COMMON_ERRORS


def create_app(store: QueryStore, settings: Settings | None = None, *, max_upload_bytes: int | None = None,
               search_index: SearchIndex | None = None) -> FastAPI:
    """The app over `store`. `settings` come from the CLI; without them (uvicorn, tests) they
    are read here, once, from the environment: a bad value stops the start with SettingsError."""
    cfg = settings or current_settings()
    holder: dict = {}
    service = Service(
        store=store, settings=cfg,
        canned=Registry.from_directory(cfg.queries_dir),
        internal=Registry.from_directory(cfg.queries_dir / "internal"),
        templates=make_templates(holder),
        max_upload_bytes=max_upload_bytes,
        search_index=search_index,
    )
    holder["service"] = service
    app = FastAPI(
        title="beleidsgraaf",
        version=__version__,
        description="Linked data over Dutch social-domain policy (gemeente Lochem, regio Midden-IJssel): "
                    "a SPARQL 1.1 endpoint, canned queries (one operation each, generated from "
                    "queries/*.rq), entity pages, the model, dumps and SHACL validation.",
        responses=COMMON_ERRORS,
        docs_url=None, redoc_url=None,  # served offline by api/docs.py
    )
    app.state.service = service
    app.add_middleware(BodyLimitMiddleware, limits=route_limits(service.max_upload_bytes, cfg.max_query_bytes),
                       default=default_limit(cfg.max_body_bytes))
    app.add_middleware(NewerBuildNotice, store=store)
    # Researchers query from notebooks and browser tools on other origins. Writes to /store
    # need a bearer token, which a page on another origin does not have.
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "OPTIONS"],
                       allow_headers=["*"], expose_headers=["Content-Type", "Location"])
    app.add_middleware(SecurityHeadersMiddleware)
    # Outermost: a HEAD request is a GET to everything inside.
    app.add_middleware(HeadAsGetMiddleware)
    install_handlers(app)
    docs.mount_assets(app)  # before /static, which would otherwise take /static/docs
    yasgui.mount_bundle(app)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    # A request tries the routes in this order, and each router included costs a few µs to
    # try: the SPARQL endpoint and the canned queries, the API's busiest paths, come first.
    app.include_router(sparql.router)
    canned.add_query_operations(app, service.canned)
    for module in (canned, browse, model, dumps, validate, graph_store, docs, yasgui):
        app.include_router(module.router)
    # Browsers ask for /favicon.ico on every page; "no icon" beats a 404 in their console.
    app.add_api_route("/favicon.ico", _no_icon, include_in_schema=False)
    return app


async def _no_icon() -> Response:
    return Response(status_code=204)  # async: nothing to wait for, so no thread hand-over
