"""Messages a steward can act on: the field, the value and what is allowed (an example or
the list), Dutch with singular and plural right, validation with the existing data by
default, and quotes that the submitted source text does not hold."""

from __future__ import annotations

import json

import pytest

from beleidsgraaf.cli import main
from tests.support import EXAMPLE, SHAPES_INVALID

CASES = SHAPES_INVALID
PLAN = EXAMPLE / "plan-voorbeeldstad.ttl"


@pytest.fixture(autouse=True)
def no_published(tmp_path, monkeypatch):
    monkeypatch.setenv("BELEIDSGRAAF_PUBLISHED", str(tmp_path / "published"))


def report(capsys, *argv) -> tuple[int, dict]:
    code = main(["validate", "--format", "json", *map(str, argv)])
    return code, json.loads(capsys.readouterr().out)


def only_violation(data: dict) -> dict:
    violations = [r for r in data["results"] if r["severity"] == "Violation"]
    assert len(violations) == 1, violations
    return violations[0]


@pytest.mark.slow
def test_a_badly_written_date_gets_the_field_the_value_and_correct_examples(capsys):
    code, data = report(capsys, CASES / "_base.ttl", CASES / "action-bad-deadline.ttl")
    message = only_violation(data)["message_nl"]
    assert code == 1 and "bg:deadline" in message and '"2018-13"' in message
    assert '"2025-12-31"^^xsd:date' in message and "hooguit" not in message


@pytest.mark.slow
def test_a_value_outside_its_list_gets_the_allowed_values(capsys):
    code, data = report(capsys, CASES / "_base.ttl", CASES / "strand-bad-kind.ttl")
    message = only_violation(data)["message_nl"]
    assert "kies uit" in message and "actielijn (bg:strand-actielijn)" in message and "speerpunt" in message


@pytest.mark.slow
def test_a_wrong_reference_names_the_expected_class(capsys):
    code, data = report(capsys, CASES / "_base.ttl", CASES / "action-no-source.ttl")
    assert code == 1 and any("veld dcterms:source" in r["message_nl"] for r in data["results"])


@pytest.mark.slow
def test_summary_counts_agree_with_their_nouns(capsys):
    main(["validate", str(CASES / "_base.ttl"), str(CASES / "law-bad-bwb.ttl")])
    assert "voldoet niet: 1 overtreding, 0 waarschuwingen, 0 meldingen" in capsys.readouterr().out
    main(["validate", str(CASES / "_base.ttl"), str(CASES / "law-bad-bwb.ttl"), str(CASES / "strand-bad-kind.ttl")])
    assert "2 overtredingen" in capsys.readouterr().out


@pytest.mark.slow
def test_links_to_existing_entities_resolve_by_default_and_alone_says_so(capsys):
    # The example plan names gemeente Zutphen from the shipped register as a partner.
    code, _ = report(capsys, PLAN)
    assert code == 0
    code, data = report(capsys, "--alone", PLAN)
    assert code == 1 and any((r["value"] or "").endswith("gemeente-zutphen") for r in data["results"])


@pytest.mark.slow
def test_a_quote_not_in_the_submitted_source_text_is_reported(capsys, tmp_path):
    assert report(capsys, PLAN, "--source-text", EXAMPLE / "plan-voorbeeldstad.txt")[0] == 0
    altered = tmp_path / "plan.ttl"
    altered.write_bytes(PLAN.read_bytes().replace(b'"een wooncoach voor jongeren"', b'"twee wooncoaches"'))
    code, data = report(capsys, altered, "--source-text", EXAMPLE / "plan-voorbeeldstad.txt")
    result = only_violation(data)
    assert code == 1 and result["value"] == "twee wooncoaches" and "plan-voorbeeldstad.txt" in result["message_nl"]
    assert result["focus_label"] == "Wooncoach voor jongeren die zelfstandig gaan wonen"


@pytest.mark.slow
def test_web_validation_checks_quotes_against_an_uploaded_source_text(client):
    altered = PLAN.read_bytes().replace(b'"een wooncoach voor jongeren"', b'"twee wooncoaches"')
    files = {"file": ("plan.ttl", altered), "source_text": ("plan.txt", (EXAMPLE / "plan-voorbeeldstad.txt").read_bytes())}
    r = client.post("/validate", files=files, headers={"Accept": "application/json"})
    assert r.status_code == 200
    assert [res["value"] for res in r.json()["results"] if res["severity"] == "Violation"] == ["twee wooncoaches"]


@pytest.mark.slow
def test_publishing_gate_checks_quotes_of_cited_shipped_documents(tmp_path, capsys):
    """A new action that cites a shipped document must quote its source text verbatim."""
    plan = tmp_path / "actie.ttl"
    plan.write_text("""@prefix bg: <https://w3id.org/beleidsgraaf/def#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://w3id.org/beleidsgraaf/id/actie/voorbeeld/extra> a bg:Action ; skos:prefLabel "Extra actie"@nl ;
  dcterms:source <https://w3id.org/beleidsgraaf/id/document/regiovisie-bw-mo-2024-2026> ;
  bg:definedIn <https://w3id.org/beleidsgraaf/id/document/regiovisie-bw-mo-2024-2026> ;
  bg:quote "Deze zin staat nergens in de regiovisie" ; bg:actorScope bg:scope-regio-als-geheel ;
  bg:partOfStrand <https://w3id.org/beleidsgraaf/id/actielijn/regiovisie-bw-mo-2024-2026/actielijn-1> .
""", encoding="utf-8")
    code = main(["import", str(plan), "--graph", "https://w3id.org/beleidsgraaf/graph/voorbeeld/extra"])
    out = capsys.readouterr().out
    assert code == 1 and "staat niet letterlijk" in out
