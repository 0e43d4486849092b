"""`beleidsgraaf import`, `export`, `history` and `restore`: the same gate and record as
/store, and the built store follows."""

from __future__ import annotations


import pytest

from beleidsgraaf.cli import main
from beleidsgraaf.backends.oxigraph_store import Store, build_store
from tests.support import EXAMPLE

FIXTURE = EXAMPLE / "plan-voorbeeldstad.ttl"
GRAPH = "https://w3id.org/beleidsgraaf/graph/voorbeeld/plan"
GOAL = "https://w3id.org/beleidsgraaf/id/voorbeeld/doel-1"


@pytest.fixture()
def area(tmp_path, monkeypatch):
    monkeypatch.setenv("BELEIDSGRAAF_PUBLISHED", str(tmp_path / "published"))
    monkeypatch.setenv("BELEIDSGRAAF_STORE", str(tmp_path / "store"))
    build_store(tmp_path / "store")
    return tmp_path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.slow
def test_import_history_export_restore(area, capsys):
    code, out, _ = run(capsys, "import", str(FIXTURE), "--graph", GRAPH, "--steward", "Team data Voorbeeldstad")
    assert code == 0 and "versie 1" in out
    changed = area / "plan-v2.ttl"
    changed.write_bytes(FIXTURE.read_bytes().replace(b"2026-12-31", b"2027-03-31"))
    assert run(capsys, "import", str(changed), "--graph", GRAPH)[0] == 0
    code, out, _ = run(capsys, "query", "actions-for-goal", "-p", f"goal={GOAL}", "--format", "csv")
    assert code == 0 and "actie-1" in out  # the built store followed the import
    code, out, _ = run(capsys, "history", "--graph", GRAPH)
    assert code == 0 and "Team data Voorbeeldstad" in out and "2 (huidig)" in out
    code, out, _ = run(capsys, "export", "--graph", GRAPH, "--format", "nt")
    assert code == 0 and "2027-03-31" in out
    assert "2026-12-31" in run(capsys, "export", "--graph", GRAPH, "--version", "1")[1]
    code, out, _ = run(capsys, "restore", "--graph", GRAPH, "--version", "1")
    assert code == 0 and "nu versie 3" in out
    assert "2026-12-31" in run(capsys, "export", "--graph", GRAPH)[1]
    assert GRAPH in Store.open(area / "store").named_graphs()


@pytest.mark.slow
def test_invalid_import_reports_in_dutch_and_changes_nothing(area, capsys):
    assert run(capsys, "import", str(FIXTURE), "--graph", GRAPH)[0] == 0
    bad = area / "bad.ttl"
    bad.write_bytes(FIXTURE.read_bytes().replace(b'"2026-12-31"^^xsd:date', b'"31-12-2026"'))
    code, out, err = run(capsys, "import", str(bad), "--graph", GRAPH)
    assert code == 1 and "bg:deadline" in out and "1 overtreding," in out and "niet gepubliceerd" in err
    assert "2026-12-31" in run(capsys, "export", "--graph", GRAPH)[1]
    assert "2 (huidig)" not in run(capsys, "history", "--graph", GRAPH)[1]


@pytest.mark.parametrize("argv, expected", [
    (["import", str(FIXTURE), "--graph", "plan"], "geen absolute IRI"),
    (["import", "bestaat-niet.ttl", "--graph", GRAPH], "kan het bestand niet lezen"),
    (["import", str(FIXTURE), "--graph", "https://w3id.org/beleidsgraaf/graph/register"], "meegeleverde"),
    (["export", "--graph", GRAPH], "niet gepubliceerd"),
    (["history", "--graph", GRAPH], "nooit gepubliceerd"),
    (["restore", "--graph", GRAPH, "--version", "4"], "geen versie 4"),
])
@pytest.mark.slow
def test_user_errors_exit_2_with_one_dutch_line(area, capsys, argv, expected):
    code, _, err = run(capsys, *argv)
    assert code == 2 and expected in err and "Traceback" not in err
