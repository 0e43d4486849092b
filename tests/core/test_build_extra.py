"""`build --extra`: more RDF files next to the shipped data, each in its own named graph."""

from __future__ import annotations

from beleidsgraaf.namespaces import GRAPH
import pytest

from beleidsgraaf.cli import main
from beleidsgraaf.synthetic.synth import generate


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.slow
def test_build_loads_extra_files_into_their_own_graphs(capsys, tmp_path, monkeypatch):
    synth = tmp_path / "synth"
    counts = generate(1, synth)
    monkeypatch.setenv("BELEIDSGRAAF_STORE", str(tmp_path / "store"))
    code, _, err = run(capsys, "build", "--skip-validation", "--extra", str(synth))
    assert code == 0, err
    query = (f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}synth-gemeente-0> {{ ?s ?p ?o }} }}")
    code, out, _ = run(capsys, "sparql", query, "--format", "csv")
    assert code == 0 and int(out.splitlines()[1]) == counts["synth-gemeente-0.nt"]
    code, out, _ = run(capsys, "sparql", f"ASK {{ GRAPH <{GRAPH}register> {{ ?s ?p ?o }} }}")
    assert out.strip() == "true"  # the shipped data is there too


@pytest.mark.slow
def test_extra_file_named_like_shipped_data_is_refused(capsys, tmp_path, monkeypatch):
    clash = tmp_path / "register.ttl"
    clash.write_text("<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n", encoding="utf-8")
    monkeypatch.setenv("BELEIDSGRAAF_STORE", str(tmp_path / "store"))
    code, _, err = run(capsys, "build", "--skip-validation", "--extra", str(clash))
    assert code == 2 and "register.ttl" in err and "rename the file" in err
    assert not (tmp_path / "store").exists()


@pytest.mark.slow
def test_extra_data_is_validated_with_the_shipped_data(capsys, tmp_path, monkeypatch):
    bad = tmp_path / "nieuw-plan.ttl"
    bad.write_text("@prefix bg: <https://w3id.org/beleidsgraaf/def#> .\n"
                   "<https://w3id.org/beleidsgraaf/id/actie/nieuw/1> a bg:Action .\n", encoding="utf-8")
    monkeypatch.setenv("BELEIDSGRAAF_STORE", str(tmp_path / "store"))
    code, _, err = run(capsys, "build", "--extra", str(bad))
    assert code == 1 and "actie/nieuw/1" in err and "build stopped" in err
    assert not (tmp_path / "store").exists()
