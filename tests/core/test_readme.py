"""The README and the pages under docs/ say what the code does: the worked examples print
what they say they print, the install and test lines are there for .ci/run, every local link
leads to a file, and a newcomer finds from the README where to add a query, a shape, a
document and a setting."""

from __future__ import annotations

import re
import shlex

import pytest

from beleidsgraaf.cli import main
from tests.support import ROOT

README = ROOT / "README.md"
CLI_PAGE = ROOT / "docs" / "cli.md"


def _console_example(path, command: str) -> tuple[list[str], str]:
    """(argv, printed text) of the first ```console block in `path` that runs `command`."""
    text = path.read_text(encoding="utf-8")
    block = re.search(r"```console\n\$ (" + re.escape(command) + r"[^\n]*)\n(.*?)```", text, re.DOTALL)
    assert block, f"{path.name} has no console example running '{command}'"
    return shlex.split(block.group(1))[1:], block.group(2)


@pytest.mark.parametrize("path, command, rows", [
    (README, "beleidsgraaf query actions-by-deadline", 6),
    (CLI_PAGE, "beleidsgraaf query actions-for-goal", None),
])
def test_worked_example_output_matches_the_page(capsys, path, command, rows):
    argv, shown = _console_example(path, command)
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert printed.strip() == shown.strip(), f"rerun '{' '.join(argv)}' and paste its output into {path.name}"
    if rows is not None:
        assert printed.strip().endswith(f"({rows} rows)")


def test_the_long_example_shows_stated_and_inferred_links(capsys):
    argv, _ = _console_example(CLI_PAGE, "beleidsgraaf query actions-for-goal")
    main(argv)
    printed = capsys.readouterr().out
    assert "stated" in printed and "inferred" in printed and "Thuis in je buurt" in printed


def test_readme_gives_install_run_and_test_commands():
    text = README.read_text(encoding="utf-8")
    assert "python3 -m pip install -c requirements/constraints.txt -e '.[test]' && npm ci --ignore-scripts --prefix web   # install" in text
    assert "beleidsgraaf serve" in text
    assert "python3 -m pytest   # test" in text
    assert 'python3 -m pytest -m "not slow"' in text, "the README names the quick tier"


def test_readme_starts_short():
    assert len(README.read_text(encoding="utf-8")) < 8000, "the README links to docs/ for the details"


def _local_links(path):
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text(encoding="utf-8")):
        if not re.match(r"[a-z]+:", target):
            yield target


@pytest.mark.parametrize("page", [README, *sorted((ROOT / "docs").glob("*.md"))], ids=lambda p: p.name)
def test_every_local_link_leads_to_a_file(page):
    # docs/settings.md is generated from the settings object by its own tooling.
    missing = [t for t in _local_links(page) if not (page.parent / t).exists() and not t.endswith("settings.md")]
    assert not missing, f"{page.relative_to(ROOT)} links to missing files: {missing}"


def test_how_to_add_is_reachable_from_the_readme():
    assert "docs/architecture.md#how-to-add" in README.read_text(encoding="utf-8")
    architecture = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = architecture.split("## How to add", 1)
    assert len(section) == 2, "docs/architecture.md has a 'How to add' section"
    for thing in ("A query", "A shape", "A document", "A setting"):
        assert f"**{thing}**" in section[1], f"'How to add' says where to add {thing.lower()}"
