"""Pages that read as Dutch: relations named from the page's own side (the ontology's
inverse properties), notations in natural order, dates written out, no datatype noise,
no duplicate rows, our own classes first, and build warnings that say where to read them."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from api.dutch import HEADINGS, TYPE_NAMES, display_literal, dutch_date, natural_key
from beleidsgraaf.queries import registry
from beleidsgraaf.namespaces import XSD
from tests.support import GOAL_1

HTML = {"Accept": "text/html"}


def groups(page: str) -> dict[str, str]:
    """Each property group of an entity page: its heading text -> its list."""
    found = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", page, re.S)
    return {re.sub(r"<[^>]+>", "", dt).strip(): dd for dt, dd in found}


def test_incoming_relations_read_through_their_dutch_inverse(client):
    page = client.get("/id/organisatie/tactus.html", headers=HTML).text
    assert "levert" in groups(page)
    assert "preventiespreekuur-tactus" in groups(page)["levert"]
    assert "geleverd door deze" not in page and "uitgever deze" not in page
    document = client.get("/id/document/regiovisie-bw-mo-2024-2026.html", headers=HTML).text
    assert "is bron van" in groups(document)


def test_every_inverse_in_the_ontology_has_dutch_and_english_labels(shipped_store):
    rows = list(shipped_store.query(
        "PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT ?inverse (SAMPLE(?nl) AS ?nlLabel) (SAMPLE(?en) AS ?enLabel) WHERE { ?inverse owl:inverseOf ?p "
        "OPTIONAL { ?inverse rdfs:label ?nl FILTER(lang(?nl) = 'nl') } OPTIONAL { ?inverse rdfs:label ?en "
        "FILTER(lang(?en) = 'en') } } GROUP BY ?inverse"))
    assert len(rows) > 20
    assert all(r["nlLabel"] is not None and r["enLabel"] is not None for r in rows)


def test_notations_sort_naturally(client):
    assert sorted(["10", "2", "1", "1.10", "1.2"], key=natural_key) == ["1", "1.2", "1.10", "2", "10"]
    page = client.get("/id/wet/wmo-2015.html", headers=HTML).text
    heading = next(h for h in groups(page) if h == "draagt op")
    numbers = [n for n in re.findall(r">(\d+(?:\.\d+)*) ", groups(page)[heading])]
    assert len(numbers) >= 10 and numbers == sorted(numbers, key=natural_key), numbers


def test_dates_in_dutch_without_datatype():
    assert dutch_date("2025-12-31") == "31 december 2025"
    assert dutch_date("2019-03") == "maart 2019"
    assert display_literal(ox.Literal("2025-12-31", datatype=ox.NamedNode(XSD + "date"))) == "31 december 2025"
    assert display_literal(ox.Literal("2025-13-45", datatype=ox.NamedNode(XSD + "date"))) == "2025-13-45"


def test_entity_pages_show_no_datatype_noise(client):
    page = client.get("/id/indicator/regiovisie-bw-mo-2024-2026/1.1.html", headers=HTML).text
    assert "1 januari 2024" in page
    assert "xsd:" not in re.sub(r"<details.*?</details>", "", page, flags=re.S)


def test_goal_table_lists_each_action_once(client):
    page = client.get(GOAL_1.replace("https://w3id.org/beleidsgraaf", "") + ".html", headers=HTML).text
    table = re.search(r'<section class="goal-actions">.*?</section>', page, re.S).group(0)
    numbers = re.findall(r"<tr><td>([\d.]+)</td>", table)
    assert len(numbers) == len(set(numbers)) and {"3.1", "3.4"} <= set(numbers)
    row_3_1 = re.search(r"<tr><td>3\.1</td>.*?</tr>", table, re.S).group(0)
    assert "volgens de tekst" in row_3_1 and "afgeleid" in row_3_1
    assert numbers == sorted(numbers, key=natural_key)


def test_our_classes_come_first(client):
    page = client.get("/klassen", headers=HTML).text
    curies = re.findall(r'href="/klassen/([^"]+)"', page)
    ranks = [0 if c.startswith("bg:") else 2 if c.startswith(("owl:", "rdf:", "rdfs:")) else 1 for c in curies]
    assert ranks == sorted(ranks) and ranks[0] == 0


def test_a_class_with_only_anonymous_members_has_a_page(client):
    r = client.get("/klassen/owl:AllDisjointClasses", headers=HTML)
    assert r.status_code == 200 and ("naamloze leden" in r.text or "naamloos lid" in r.text)


def test_an_unfilled_form_is_a_form_not_an_error(client):
    r = client.get("/queries/search", params={"format": "html"})
    assert r.status_code == 200 and '<form class="params"' in r.text and "Vul zoekwoorden in" in r.text
    assert client.get("/queries/search", headers={"Accept": "application/json"}).status_code == 422


@pytest.mark.slow
def test_build_says_where_to_read_its_warnings(tmp_path):
    from beleidsgraaf.pipeline import build

    lines: list[str] = []
    assert build(tmp_path / "store", log=lines.append)
    summary = next(line for line in lines if line.startswith("validation:"))
    if " 0 warnings, 0 info" in summary:
        pytest.fail("the shipped data has no warnings any more: this test needs another way to make one")
    assert any("beleidsgraaf validate" in line for line in lines), lines


# -- result tables and forms: Dutch headings, no SPARQL variable names ---------------------------


def shown_variables(query) -> list[str]:
    """The columns a canned query's HTML table shows: its projected variables (asked of the
    engine, on an empty store), without a label column XLabel beside its X."""
    sparql, substitutions = query.prepare({}, finder=lambda *_: []) if not any(
        p.required for p in query.parameters) else query.prepare(
        {p.name: "x" for p in query.parameters if p.required and p.type.name == "string"}
        | {p.name: "https://example.org/x" for p in query.parameters if p.required and p.type.name == "iri"},
        finder=lambda *_: [])
    result = ox.Store().query(sparql, substitutions={ox.Variable(k): v for k, v in substitutions.items()})
    variables = [v.value for v in result.variables]
    return [v for v in variables if not (v.endswith("Label") and v[:-5] in variables)]


@pytest.mark.parametrize("query", [q for q in registry() if q.query_form == "SELECT"], ids=lambda q: q.name)
def test_every_column_and_field_has_a_dutch_heading(query):
    missing = [v for v in shown_variables(query) if v not in HEADINGS and v.removesuffix("Label") not in HEADINGS]
    assert not missing, f"{query.name}: give these columns a Dutch heading in api/dutch.py HEADINGS: {missing}"
    fields = [p.name for p in query.parameters if p.name not in HEADINGS]
    assert not fields, f"{query.name}: give these parameters a Dutch name in api/dutch.py HEADINGS: {fields}"
    assert {p.type.name for p in query.parameters} <= set(TYPE_NAMES)


def test_result_table_and_form_show_dutch_headings_not_variables(client):
    r = client.get("/queries/search", params={"text": "doelstelling 1", "limit": "5", "format": "html"})
    assert r.status_code == 200
    head = re.search(r"<thead>(.*?)</thead>", r.text, re.S).group(1)
    columns = re.findall(r"<th[^>]*>(.*?)</th>", head)
    assert columns[:4] == ["rang", "gevonden", "nummer", "soort"]
    assert not {"entity", "typeLabel", "rank", "documentLabel"} & set(columns)
    labels = re.findall(r'<label for="p-[^"]+">([^<]+)', r.text)
    assert [label.strip() for label in labels] == ["zoekwoorden", "per pagina", "overslaan"]
    assert "?entity" not in r.text.split("<details>")[0]
