"""Validation at /validate: the form page, the POST API in four RDF syntaxes, the report as
JSON, Turtle and HTML, validation with the shipped graph, size limits and parse errors."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH

from tests.support import GOAL_1

PREFIXES = """@prefix bg: <https://w3id.org/beleidsgraaf/def#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix t: <https://w3id.org/beleidsgraaf/id/test/> .
"""
# An action without source or quote: two violations with Dutch messages.
INVALID_TTL = PREFIXES + 't:a1 a bg:Action ; skos:prefLabel "Testactie"@nl ; bg:partOfStrand t:lijn .\n'
INVALID_NT = ('<https://w3id.org/beleidsgraaf/id/test/a1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
              '<https://w3id.org/beleidsgraaf/def#Action> .\n')
INVALID_JSONLD = json.dumps({"@id": "https://w3id.org/beleidsgraaf/id/test/a1",
                             "@type": "https://w3id.org/beleidsgraaf/def#Action"})
INVALID_RDFXML = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="https://w3id.org/beleidsgraaf/id/test/a1">
    <rdf:type rdf:resource="https://w3id.org/beleidsgraaf/def#Action"/>
  </rdf:Description>
</rdf:RDF>"""
SOURCE_MESSAGE = "Bron ontbreekt of is geen beleidsdocument"
# A goal that serves an existing goal: it only resolves with the shipped graph.
REFERS_TO_SHIPPED = PREFIXES + f"""
t:doc a bg:PolicyDocument ; skos:prefLabel "Testplan"@nl ; dcterms:source t:doc ; bg:quote "Testplan" .
t:s1 a bg:Strand ; skos:prefLabel "Testlijn"@nl ; bg:strandKind bg:strand-actielijn ; bg:definedIn t:doc ;
    dcterms:source t:doc ; bg:quote "de Testlijn" ; bg:servesStated <{GOAL_1}> .
"""


def post(client, body: str, content_type: str, accept="application/json", **params):
    return client.post("/validate", content=body.encode(), params=params,
                       headers={"Content-Type": content_type, "Accept": accept})


def test_form_page(client):
    r = client.get("/validate", headers={"Accept": "text/html"})
    assert r.status_code == 200 and '<html lang="nl">' in r.text
    assert 'enctype="multipart/form-data"' in r.text and 'type="file"' in r.text and "<textarea" in r.text


@pytest.mark.parametrize("body, content_type", [
    (INVALID_TTL, "text/turtle"), (INVALID_NT, "application/n-triples"),
    (INVALID_JSONLD, "application/ld+json"), (INVALID_RDFXML, "application/rdf+xml"),
])
@pytest.mark.slow
def test_each_syntax_is_validated(client, body, content_type):
    r = post(client, body, content_type)
    assert r.status_code == 200
    report = r.json()
    assert report["conforms"] is False
    focus = {res["focus_node"] for res in report["results"]}
    assert focus == {"https://w3id.org/beleidsgraaf/id/test/a1"}
    assert any(SOURCE_MESSAGE in res["message_nl"] for res in report["results"])


@pytest.mark.slow
def test_json_report_fields(client):
    report = post(client, INVALID_TTL, "text/turtle").json()
    assert report["counts"]["Violation"] >= 2 and "summary" in report
    result = next(res for res in report["results"] if SOURCE_MESSAGE in res["message_nl"])
    assert result["focus_label"] == "Testactie"
    assert result["path"] == "http://purl.org/dc/terms/source" and result["severity"] == "Violation"


@pytest.mark.slow
def test_turtle_report(client):
    r = post(client, INVALID_TTL, "text/turtle", accept="text/turtle")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    report = g.value(None, RDF.type, SH.ValidationReport)
    assert report is not None and g.value(report, SH.conforms).toPython() is False
    assert len(list(g.objects(report, SH.result))) >= 2


@pytest.mark.slow
def test_html_report_grouped_by_focus_node(client):
    r = client.post("/validate", files={"file": ("plan.ttl", INVALID_TTL.encode(), "text/turtle")},
                    headers={"Accept": "text/html"})
    assert r.status_code == 200 and '<html lang="nl">' in r.text
    assert "Voldoet niet" in r.text and "overtredingen" in r.text
    assert '<section class="focus">' in r.text and "Testactie" in r.text
    assert SOURCE_MESSAGE in r.text and "dcterms:source" in r.text


@pytest.mark.slow
def test_pasted_text_in_form(client):
    r = client.post("/validate", data={"text": INVALID_TTL}, headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.json()["conforms"] is False


@pytest.mark.slow
def test_valid_data_conforms(client):
    r = post(client, REFERS_TO_SHIPPED, "text/turtle")  # with the existing data by default
    assert r.status_code == 200
    report = r.json()
    assert report["conforms"] is True, report["results"]


@pytest.mark.slow
def test_references_to_shipped_entities_do_not_resolve_alone(client):
    alone = post(client, REFERS_TO_SHIPPED, "text/turtle", alone="true").json()
    assert any("doel (bg:Goal)" in res["message_nl"] for res in alone["results"])


def test_parse_error_is_400_with_line_and_column(client):
    broken = PREFIXES + "t:a1 a bg:Action ;\n    skos:prefLabel \"kapot\"@nl ;;\n  dcterms:source .\n"
    r = post(client, broken, "text/turtle")
    assert r.status_code == 400
    body = r.json()
    assert body["line"] == 7 and body["column"] is not None and "regel 7" in body["message"]


def test_parse_error_page_for_browsers(client):
    r = client.post("/validate", files={"file": ("kapot.ttl", b"@prefix bg: <x> .\nbg:a bg:b .", "text/turtle")},
                    headers={"Accept": "text/html"})
    assert r.status_code == 400 and '<html lang="nl">' in r.text
    assert "regel 1" in r.text and "kapot.ttl" in r.text and "Traceback" not in r.text


def test_size_limit_413(api_store):
    from fastapi.testclient import TestClient

    from api.app import create_app

    small = TestClient(create_app(api_store, max_upload_bytes=1000))
    big = INVALID_TTL + "#" * 2000 + "\n"
    assert small.post("/validate", content=big.encode(), headers={"Content-Type": "text/turtle"}).status_code == 413
    r = small.post("/validate", files={"file": ("groot.ttl", big.encode(), "text/turtle")})
    assert r.status_code == 413 and "MB" in r.json()["message"]


def test_default_limit_is_5_mb(api_app):
    assert api_app.state.service.max_upload_bytes == 5 * 1024 * 1024


def test_unknown_content_type_415_and_empty_400(client):
    assert post(client, "x", "application/pdf").status_code == 415
    assert post(client, "   ", "text/turtle").status_code == 400


def test_a_replaced_graph_that_is_no_iri_is_a_422_naming_it(client):
    """?graph= reaches the validation sandbox as a graph name: checked here first, not a 500."""
    r = client.post("/validate", params={"graph": "geen iri"}, content=b"<http://a> <http://b> <http://c> .",
                    headers={"Content-Type": "text/turtle", "Accept": "application/json"})
    assert r.status_code == 422
    assert r.json()["parameter"] == "graph" and "geen absolute IRI" in r.json()["message"]
