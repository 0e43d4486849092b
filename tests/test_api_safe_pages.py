"""Pages that cannot be turned against their reader (issue 14): only http(s) IRIs and our own
paths become links in SPARQL results and validation reports; other IRIs (javascript:,
data:, ...) are shown as text. Also TriG at /validate."""

from __future__ import annotations

import re

import pytest

from test_api_validate import INVALID_TTL, PREFIXES, SOURCE_MESSAGE, post

ATTACKS = ["javascript:alert(document.domain)//", "JaVaScRiPt:alert(1)", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
           "vbscript:msgbox(1)"]


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


@pytest.mark.parametrize("iri", ATTACKS)
def test_sparql_html_results_never_link_a_script_iri(client, iri):
    r = client.get("/sparql", params={"format": "html", "query": f"SELECT ?x WHERE {{ VALUES ?x {{ <{iri}> }} }}"})
    assert r.status_code == 200
    assert not [h for h in hrefs(r.text) if h.lower().startswith(("javascript:", "data:", "vbscript:"))]
    assert '<span class="iri">' in r.text  # still shown, as text


def test_sparql_html_results_still_link_http_iris(client):
    r = client.get("/sparql", params={"format": "html",
                                      "query": "SELECT ?x WHERE { VALUES ?x { <https://example.org/a> } }"})
    assert 'href="https://example.org/a"' in r.text


@pytest.mark.parametrize("iri", ATTACKS[:2])
def test_validation_report_never_links_a_script_iri(client, iri):
    data = PREFIXES + f'<{iri}> a bg:Action ; skos:prefLabel "Aanval"@nl .\n'
    r = client.post("/validate", files={"file": ("plan.ttl", data.encode(), "text/turtle")},
                    headers={"Accept": "text/html"})
    assert r.status_code == 200 and "Aanval" in r.text
    assert not [h for h in hrefs(r.text) if h.lower().startswith(("javascript:", "data:"))]


def test_trig_is_validated_like_turtle(client):
    trig = PREFIXES + "t:g {\n" + INVALID_TTL[len(PREFIXES):] + "}\n"
    r = post(client, trig, "application/trig")
    assert r.status_code == 200, r.text
    assert r.json()["conforms"] is False
    assert SOURCE_MESSAGE in json_messages(r.json())
    form = client.post("/validate", data={"text": trig, "format": "trig"}, headers={"Accept": "application/json"})
    assert form.status_code == 200 and form.json()["conforms"] is False


def json_messages(report: dict) -> str:
    return " ".join(str(result) for result in report["results"])
