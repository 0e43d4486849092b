"""Security headers on every response, set with the `secure` library: a strict
Content-Security-Policy (scripts and styles only from this origin, nothing inline, no
third-party origins, no framing), X-Content-Type-Options: nosniff, X-Frame-Options and a
Referrer-Policy.

The API documentation viewers (Swagger UI, ReDoc) and the query editor (YASGUI) build
their styles at run time as <style> elements, which CSP counts as inline style; those
pages alone allow inline *styles* (never inline script)."""

from __future__ import annotations

import secure
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Pages whose bundled viewer injects its own <style> elements at run time.
INLINE_STYLE_PATHS = ("/docs", "/redoc", "/yasgui")


def security_headers(*, inline_styles: bool) -> secure.Secure:
    styles = ("'self'", "'unsafe-inline'") if inline_styles else ("'self'",)
    csp = (secure.ContentSecurityPolicy()
           .default_src("'self'")
           .script_src("'self'")
           .style_src(*styles)
           # Swagger UI and YASGUI draw some icons as data: images; no script runs from those.
           .img_src("'self'", "data:")
           .font_src("'self'", "data:")
           .connect_src("'self'")
           .worker_src("'self'", "blob:")
           .object_src("'none'")
           .base_uri("'none'")
           .form_action("'self'")
           .frame_ancestors("'none'"))
    return secure.Secure(
        csp=csp,
        xcto=secure.XContentTypeOptions(),
        xfo=secure.XFrameOptions().deny(),
        referrer=secure.ReferrerPolicy().strict_origin_when_cross_origin(),
    )


def strict_headers() -> dict[str, str]:
    """The strict headers as a dict, for the one answer the middleware never sees: a 500 is
    sent by Starlette's ServerErrorMiddleware, which sits outside every middleware we add."""
    return security_headers(inline_styles=False).headers


class SecurityHeadersMiddleware:
    """Every response gets the strict headers; the viewer pages their variant. The headers
    are made once (the `secure` library builds the policy) and replace any a route set:
    recomputing them per response, as secure's own middleware does, costs every request."""

    def __init__(self, app: ASGIApp):
        self.app = app
        self.strict = _raw_headers(security_headers(inline_styles=False))
        self.viewers = _raw_headers(security_headers(inline_styles=True))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra, names = self.viewers if scope["path"].rstrip("/") in INLINE_STYLE_PATHS else self.strict

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [h for h in message.get("headers", []) if h[0].lower() not in names] + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _raw_headers(policy: secure.Secure) -> tuple[list[tuple[bytes, bytes]], frozenset[bytes]]:
    """The policy's headers as ASGI writes them (lower-case names), and their names."""
    headers = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in policy.headers.items()]
    return headers, frozenset(name for name, _ in headers)
