"""The RDF parsers hold against hostile input, on the command line and at /validate:
entity expansion (billion laughs), XML external entities (file:// and http://, never read
or fetched), deeply nested JSON-LD, remote JSON-LD contexts and huge literals. Each is
refused with a clear message, never a crash, a traceback or a request to another host
(remote contexts are fetched only when an operator sets BELEIDSGRAAF_ALLOW_REMOTE_CONTEXTS=1)."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest

from beleidsgraaf.cli import main
from beleidsgraaf.input_guards import MAX_JSON_DEPTH
from beleidsgraaf.rdfio import read_file
from tests.support import MALFORMED, ROOT

CORPUS = MALFORMED
RDF_HEAD = ('<?xml version="1.0"?>\n{doctype}\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"\n'
            '         xmlns:skos="http://www.w3.org/2004/02/skos/core#">\n'
            '  <rdf:Description rdf:about="https://w3id.org/beleidsgraaf/id/test/a">\n'
            '    <skos:prefLabel xml:lang="nl">{text}</skos:prefLabel>\n'
            '  </rdf:Description>\n</rdf:RDF>\n')


def rdf_xml(doctype: str, text: str) -> str:
    return RDF_HEAD.format(doctype=doctype, text=text)


def cli(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def real_cli(*argv, timeout=120) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "beleidsgraaf.cli", *argv], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def upload(client, name: str, data: bytes):
    return client.post("/validate", files={"file": (name, data, "application/octet-stream")},
                       headers={"Accept": "application/json"})


# -- entity expansion ----------------------------------------------------------------------


def test_billion_laughs_is_refused_by_a_real_cli_process():
    """Without the guard this document makes Oxigraph allocate gigabytes and abort."""
    done = real_cli("validate", str(CORPUS / "billion-laughs.rdf"))
    assert done.returncode == 2, done.stderr
    assert "billion laughs" in done.stderr and "Traceback" not in done.stderr


def test_billion_laughs_is_refused_by_the_api(client):
    response = upload(client, "lol.rdf", (CORPUS / "billion-laughs.rdf").read_bytes())
    assert response.status_code == 400
    assert "billion laughs" in response.json()["message"] and response.json()["line"] is not None


@pytest.mark.slow
@pytest.mark.parametrize("use", ["<skos:prefLabel>&l9;</skos:prefLabel>",
                                 '<skos:exactMatch rdf:resource="https://example.org/&l9;"/>'],
                         ids=["in-text", "in-attribute"])
def test_entities_declared_in_reverse_order_are_sized_too(capsys, tmp_path, use):
    """Entities may name entities declared after them; the bomb is still seen before expansion."""
    ents = "".join(f'<!ENTITY l{i} "' + f"&l{i - 1};" * 10 + '">' for i in range(9, 0, -1)) + '<!ENTITY l0 "lol">'
    data = rdf_xml(f"<!DOCTYPE rdf:RDF [{ents}]>", "x").replace('<skos:prefLabel xml:lang="nl">x</skos:prefLabel>',
                                                             use)
    path = tmp_path / "reverse.rdf"
    path.write_text(data, encoding="utf-8")
    code, _, err = cli(capsys, "validate", str(path))
    assert code == 2 and "billion laughs" in err, err


@pytest.mark.slow
def test_many_references_to_one_big_entity_are_refused(capsys, client):
    path = CORPUS / "quadratic-blowup.rdf"
    code, _, err = cli(capsys, "validate", str(path))
    assert code == 2 and "expand to more than" in err
    assert upload(client, path.name, path.read_bytes()).status_code == 400


@pytest.mark.slow
def test_modest_entities_still_work(capsys, tmp_path):
    """The guard is a budget, not a ban: abbreviations used many times are fine."""
    doctype = '<!DOCTYPE rdf:RDF [ <!ENTITY n "naam-"> <!ENTITY nn "&n;&n;"> ]>'
    path = tmp_path / "ok.rdf"
    path.write_text(rdf_xml(doctype, "&nn;" * 1000), encoding="utf-8")
    code, out, err = cli(capsys, "validate", str(path))
    assert code == 0, err


# -- XML external entities -----------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("declared_only", [False, True])
def test_file_external_entity_is_never_read(capsys, client, tmp_path, declared_only):
    secret = tmp_path / "secret.txt"
    secret.write_text("GEHEIM-7f3a9", encoding="utf-8")
    doctype = f'<!DOCTYPE rdf:RDF [ <!ENTITY s SYSTEM "{secret.as_uri()}"> ]>'
    data = rdf_xml(doctype, "x" if declared_only else "&s;")
    path = tmp_path / "xxe.rdf"
    path.write_text(data, encoding="utf-8")
    code, out, err = cli(capsys, "validate", str(path))
    assert code == 2 and "external entity 's'" in err and "never reads files" in err
    assert "GEHEIM" not in out + err
    response = upload(client, "xxe.rdf", data.encode())
    assert response.status_code == 400 and "external entity" in response.json()["message"]
    assert "GEHEIM" not in response.text


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE rdf:RDF [ <!ENTITY e SYSTEM "{url}/secret.txt"> ]>',
    '<!DOCTYPE rdf:RDF [ <!ENTITY e PUBLIC "-//x//y" "{url}/secret.txt"> ]>',
    '<!DOCTYPE rdf:RDF [ <!ENTITY % p SYSTEM "{url}/evil.dtd"> %p; ]>',
], ids=["system", "public", "parameter"])
@pytest.mark.slow
def test_http_external_entities_are_refused_without_a_request(capsys, client, tmp_path, listener, doctype):
    url, hits = listener
    data = rdf_xml(doctype.format(url=url), "&e;" if "ENTITY e" in doctype else "x")
    path = tmp_path / "xxe.rdf"
    path.write_text(data, encoding="utf-8")
    code, _, err = cli(capsys, "validate", str(path))
    assert code == 2 and "is refused" in err
    response = upload(client, "xxe.rdf", data.encode())
    assert response.status_code == 400 and "is refused" in response.json()["message"]
    assert hits == []


@pytest.mark.slow
def test_external_dtd_is_ignored_without_a_request(capsys, client, tmp_path, listener):
    """A DOCTYPE naming an external DTD is harmless: it is not fetched, the data parses."""
    url, hits = listener
    data = rdf_xml(f'<!DOCTYPE rdf:RDF SYSTEM "{url}/rdf.dtd">', "x")
    path = tmp_path / "dtd.rdf"
    path.write_text(data, encoding="utf-8")
    code, _, err = cli(capsys, "validate", str(path))
    assert code == 0, err
    assert upload(client, "dtd.rdf", data.encode()).status_code == 200
    assert hits == []


# -- deeply nested JSON-LD -----------------------------------------------------------------


def nested_jsonld(levels: int) -> str:
    return ('{"@id": "https://w3id.org/beleidsgraaf/id/test/a", "http://example.org/p": '
            + '{"http://example.org/p": ' * levels + '"x"' + "}" * levels + "}")


def test_100k_levels_of_json_ld_by_a_real_cli_process(tmp_path):
    """Without the guard a few thousand levels crash the process (stack overflow)."""
    path = tmp_path / "deep.jsonld"
    path.write_text(nested_jsonld(100_000), encoding="utf-8")
    done = real_cli("validate", str(path))
    assert done.returncode == 2, done.stderr
    assert f"nested deeper than {MAX_JSON_DEPTH} levels" in done.stderr
    assert "Traceback" not in done.stderr and "RecursionError" not in done.stderr


def test_100k_levels_of_json_ld_by_the_api(client):
    response = client.post("/validate", content=nested_jsonld(100_000).encode(),
                           headers={"Content-Type": "application/ld+json", "Accept": "application/json"})
    assert response.status_code == 400
    assert f"nested deeper than {MAX_JSON_DEPTH} levels" in response.json()["message"]


@pytest.mark.slow
def test_nesting_up_to_the_limit_parses(capsys, tmp_path):
    path = tmp_path / "ok.jsonld"
    path.write_text(nested_jsonld(MAX_JSON_DEPTH - 2), encoding="utf-8")
    code, _, err = cli(capsys, "validate", str(path))
    assert code == 0, err


@pytest.mark.slow
def test_nesting_inside_strings_does_not_count(capsys, tmp_path):
    path = tmp_path / "brackets.jsonld"
    path.write_text('{"@id": "https://w3id.org/beleidsgraaf/id/test/a", "http://example.org/p": "'
                    + "{[" * 5000 + '\\" }"}', encoding="utf-8")
    code, _, err = cli(capsys, "validate", str(path))
    assert code == 0, err


# -- remote JSON-LD contexts ---------------------------------------------------------------


@pytest.mark.parametrize("context", ['"{url}/context.jsonld"', '["{url}/context.jsonld"]',
                                     '{{"@import": "{url}/context.jsonld"}}', '"context.jsonld"'],
                         ids=["string", "list", "import", "relative"])
@pytest.mark.slow
def test_remote_context_is_refused_without_a_request(capsys, client, tmp_path, listener, context):
    url, hits = listener
    (tmp_path / "context.jsonld").write_text('{"@context": {"naam": "http://example.org/naam"}}', encoding="utf-8")
    data = ('{"@context": ' + context.format(url=url) + ', "@id": "https://w3id.org/beleidsgraaf/id/test/a", '
            '"naam": "x"}')
    path = tmp_path / "remote.jsonld"
    path.write_text(data, encoding="utf-8")
    code, _, err = cli(capsys, "validate", str(path))
    assert code == 2 and "does not fetch remote or file contexts" in err
    response = client.post("/validate", content=data.encode(),
                           headers={"Content-Type": "application/ld+json", "Accept": "application/json"})
    assert response.status_code == 400 and "does not fetch" in response.json()["message"]
    assert hits == []


@pytest.fixture()
def context_server():
    """A loopback HTTP server with two JSON-LD contexts (one imports the other); records requests."""
    contexts = {"/naam.jsonld": {"@context": {"naam": "http://www.w3.org/2004/02/skos/core#prefLabel"}},
                "/ketting.jsonld": {"@context": {"@import": "naam.jsonld", "@language": "nl"}}}
    requested: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requested.append(self.path)
            body = json.dumps(contexts.get(self.path, {})).encode()
            self.send_response(200 if self.path in contexts else 404)
            self.send_header("Content-Type", "application/ld+json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requested
    server.shutdown()
    thread.join(timeout=2)


@pytest.mark.slow
def test_an_operator_can_allow_remote_contexts(capsys, api_store, tmp_path, monkeypatch, context_server):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from beleidsgraaf.settings import load_settings

    url, requested = context_server
    monkeypatch.setenv("BELEIDSGRAAF_ALLOW_REMOTE_CONTEXTS", "1")  # for the command line, which reads it
    data = ('{"@context": "%s/ketting.jsonld", "@id": "https://w3id.org/beleidsgraaf/id/test/a", "naam": "x"}' % url)
    path = tmp_path / "remote.jsonld"
    path.write_text(data, encoding="utf-8")
    quads = read_file(path)
    assert [(q.predicate.value, q.object) for q in quads] == [
        ("http://www.w3.org/2004/02/skos/core#prefLabel", ox.Literal("x", language="nl"))]
    assert requested == ["/ketting.jsonld", "/naam.jsonld"]
    code, _, err = cli(capsys, "validate", str(path))
    assert code == 0, err
    with TestClient(create_app(api_store, load_settings({}).replaced(allow_remote_contexts=True))) as client:
        response = client.post("/validate", content=data.encode(),
                               headers={"Content-Type": "application/ld+json", "Accept": "application/json"})
    assert response.status_code == 200, response.text
    # Still only http(s), and a context that is not there is a clear error.
    for context, message in (("file:///etc/hostname", "not an http(s) URL"), (f"{url}/weg.jsonld", "cannot fetch")):
        path.write_text('{"@context": "%s", "@id": "https://w3id.org/beleidsgraaf/id/test/a"}' % context)
        code, _, err = cli(capsys, "validate", str(path))
        assert code == 2 and message in err, err


# -- huge literals -------------------------------------------------------------------------


@pytest.mark.slow
def test_50_mb_literal_by_a_real_cli_process(tmp_path):
    path = tmp_path / "huge.ttl"
    with path.open("wb") as f:
        f.write(b'<https://w3id.org/beleidsgraaf/id/test/a> <http://www.w3.org/2004/02/skos/core#definition> "')
        f.write(b"a" * (50 * 1024 * 1024))
        f.write(b'" .\n')
    done = real_cli("validate", str(path))
    assert done.returncode == 2, done.stderr
    assert "longer than 16 MB" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("suffix, wrap", [
    (".nt", lambda big: b'<https://w3id.org/beleidsgraaf/id/test/a> <http://example.org/p> "' + big + b'" .\n'),
    (".jsonld", lambda big: b'{"@id": "https://w3id.org/beleidsgraaf/id/test/a", "http://example.org/p": "'
                            + big + b'"}'),
    (".rdf", lambda big: rdf_xml("", big.decode()).encode()),
])
@pytest.mark.slow
def test_literal_over_16_mb_is_refused_in_every_syntax(capsys, tmp_path, suffix, wrap):
    path = tmp_path / f"huge{suffix}"
    path.write_bytes(wrap(b"a" * (17 * 1024 * 1024)))
    code, _, err = cli(capsys, "validate", str(path))
    assert code == 2 and "longer than 16 MB" in err, err


def test_literal_over_the_upload_limit_is_413(client):
    big = (b'<https://w3id.org/beleidsgraaf/id/test/a> <http://example.org/p> "'
           + b"a" * (6 * 1024 * 1024) + b'" .\n')
    response = client.post("/validate", content=big, headers={"Content-Type": "application/n-triples",
                                                                "Accept": "application/json"})
    assert response.status_code == 413
    assert "BELEIDSGRAAF_MAX_UPLOAD_BYTES" in response.json()["message"]
    response = upload(client, "huge.nt", big)
    assert response.status_code == 413 and "BELEIDSGRAAF_MAX_UPLOAD_BYTES" in response.json()["message"]


# -- concurrency ---------------------------------------------------------------------------


def test_guard_parses_queries_from_many_threads_at_once():
    """The server checks queries in a thread pool; rdflib's grammar is not thread-safe, and
    without one lock around it concurrent checks fail (a 500 under load)."""
    import threading
    from pathlib import Path

    from beleidsgraaf.sparql_guard import check_query

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "bench" / "queries").rglob("*.rq"))][:8]
    assert len(texts) == 8
    failures: list[str] = []

    def check_repeatedly(text: str) -> None:
        for _ in range(10):
            try:
                check_query(text)
            except Exception as exc:  # any failure here is the bug
                failures.append(repr(exc))

    threads = [threading.Thread(target=check_repeatedly, args=(t,)) for t in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
