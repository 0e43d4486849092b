"""The web API on every backend: the same pages and answers as on Oxigraph."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from tests.support import BACKENDS, GOAL_1

SELECT = ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX bg: <https://w3id.org/beleidsgraaf/def#> "
          "SELECT ?goal ?label WHERE { ?goal a bg:Goal ; skos:prefLabel ?label } ORDER BY ?goal ?label")
ASK = "PREFIX bg: <https://w3id.org/beleidsgraaf/def#> ASK { ?a a bg:Action }"
CONSTRUCT = f"CONSTRUCT {{ <{GOAL_1}> ?p ?o }} WHERE {{ <{GOAL_1}> ?p ?o }}"
PLAN = b"""@prefix bg: <https://w3id.org/beleidsgraaf/def#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/beleidsgraaf/id/actie/mijn-plan/1> a bg:Action ;
    skos:prefLabel "Actie zonder bron"@nl ; bg:deadline "2025-13" ;
    bg:partOfStrand <https://w3id.org/beleidsgraaf/id/actielijn/regiovisie-bw-mo-2024-2026/actielijn-1> .
"""

REQUESTS = {
    "entity page": (200, "GET", "/id/doel/regiovisie-bw-mo-2024-2026/doelstelling-1.html", {}, None),
    "entity turtle": (200, "GET", "/id/doel/regiovisie-bw-mo-2024-2026/doelstelling-1.nt", {}, None),
    "class page": (200, "GET", "/klassen/bg:Goal", {"Accept": "text/html"}, None),
    "sparql select": (200, "GET", "/sparql", {"Accept": "application/sparql-results+json"}, {"query": SELECT}),
    "sparql ask": (200, "GET", "/sparql", {"Accept": "application/sparql-results+json"}, {"query": ASK}),
    "sparql construct": (200, "GET", "/sparql", {"Accept": "application/n-triples"}, {"query": CONSTRUCT}),
    "sparql update refused": (403, "GET", "/sparql", {}, {"update": "CLEAR ALL"}),
    "sparql malformed": (400, "GET", "/sparql", {"Accept": "application/json"}, {"query": "SELECT ?x WHERE {"}),
    "sparql bad graph": (400, "GET", "/sparql", {"Accept": "application/json"},
                         {"query": ASK, "default-graph-uri": "not an iri"}),
    "canned json": (200, "GET", "/queries/actions-for-goal", {"Accept": "application/sparql-results+json"},
                    {"goal": GOAL_1}),
    "canned html": (200, "GET", "/queries/actions-for-goal", {"Accept": "text/html"}, {"goal": GOAL_1}),
    "canned bad parameter": (422, "GET", "/queries/actions-for-goal", {}, {"goal": "doelstelling-1"}),
    "validate": (200, "POST", "/validate", {"Content-Type": "text/turtle", "Accept": "application/json"}, PLAN),
}


@pytest.fixture(scope="session")
def clients(request):
    """A TestClient per backend, created when first needed."""
    from api.app import create_app

    made: dict[str, TestClient] = {}

    def client(name: str) -> TestClient:
        if name not in made:
            fixture = {"oxigraph": "shipped_store", "rdflib": "rdflib_store", "virtuoso": "virtuoso_store"}[name]
            made[name] = TestClient(create_app(request.getfixturevalue(fixture))).__enter__()
        return made[name]

    yield client
    for c in made.values():
        c.__exit__(None, None, None)


def _send(client: TestClient, spec):
    _, method, path, headers, payload = spec
    if method == "GET":
        return client.get(path, headers=headers, params=payload)
    return client.post(path, headers=headers, content=payload)


def _comparable(response):
    media = response.headers.get("content-type", "").split(";")[0]
    if media == "application/sparql-results+json":
        document = response.json()
        rows = document.get("results", {}).get("bindings")
        return document["head"].get("vars"), sorted(json.dumps(r, sort_keys=True) for r in rows) \
            if rows is not None else document.get("boolean")
    if media == "application/n-triples":
        return sorted(line for line in response.text.splitlines() if line.strip())
    return response.text


@pytest.mark.slow
@pytest.mark.parametrize("backend_name", [b for b in BACKENDS if b != "oxigraph"])
@pytest.mark.parametrize("what", list(REQUESTS))
def test_api_answers_as_on_oxigraph(what, backend_name, clients):
    expected = _send(clients("oxigraph"), REQUESTS[what])
    assert expected.status_code == REQUESTS[what][0], expected.text[:500]
    got = _send(clients(backend_name), REQUESTS[what])
    assert got.status_code == expected.status_code, got.text[:500]
    assert got.headers.get("content-type") == expected.headers.get("content-type")
    assert _comparable(got) == _comparable(expected)
