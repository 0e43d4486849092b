"""The access log: one line per request, as uvicorn writes it, after the response is out."""

from __future__ import annotations

import asyncio
import logging
import time

import httpx
import pytest

from api.access_log import ACCESS_LOGGER, AccessLog
from beleidsgraaf.processes import wait_until_ready
from tests.support.live_server import running


class Collect(logging.Handler):
    def __init__(self, events: list):
        super().__init__()
        self.events = events

    def emit(self, record: logging.LogRecord) -> None:
        self.events.append(("logged", record.args))


@pytest.fixture
def events():
    collected: list = []
    handler, level = Collect(collected), ACCESS_LOGGER.level
    ACCESS_LOGGER.addHandler(handler)
    ACCESS_LOGGER.setLevel(logging.INFO)  # as `serve` (log level info) has it
    try:
        yield collected
    finally:
        ACCESS_LOGGER.removeHandler(handler)
        ACCESS_LOGGER.setLevel(level)


def scope(path: str = "/x", query: bytes = b"a=1") -> dict:
    return {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": query,
            "http_version": "1.1", "client": ("127.0.0.1", 5000), "headers": []}


async def ok_app(scope, receive, send):
    await send({"type": "http.response.start", "status": 201, "headers": []})
    await send({"type": "http.response.body", "body": b"part", "more_body": True})
    await send({"type": "http.response.body", "body": b"end"})


def call(app, events: list) -> None:
    async def send(message):
        events.append(("sent", message["type"], message.get("more_body", False)))

    async def receive():
        return {"type": "http.request", "body": b""}

    asyncio.run(AccessLog(app)(scope(), receive, send))


def test_the_line_is_written_after_the_last_byte_of_the_response(events):
    call(ok_app, events)
    assert events == [("sent", "http.response.start", False), ("sent", "http.response.body", True),
                      ("sent", "http.response.body", False),
                      ("logged", ("127.0.0.1:5000", "GET", "/x?a=1", "1.1", 201))]


def test_a_request_whose_app_fails_is_logged_as_500(events):
    async def failing(scope, receive, send):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        call(failing, events)
    assert events == [("logged", ("127.0.0.1:5000", "GET", "/x?a=1", "1.1", 500))]


def test_the_server_logs_each_request_once(events):
    """The serving protocol leaves its own access logging off: no request is logged twice."""
    from fastapi import FastAPI

    app = FastAPI()
    app.add_api_route("/ping", lambda: {"ok": True})
    with running(AccessLog(app), log_level="info") as base:
        ACCESS_LOGGER.addHandler(handler := Collect(events))  # uvicorn's start replaced the handlers
        try:
            for n in range(3):
                assert httpx.get(f"{base}/ping", params={"n": n}).status_code == 200
            assert httpx.get(f"{base}/missing").status_code == 404
            # The line is written after the response has gone out: the client may be first.
            wait_until_ready(lambda: len(events) >= 4, deadline_s=5, what="the access log")
            time.sleep(0.2)  # a second line for any request would come as soon
        finally:
            ACCESS_LOGGER.removeHandler(handler)
    lines = [args[2:] for kind, args in events if kind == "logged"]
    assert lines == [("/ping?n=0", "1.1", 200), ("/ping?n=1", "1.1", 200), ("/ping?n=2", "1.1", 200),
                     ("/missing", "1.1", 404)]
