"""uvicorn's access log line, written once the response has gone out.

uvicorn logs a request as its response starts, before the first byte is written: the
client waits for the line to be formatted and written. This wrapper writes the same line,
through the same logger and format, after the last byte of the response is handed to the
socket; the serving protocol (longurl.py) leaves its own logging off."""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.utils import get_client_addr, get_path_with_query_string

ACCESS_LOGGER = logging.getLogger("uvicorn.access")


class AccessLog:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not (ACCESS_LOGGER.hasHandlers() and ACCESS_LOGGER.isEnabledFor(logging.INFO)):
            await self.app(scope, receive, send)
            return
        status = 500  # what uvicorn answers when the app fails before it starts a response
        logged = False

        async def send_then_log(message: Message) -> None:
            nonlocal status, logged
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                logged = True
                _log(scope, status)

        try:
            await self.app(scope, receive, send_then_log)
        finally:
            if not logged:
                _log(scope, status)


def _log(scope: Scope, status: int) -> None:
    # The arguments of uvicorn's own call, which its AccessFormatter expects.
    ACCESS_LOGGER.info('%s - "%s %s HTTP/%s" %d', get_client_addr(scope), scope["method"],
                       get_path_with_query_string(scope), scope["http_version"], status)
