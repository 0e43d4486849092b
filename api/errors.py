"""HTTP errors a client can cause, and how every error becomes a clear answer: an HTML
page for browsers, JSON for programs, never a traceback."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from beleidsgraaf.errors import (ParameterError, QueryError, QueryOutOfMemory, QueryTimeout, RdfInputError,
                                 ResultTooLarge, ServiceBusy, StoreUnavailable, UnknownQueryError, UserError)
from beleidsgraaf.sparql_guard import NetworkAccessRefused, UpdateRefused
from beleidsgraaf.validation_sandbox import ValidationFailed, ValidationTimeout, ValidationTooLarge

log = logging.getLogger("beleidsgraaf.api")


class ApiError(Exception):
    status = 400
    title = "Ongeldig verzoek"

    def __init__(self, message: str, *, suggestion: str | None = None, headers: dict | None = None):
        super().__init__(message)
        self.message = message
        self.suggestion = suggestion
        self.headers = headers or {}


class NotFound(ApiError):
    status, title = 404, "Niet gevonden"


class NotAcceptable(ApiError):
    status, title = 406, "Formaat niet beschikbaar"


class PayloadTooLarge(ApiError):
    status, title = 413, "Te groot"


class UnsupportedMediaType(ApiError):
    status, title = 415, "Formaat niet ondersteund"


class Forbidden(ApiError):
    status, title = 403, "Niet toegestaan"


# The HTTP status and Dutch page title for each error of the core package; the first
# matching class wins, so subclasses come before their bases.
STATUSES: list[tuple[tuple[type, ...], int, str]] = [
    ((StoreUnavailable,), 503, "Opslag niet bereikbaar"),
    ((UpdateRefused, NetworkAccessRefused), 403, "Niet toegestaan"),
    ((QueryTimeout,), 504, "Vraag duurde te lang"),
    ((QueryOutOfMemory,), 503, "Vraag te zwaar"),
    ((ServiceBusy,), 503, "Even te druk"),
    ((ResultTooLarge,), 422, "Antwoord te groot"),
    ((ValidationTooLarge,), 413, "Te groot om te valideren"),
    ((ValidationTimeout,), 504, "Validatie duurde te lang"),
    ((ValidationFailed,), 422, "Niet te valideren"),
    ((ParameterError,), 422, "Ongeldige parameter"),
    ((UnknownQueryError,), 404, "Onbekende vraag"),
    ((RdfInputError,), 400, "RDF niet leesbaar"),
    ((QueryError,), 400, "Ongeldige SPARQL-query"),
]


def status_for(exc: UserError) -> tuple[int, str]:
    for classes, status, title in STATUSES:
        if isinstance(exc, classes):
            return status, title
    return 400, "Ongeldig verzoek"


def error_response(request: Request, status: int, title: str, message: str, *,
                   suggestion: str | None = None, extra: dict | None = None,
                   headers: dict | None = None) -> Response:
    from .negotiation import wants_html

    if wants_html(request):
        templates = request.app.state.service.templates
        return templates.TemplateResponse(request, "error.html", {
            "status": status, "title": title, "message": message, "suggestion": suggestion,
            "extra": extra or {}}, status_code=status, headers=headers)
    body = {"status": status, "error": title, "message": message}
    if suggestion:
        body["suggestion"] = suggestion
    body.update(extra or {})
    return JSONResponse(body, status_code=status, headers=headers)


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        return error_response(request, exc.status, exc.title, exc.message, suggestion=exc.suggestion,
                              headers=exc.headers)

    @app.exception_handler(UserError)
    async def user_error(request: Request, exc: UserError):
        status, title = status_for(exc)
        extra = {}
        if isinstance(exc, RdfInputError):
            extra = {"line": exc.line, "column": exc.column}
        if isinstance(exc, ParameterError):
            extra = {"parameter": exc.parameter}
        # Well-behaved clients (SPARQLWrapper, browsers, proxies) back off on Retry-After.
        retry_after = getattr(exc, "retry_after", None)  # busy, or a stopped worker being replaced
        headers = {"Retry-After": str(retry_after)} if retry_after else None
        return error_response(request, status, title, str(exc), extra=extra, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors())
        return error_response(request, 422, "Ongeldige parameter", problems)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        titles = {404: "Niet gevonden", 405: "Methode niet toegestaan"}
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"Er is geen pagina op {request.url.path}."
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            from .methods import allowed_methods, method_asked

            allow = allowed_methods(request.app, request.scope)
            headers = {**(headers or {}), "Allow": ", ".join(allow)}
            message = f"{method_asked(request.scope)} is not allowed on {request.url.path}; use {', '.join(allow)}"
        return error_response(request, exc.status_code, titles.get(exc.status_code, "Fout"), message,
                              headers=headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        # A bug on our side: log it for operators, show the user no internals.
        log.exception("unexpected error on %s", request.url.path)
        from .security import strict_headers

        return error_response(request, 500, "Interne fout",
                              "Er ging iets mis aan onze kant; probeer het later opnieuw.",
                              headers=strict_headers())
