"""The service's limits hold: a runaway query is stopped at the time limit while other
requests are served, answers are capped, a saturated pool says 503 with Retry-After, and
the limits come from the settings (tests/test_settings.py covers reading them)."""

from __future__ import annotations

import csv
import io
import os
import threading
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from beleidsgraaf.errors import QueryError, ResultTooLarge
from beleidsgraaf.settings import load_settings
from beleidsgraaf.backends.pooled import PooledStore
from beleidsgraaf.workers import QueryLimits
from tests.support import GOAL_1
from tests.support.live_server import running

# Every triple against every triple against every triple: ~10^12 solutions on the shipped
# data, so it runs for hours unless something stops it.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
QUICK = "ASK { ?s ?p ?o }"
SETTING_FOR_LIMIT = {"timeout": "query_timeout", "max_rows": "max_result_rows", "workers": "query_workers",
                     "queue_wait": "queue_wait", "memory_mb": "worker_memory_mb", "cache_mb": "query_cache_mb"}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed child that was reaped is gone; one not yet reaped is a zombie.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(")")[-1].split()[0] != "Z"


@pytest.fixture
def limited_app(built_store_path):
    def make(**limits):
        from api.app import create_app

        cfg = load_settings({}).replaced(**{SETTING_FOR_LIMIT[name]: value for name, value in limits.items()})
        store = PooledStore(built_store_path, QueryLimits.from_settings(cfg))
        return store, create_app(store, cfg)

    made = []

    def factory(**limits):
        store, app = make(**limits)
        made.append(store)
        return store, app

    yield factory
    for store in made:
        store.close()


@pytest.mark.slow
def test_runaway_query_is_stopped_while_others_are_served(limited_app):
    store, app = limited_app(timeout=1.5, workers=2, queue_wait=5)
    pids_before = set(store.pool.worker_pids())
    with running(app) as base:
        outcome = {}

        def runaway():
            started = time.monotonic()
            outcome["response"] = httpx.get(f"{base}/sparql", params={"query": RUNAWAY},
                                            headers={"Accept": "application/json"}, timeout=60)
            outcome["seconds"] = time.monotonic() - started

        thread = threading.Thread(target=runaway)
        thread.start()
        time.sleep(0.3)  # the runaway now holds one worker
        served = []
        while thread.is_alive():
            started = time.monotonic()
            page = httpx.get(f"{base}/id/{GOAL_1.split('/id/')[1]}", headers={"Accept": "text/html"},
                             follow_redirects=True, timeout=10)
            served.append((page.status_code, time.monotonic() - started))
        thread.join()

    response = outcome["response"]
    assert response.status_code == 504
    body = response.json()
    assert "1.5 s" in body["message"] and "BELEIDSGRAAF_QUERY_TIMEOUT" in body["message"]
    assert 1.4 <= outcome["seconds"] < 5, outcome["seconds"]
    # Other users kept being answered, quickly, while the runaway ran.
    assert len(served) >= 3 and all(status == 200 for status, _ in served)
    assert max(seconds for _, seconds in served) < 1.0
    # The work really stopped: the worker that ran it is gone, and a fresh one replaced it.
    killed = pids_before - set(store.pool.worker_pids())
    assert len(killed) == 1 and not any(_alive(pid) for pid in killed)
    deadline = time.monotonic() + 10
    while len(store.pool.worker_pids()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(store.pool.worker_pids()) == 2
    assert bool(store.query(QUICK)) is True


@pytest.mark.slow
def test_unbounded_property_path_is_stopped(limited_app):
    store, _ = limited_app(timeout=1.0, workers=1)
    started = time.monotonic()
    with pytest.raises(Exception) as caught:
        store.query("SELECT (COUNT(*) AS ?n) WHERE { ?a (<http://x>|!<http://x>)* ?b . ?c ?d ?e }")
    assert type(caught.value).__name__ == "QueryTimeout"
    assert time.monotonic() - started < 4


def test_answer_over_the_row_cap_is_refused_with_advice(limited_app):
    store, app = limited_app(max_rows=50)
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        too_many = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"},
                              headers={"Accept": "application/sparql-results+json"})
        assert too_many.status_code == 422
        message = too_many.json()["message"]
        assert "more than 50 rows" in message and "LIMIT" in message and "BELEIDSGRAAF_MAX_RESULT_ROWS" in message
        paged = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 50"},
                           headers={"Accept": "application/sparql-results+json"})
        assert paged.status_code == 200 and len(paged.json()["results"]["bindings"]) == 50
        graph = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                           headers={"Accept": "application/n-triples"})
        assert graph.status_code == 422 and "more than 50" in graph.json()["message"]


@pytest.mark.parametrize("cache_mb, evaluations", [(64, 1), (0, 3)])
def test_a_query_cache_of_0_mb_evaluates_every_canned_query_again(limited_app, cache_mb, evaluations):
    """BELEIDSGRAAF_QUERY_CACHE_MB=0 (the benchmark's uncached server): each request for the
    same canned query goes to a worker; with the cache only the first one does."""
    store, app = limited_app(workers=1, cache_mb=cache_mb)
    from fastapi.testclient import TestClient

    asked = []
    ask_worker = store.pool._ask_worker

    def counting(request, adhoc):
        if any(GOAL_1 in str(value) for value in request[1]["substitutions"].values()):
            asked.append(request)
        return ask_worker(request, adhoc)

    store.pool._ask_worker = counting
    with TestClient(app) as client:
        answers = [client.get("/queries/actions-for-goal", params={"goal": GOAL_1}, headers={"Accept": "text/csv"})
                   for _ in range(3)]
    assert [a.status_code for a in answers] == [200] * 3
    assert answers[0].text == answers[1].text == answers[2].text and answers[0].text.count("\n") > 1
    assert len(asked) == evaluations


def test_a_repeated_canned_question_is_answered_from_the_cache_as_the_first(limited_app, monkeypatch):
    """The second request for a canned answer is served from the cache on the event loop:
    the same bytes and headers, without a worker (the worker wrote each format the first
    time it was asked for); its parameters and Accept header are still checked."""
    store, app = limited_app(workers=1, cache_mb=64)
    from fastapi.testclient import TestClient

    asked = []
    ask_worker = store.pool._ask_worker

    def counting(request, adhoc):
        asked.append(request)
        return ask_worker(request, adhoc)

    store.pool._ask_worker = counting
    import api.canned

    to_thread = api.canned.run_in_threadpool
    hops = []

    async def counting_hops(*args):
        hops[-1] += 1
        return await to_thread(*args)

    monkeypatch.setattr(api.canned, "run_in_threadpool", counting_hops)
    json_results = {"Accept": "application/sparql-results+json"}

    def ask(client, goal=GOAL_1, headers=json_results):
        hops.append(0)
        return client.get("/queries/actions-for-goal", params={"goal": goal}, headers=headers)

    with TestClient(app) as client:
        first, again = ask(client), ask(client)
        as_xml = ask(client, headers={"Accept": "application/sparql-results+xml"})
        bad_parameter = ask(client, goal="not an IRI")
        bad_accept = ask(client, headers={"Accept": "image/png"})
        cached_xml = ask(client, headers={"Accept": "application/sparql-results+xml"})
    # the thread pool only for what is not in the cache yet, and for the 406 (said after the parameters)
    assert hops == [1, 0, 1, 0, 1, 0]
    assert cached_xml.content == as_xml.content
    assert first.status_code == again.status_code == as_xml.status_code == 200
    assert again.content == first.content and len(first.json()["results"]["bindings"]) > 1
    for header in ("content-type", "vary", "content-security-policy", "access-control-allow-origin"):
        assert again.headers.get(header) == first.headers.get(header), header
    assert as_xml.text.count("<result>") == len(first.json()["results"]["bindings"])
    assert [request[1].get("answer_format") for request in asked] == ["json", "xml"]  # written by the worker
    assert bad_parameter.status_code == 422 and "goal" in bad_parameter.json()["message"]
    assert bad_accept.status_code == 406


def test_a_repeated_search_is_answered_on_the_event_loop(limited_app, monkeypatch):
    """A canned query answered by the search index: the index remembers its matches and the
    store the answer, so asking again needs neither a search, a worker nor a thread; other
    words need a search again."""
    store, app = limited_app(workers=1, cache_mb=64)
    from fastapi.testclient import TestClient
    import api.canned

    to_thread, hops = api.canned.run_in_threadpool, []

    async def counting_hops(*args):
        hops.append(args[-1].name)
        return await to_thread(*args)

    monkeypatch.setattr(api.canned, "run_in_threadpool", counting_hops)
    with TestClient(app) as client:
        answers = [client.get("/queries/search", params={"text": text}, headers={"Accept": "text/csv"})
                   for text in ("beschermd wonen", "beschermd wonen", "dakloosheid")]
    assert [a.status_code for a in answers] == [200] * 3
    assert answers[0].text == answers[1].text and answers[0].text.count("\n") > 2
    assert answers[2].text != answers[0].text
    assert hops == ["search", "search"]  # the first and the third


@pytest.mark.slow
def test_saturated_pool_answers_503_with_retry_after(limited_app):
    store, app = limited_app(timeout=3, workers=1, queue_wait=0.5)
    with running(app) as base:
        blocker = threading.Thread(target=lambda: httpx.get(f"{base}/sparql", params={"query": RUNAWAY},
                                                            timeout=30))
        blocker.start()
        time.sleep(0.3)
        # A canned query: it needs no ad-hoc place, only a worker, and the one worker is busy.
        busy = httpx.get(f"{base}/queries/actions-for-goal", params={"goal": GOAL_1},
                         headers={"Accept": "application/json"}, timeout=10)
        blocker.join()
    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == "1"
    assert "query workers are busy" in busy.json()["message"]
    # Once the runaway is stopped, the pool serves again.
    deadline = time.monotonic() + 10
    while not store.pool.worker_pids() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert bool(store.query(QUICK)) is True


@pytest.mark.slow
def test_results_from_workers_equal_in_process_results(api_store, built_store_path):
    """The trip through a worker (TSV results, N-Triples graphs) loses nothing: every canned
    and internal query gives the same terms, datatypes, languages and order as the same
    store read in this process."""
    from beleidsgraaf.settings import current_settings
    from beleidsgraaf.queries import Registry
    from beleidsgraaf.backends.oxigraph_store import Store

    direct_store = Store.open(built_store_path)
    samples = {"iri": GOAL_1, "string": "zorg", "integer": "2024", "decimal": "1.5", "date": "2025-01-01",
               "gYear": "2025", "boolean": "true"}
    queries_dir = current_settings().queries_dir
    queries = list(Registry.from_directory(queries_dir)) + list(Registry.from_directory(queries_dir / "internal"))
    assert len(queries) > 30
    for query in queries:
        params = {p.name: p.default or samples[p.type.name] for p in query.parameters if p.required or p.default}
        bound = query.bind(params)
        assert _terms(api_store.query(query.sparql, substitutions=bound)) == \
            _terms(direct_store.query(query.sparql, substitutions=bound)), query.name


# Terms that a text round trip could damage: tabs, newlines, quotes and backslashes in
# literals, languages with regions, datatypes, non-ASCII IRIs, blank nodes, unbound cells.
AWKWARD = r"""
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?a ?b ?c ?blank WHERE {
  VALUES (?a ?b ?c) {
    ("tab\there\nnewline \"quoted\" back\\slash"@nl-NL <http://example.org/é?q=1#frag> "1.50"^^xsd:decimal)
    (UNDEF "ü ẞ 🏠" "2025-01"^^xsd:gYearMonth)
    ("" UNDEF "\r\n"^^<http://example.org/my-type>)
  }
  BIND(BNODE() AS ?blank)
}"""


@pytest.mark.parametrize("sparql", [AWKWARD, "SELECT * WHERE {}", "SELECT ?x WHERE { FILTER(false) }",
                                    "SELECT ?s WHERE { ?s ?p ?o } LIMIT 0"])
def test_awkward_terms_survive_the_trip_through_a_worker(api_store, built_store_path, sparql):
    from beleidsgraaf.backends.oxigraph_store import Store

    direct, pooled = Store.open(built_store_path).query(sparql), api_store.query(sparql)
    names = [v.value for v in direct.variables]
    assert [v.value for v in pooled.variables] == names
    got, expected = list(pooled), list(direct)
    assert len(got) == len(expected)
    for row_got, row_expected in zip(got, expected):
        for name in names:
            a, b = row_got[name], row_expected[name]
            if isinstance(b, ox.BlankNode):  # fresh per evaluation: only the kind must match
                assert isinstance(a, ox.BlankNode)
            else:
                assert a == b, (name, a, b)


def test_row_cap_counts_rows_exactly(limited_app):
    store, _ = limited_app(max_rows=7)
    seven = "SELECT ?n WHERE { VALUES ?n { 1 2 3 4 5 6 7 } }"
    assert len(list(store.query(seven))) == 7
    with pytest.raises(ResultTooLarge, match="more than 7 rows"):
        store.query("SELECT ?n WHERE { VALUES ?n { 1 2 3 4 5 6 7 8 } }")


# Values whose text looks like the marks the worker counts rows by, in every format.
TRICKY_ROWS = ('"a,{\\"b"', '"<result>"', '"line\\nbreak"', '"}},{\\""', '"{}"', "<urn:x>", '""')


@pytest.mark.parametrize("media", ["application/sparql-results+json", "application/sparql-results+xml",
                                   "text/tab-separated-values", "text/csv"])
@pytest.mark.parametrize("bound", [True, False], ids=["bound", "empty-rows"])
def test_row_cap_counts_rows_exactly_in_the_format_the_worker_writes(limited_app, media, bound):
    """The worker writes JSON, XML and TSV answers itself and counts their rows by marks in
    the bytes: literals that look like those marks, and rows that bind nothing (`{}` in
    JSON), are counted right, at the cap and one over it."""
    store, _ = limited_app(max_rows=len(TRICKY_ROWS), cache_mb=0)
    projection = "?v" if bound else "?unbound"
    at_cap = f"SELECT {projection} WHERE {{ VALUES ?v {{ {' '.join(TRICKY_ROWS)} }} }}"
    over = at_cap.replace('""', '"" "one more"')
    body = store.query_serialized(at_cap, media)
    if media == "text/csv":  # made by the server from the worker's TSV; oxigraph does not read CSV back
        rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))[1:]
    else:
        rows = list(ox.parse_query_results(body, format=ox.QueryResultsFormat.from_media_type(media)))
    assert len(rows) == len(TRICKY_ROWS)
    with pytest.raises(ResultTooLarge, match=f"more than {len(TRICKY_ROWS)} rows"):
        store.query_serialized(over, media)


# Each row holds its counting byte (`{` in JSON, `<` in XML) twice, so the cheap bound
# passes the cap before the rows do and the marks are counted.
@pytest.mark.parametrize("answer_format, rows", [("json", b',{"a":{"b":1}}'), ("xml", b"<result></result>"),
                                                  ("tsv", b"x\n")])
def test_a_row_mark_split_between_two_chunks_is_counted_once(answer_format, rows):
    from beleidsgraaf.workers import _CountedRows, _TooLarge

    header = b"h\n" if answer_format == "tsv" else b'[{"a":{"b":0}}' if answer_format == "json" else b""
    data = header + rows * 5
    expected = 6 if answer_format == "json" else 5
    for cut in range(1, len(data)):  # every place the writer's buffer could end
        counter = _CountedRows(answer_format, max_rows=expected)
        counter.write(data[:cut])
        counter.write(data[cut:])
        assert counter.rows == expected, cut
        with pytest.raises(_TooLarge):
            over = _CountedRows(answer_format, max_rows=expected - 1)
            over.write(data[:cut])
            over.write(data[cut:])


@pytest.mark.parametrize("answer_format", ["json", "xml", "tsv"])
def test_rows_are_counted_only_when_the_answer_may_pass_the_cap(answer_format):
    """Counting costs time per byte: an answer whose size rules out more rows than the cap
    is not counted at all, and one whose counting byte rules it out is not counted by marks."""
    from beleidsgraaf.workers import _CountedRows

    store = ox.Store()
    body = store.query("SELECT ?a ?b WHERE { VALUES (?a ?b) { (1 2) (3 4) (5 6) } }").serialize(
        format=ox.QueryResultsFormat.from_media_type(ANSWER_MEDIA[answer_format]))
    small = _CountedRows(answer_format, max_rows=len(body))
    small.write(body)
    assert (small.bound, small.rows) == (None, None)
    bounded = _CountedRows(answer_format, max_rows=body.count(_CountedRows.BOUND[answer_format]))
    bounded.write(body)
    assert bounded.bound is not None and bounded.rows is None
    counted = _CountedRows(answer_format, max_rows=3)
    counted.write(body)
    assert counted.rows == 3


ANSWER_MEDIA = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                "tsv": "text/tab-separated-values"}


def test_a_workers_pipe_takes_a_large_answer_in_one_write():
    """The worker's socket buffers are widened (up to what the kernel allows), so an answer
    of hundreds of kB is written without waiting for the server to read each chunk."""
    import socket

    from beleidsgraaf.workers import PIPE_BUFFER_BYTES, _widen

    allowed = min(PIPE_BUFFER_BYTES, int(Path("/proc/sys/net/core/wmem_max").read_text()))
    ours, theirs = socket.socketpair()
    with ours, theirs:
        default = ours.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
        _widen(ours)
        assert ours.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF) >= max(default, allowed)


def _terms(result) -> list:
    from beleidsgraaf.results import is_graph_result

    if is_graph_result(result):
        return sorted(repr(t) for t in result)
    if not hasattr(result, "variables"):
        return [bool(result)]
    names = [v.value for v in result.variables]
    return [[repr(row[n]) for n in names] for row in result]


def test_limits_come_from_the_settings():
    cfg = load_settings({"BELEIDSGRAAF_QUERY_TIMEOUT": "2.5", "BELEIDSGRAAF_MAX_RESULT_ROWS": "10",
                         "BELEIDSGRAAF_QUERY_WORKERS": "3", "BELEIDSGRAAF_QUEUE_WAIT": "0.25"})
    assert QueryLimits.from_settings(cfg) == QueryLimits(timeout=2.5, max_rows=10, workers=3, queue_wait=0.25)


@pytest.mark.slow
def test_validations_beyond_their_places_get_503(api_app, monkeypatch):
    """Each validation takes a process and memory: only so many at once."""
    from api.capacity import Slots

    sandbox = api_app.state.service.validation_sandbox
    real = sandbox.validate

    def slow_validation(*args, **kwargs):
        time.sleep(1.0)  # holds the one place long enough for a second upload to arrive
        return real(*args, **kwargs)

    monkeypatch.setattr(sandbox, "validate", slow_validation)
    monkeypatch.setattr(api_app.state.service, "validation_slots", Slots(1, 0.2, "validations"))
    turtle = "<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n"
    answers = []
    with running(api_app) as base:
        def upload():
            answers.append(httpx.post(f"{base}/validate", content=turtle, timeout=30,
                                      headers={"Content-Type": "text/turtle", "Accept": "application/json"}))

        first = threading.Thread(target=upload)
        first.start()
        time.sleep(0.3)
        upload()
        first.join()
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200, 503], statuses
    busy = next(a for a in answers if a.status_code == 503)
    assert busy.headers["Retry-After"] == "1" and "validations" in busy.json()["message"]


@pytest.mark.slow
def test_research_queries_cannot_take_every_worker(limited_app):
    """With two workers, ad-hoc SPARQL may hold one: while runaway research queries fill it
    (and a second one waits, then gets 503), canned queries and entity pages are answered
    by the other worker at once."""
    store, app = limited_app(timeout=4, workers=2, queue_wait=0.5)
    assert app.state.service.adhoc_slots.count == 1
    with running(app) as base:
        runaway = threading.Thread(target=lambda: httpx.get(f"{base}/sparql", params={"query": RUNAWAY},
                                                             timeout=30))
        runaway.start()
        time.sleep(0.3)
        second = httpx.get(f"{base}/sparql", params={"query": QUICK}, headers={"Accept": "application/json"},
                           timeout=10)
        started = time.monotonic()
        canned = httpx.get(f"{base}/queries/actions-for-goal", params={"goal": GOAL_1},
                           headers={"Accept": "application/sparql-results+json"}, timeout=10)
        page = httpx.get(f"{base}/id/doel/regiovisie-bw-mo-2024-2026/doelstelling-1.html", timeout=10)
        served_in = time.monotonic() - started
        runaway.join()
    assert second.status_code == 503 and "ad-hoc SPARQL" in second.json()["message"]
    assert second.headers["Retry-After"] == "1"
    assert canned.status_code == 200 and canned.json()["results"]["bindings"]
    assert page.status_code == 200 and "doelstelling" in page.text.lower()
    assert served_in < 2, f"canned query and page took {served_in:.2f} s while research queries ran"


def test_adhoc_places_follow_the_settings():
    from api.capacity import Slots

    assert Slots.for_adhoc_queries(load_settings({"BELEIDSGRAAF_QUERY_WORKERS": "4"})).count == 3
    assert Slots.for_adhoc_queries(load_settings({"BELEIDSGRAAF_QUERY_WORKERS": "1"})).count == 1
    assert Slots.for_adhoc_queries(load_settings({"BELEIDSGRAAF_MAX_ADHOC_QUERIES": "2"})).count == 2


def test_malformed_query_is_parsed_in_a_worker_not_in_the_server(api_app, monkeypatch):
    """The server does not parse a user's query (issue 13): with every ad-hoc place taken, a
    malformed query queues like any other (503); with a place free, the worker's parser
    answers it with its position."""
    from fastapi.testclient import TestClient

    from api.capacity import Slots

    slots = Slots(1, 0.5, "ad-hoc SPARQL queries")
    monkeypatch.setattr(api_app.state.service, "adhoc_slots", slots)
    with TestClient(api_app) as client:
        with slots.held():
            queued = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"},
                                headers={"Accept": "application/json"})
        bad = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"},
                         headers={"Accept": "application/json"})
    assert queued.status_code == 503 and queued.headers["Retry-After"]
    assert bad.status_code == 400 and "line 1" in bad.json()["message"]
