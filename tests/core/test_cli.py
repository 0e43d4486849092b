"""The command line: clear results, clear one-line errors, fitting exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from beleidsgraaf.cli import main
from tests.support import ROOT, SHAPES_INVALID
from tests.support.project_copy import copied_home

CASES = SHAPES_INVALID
GOAL_1 = "https://w3id.org/beleidsgraaf/id/doel/regiovisie-bw-mo-2024-2026/doelstelling-1"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.slow
def test_validate_valid_file_exits_0(capsys):
    code, out, _ = run(capsys, "validate", str(CASES / "_base.ttl"))
    assert code == 0 and "voldoet: 0 overtredingen" in out


@pytest.mark.slow
def test_validate_invalid_file_exits_1_with_dutch_message(capsys):
    code, out, _ = run(capsys, "validate", str(CASES / "_base.ttl"), str(CASES / "action-no-strand.ttl"))
    assert code == 1
    assert "Actie hoort bij geen actielijn" in out and "1 overtreding," in out


@pytest.mark.slow
def test_validate_json_and_turtle_formats(capsys):
    code, out, _ = run(capsys, "validate", "--format", "json", str(CASES / "_base.ttl"), str(CASES / "law-bad-bwb.ttl"))
    report = json.loads(out)
    assert code == 1 and report["conforms"] is False and report["counts"]["Violation"] == 1
    assert report["results"][0]["path"] == "https://w3id.org/beleidsgraaf/def#bwbId"
    code, out, _ = run(capsys, "validate", "--format", "turtle", str(CASES / "_base.ttl"), str(CASES / "law-bad-bwb.ttl"))
    assert "sh:ValidationReport" in out and "sh:conforms false" in out


@pytest.mark.slow
def test_validate_with_shipped_resolves_references(capsys, tmp_path):
    own = tmp_path / "new.ttl"
    own.write_text(
        "@prefix bg: <https://w3id.org/beleidsgraaf/def#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        "<https://w3id.org/beleidsgraaf/id/actie/nieuw/1> a bg:Action ; skos:prefLabel \"Nieuwe actie\"@nl ;\n"
        "  dcterms:source <https://w3id.org/beleidsgraaf/id/document/regiovisie-bw-mo-2024-2026> ;\n"
        "  bg:definedIn <https://w3id.org/beleidsgraaf/id/document/regiovisie-bw-mo-2024-2026> ;\n"
        "  bg:quote \"Kracht in kwetsbaarheid\" ; bg:actorScope bg:scope-regio-als-geheel ;\n"
        "  bg:partOfStrand <https://w3id.org/beleidsgraaf/id/actielijn/regiovisie-bw-mo-2024-2026/actielijn-1> .\n",
        encoding="utf-8")
    code_alone, out_alone, _ = run(capsys, "validate", "--alone", str(own))
    code_with, out_with, _ = run(capsys, "validate", str(own))  # with the existing data by default
    assert code_alone == 1 and "beleidsdocument" in out_alone
    assert code_with == 0, out_with


@pytest.mark.parametrize("content, expected", [
    ("@prefix ex: <http://e/> .\nex:a ex:b \"open .\n", ":2:"),
    ("ex:a ex:b ex:c .\n", "prefix ex: has not been declared"),
    ("<http://a> <http://b> <not an iri> .\n", ":1:"),
])
@pytest.mark.slow
def test_unparseable_rdf_gives_one_line_with_position_and_exit_2(capsys, tmp_path, content, expected):
    bad = tmp_path / "bad.ttl"
    bad.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "validate", str(bad))
    assert code == 2 and expected in err and str(bad) in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_missing_file_and_wrong_encoding(capsys, tmp_path):
    code, _, err = run(capsys, "validate", str(tmp_path / "nope.ttl"))
    assert code == 2 and "no such file" in err
    latin = tmp_path / "latin.ttl"
    latin.write_bytes('<http://a> <http://b> "café" .\n'.encode("latin-1"))
    code, _, err = run(capsys, "validate", str(latin))
    assert code == 2 and "UTF-8" in err


def test_queries_lists_every_rq_file(capsys):
    code, out, _ = run(capsys, "queries")
    names = {p.stem for p in (ROOT / "queries").glob("*.rq")}
    assert code == 0 and all(name in out for name in names)


@pytest.mark.slow
def test_query_runs_with_parameter_and_formats(capsys):
    code, out, _ = run(capsys, "query", "actions-for-goal", "--param", f"goal={GOAL_1}")
    assert code == 0 and "row" in out.splitlines()[-1]
    code, out, _ = run(capsys, "query", "actions-for-goal", "--format", "csv")
    assert code == 0 and out.splitlines()[0].startswith("goal,notation,action")
    code, out, _ = run(capsys, "query", "actions-for-goal", "--format", "json")
    assert code == 0 and json.loads(out)["head"]["vars"][0] == "goal"


@pytest.mark.parametrize("argv, expected", [
    (["query", "no-such-query"], "unknown query 'no-such-query'"),
    (["query", "search"], "parameter 'text': required"),
    (["query", "actions-for-goal", "-p", "goal=not an iri"], "is not a valid iri"),
    (["query", "actions-by-deadline", "-p", "until=31-12-2018"], "is not a valid date"),
    (["query", "actions-for-goal", "-p", "doel=x"], "has no such parameter"),
    (["query", "actions-for-goal", "-p", "goal"], "NAME=VALUE"),
    (["sparql", "SELECT * WHERE { ?s ?p }"], "malformed SPARQL query"),
    (["sparql", "INSERT DATA { <http://a> <http://b> <http://c> }"], "read-only"),
    (["sparql", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"], "SERVICE"),
])
def test_user_errors_exit_2_with_one_clear_line(capsys, argv, expected):
    code, _, err = run(capsys, *argv)
    assert code == 2 and expected in err and "Traceback" not in err


def test_sparql_select_and_construct(capsys):
    code, out, _ = run(capsys, "sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv")
    assert code == 0 and int(out.splitlines()[1]) > 1000
    code, out, _ = run(capsys, "sparql", "ASK { ?s a <https://w3id.org/beleidsgraaf/def#Action> }")
    assert code == 0 and out.strip() == "true"
    code, out, _ = run(capsys, "sparql", "CONSTRUCT WHERE { ?s a <https://w3id.org/beleidsgraaf/def#Goal> } LIMIT 2",
                       "--format", "nt")
    assert code == 0 and len(out.strip().splitlines()) == 2


@pytest.mark.slow
def test_build_writes_store_that_queries_read(capsys, tmp_path, monkeypatch):
    store = tmp_path / "store"
    monkeypatch.setenv("BELEIDSGRAAF_STORE", str(store))
    code, _, err = run(capsys, "build", "--materialise")
    assert code == 0 and store.is_dir() and "0 violations" in err
    code, out, _ = run(capsys, "sparql", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/beleidsgraaf/graph/inferred> { ?s ?p ?o } }",
                       "--format", "csv")
    assert code == 0 and int(out.splitlines()[1]) > 0


@pytest.mark.slow
def test_failed_build_leaves_previous_store_intact(capsys, tmp_path, monkeypatch):
    home, store = copied_home(tmp_path, monkeypatch)
    assert run(capsys, "build", "--skip-validation")[0] == 0
    before = sorted(p.name for p in store.iterdir())
    (home / "data" / "broken.ttl").write_text("<http://a> <http://b> .\n", encoding="utf-8")
    code, _, err = run(capsys, "build", "--skip-validation")
    assert code == 2 and "broken.ttl:1" in err
    assert sorted(p.name for p in store.iterdir()) == before
    code, out, _ = run(capsys, "sparql", "ASK { ?s ?p ?o }")
    assert code == 0 and out.strip() == "true"


def test_console_script_is_installed():
    exe = shutil.which("beleidsgraaf")
    assert exe, "pip install -e . installs the beleidsgraaf console script"
    done = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "beleidsgraaf" in done.stdout


def test_empty_file_is_an_error_not_a_pass(capsys, tmp_path):
    empty = tmp_path / "empty.ttl"
    empty.write_text("# nothing here\n", encoding="utf-8")
    code, _, err = run(capsys, "validate", str(empty))
    assert code == 2 and "bevat geen triples" in err


@pytest.mark.slow
def test_a_store_older_than_the_data_is_reported(capsys, tmp_path, monkeypatch):
    import os

    home, store = copied_home(tmp_path, monkeypatch)
    assert run(capsys, "build", "--skip-validation")[0] == 0
    code, _, err = run(capsys, "sparql", "ASK { ?s ?p ?o }")
    assert code == 0 and "changed after the store" not in err
    changed = home / "data" / "register.ttl"
    later = (tmp_path / "store").resolve().stat().st_mtime + 10
    os.utime(changed, (later, later))
    code, _, err = run(capsys, "sparql", "ASK { ?s ?p ?o }")
    assert code == 0 and "register.ttl changed after the store" in err and "beleidsgraaf build" in err
