"""Every shape rejects what it should, with the intended message and severity."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib.namespace import RDF, SH

from beleidsgraaf.namespaces import SHAPES
from beleidsgraaf.shipped import shapes_graph
from beleidsgraaf.pipeline import read_user_graph
from beleidsgraaf.validation import validate_graph
from tests.support import SHAPES_INVALID

CASES_DIR = SHAPES_INVALID
BASE = CASES_DIR / "_base.ttl"
CASES = sorted(p for p in CASES_DIR.glob("*.ttl") if p.name != BASE.name)


def expectations(path: Path) -> dict[str, str]:
    header = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"#\s*(shape|focus|severity|message):\s*(.+)$", line)
        if match:
            header[match.group(1)] = match.group(2).strip()
    return header


def test_base_graph_conforms():
    report = validate_graph(read_user_graph([BASE]))
    assert report.violations == 0, report.as_text()


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_invalid_case_fails_as_intended(case):
    expected = expectations(case)
    assert {"shape", "focus", "severity", "message"} <= set(expected), f"{case.name}: incomplete header"
    report = validate_graph(read_user_graph([BASE, case]))
    matching = [r for r in report.results
                if r.focus_node == expected["focus"] and r.severity == expected["severity"]
                and expected["message"] in r.message_nl]
    assert matching, f"{case.name}: expected {expected['severity']} '{expected['message']}' on " \
                     f"{expected['focus']}, got:\n{report.as_text()}"
    assert all(r.message_en for r in matching), "every message has an English version"
    if expected["severity"] == "Violation":
        assert report.violations > 0


def test_every_node_shape_has_an_invalid_case():
    shapes = shapes_graph()
    node_shapes = {str(s) for s in shapes.subjects(RDF.type, SH.NodeShape)
                   if str(s).startswith(SHAPES) and (s, SH.targetClass, None) in shapes
                   or (s, SH.targetSubjectsOf, None) in shapes}
    covered = {expectations(c)["shape"].replace("bgsh:", SHAPES) for c in CASES}
    assert node_shapes - covered == set(), "node shapes without an invalid test case"


def test_messages_exist_in_dutch_and_english():
    shapes = shapes_graph()
    for holder in set(shapes.subjects(SH.message, None)):
        languages = {m.language for m in shapes.objects(holder, SH.message)}
        assert {"nl", "en"} <= languages, f"{holder} lacks a Dutch or English sh:message"
