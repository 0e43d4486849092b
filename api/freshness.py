"""Tells clients when the store served is no longer the newest build.

A running server keeps serving the store version it opened (a build never deletes a
version in use, see beleidsgraaf/versions.py); once `beleidsgraaf build` has made a newer
one, every answer says so in a `Beleidsgraaf-Newer-Build` header, until the server is
restarted on the new build.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = b"beleidsgraaf-newer-build"


class NewerBuildNotice:
    def __init__(self, app: ASGIApp, store):
        self.app = app
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        newer = getattr(self.store, "newer_build", None)
        if scope["type"] != "http" or newer is None or not newer():
            await self.app(scope, receive, send)
            return
        notice = b"a newer build of the store exists; restart 'beleidsgraaf serve' to serve it"

        async def send_with_notice(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (HEADER, notice)]}
            await send(message)

        await self.app(scope, receive, send_with_notice)
