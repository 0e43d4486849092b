"""Request body limits for every route, enforced before a route reads its body.

A pure ASGI middleware: a declared Content-Length over the limit is answered with 413 at
once, and a body without one (chunked transfer encoding) is counted as it streams in and
cut as soon as it passes the limit, so no route can be made to buffer an endless upload.
Each limit is a setting (beleidsgraaf/settings.py) that the 413 message names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import PayloadTooLarge, error_response

MB = 1024 * 1024
# A multipart form wraps an uploaded file in boundaries and part headers: allow for them, so
# the upload itself is measured against its own limit (by the /validate route).
FORM_OVERHEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class BodyLimit:
    max_bytes: int
    env_var: str
    shown_bytes: int | None = None  # the limit as users know it, when max_bytes adds overhead

    def message(self, method: str, path: str) -> str:
        return (f"het verzoek is groter dan {_human(self.shown_bytes or self.max_bytes)}, de grens voor "
                f"{method} {path}; "
                f"stuur minder (een beheerder kan de grens verhogen met {self.env_var})")


def route_limits(max_upload_bytes: int, max_query_bytes: int) -> dict[str, BodyLimit]:
    """The limit for each route that takes a body; other paths get `default_limit()`."""
    return {
        "/sparql": BodyLimit(max_query_bytes, "BELEIDSGRAAF_MAX_QUERY_BYTES"),
        "/validate": BodyLimit(max_upload_bytes + FORM_OVERHEAD_BYTES, "BELEIDSGRAAF_MAX_UPLOAD_BYTES",
                               shown_bytes=max_upload_bytes),
        "/store": BodyLimit(max_upload_bytes, "BELEIDSGRAAF_MAX_UPLOAD_BYTES"),
    }


def default_limit(max_body_bytes: int) -> BodyLimit:
    return BodyLimit(max_body_bytes, "BELEIDSGRAAF_MAX_BODY_BYTES")


class BodyTooLarge(PayloadTooLarge):
    """Raised from `receive` when a streamed body passes its limit; the app's error handler
    for ApiError turns it into the 413 answer."""


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, limits: Mapping[str, BodyLimit], default: BodyLimit):
        self.app = app
        self.limits = dict(limits)
        self.default = default

    def limit_for(self, path: str) -> BodyLimit:
        return self.limits.get(path.rstrip("/") or "/", self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        message = limit.message(scope["method"], scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit.max_bytes:
            # Answer without reading the body at all.
            response = error_response(Request(scope), PayloadTooLarge.status, PayloadTooLarge.title, message)
            await response(scope, receive, send)
            return
        await self.app(scope, _counting(receive, limit.max_bytes, message), send)


def _counting(receive: Receive, max_bytes: int, message: str) -> Receive:
    received = 0

    async def counted() -> Message:
        nonlocal received
        if received > max_bytes:
            raise BodyTooLarge(message)
        event = await receive()
        if event["type"] == "http.request":
            received += len(event.get("body", b""))
            if received > max_bytes:
                raise BodyTooLarge(message)
        return event

    return counted


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None


def _human(n: int) -> str:
    if n < 100 * 1024:
        return f"{n} bytes"
    return f"{n / MB:.3g} MB ({n} bytes)"
