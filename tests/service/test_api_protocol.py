"""The SPARQL endpoint as clients use it (issue 14): relative IRIs, the format hints
SPARQLWrapper and YASGUI send, HEAD and Allow, an empty direct POST, over-long GET URLs,
and SPARQLWrapper with every query form and every return format against a live server."""

from __future__ import annotations

import socket
import time
import urllib.error
from urllib.parse import urlsplit

import pytest

from tests.support import GOAL_1

GOAL = "https://w3id.org/beleidsgraaf/def#Goal"
SPARQL_JSON = "application/sparql-results+json"
FORMS = {
    "SELECT": f"SELECT ?g WHERE {{ ?g a <{GOAL}> }} LIMIT 3",
    "ASK": f"ASK {{ <{GOAL_1}> a <{GOAL}> }}",
    "CONSTRUCT": f"CONSTRUCT {{ <{GOAL_1}> ?p ?o }} WHERE {{ <{GOAL_1}> ?p ?o }}",
    "DESCRIBE": f"DESCRIBE <{GOAL_1}>",
}


# -- relative IRIs ---------------------------------------------------------------------------

def test_relative_iris_resolve_against_the_endpoint_url(client):
    r = client.get("/sparql", params={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"},
                   headers={"Accept": "application/n-triples"})
    assert r.status_code == 200, r.text
    assert r.text.strip() == ('<http://testserver/s> <http://testserver/p> '
                              '"1"^^<http://www.w3.org/2001/XMLSchema#integer> .')
    select = client.get("/sparql", params={"query": "SELECT ?x WHERE { BIND(<rel/a> AS ?x) }"},
                        headers={"Accept": SPARQL_JSON})
    assert select.status_code == 200, select.text
    assert select.json()["results"]["bindings"][0]["x"]["value"] == "http://testserver/rel/a"


def test_a_query_base_wins_over_the_endpoint_url(client):
    r = client.get("/sparql", params={"query": "BASE <http://example.org/b/> SELECT ?x WHERE { BIND(<s> AS ?x) }"},
                   headers={"Accept": SPARQL_JSON})
    assert r.json()["results"]["bindings"][0]["x"]["value"] == "http://example.org/b/s"


def test_the_query_page_shows_the_query_as_typed(client):
    r = client.get("/sparql", params={"query": "SELECT ?x WHERE { BIND(<s> AS ?x) }"}, headers={"Accept": "text/html"})
    assert r.status_code == 200 and "BASE" not in r.text and "http://testserver/s" in r.text


def test_syntax_errors_keep_their_line_numbers(client):
    r = client.get("/sparql", params={"query": "SELECT *\nWHERE { ?s ?p }"}, headers={"Accept": SPARQL_JSON})
    assert r.status_code == 400 and "line 2" in r.json()["message"]


# -- format hints ------------------------------------------------------------------------------

@pytest.mark.parametrize("hint", ["format", "output", "results"])
def test_a_hint_that_names_an_offered_format_is_followed(client, hint):
    r = client.get("/sparql", params={"query": FORMS["SELECT"], hint: "csv"}, headers={"Accept": SPARQL_JSON})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")


@pytest.mark.parametrize("hint", ["format", "output", "results"])
def test_a_mismatched_hint_falls_back_to_the_accept_header(client, hint):
    r = client.get("/sparql", params={"query": FORMS["CONSTRUCT"], hint: "xml"},
                   headers={"Accept": "application/ld+json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    unknown = client.get("/sparql", params={"query": FORMS["SELECT"], hint: "n3"}, headers={"Accept": "text/csv"})
    assert unknown.status_code == 200 and unknown.headers["content-type"].startswith("text/csv")


def test_406_only_when_neither_hint_nor_accept_can_be_served(client):
    r = client.get("/sparql", params={"query": FORMS["CONSTRUCT"], "format": "csv"}, headers={"Accept": "text/csv"})
    assert r.status_code == 406 and "Accept" in r.json()["message"]


def test_a_form_post_hint_counts_too(client):
    r = client.post("/sparql", data={"query": FORMS["SELECT"], "output": "tsv"}, headers={"Accept": SPARQL_JSON})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/tab-separated-values")


# -- HEAD, Allow, empty POST -----------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/sparql", "/", "/dataset", "/def", "/queries", "/validate",
                                  "/id/doel/regiovisie-bw-mo-2024-2026/doelstelling-1.ttl", "/static/style.css"])
def test_head_answers_where_get_does_with_the_same_headers_and_no_body(client, path):
    get = client.get(path)
    head = client.head(path)
    assert get.status_code == head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]


def test_head_on_a_query(client):
    head = client.head("/sparql", params={"query": FORMS["ASK"]}, headers={"Accept": SPARQL_JSON})
    assert head.status_code == 200 and head.content == b"" and head.headers["content-type"].startswith(SPARQL_JSON)


@pytest.mark.parametrize("method, path, allowed", [
    ("PUT", "/sparql", {"GET", "HEAD", "POST", "OPTIONS"}),
    ("DELETE", "/dataset", {"GET", "HEAD", "OPTIONS"}),
    ("PATCH", "/validate", {"GET", "HEAD", "POST", "OPTIONS"}),
])
def test_405_names_every_allowed_method(client, method, path, allowed):
    r = client.request(method, path)
    assert r.status_code == 405
    assert {m.strip() for m in r.headers["allow"].split(",")} == allowed


def test_empty_direct_post_is_a_missing_query(client):
    for body in (b"", b"  \n"):
        r = client.post("/sparql", content=body, headers={"Content-Type": "application/sparql-query"})
        assert r.status_code == 400 and "query is missing" in r.json()["message"]


# -- over-long GET URLs, over a real socket ----------------------------------------------------------

def _raw_get(base_url: str, target: str, extra_headers: str = "") -> bytes:
    host, port = urlsplit(base_url).hostname, urlsplit(base_url).port
    with socket.create_connection((host, port), timeout=30) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\n{extra_headers}Connection: close\r\n\r\n".encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("size", [1024 * 1024, 10 * 1024 * 1024])
def test_a_huge_get_url_gets_414_with_advice_to_post(live_base_url, size):
    answer = _raw_get(live_base_url, "/sparql?query=" + "a" * size)
    assert answer.startswith(b"HTTP/1.1 414"), answer[:200]
    assert b"POST" in answer


def test_huge_headers_get_431(live_base_url):
    answer = _raw_get(live_base_url, "/sparql", extra_headers=f"X-Big: {'b' * 200_000}\r\n")
    assert answer.startswith(b"HTTP/1.1 431"), answer[:200]


def _send_in_pieces(base_url: str, request: bytes, piece: int) -> bytes:
    host, port = urlsplit(base_url).hostname, urlsplit(base_url).port
    with socket.create_connection((host, port), timeout=30) as sock:
        for start in range(0, len(request), piece):
            try:
                sock.sendall(request[start:start + piece])
            except (BrokenPipeError, ConnectionResetError):
                break  # answered and closed before the client finished sending
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_a_long_url_sent_in_small_pieces_gets_414(live_base_url):
    """The head is counted across reads, before the parser collects it: a client that
    trickles a long URL gets the same 414 as one that sends it at once."""
    request = b"GET /sparql?query=" + b"a" * 200_000 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    assert _send_in_pieces(live_base_url, request, 1000).startswith(b"HTTP/1.1 414")


def test_an_oversized_head_is_answered_only_once_it_has_ended(live_base_url):
    """The answer to an oversized head waits for its end (CRLF CRLF), also when the read
    that passes the bound starts and ends with a CRLF, so the client reads the answer
    instead of a reset while it is still sending."""
    host, port = urlsplit(live_base_url).hostname, urlsplit(live_base_url).port
    with socket.create_connection((host, port), timeout=30) as sock:
        sock.sendall(b"GET /sparql HTTP/1.1\r\nHost: x\r\nX-A: " + b"a" * 60_000)
        time.sleep(0.2)
        sock.sendall(b"\r\nX-B: " + b"b" * 10_000 + b"\r\n")  # past the bound; the head goes on
        time.sleep(0.3)
        sock.setblocking(False)
        with pytest.raises(BlockingIOError):
            sock.recv(65536)  # no answer yet
        sock.setblocking(True)
        sock.sendall(b"X-C: c\r\n\r\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    assert b"".join(chunks).startswith(b"HTTP/1.1 431")


@pytest.mark.parametrize("piece", [1, 3, 65536])
def test_a_large_body_in_the_same_read_as_its_head_is_no_long_head(live_base_url, piece):
    """Only the head is bounded: a POST whose body arrives with its head (or whose head
    ends in a split CRLF CRLF) is answered as a query, not refused as a long URL."""
    query = (FORMS["SELECT"] + " #" + "x" * 100_000).encode() if piece == 65536 else FORMS["SELECT"].encode()
    head = (f"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            f"Accept: application/sparql-results+json\r\nContent-Length: {len(query)}\r\n"
            f"Connection: close\r\n\r\n").encode()
    answer = _send_in_pieces(live_base_url, head + query, piece)
    assert answer.startswith(b"HTTP/1.1 200"), answer[:300]


def test_requests_after_a_large_one_on_one_connection_are_answered(live_base_url):
    """The head count starts again with each request of a kept-alive connection."""
    import httpx

    with httpx.Client(base_url=live_base_url, timeout=30) as client:
        for _ in range(3):
            big = client.get("/sparql", params={"query": FORMS["SELECT"] + " #" + "x" * 40_000},
                             headers={"Accept": "application/sparql-results+json"})
            assert big.status_code == 200, big.text[:300]


def test_a_10000_character_get_query_still_works(live_base_url):
    import httpx

    query = FORMS["SELECT"] + " #" + "x" * 10_000
    r = httpx.get(live_base_url + "/sparql", params={"query": query}, headers={"Accept": SPARQL_JSON})
    assert r.status_code == 200


# -- SPARQLWrapper: every query form, every return format, GET and POST -----------------------------

RETURN_FORMATS = ["json", "xml", "turtle", "n3", "rdf", "rdf+xml", "csv", "tsv", "json-ld"]


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("form", list(FORMS))
@pytest.mark.parametrize("return_format", RETURN_FORMATS)
def test_sparqlwrapper_every_form_and_format(live_base_url, method, form, return_format):
    from SPARQLWrapper import SPARQLWrapper

    wrapper = SPARQLWrapper(live_base_url + "/sparql")
    wrapper.setMethod(method)
    wrapper.setQuery(FORMS[form])
    wrapper.setReturnFormat(return_format)
    try:
        response = wrapper.query()
    except urllib.error.HTTPError as exc:
        pytest.fail(f"{form} as {return_format}: HTTP {exc.code} {exc.read()[:300]!r}")
    body = response.response.read()
    content_type = response.response.headers["content-type"]
    if form in ("SELECT", "ASK"):
        assert content_type.split(";")[0] in (SPARQL_JSON, "application/sparql-results+xml", "text/csv",
                                              "text/tab-separated-values")
    else:
        assert content_type.split(";")[0] in ("text/turtle", "application/n-triples", "application/ld+json",
                                              "application/rdf+xml")
    marker = b"true" if form == "ASK" else b"doelstelling-1" if form != "SELECT" else b"/id/doel/"
    assert marker in body


# -- canned queries: a parameter given twice ---------------------------------------------------------

def test_a_repeated_canned_query_parameter_is_422(client):
    goal = "https://w3id.org/beleidsgraaf/id/doel/regiovisie-bw-mo-2024-2026/doelstelling-"
    r = client.get("/queries/actions-for-goal", params=[("goal", goal + "1"), ("goal", goal + "2")],
                   headers={"Accept": "application/json"})
    assert r.status_code == 422
    assert r.json()["parameter"] == "goal" and "2 times" in r.json()["message"]
    once = client.get("/queries/actions-for-goal", params={"goal": goal + "1"}, headers={"Accept": SPARQL_JSON})
    assert once.status_code == 200


def test_a_query_declared_in_another_charset_is_refused(client):
    r = client.post("/sparql", content=b"ASK {}", headers={"Content-Type": "application/sparql-query; charset=latin-1"})
    assert r.status_code == 415 and "UTF-8" in r.json()["message"]
    ok = client.post("/sparql", content=b"ASK {}", headers={"Content-Type": "application/sparql-query; charset=UTF-8"})
    assert ok.status_code == 200


def test_405_says_which_method_was_refused(client):
    r = client.request("DELETE", "/sparql")
    assert r.json()["message"].startswith("DELETE is not allowed on /sparql; use GET, HEAD, POST, OPTIONS")
