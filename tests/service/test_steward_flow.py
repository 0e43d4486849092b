"""The data stewards' worked example (docs/operations.md), step by step: a steward fills the
spreadsheet template for the (made-up) plan of gemeente Voorbeeldstad, converts and validates
it, fixes the one error, publishes with a token, finds the new actions through actions-for-goal
and the entity pages, publishes a correction and restores the previous version."""

from __future__ import annotations

import pytest

import csv
import shutil
from pathlib import Path

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.app import create_app
from beleidsgraaf.namespaces import ID
from beleidsgraaf.cli import main
from beleidsgraaf.backends.oxigraph_store import Store
from tests.support import EXAMPLE

SOURCE_TEXT = EXAMPLE / "plan-voorbeeldstad.txt"
GRAPH = "https://w3id.org/beleidsgraaf/graph/voorbeeld/voorbeeldstad-2026"
GOAL = ID + "doel/voorbeeldplan-voorbeeldstad-2026/doel-1"
ERROR_AT = "blad acties, rij 3, kolom G (gereed)"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def fill_template(template: Path, filled: Path) -> None:
    """What the steward does by hand: overwrite the example rows with the plan's rows."""
    workbook = load_workbook(template)
    for sheet in workbook.worksheets:
        with open(EXAMPLE / f"voorbeeldstad-{sheet.title}.csv", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert [c.value for c in sheet[1]] == rows[0], "the template's columns are the example's"
        sheet.delete_rows(2, sheet.max_row)
        for row in rows[1:]:
            sheet.append(row)
    workbook.save(filled)


@pytest.mark.slow
def test_steward_publishes_a_plan_from_the_spreadsheet_template(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BELEIDSGRAAF_PUBLISHED", str(tmp_path / "published"))
    monkeypatch.setenv("BELEIDSGRAAF_WRITE_TOKEN", "geheim")
    # 1. The template, filled in as a workbook.
    assert run(capsys, "template", tmp_path / "sjabloon.xlsx")[0] == 0
    fill_template(tmp_path / "sjabloon.xlsx", tmp_path / "voorbeeldstad.xlsx")
    # 2. Convert and validate: the one error is reported at its cell, in Dutch.
    code, out, _ = run(capsys, "convert", tmp_path / "voorbeeldstad.xlsx", "--source-text", SOURCE_TEXT)
    assert code == 1 and ERROR_AT in out and '"31-12-2026"' in out and '"2025-12-31"^^xsd:date' in out
    assert "1 overtreding," in out
    # The same from the CSV files of the template.
    plan = tmp_path / "csv"
    plan.mkdir()
    for file in EXAMPLE.glob("voorbeeldstad-*.csv"):
        shutil.copy(file, plan / file.name)
    code, out, _ = run(capsys, "convert", plan / "voorbeeldstad-acties.csv", "--source-text", SOURCE_TEXT)
    assert code == 1 and ERROR_AT in out
    # 3. Fix the cell and convert again: it conforms, with the existing data.
    acties = plan / "voorbeeldstad-acties.csv"
    acties.write_text(acties.read_text(encoding="utf-8").replace("31-12-2026", "2026-12-31"), encoding="utf-8")
    code, out, err = run(capsys, "convert", acties, "--source-text", SOURCE_TEXT)
    assert code == 0 and "voldoet: 0 overtredingen" in out
    turtle = (plan / "voorbeeldstad.ttl").read_bytes()
    # 4. Publish with the token.
    with TestClient(create_app(Store.shipped())) as client:
        auth = {"Authorization": "Bearer geheim", "Content-Type": "text/turtle"}
        assert client.put("/store", params={"graph": GRAPH}, content=turtle,
                          headers={"Content-Type": "text/turtle"}).status_code == 401
        assert client.put("/store", params={"graph": GRAPH}, content=turtle, headers=auth).status_code == 201
        # 5. The new actions, through the canned query and the entity pages.
        r = client.get("/queries/actions-for-goal", params={"goal": GOAL}, headers={"Accept": "text/csv"})
        actions = {row["action"]: row for row in csv.DictReader(r.text.splitlines())}
        assert set(actions) == {ID + "actie/voorbeeldplan-voorbeeldstad-2026/actie-1",
                                ID + "actie/voorbeeldplan-voorbeeldstad-2026/actie-2"}
        page = client.get("/id/actie/voorbeeldplan-voorbeeldstad-2026/actie-1.html")
        assert page.status_code == 200
        assert "Wooncoach voor jongeren" in page.text and "Woonstichting Voorbeeldstad" in page.text
        assert "gemeente Zutphen" in page.text  # a partner from the shipped register
        assert "wooncoach jongeren" in page.text  # a post (sheet functies) as partner
        # 6. A correction (version 2), then back to version 1.
        corrected = turtle.replace(b"Wooncoach voor jongeren die zelfstandig gaan wonen", b"Wooncoach voor jongeren")
        assert client.put("/store", params={"graph": GRAPH}, content=corrected, headers=auth).status_code == 204
        assert "die zelfstandig gaan wonen" not in client.get("/id/actie/voorbeeldplan-voorbeeldstad-2026/actie-1.html").text
        versions = client.get("/store/history", params={"graph": GRAPH}).json()["versions"]
        assert [v["version"] for v in versions] == [1, 2]
        assert client.post("/store/restore", params={"graph": GRAPH, "version": 1},
                           headers={"Authorization": "Bearer geheim"}).status_code == 204
        page = client.get("/id/actie/voorbeeldplan-voorbeeldstad-2026/actie-1.html")
        assert "Wooncoach voor jongeren die zelfstandig gaan wonen" in page.text
        assert client.get("/store/history", params={"graph": GRAPH}).json()["versions"][-1]["action"] == \
            "teruggezet naar versie 1"
