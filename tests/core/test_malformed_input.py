"""The corpus in tests/resources/malformed/: every malformed RDF file and SPARQL query gives a precise
message (file, line where the parser knows it, what is wrong, how to fix it) with exit code
2 on the command line and a 4xx from the web service, never a traceback; the cases marked
'accept' (byte-order marks, mixed line endings, entity abbreviations) parse.

Each case says what it tests and what message it expects in its header comments (`what:`,
`expect:`, `line:`, `accept: N triples`, `status:`), or in a NAME.expect file beside it
when the format has no comments or the file is not UTF-8.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from beleidsgraaf.cli import main
from beleidsgraaf.rdfio import read_file
from tests.support import MALFORMED, ROOT

CORPUS = MALFORMED
RDF_SUFFIXES = {".ttl", ".nt", ".jsonld", ".rdf"}
RDF_CASES = sorted(p for p in CORPUS.iterdir() if p.suffix in RDF_SUFFIXES)
SPARQL_CASES = sorted(CORPUS.glob("*.rq"))
HEADER = re.compile(r"^[ \t]*(?:#|<!--)?[ \t]*(what|expect|line|accept|status):[ \t]*(.*?)[ \t]*(?:-->)?[ \t]*\r?$",
                    re.MULTILINE)


@dataclass
class Case:
    path: Path
    what: str = ""
    expect: list[str] = field(default_factory=list)
    line: int | None = None
    accept: int | None = None  # triples the file holds when it is meant to parse
    status: int = 400

    @property
    def sidecar(self) -> Path:
        return self.path.with_name(self.path.name + ".expect")


def load(path: Path) -> Case:
    case = Case(path)
    source = case.sidecar if case.sidecar.exists() else path
    for key, value in HEADER.findall(source.read_bytes().decode("utf-8", "replace").lstrip("\ufeff")):
        if key == "expect":
            case.expect.append(value)
        elif key in ("line", "accept", "status"):
            setattr(case, key, int(value))
        else:
            case.what = value
    return case


def cli(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def no_built_store(monkeypatch, tmp_path):
    """The CLI's query commands read the shipped data in memory (named explicitly: a missing folder is an error), not a local build."""
    monkeypatch.setenv("BELEIDSGRAAF_STORE", "memory")


def test_the_corpus_is_complete_and_described():
    assert len(RDF_CASES) >= 25 and len(SPARQL_CASES) >= 10
    kinds = {p.suffix for p in RDF_CASES}
    assert kinds == RDF_SUFFIXES
    for path in RDF_CASES + SPARQL_CASES:
        case = load(path)
        assert case.what, f"{path.name} does not say what it tests"
        assert case.expect or case.accept or path.name.startswith("not-json"), f"{path.name} expects nothing"
    # Sidecars belong to a case.
    for sidecar in CORPUS.glob("*.expect"):
        assert sidecar.with_suffix("").exists(), sidecar.name


# -- RDF: command line ---------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("path", RDF_CASES, ids=lambda p: p.name)
def test_rdf_case_on_the_command_line(capsys, path):
    case = load(path)
    code, out, err = cli(capsys, "validate", str(path))
    if case.accept is not None:
        assert code == 0, err + out
        assert len(read_file(path)) == case.accept
        return
    assert code == 2, out
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert err.startswith(f"beleidsgraaf: {path}") and "cannot parse RDF: " in err
    for expected in case.expect:
        assert expected in err, (expected, err)
    if case.line is not None:
        assert f"{path}:{case.line}:" in err, err


# -- RDF: web service ------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("path", RDF_CASES, ids=lambda p: p.name)
def test_rdf_case_on_the_api(client, capsys, path):
    case = load(path)
    response = client.post("/validate", files={"file": (path.name, path.read_bytes(), "application/octet-stream")},
                           headers={"Accept": "application/json"})
    if case.accept is not None:
        assert response.status_code == 200, response.text
        assert response.json()["conforms"] is True
        return
    assert response.status_code == case.status, response.text
    body = response.json()
    assert body["message"].startswith(path.name)
    for expected in case.expect:
        assert expected in body["message"], (expected, body["message"])
    if case.line is not None:
        assert body["line"] == case.line and f"regel {case.line}" in body["message"]
    # The same explanation as on the command line.
    _, _, err = cli(capsys, "validate", str(path))
    reason = err.strip().split("cannot parse RDF: ", 1)[1]
    assert body["message"].endswith(reason)


# -- SPARQL -------------------------------------------------------------------------------------


def query_arguments(path: Path) -> list[list[str]]:
    """The query as @file and, when it is UTF-8 text, also inline."""
    arguments = [["sparql", f"@{path}"]]
    try:
        arguments.append(["sparql", path.read_bytes().decode("utf-8-sig")])
    except UnicodeDecodeError:
        pass
    return arguments


@pytest.mark.slow
@pytest.mark.parametrize("path", SPARQL_CASES, ids=lambda p: p.name)
def test_sparql_case_on_the_command_line(capsys, no_built_store, path):
    case = load(path)
    for argv in query_arguments(path):
        code, out, err = cli(capsys, *argv)
        if case.accept is not None:
            assert code == 0, err
            assert f"({case.accept} row" in out
            continue
        assert code == 2 and out == ""
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
        for expected in case.expect:
            assert expected in err, (expected, err)
        if case.line is not None:
            assert f"line {case.line}" in err, err


@pytest.mark.slow
@pytest.mark.parametrize("path", SPARQL_CASES, ids=lambda p: p.name)
def test_sparql_case_on_the_api(client, capsys, no_built_store, path):
    case = load(path)
    data = path.read_bytes()
    accept = {"Accept": "application/sparql-results+json"}
    responses = [client.post("/sparql", content=data, headers={"Content-Type": "application/sparql-query", **accept})]
    if len(query_arguments(path)) > 1:
        responses.append(client.get("/sparql", params={"query": data.decode("utf-8-sig")}, headers=accept))
    _, _, err = cli(capsys, "sparql", f"@{path}")
    for response in responses:
        if case.accept is not None:
            assert response.status_code == 200, response.text
            assert len(response.json()["results"]["bindings"]) == case.accept
            continue
        assert response.status_code == case.status, response.text
        message = response.json()["message"]
        for expected in case.expect:
            assert expected in message, (expected, message)
        # The same message as on the command line (which may name the file first).
        assert err.strip().endswith(message) and err.startswith("beleidsgraaf: ")


def test_malformed_parameters_of_canned_queries_exit_2(capsys, no_built_store):
    code, _, err = cli(capsys, "query", "actions-for-goal", "--param", "goal=https://w3id.org/x y")
    assert code == 2 and "parameter 'goal'" in err and "not a valid iri" in err
    code, _, err = cli(capsys, "query", "open-actions", "--param", "before=2024-13-01")
    assert code == 2 and "parameter 'before'" in err and "YYYY-MM-DD" in err


# -- a real process: no traceback reaches the terminal -------------------------------------------


@pytest.mark.parametrize("argv", [
    ["validate", "tests/resources/malformed/truncated-literal.ttl"],
    ["validate", "tests/resources/malformed/utf16-bom.ttl"],
    ["validate", "tests/resources/malformed/billion-laughs.rdf"],
    ["validate", "tests/resources/malformed/deeply-nested.jsonld"],
    ["sparql", "@tests/resources/malformed/sparql-unknown-prefix.rq"],
], ids=lambda argv: argv[-1].rsplit("/", 1)[-1])
@pytest.mark.slow
def test_real_command_exits_2_without_traceback(argv, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BELEIDSGRAAF_STORE": "memory"}
    done = subprocess.run([sys.executable, "-m", "beleidsgraaf.cli", *argv], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
