"""The README's worked example prints what the README says it prints."""

from __future__ import annotations

import re
import shlex

from beleidsgraaf.cli import main
from tests.support import ROOT

README = ROOT / "README.md"


def test_worked_example_output_matches_the_readme(capsys):
    text = README.read_text(encoding="utf-8")
    block = re.search(r"```console\n\$ (beleidsgraaf query actions-for-goal [^\n]+)\n(.*?)```", text, re.DOTALL)
    assert block, "README has the worked example"
    argv = shlex.split(block.group(1))[1:]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert printed.strip() == block.group(2).strip()
    assert "stated" in printed and "inferred" in printed and "Thuis in je buurt" in printed


def test_readme_gives_install_run_and_test_commands():
    text = README.read_text(encoding="utf-8")
    assert "python3 -m pip install -c requirements/constraints.txt -e '.[test]' && npm ci --ignore-scripts --prefix web   # install" in text
    assert "beleidsgraaf serve" in text
    assert "python3 -m pytest   # test" in text
