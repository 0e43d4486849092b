"""The synthetic generator: deterministic, shaped like the real data, valid against our shapes."""

from __future__ import annotations

from beleidsgraaf.cli import main
from beleidsgraaf.pipeline import read_user_graph
from beleidsgraaf.validation import validate_graph


def test_synth_is_deterministic_and_valid(tmp_path, capsys):
    assert main(["synth", "-n", "6", "--out", str(tmp_path / "a")]) == 0
    assert main(["synth", "-n", "6", "--out", str(tmp_path / "b")]) == 0
    a = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert a == ["gemeente-0.nt", "gemeente-1.nt", "gemeente-2.nt", "gemeente-3.nt", "gemeente-4.nt",
                 "gemeente-5.nt", "regio-0.nt", "regio-1.nt", "register.nt"]
    for name in a:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    report = validate_graph(read_user_graph([tmp_path / "a"]))
    assert report.violations == 0, report.as_text()


def test_synth_rejects_zero_municipalities(tmp_path, capsys):
    assert main(["synth", "-n", "0", "--out", str(tmp_path)]) == 2
    assert "at least 1" in capsys.readouterr().err
