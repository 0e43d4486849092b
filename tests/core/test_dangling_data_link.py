"""A data file that is a symbolic link to a missing file (issue 14): `sparql` and `query` still
answer from the built store and say what is wrong; `build` names the file; no traceback."""

from __future__ import annotations

import pytest

from beleidsgraaf.cli import main
from tests.support.project_copy import copied_home


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.slow
def test_a_dangling_data_link_is_reported_not_a_traceback(capsys, tmp_path, monkeypatch):
    home, store = copied_home(tmp_path, monkeypatch)
    assert run(capsys, "build", "--skip-validation")[0] == 0
    (home / "data" / "kapot.ttl").symlink_to(tmp_path / "gone" / "plan.ttl")

    code, out, err = run(capsys, "sparql", "ASK { ?s ?p ?o }")
    assert code == 0 and out.strip() == "true"
    assert "kapot.ttl is a symbolic link to a missing file" in err and "Traceback" not in err

    code, _, err = run(capsys, "build", "--skip-validation")
    assert code == 2 and "kapot.ttl" in err and "Traceback" not in err
