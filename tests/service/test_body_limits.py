"""Request body limits on every POST route: a declared Content-Length over the limit and a
chunked body without one are both answered with 413, naming the limit and the variable
that raises it; the body of a too-large request is not read to its end."""

from __future__ import annotations

import asyncio

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from beleidsgraaf.settings import load_settings
from api.bodylimit import FORM_OVERHEAD_BYTES

SMALL_QUERY = "SELECT (1 AS ?one) WHERE {}"
QUERY_HEADERS = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}


@pytest.fixture()
def small_limits(api_store):
    """An app whose query and body limits are 2 kB and whose upload limit is 3 kB."""
    cfg = load_settings({}).replaced(max_query_bytes=2000, max_body_bytes=2000, max_upload_bytes=3000)
    return create_app(api_store, cfg)


def padded_query(size: int) -> bytes:
    """A valid query of exactly `size` bytes (padded with a comment)."""
    body = (SMALL_QUERY + "\n#").encode()
    return body + b"x" * (size - len(body))


def chunks(data: bytes, size: int = 500):
    for i in range(0, len(data), size):
        yield data[i:i + size]


def test_defaults(api_app):
    limits = next(m for m in api_app.user_middleware if m.cls.__name__ == "BodyLimitMiddleware").kwargs["limits"]
    default = next(m for m in api_app.user_middleware if m.cls.__name__ == "BodyLimitMiddleware").kwargs["default"]
    assert limits["/sparql"].max_bytes == 1024 * 1024
    assert limits["/validate"].max_bytes == 5 * 1024 * 1024 + FORM_OVERHEAD_BYTES
    assert default.max_bytes == 1024 * 1024


def test_query_under_the_limit_runs(small_limits):
    client = TestClient(small_limits)
    r = client.post("/sparql", content=padded_query(2000), headers=QUERY_HEADERS)
    assert r.status_code == 200, r.text
    assert r.json()["results"]["bindings"][0]["one"]["value"] == "1"


def test_declared_length_over_the_limit_is_413(small_limits):
    client = TestClient(small_limits)
    r = client.post("/sparql", content=padded_query(2001), headers=QUERY_HEADERS)
    assert r.status_code == 413
    body = r.json()
    assert "BELEIDSGRAAF_MAX_QUERY_BYTES" in body["message"] and "2000 bytes" in body["message"]
    assert "POST /sparql" in body["message"]


def test_chunked_body_without_length_is_413(small_limits):
    client = TestClient(small_limits)
    r = client.post("/sparql", content=chunks(padded_query(5000)), headers=QUERY_HEADERS)
    assert r.status_code == 413 and "BELEIDSGRAAF_MAX_QUERY_BYTES" in r.json()["message"]
    # A chunked body under the limit goes through.
    r = client.post("/sparql", content=chunks(padded_query(1500)), headers=QUERY_HEADERS)
    assert r.status_code == 200, r.text


def test_form_post_is_limited_too(small_limits):
    client = TestClient(small_limits)
    r = client.post("/sparql", data={"query": padded_query(3000).decode()},
                    headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 413 and "BELEIDSGRAAF_MAX_QUERY_BYTES" in r.json()["message"]


def test_validate_body_limit_names_the_upload_variable(small_limits):
    client = TestClient(small_limits)
    big = b"# " + b"x" * (3000 + FORM_OVERHEAD_BYTES) + b"\n"
    r = client.post("/validate", content=chunks(big, 4096), headers={"Content-Type": "text/turtle"})
    assert r.status_code == 413
    assert "BELEIDSGRAAF_MAX_UPLOAD_BYTES" in r.json()["message"]


def test_413_page_for_browsers(small_limits):
    client = TestClient(small_limits)
    r = client.post("/sparql", data={"query": padded_query(3000).decode()}, headers={"Accept": "text/html"})
    assert r.status_code == 413 and '<html lang="nl">' in r.text and "BELEIDSGRAAF_MAX_QUERY_BYTES" in r.text


def test_every_post_route_is_limited(small_limits):
    """Any route that accepts POST, now or later, refuses a body over its limit."""
    client = TestClient(small_limits)
    # Each POST operation with the first body type it declares, so the route does read the body.
    post_ops = {path: next(iter(ops["post"]["requestBody"]["content"]))
                for path, ops in small_limits.openapi()["paths"].items() if "post" in ops}
    assert {"/sparql", "/validate"} <= set(post_ops)
    oversized = b"x" * (3000 + FORM_OVERHEAD_BYTES + 1)
    for path, content_type in post_ops.items():
        declared = client.post(path, content=oversized, headers={"Content-Type": content_type})
        streamed = client.post(path, content=chunks(oversized), headers={"Content-Type": content_type})
        assert declared.status_code == 413, (path, declared.text)
        assert streamed.status_code == 413, (path, streamed.text)
    # A path without a limit of its own gets the general one, named in the message (a declared
    # length is checked before routing; a route that reads no body never triggers the count).
    r = client.post("/queries/search", content=oversized)
    assert r.status_code == 413 and "BELEIDSGRAAF_MAX_BODY_BYTES" in r.json()["message"]


def test_streamed_body_is_cut_not_read_to_the_end(small_limits):
    """At the ASGI level: a client that keeps sending is cut off once the limit is passed."""
    sent = 0
    chunk = b"x" * 500

    async def receive():
        nonlocal sent
        sent += 1
        return {"type": "http.request", "body": chunk, "more_body": sent < 1000}  # 500 kB offered

    messages = []

    async def send(message):
        messages.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": "/sparql", "raw_path": b"/sparql", "root_path": "", "query_string": b"",
             "headers": [(b"content-type", b"application/sparql-query"), (b"host", b"testserver"),
                         (b"accept", b"application/json")],
             "client": ("127.0.0.1", 1), "server": ("testserver", 80)}
    asyncio.run(small_limits(scope, receive, send))
    start = next(m for m in messages if m["type"] == "http.response.start")
    assert start["status"] == 413
    assert sent * len(chunk) <= 2000 + len(chunk), f"read {sent} chunks after the limit"
