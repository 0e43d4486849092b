"""Issue 13, the rest of the one query path: a steward's upload is parsed and validated only
in the validation sandbox (with the attack: a deeply nested and a huge upload to PUT
/store with a valid token); /validate, PUT /store and `beleidsgraaf validate` validate
with the same background; worker replies are never unpickled (with the attack: a worker
that answers with a pickle that would create a file); the endpoint URL reaches the
engines as a base IRI, also for the rdflib backend, whose syntax check runs in a worker."""

from __future__ import annotations

import os
import pickle
import sys
from multiprocessing.connection import Connection
from pathlib import Path

import psutil
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from beleidsgraaf import workers
from beleidsgraaf.errors import QueryError
from beleidsgraaf.replies import BadReply
from beleidsgraaf.backends.oxigraph_store import Store
from tests.support import EXAMPLE
from beleidsgraaf.validation_sandbox import Sandbox, Upload, ValidationFailed, ValidationLimits

FIXTURE = EXAMPLE / "plan-voorbeeldstad.ttl"
PLAN = FIXTURE.read_bytes()
PREFIXES = b"".join(line + b"\n" for line in PLAN.splitlines() if line.startswith(b"@prefix"))
GRAPH = "https://w3id.org/beleidsgraaf/graph/voorbeeld/plan"
OTHER_GRAPH = "https://w3id.org/beleidsgraaf/graph/voorbeeld/aanvulling"
TOKEN = "geheim-voor-de-test"
AUTH = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"}
# An action in another file that points at the plan's strand and municipality: it only
# validates cleanly when the plan is in the background.
REFERRING = PREFIXES + (
    'v:actie-99 a bg:Action ; skos:prefLabel "Een actie die naar het plan verwijst"@nl ; skos:notation "A.99" ;\n'
    '    bg:partOfStrand v:actielijn-1 ; bg:initiator v:gemeente ; bg:definedIn v:plan ;\n'
    '    dcterms:source v:plan ; bg:quote "een wooncoach voor jongeren" .\n').encode()
SERVER_GROWTH_MB = 150


@pytest.fixture()
def client(tmp_path, settings_for_test):
    cfg = settings_for_test(published=tmp_path / "published", write_token=TOKEN,
                            validation_max_triples=3000, validation_memory_mb=1200)
    app = create_app(Store.shipped(), cfg)
    with TestClient(app) as test_client:
        yield test_client
    app.state.service.validation_sandbox.close()


def put(client, body: bytes, graph: str = GRAPH):
    return client.put("/store", params={"graph": graph}, content=body, headers=AUTH)


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 1024 / 1024


# -- 1. PUT /store: the server never parses the upload ---------------------------------------

def deeply_nested(depth: int) -> bytes:
    return PREFIXES + b"v:x bg:p " + b"[ bg:p " * depth + b"v:y" + b" ]" * depth + b" .\n"


def many_actions(count: int) -> bytes:
    return PREFIXES + "".join(f'v:a{i} a bg:Action ; skos:prefLabel "actie {i}"@nl ; bg:deadline "morgen" .\n'
                              for i in range(count)).encode()


@pytest.mark.parametrize("attack, statuses", [
    (deeply_nested(100_000), {400, 413, 422}),  # nesting deeper than any parser's stack
    (many_actions(40_000), {413}),  # within the body limit, far past the triple cap
], ids=["deep-nesting", "huge"])  # short ids: pytest puts the id in every child's environment
@pytest.mark.slow
def test_hostile_uploads_to_put_store_are_refused_in_the_sandbox(client, attack, statuses):
    assert put(client, PLAN).status_code == 201
    before = client.get("/store", params={"graph": GRAPH}, headers={"Accept": "application/n-triples"}).text
    rss_before = rss_mb()
    response = put(client, attack)
    assert response.status_code in statuses, response.text[:500]
    assert response.json()["message"]  # a clear message, not a traceback
    assert rss_mb() - rss_before < SERVER_GROWTH_MB
    after = client.get("/store", params={"graph": GRAPH}, headers={"Accept": "application/n-triples"})
    assert after.text == before and after.headers["etag"] == '"1"'  # stored data unchanged


def test_put_store_parse_errors_still_name_the_line(client):
    response = put(client, PREFIXES + b"v:a a bg:Action ;\n  skos:prefLabel \"open string .\n")
    assert response.status_code == 400 and response.json()["line"], response.text


# -- 2. one background for /validate, PUT /store and the command line -------------------------

def _results(report) -> list[tuple]:
    return sorted((r.focus_node, r.path or "", r.severity, r.message_en) for r in report.results)


def _three_ways(client, tmp_path: Path) -> tuple[list, list, list]:
    """The results of REFERRING by /validate, by the write gate (PUT /store) and by the CLI."""
    from beleidsgraaf.pipeline import validate_paths
    from beleidsgraaf.validation import ValidationReport

    via_validate = client.post("/validate", content=REFERRING, headers={"Content-Type": "text/turtle",
                                                                         "Accept": "application/json"})
    assert via_validate.status_code == 200, via_validate.text
    http = sorted((r["focus_node"], r["path"] or "", r["severity"], r["message_en"])
                  for r in via_validate.json()["results"])
    written = put(client, REFERRING, OTHER_GRAPH)
    if written.status_code == 422:
        store = sorted((r["focus_node"], r["path"] or "", r["severity"], r["message_en"])
                       for r in written.json()["results"])
    else:
        assert written.status_code == 201, written.text
        store = []  # accepted: no violations (warnings are not returned on success)
        client.delete("/store", params={"graph": OTHER_GRAPH}, headers=AUTH)
    path = tmp_path / "aanvulling.ttl"
    path.write_bytes(REFERRING)
    cli: ValidationReport = validate_paths([path])
    return http, store, _results(cli)
@pytest.mark.slow
def test_validate_put_and_cli_see_the_same_background(client, tmp_path):
    violations = lambda rows: [r for r in rows if r[2] == "Violation"]  # noqa: E731
    http, store, cli = _three_ways(client, tmp_path)
    before = violations(http)
    assert before, "without the plan the references must not resolve"
    assert before == violations(store) == violations(cli)
    assert put(client, PLAN).status_code == 201  # the plan is published: the background grows
    http, store, cli = _three_ways(client, tmp_path)
    assert violations(http) == violations(store) == violations(cli)
    assert len(violations(http)) < len(before)  # the references to the plan now resolve, everywhere
    assert http == cli


# -- 5. replies from workers are never unpickled ---------------------------------------------

class _CreatesAFile:
    def __init__(self, path: Path):
        self.path = path

    def __reduce__(self):
        return (open, (str(self.path), "w"))


def test_a_pickle_payload_would_run_if_unpickled(tmp_path):
    """The control: the payload of the attacks below really creates its file when unpickled."""
    target = tmp_path / "control"
    pickle.loads(pickle.dumps(_CreatesAFile(target)))
    assert target.exists()


FAKE_WORKER = """
import pickle, sys
from multiprocessing.connection import Connection
conn = Connection(int(sys.argv[1]))
conn.send_bytes(b'["ready", 1, true]\\n')
conn.recv()
conn.send_bytes(open(sys.argv[2], "rb").read())
conn.recv()
"""


class _SubvertedWorker(workers._Worker):
    """A worker process that answers every query with a crafted pickle."""

    payload_path: Path

    def __init__(self, store_path: str, memory_mb: int, pages: bool):
        import socket
        import subprocess

        self.pages = pages
        ours, theirs = socket.socketpair()
        self.process = subprocess.Popen([sys.executable, "-c", FAKE_WORKER, str(theirs.fileno()),
                                         str(self.payload_path)], pass_fds=[theirs.fileno()])
        theirs.close()
        self.attach(Connection(ours.detach()))
        self.isolated = False


def test_a_query_worker_that_sends_a_pickle_does_not_get_it_run(tmp_path, monkeypatch):
    target = tmp_path / "pwned"
    payload = tmp_path / "payload"
    payload.write_bytes(pickle.dumps(_CreatesAFile(target)))
    _SubvertedWorker.payload_path = payload  # kept: a replacement may start after the test
    monkeypatch.setattr(workers, "_Worker", _SubvertedWorker)
    pool = workers.QueryPool(tmp_path, workers.QueryLimits(workers=1, timeout=5))
    try:
        with pytest.raises(QueryError, match="does not accept"):
            pool.query("ASK {}", adhoc=True)
    finally:
        pool.close()
    assert not target.exists()


def test_reply_decoding_refuses_pickles_and_unknown_kinds(tmp_path):
    target = tmp_path / "pwned"
    for data in (pickle.dumps(_CreatesAFile(target)), pickle.dumps(("boolean", True)),
                 b'["nonsense"]\n', b'["boolean", "yes"]\n', b'["error", 1, 2]\n'):
        with pytest.raises(BadReply):
            workers._decoded(data)
    assert not target.exists()
    assert workers._decoded(b'["solutions"]\n?a\n') == ("solutions", b"?a\n")


class _SubvertedSandbox(Sandbox):
    """A validation sandbox whose child answers with a crafted pickle."""

    def __init__(self, payload: Path):
        super().__init__(ValidationLimits(timeout=30), keep_spare=False)
        self.payload = payload

    def _start_child(self):
        import subprocess

        code = ("import sys; sys.stdin.buffer.read(); "
                f"sys.stdout.buffer.write(open({str(self.payload)!r}, 'rb').read())")
        return subprocess.Popen([sys.executable, "-c", code, "x"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE)


def test_a_validation_child_that_sends_a_pickle_does_not_get_it_run(tmp_path):
    target = tmp_path / "pwned"
    payload = tmp_path / "payload"
    payload.write_bytes(pickle.dumps(("report", _CreatesAFile(target))))
    sandbox = _SubvertedSandbox(payload)
    with pytest.raises(ValidationFailed):
        sandbox.validate(Upload(PLAN, "turtle", None, "invoer", False))
    assert not target.exists()
@pytest.mark.slow
def test_a_validation_report_survives_the_plain_reply(client):
    from beleidsgraaf.validation import ValidationReport

    sandbox = Sandbox(ValidationLimits(timeout=60), keep_spare=False)
    bad = PLAN.replace(b'"2026-12-31"^^xsd:date', b'"31-12-2026"')
    report = sandbox.validate(Upload(bad, "turtle", None, "invoer", True))
    assert isinstance(report, ValidationReport) and report.violations
    assert len(report.report_triples) > 0 and "31-12-2026" in report.as_turtle()


# -- 3 and 4. the base IRI, and the rdflib backend's syntax check in a worker ------------------

def test_rdflib_backend_resolves_relative_iris_with_base_iri_and_checks_in_a_worker():
    from beleidsgraaf.backends import syntax
    from beleidsgraaf.backends.rdflib_memory import RdflibStore

    store = RdflibStore.shipped()
    answer = store.query("SELECT ?x WHERE { BIND(<s> AS ?x) }", base_iri="http://example.org/sparql")
    assert [row["x"].value for row in answer] == ["http://example.org/s"]
    own = store.query("BASE <http://other.example/> SELECT ?x WHERE { BIND(<s> AS ?x) }",
                      base_iri="http://example.org/sparql")
    assert [row["x"].value for row in own] == ["http://other.example/s"]
    pids = syntax._syntax_pool().worker_pids()
    assert pids and os.getpid() not in pids  # the check ran in separate worker processes
    with pytest.raises(QueryError, match="SERVICE"):
        store.query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
