"""Plans from a spreadsheet: the template follows the mapping, mapping errors and SHACL
results point at sheet, row and column in Dutch, and /validate takes the workbook."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from beleidsgraaf.convert import MappingError, convert, sheets, write_template
from beleidsgraaf.pipeline import validate_spreadsheet
from tests.support import EXAMPLE, ROOT

TEMPLATES = ROOT / "templates" / "spreadsheet"


@pytest.fixture()
def plan(tmp_path, monkeypatch):
    """The example plan's CSV files, with its deliberate error fixed. (The environment, not
    Settings: the command line reads it.)"""
    monkeypatch.setenv("BELEIDSGRAAF_PUBLISHED", str(tmp_path / "published"))
    for file in EXAMPLE.glob("voorbeeldstad-*.csv"):
        shutil.copy(file, tmp_path / file.name)
    acties = tmp_path / "voorbeeldstad-acties.csv"
    acties.write_text(acties.read_text(encoding="utf-8").replace("31-12-2026", "2026-12-31"), encoding="utf-8")
    return tmp_path


def edit(path: Path, row: int, column: str, value: str) -> None:
    rows = list(csv.reader(path.open(encoding="utf-8")))
    rows[row - 1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def test_shipped_template_is_the_one_the_mapping_makes(tmp_path):
    write_template(tmp_path / "plan.xlsx")
    fresh, shipped = load_workbook(tmp_path / "plan.xlsx"), load_workbook(TEMPLATES / "plan-sjabloon.xlsx")
    assert fresh.sheetnames == shipped.sheetnames == list(sheets())
    for name in fresh.sheetnames:
        assert [[c.value for c in row] for row in fresh[name].iter_rows()] == \
            [[c.value for c in row] for row in shipped[name].iter_rows()]
        with open(TEMPLATES / f"plan-sjabloon-{name}.csv", encoding="utf-8") as handle:
            assert list(csv.reader(handle))[0] == [c.value for c in fresh[name][1]]


@pytest.mark.slow
def test_template_example_rows_convert_to_a_conforming_plan(tmp_path, settings_for_test):
    settings_for_test(published=tmp_path / "published")
    _, report = validate_spreadsheet(TEMPLATES / "plan-sjabloon.xlsx")
    assert report.violations == 0, report.as_text()


@pytest.mark.slow
def test_every_sheet_is_mapped(plan):
    conversion = convert(plan / "voorbeeldstad-acties.csv")
    kinds = {t[2].split("#")[-1] for t in conversion.graph.triples((None, None, None))
             if str(t[1]).endswith("#type")}
    assert kinds >= {"PolicyDocument", "Organization", "Post", "Goal", "Indicator", "Strand", "Action"}
    assert set(conversion.origin.values()) >= {("acties", 2), ("acties", 3), ("indicatoren", 2)}
    _, report = validate_spreadsheet(plan / "voorbeeldstad-acties.csv", source_texts=[EXAMPLE / "plan-voorbeeldstad.txt"])
    assert report.violations == 0, report.as_text()


@pytest.mark.parametrize("file, row, column, value, expected", [
    ("acties", 2, "status", "bijna klaar", ["blad acties, rij 2, kolom H (status)", "geen actie nodig"]),
    ("acties", 3, "actielijn", "actielijn-z", ["blad acties, rij 3, kolom D (actielijn)", "Strand"]),
    ("doelen", 2, "niveau", "doeltje", ["blad doelen, rij 2, kolom D (niveau)", "doelstelling"]),
    ("indicatoren", 2, "nulmeting", "twaalf", ["blad indicatoren, rij 2, kolom D (nulmeting)", '"twaalf"']),
    ("document", 2, "begin", "begin 2026", ["blad document, rij 2, kolom E (begin)", '"2025-12-31"^^xsd:date']),
])
@pytest.mark.slow
def test_a_wrong_cell_is_reported_at_its_sheet_row_and_column(plan, file, row, column, value, expected):
    edit(plan / f"voorbeeldstad-{file}.csv", row, column, value)
    _, report = validate_spreadsheet(plan / "voorbeeldstad-acties.csv")
    located = [f"[{r.location}] {r.message_nl}" for r in report.results if r.severity == "Violation"]
    assert any(all(e in line for e in expected) for line in located), located


@pytest.mark.parametrize("change, expected", [
    (lambda p: edit(p / "voorbeeldstad-acties.csv", 1, "gereed", "deadline"),
     "blad acties, rij 1, kolom G: onbekende kolom 'deadline'"),
    (lambda p: edit(p / "voorbeeldstad-acties.csv", 3, "titel", ""),
     "blad acties, rij 3, kolom C (titel): leeg, maar verplicht"),
    (lambda p: (p / "voorbeeldstad-document.csv").unlink(), "blad document ontbreekt"),
])
def test_mapping_errors_name_the_cell_in_dutch(plan, change, expected):
    change(plan)
    with pytest.raises(MappingError) as caught:
        convert(plan / "voorbeeldstad-acties.csv")
    assert any(expected in problem for problem in caught.value.problems), caught.value.problems


def test_convert_cli_mapping_error_exits_2(plan, capsys):
    from beleidsgraaf.cli import main

    edit(plan / "voorbeeldstad-acties.csv", 1, "id", "ident")
    assert main(["convert", str(plan / "voorbeeldstad-acties.csv")]) == 2
    assert "verplichte kolom 'id' ontbreekt" in capsys.readouterr().err
    assert main(["convert", str(plan / "bestaat-niet.txt")]) == 2


@pytest.mark.slow
def test_web_validation_takes_the_workbook(plan, client):
    from openpyxl import Workbook

    workbook, target = Workbook(), plan / "plan.xlsx"
    workbook.remove(workbook.active)
    for file in sorted(EXAMPLE.glob("voorbeeldstad-*.csv")):
        sheet = workbook.create_sheet(file.stem.removeprefix("voorbeeldstad-"))
        for row in csv.reader(file.open(encoding="utf-8")):
            sheet.append(row)
    workbook.save(target)
    r = client.post("/validate", files={"file": ("plan.xlsx", target.read_bytes())},
                    headers={"Accept": "application/json"})
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["counts"]["Violation"] == 1
    assert report["results"][0]["location"] == "blad acties, rij 3, kolom G (gereed)"
    page = client.post("/validate", files={"file": ("plan.xlsx", target.read_bytes())}, headers={"Accept": "text/html"})
    assert "blad acties, rij 3, kolom G (gereed)" in page.text
    workbook["acties"]["A1"] = "ident"
    workbook.save(target)
    bad = client.post("/validate", files={"file": ("plan.xlsx", target.read_bytes())},
                      headers={"Accept": "application/json"})
    assert bad.status_code == 400 and "ontbreekt" in bad.json()["message"]
