"""Issue 13: every user query is checked, parsed and evaluated only in confined workers
(no network, a memory limit, a time limit); validation runs in the same kind of sandbox;
store versions live as long as a process uses them. Each test makes the attack the issue
reproduced against a real server (uvicorn on loopback) with small limits, and checks the
answer, the listener that must see no connection, and the server's own memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid

import httpx
import psutil
import pyoxigraph as ox
import pytest

from beleidsgraaf.backends.oxigraph_store import build_store
from beleidsgraaf.validation_sandbox import Sandbox, Upload, ValidationLimits, ValidationTimeout
from beleidsgraaf.versions import in_use
from beleidsgraaf.backends.pooled import PooledStore
from beleidsgraaf.workers import AnswerCache, QueryLimits
from tests.support import ROOT

TIMEOUT = 1.5
WORKER_MEMORY_MB = 800
LIMITS = QueryLimits(timeout=TIMEOUT, workers=3, queue_wait=8.0, memory_mb=WORKER_MEMORY_MB)
JSON = {"Accept": "application/json"}


def values(variable: str, count: int) -> str:
    return f"VALUES ?{variable} {{ {' '.join(str(i) for i in range(count))} }}"


CPU_BOMB = f"ASK {{ {values('a', 100)} {values('b', 100)} {values('c', 100)} {values('d', 100)} " \
           "FILTER(?a + ?b + ?c + ?d < 0) }"
MEMORY_BOMB = f"SELECT * WHERE {{ {values('a', 250)} {values('b', 250)} {values('c', 250)} }} ORDER BY ?c ?b ?a"
GROUP_BOMB = f"SELECT ?a (COUNT(*) AS ?n) WHERE {{ {values('a', 250)} {values('b', 250)} {values('c', 250)} }} " \
             "GROUP BY ?a ?b ?c ORDER BY DESC(?n)"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The shipped data served by uvicorn from a fresh build, with small limits: (base URL, store)."""
    from api.app import create_app
    from api.capacity import Slots
    from tests.support.live_server import running

    link = tmp_path_factory.mktemp("sandboxed") / "store"
    build_store(link)
    store = PooledStore(link, LIMITS)
    app = create_app(store)
    app.state.service.adhoc_slots = Slots(2, LIMITS.queue_wait, "ad-hoc SPARQL queries")  # one worker stays free
    app.state.service.validation_sandbox = Sandbox(ValidationLimits(timeout=30, memory_mb=1200, max_triples=5000))
    try:
        with running(app) as base:
            yield base, store
    finally:
        app.state.service.validation_sandbox.close()
        store.close()


def sparql(base: str, query: str, timeout: float = 30) -> httpx.Response:
    return httpx.post(f"{base}/sparql", content=query.encode(), timeout=timeout,
                      headers={"Content-Type": "application/sparql-query", **JSON})


def canned(base: str) -> httpx.Response:
    """A canned query with a fresh parameter, so the answer is not in the cache."""
    return httpx.get(f"{base}/queries/search", params={"text": uuid.uuid4().hex[:8]}, headers=JSON, timeout=30)


def server_rss_mb() -> float:
    return psutil.Process().memory_info().rss / 1024 / 1024


# -- 1. SERVICE: refused by the engine's grammar, and no worker can reach the network -----------

SERVICE_ATTACKS = [
    # the two reproductions of the issue (SPARQL 1.2 VERSION made rdflib give up)
    'VERSION "1.2" SELECT * WHERE { # """\n SERVICE <{url}/x> { ?s ?p ?o } # """\n }',
    'VERSION "1.2" PREFIX :<{url}/> SELECT*WHERE{FILTER(1<2)SERVICE:x{?s?p?o}FILTER(3>2)}',
    # a "<'" that a tokenizer takes for an IRI while the engine reads less-than and a string
    "SELECT * WHERE { FILTER(1<'a>') SERVICE <{url}/x> { ?s ?p ?o } FILTER('b'>0) }",
    # SERVICE inside EXISTS inside a subquery, in lower case, SILENT
    "SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o FILTER EXISTS { service silent <{url}/x> { ?s ?p ?o } } } } }",
    # the keyword written with \\u escapes, which SPARQL resolves before parsing
    "SELECT * WHERE { \\u0053ERVIC\\U00000045 <{url}/x> { ?s ?p ?o } }",
    # other SPARQL 1.2 syntax around it: triple terms and TRIPLE()
    'VERSION "1.2" SELECT * WHERE { BIND(TRIPLE(<urn:a>, <urn:b>, <urn:c>) AS ?t) '
    "SERVICE <{url}/x> { ?s ?p <<( <urn:a> <urn:b> <urn:c> )>> } }",
    # the service IRI from a variable
    "SELECT * WHERE { BIND(<{url}/x> AS ?svc) SERVICE ?svc { ?s ?p ?o } }",
]


@pytest.mark.slow
@pytest.mark.parametrize("attack", SERVICE_ATTACKS)
def test_service_is_refused_and_nothing_is_contacted(served, listener, attack):
    base, _ = served
    url, hits = listener
    response = sparql(base, attack.replace("{url}", url))
    time.sleep(0.3)  # a connection would have arrived by now
    assert response.status_code == 403, response.text
    assert "SERVICE" in response.json()["message"]
    assert hits == []


def test_service_in_strings_comments_and_names_is_not_refused(served):
    base, _ = served
    query = ('PREFIX service: <https://w3id.org/beleidsgraaf/def#>\n'
             'SELECT ?service WHERE { ?service ?p "service" # SERVICE <http://127.0.0.1:9/> { }\n'
             '} LIMIT 1')
    response = sparql(base, query)
    assert response.status_code == 200, response.text


def _connect_from_child(url: str, confined: bool) -> subprocess.CompletedProcess:
    port = url.rsplit(":", 1)[1]
    code = ("import socket, sys\n"
            "from beleidsgraaf.sandbox import confine\n"
            f"print('isolated' if {confined} and confine(512) else 'open')\n"
            "try:\n"
            f"    socket.create_connection(('127.0.0.1', {port}), timeout=2).sendall(b'hello')\n"
            "    print('connected')\n"
            "except OSError as exc:\n"
            "    print('refused', exc)\n")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30,
                          cwd=ROOT)


def test_a_confined_worker_cannot_reach_loopback(listener):
    """Even a query that slipped past the check could not connect: the worker's network
    namespace is empty. The unconfined control shows the listener does see a connection."""
    url, hits = listener
    confined = _connect_from_child(url, confined=True)
    assert confined.stdout.startswith("isolated"), confined.stdout + confined.stderr
    assert "refused" in confined.stdout
    time.sleep(0.3)
    assert hits == []
    control = _connect_from_child(url, confined=False)
    assert "connected" in control.stdout
    deadline = time.time() + 2
    while not hits and time.time() < deadline:
        time.sleep(0.05)
    assert hits, "the control connection should have reached the listener"


def test_the_pool_says_its_workers_are_isolated(served):
    _, store = served
    assert store.pool.network_isolated


def test_engine_errors_that_could_carry_remote_text_are_not_echoed():
    from beleidsgraaf.workers import _without_remote_text

    remote = "HTTP error 500 from http://127.0.0.1:9996/x: <html>secret body</html>"
    assert "secret" not in _without_remote_text(remote)


# -- 2, 3, 4. hangs, work outside the limits, slow parses: nothing stops the other pages --------

@pytest.mark.slow
def test_cpu_bomb_times_out_with_retry_after(served):
    base, _ = served
    started = time.monotonic()
    response = sparql(base, CPU_BOMB)
    assert response.status_code == 504 and response.headers["Retry-After"]
    assert time.monotonic() - started < TIMEOUT + 3


@pytest.mark.slow
@pytest.mark.parametrize("bomb", [MEMORY_BOMB, GROUP_BOMB], ids=["order-by", "group-by"])
def test_memory_bomb_stops_its_worker_not_the_server(served, bomb):
    base, store = served
    before = server_rss_mb()
    response = sparql(base, bomb)
    assert response.status_code in (503, 504), response.text
    assert response.headers["Retry-After"]
    if response.status_code == 503:
        assert f"{WORKER_MEMORY_MB} MB" in response.json()["message"]
    assert server_rss_mb() - before < 100
    for pid in store.pool.worker_pids():
        try:
            assert psutil.Process(pid).memory_info().vms <= WORKER_MEMORY_MB * 1024 * 1024
        except psutil.NoSuchProcess:
            pass  # just replaced


@pytest.mark.slow
def test_canned_queries_answer_within_a_second_while_attacks_run(served, listener):
    """Timeouts, memory bombs, a 1 MB query and SERVICE calls at once: every canned query
    still answers within 1 s, the server's memory stays small, the listener sees nothing."""
    base, _ = served
    url, hits = listener
    big_values = "SELECT * WHERE { VALUES ?v { " + " ".join(f'"{i:07d}"' for i in range(95_000)) + " } } LIMIT 1"
    attacks = [CPU_BOMB, MEMORY_BOMB, big_values, SERVICE_ATTACKS[0].replace("{url}", url),
               SERVICE_ATTACKS[1].replace("{url}", url), CPU_BOMB, big_values, GROUP_BOMB]
    statuses: list[int] = []
    stop = threading.Event()

    def attack(query: str) -> None:
        while not stop.is_set():
            statuses.append(sparql(base, query).status_code)

    threads = [threading.Thread(target=attack, args=(q,), daemon=True) for q in attacks]
    start_rss = server_rss_mb()
    for thread in threads:
        thread.start()
    slowest, peak_rss = 0.0, start_rss
    try:
        time.sleep(0.5)
        deadline = time.monotonic() + 3 * TIMEOUT + 2
        while time.monotonic() < deadline:
            started = time.monotonic()
            assert canned(base).status_code == 200
            slowest = max(slowest, time.monotonic() - started)
            peak_rss = max(peak_rss, server_rss_mb())
            time.sleep(0.1)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert slowest < 1.0, f"a canned query took {slowest:.2f} s during the attacks"
    assert 500 not in statuses and statuses
    assert peak_rss - start_rss < 150, f"the server grew from {start_rss:.0f} to {peak_rss:.0f} MB"
    assert hits == []


# -- 5. deep nesting: a 400 with the position, never a 500 ---------------------------------------

@pytest.mark.parametrize("open_, close", [("{", "}"), ("(", ")")])
def test_deep_nesting_is_a_400_with_position(served, open_, close):
    base, _ = served
    inner = "?s ?p ?o" if open_ == "{" else "1"
    deep = 5000
    query = (f"SELECT * WHERE {open_ * deep}{inner}{close * deep}" if open_ == "{"
             else f"ASK {{ FILTER({open_ * deep}{inner}{close * deep}) }}")
    response = sparql(base, query)
    assert response.status_code == 400 and "line 1, column" in response.json()["message"]


def test_nesting_rdflib_could_not_take_is_answered(served):
    """38 nested groups and 25 nested parentheses made rdflib raise RecursionError (a 500)."""
    base, _ = served
    assert sparql(base, "SELECT * WHERE " + "{" * 38 + " ?s ?p ?o " + "}" * 38 + " LIMIT 1").status_code == 200
    assert sparql(base, "ASK { FILTER(" + "(" * 25 + "1" + ")" * 25 + ") }").status_code == 200


@pytest.mark.slow
def test_deeply_nested_uploads_are_a_400_or_a_report(served):
    base, _ = served
    deep = 3000
    jsonld = '{"@id": "https://w3id.org/beleidsgraaf/id/test/x", "https://w3id.org/x#p": ' + \
             '{"https://w3id.org/x#p": ' * deep + "1" + "}" * deep + "}"
    response = httpx.post(f"{base}/validate", content=jsonld, headers={"Content-Type": "application/ld+json", **JSON},
                          timeout=60)
    assert response.status_code == 400 and response.json()["line"] == 1
    turtle = "<https://w3id.org/beleidsgraaf/id/test/x> <https://w3id.org/x#p> " + \
             "[ <https://w3id.org/x#p> " * deep + "1" + " ]" * deep + " ."
    response = httpx.post(f"{base}/validate", content=turtle, headers={"Content-Type": "text/turtle", **JSON},
                          timeout=60)
    assert response.status_code in (200, 413, 422), response.text


# -- 6. validation in the sandbox ----------------------------------------------------------------

def _actions(count: int) -> str:
    lines = ["@prefix bg: <https://w3id.org/beleidsgraaf/def#> .",
             "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
             "@prefix t: <https://w3id.org/beleidsgraaf/id/test/> ."]
    lines += [f't:a{i} a bg:Action ; skos:prefLabel "Actie {i}"@nl ; bg:deadline "nooit-{i}" .'
              for i in range(count)]
    return "\n".join(lines)


@pytest.mark.slow
def test_validation_bomb_is_refused_by_the_triples_cap(served):
    """The issue's 4.9 MB upload of 42,433 actions: a 413 saying how to split, quickly."""
    base, _ = served
    before = server_rss_mb()
    started = time.monotonic()
    response = httpx.post(f"{base}/validate", content=_actions(42_433), timeout=60,
                          headers={"Content-Type": "text/turtle", **JSON})
    assert response.status_code == 413, response.text
    assert "splits" in response.json()["message"] or "split" in response.json()["message"]
    assert time.monotonic() - started < 30
    assert server_rss_mb() - before < 100


def test_validation_past_its_time_limit_is_stopped():
    sandbox = Sandbox(ValidationLimits(timeout=0.5, memory_mb=1200, max_triples=100_000), keep_spare=False)
    try:
        with pytest.raises(ValidationTimeout, match="split"):
            sandbox.validate(Upload(_actions(3000).encode(), "turtle", None, "invoer", False))
    finally:
        sandbox.close()


@pytest.mark.slow
def test_validation_past_its_memory_limit_is_a_413(served):
    from beleidsgraaf.validation_sandbox import ValidationTooLarge

    sandbox = Sandbox(ValidationLimits(timeout=60, memory_mb=450, max_triples=1_000_000), keep_spare=False)
    try:
        with pytest.raises(ValidationTooLarge, match="MB"):
            sandbox.validate(Upload(_actions(20_000).encode(), "turtle", None, "invoer", False))
    finally:
        sandbox.close()


@pytest.mark.slow
def test_validation_still_reports_in_the_sandbox(served):
    base, _ = served
    response = httpx.post(f"{base}/validate", content=_actions(3), timeout=60,
                          headers={"Content-Type": "text/turtle", **JSON})
    assert response.status_code == 200, response.text
    assert response.json()["conforms"] is False


# -- 7. store versions live as long as a process uses them ---------------------------------------

@pytest.mark.slow
def test_serving_through_two_builds_and_two_timeouts(tmp_path):
    link = tmp_path / "store"
    build_store(link)
    served_version = link.resolve()
    store = PooledStore(link, QueryLimits(timeout=1.0, workers=2, queue_wait=10.0, memory_mb=WORKER_MEMORY_MB))
    try:
        build_store(link)
        build_store(link)
        assert link.resolve() != served_version
        assert served_version.is_dir() and in_use(served_version), "a build deleted the version in use"
        for _ in range(2):
            with pytest.raises(Exception, match="stopped after"):
                store.query_adhoc(CPU_BOMB)
        for _ in range(6):  # every worker, the replacements included, answers
            assert len(list(store.query_adhoc("SELECT * WHERE { ?s ?p ?o } LIMIT 3"))) == 3
        assert store.newer_build()
    finally:
        store.close()
    build_store(link)  # with no one using it any more, the old version goes
    assert not served_version.exists()


def test_a_worker_killed_from_outside_is_replaced(served):
    _, store = served
    victim = store.pool.worker_pids()[0]
    psutil.Process(victim).kill()
    time.sleep(0.2)
    for _ in range(6):
        assert len(list(store.query_adhoc("SELECT * WHERE { ?s ?p ?o } LIMIT 2"))) == 2
    deadline = time.time() + 20
    while (victim in store.pool.worker_pids() or len(store.pool.worker_pids()) < LIMITS.workers) \
            and time.time() < deadline:
        time.sleep(0.1)
    assert victim not in store.pool.worker_pids() and len(store.pool.worker_pids()) == LIMITS.workers


# -- cache ----------------------------------------------------------------------------------

def test_canned_answers_come_from_the_cache_per_store_version(served):
    _, store = served
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    first = [str(row["n"]) for row in store.query(query)]
    workers_before = store.pool.worker_pids()
    for pid in workers_before:  # stop every worker: an answer now can only come from the cache
        psutil.Process(pid).suspend()
    try:
        started = time.monotonic()
        again = [str(row["n"]) for row in store.query(query)]
        assert time.monotonic() - started < 0.5
    finally:
        for pid in workers_before:
            psutil.Process(pid).resume()
    assert again == first


def test_a_cached_answer_is_kept_serialised_in_each_format_asked_for(served):
    """The service's canned answers: the bytes a client gets, written by the worker in the
    format asked for (or made from TSV for another) and kept per format, so asking again
    costs neither a worker nor a serialiser; each format holds the same answer."""
    _, store = served
    query = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p"
    media = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
             "tsv": "text/tab-separated-values", "csv": "text/csv"}
    assert store.cached_serialized(query, media["json"]) is None  # nothing asked yet
    first = {name: store.query_serialized(query, m) for name, m in media.items()}
    assert store.cached_serialized(query, media["json"]) == first["json"]
    workers_before = store.pool.worker_pids()
    for pid in workers_before:  # stop every worker: an answer now can only come from the cache
        psutil.Process(pid).suspend()
    try:
        again = {name: store.query_serialized(query, m) for name, m in media.items()}
    finally:
        for pid in workers_before:
            psutil.Process(pid).resume()
    assert again == first
    rows = json.loads(first["json"])["results"]["bindings"]
    assert len(rows) > 10
    assert first["xml"].startswith(b"<?xml") and first["xml"].count(b"<result>") == len(rows)
    assert first["tsv"].count(b"\n") == len(rows) + 1 and first["csv"].count(b"\r\n") == len(rows) + 1
    assert store.cached_serialized(query, media["json"], substitutions={"p": ox.NamedNode("urn:other")}) is None


def test_the_answer_cache_is_bounded():
    cache = AnswerCache(max_bytes=10_000)
    for i in range(200):
        cache.put((f"q{i}", (), (), ()), ("solutions", b"x" * 500))
    assert cache.size <= 10_000
    assert cache.get(("q199", (), (), ())) is not None and cache.get(("q0", (), (), ())) is None


@pytest.mark.slow
def test_answers_say_when_a_newer_build_exists(served):
    base, store = served
    assert "beleidsgraaf-newer-build" not in canned(base).headers
    build_store(store.link)
    time.sleep(1.1)  # the link is looked at once a second
    response = canned(base)
    assert response.status_code == 200 and "restart" in response.headers["beleidsgraaf-newer-build"]
    assert store.version.is_dir()  # still served, still there
