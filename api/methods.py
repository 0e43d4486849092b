"""HEAD wherever GET works, and a truthful Allow header on 405 answers.

FastAPI registers GET routes without HEAD, and Starlette's 405 names the methods of the
first route it matched only (GET and POST on /sparql are two routes), so both are done
here: a HEAD request runs as GET with its body dropped, and a 405 lists every method of
every route on that path."""

from __future__ import annotations

from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send


HEAD_MARK = "beleidsgraaf.head"  # set in the scope of a HEAD request that runs as GET


def method_asked(scope: Scope) -> str:
    return "HEAD" if scope.get(HEAD_MARK) else scope["method"]


class HeadAsGetMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body"):
                    return  # the body is dropped chunk by chunk; only its end is sent
                # Content-Length stays that of the GET answer, as RFC 9110 allows for HEAD.
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET", HEAD_MARK: True}, receive, headers_only)


CANDIDATE_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"]


def allowed_methods(app, scope: Scope) -> list[str]:
    """Every method some route fully accepts on this path, with HEAD where GET is, and OPTIONS
    (CORS preflight). Each method is tried against the routes, so routers nested by
    include_router are asked the same way the request itself was routed."""
    methods = [m for m in CANDIDATE_METHODS
               if any(route.matches({**scope, "type": "http", "method": m})[0] == Match.FULL
                      for route in getattr(app, "routes", []))]
    if "GET" in methods:
        methods.insert(1, "HEAD")
    return methods + ["OPTIONS"] if methods else []
