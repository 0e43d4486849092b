"""Canned queries: the catalogue, typed and validated parameters, every result format, and
one OpenAPI operation per .rq file."""

from __future__ import annotations

import pytest

from beleidsgraaf.queries import registry
from tests.support import GOAL_1

ACTIONS_FOR_GOAL = "/queries/actions-for-goal"


def test_catalogue_lists_every_query_as_json(client):
    r = client.get("/queries", headers={"Accept": "application/json"})
    assert r.status_code == 200
    listed = {q["name"]: q for q in r.json()}
    assert set(listed) == set(registry().names())
    goal = listed["actions-for-goal"]
    assert goal["title"]["nl"] and goal["description"]["nl"]
    assert goal["parameters"] == [{"name": "goal", "type": "iri", "description": goal["parameters"][0]["description"],
                                   "required": False, "default": GOAL_1}]


def test_catalogue_as_html(client):
    r = client.get("/queries", headers={"Accept": "text/html"})
    assert r.status_code == 200 and 'lang="nl"' in r.text
    for query in registry():
        assert f"/queries/{query.name}" in r.text
        assert query.label("nl") in r.text


def test_actions_for_goal_json(client):
    r = client.get(ACTIONS_FOR_GOAL, params={"goal": GOAL_1}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200
    actions = {b["action"]["value"] for b in r.json()["results"]["bindings"]}
    assert any("/id/actie/regiovisie-bw-mo-2024-2026/" in a for a in actions)


@pytest.mark.parametrize("accept", ["application/sparql-results+xml", "text/csv", "text/tab-separated-values"])
def test_actions_for_goal_other_formats(client, accept):
    r = client.get(ACTIONS_FOR_GOAL, headers={"Accept": accept})  # the default goal is doelstelling 1
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    assert "/id/actie/regiovisie-bw-mo-2024-2026/" in r.text


def test_html_table_with_form(client):
    r = client.get(ACTIONS_FOR_GOAL, params={"format": "html"})
    assert r.status_code == 200
    assert '<table class="results">' in r.text and 'name="goal"' in r.text
    assert 'href="/id/actie/regiovisie-bw-mo-2024-2026/' in r.text


def test_missing_required_parameter_is_422(client):
    r = client.get("/queries/search")
    assert r.status_code == 422
    assert r.json()["parameter"] == "text" and "required" in r.json()["message"]


@pytest.mark.parametrize("url, params, parameter", [
    (ACTIONS_FOR_GOAL, {"goal": "not an iri"}, "goal"),
    ("/queries/actions-by-deadline", {"until": "31-12-2025"}, "until"),
    (ACTIONS_FOR_GOAL, {"gaol": GOAL_1}, "gaol"),
])
def test_mistyped_or_unknown_parameter_is_422(client, url, params, parameter):
    r = client.get(url, params=params)
    assert r.status_code == 422
    assert r.json()["parameter"] == parameter


def test_parameter_error_as_html_page(client):
    r = client.get("/queries/actions-by-deadline", params={"until": "gisteren"}, headers={"Accept": "text/html"})
    assert r.status_code == 422 and "until" in r.text and "YYYY-MM-DD" in r.text


def test_search_is_case_and_accent_insensitive(client):
    plain = client.get("/queries/search", params={"text": "ZELFSTANDIG"}, headers={"Accept": "text/csv"})
    assert plain.status_code == 200 and "doelstelling-1" in plain.text


def test_unknown_query_is_404(client):
    r = client.get("/queries/actions-for-goals")
    assert r.status_code == 404 and "actions-for-goal" in r.json()["message"]


def test_unavailable_format_is_406(client):
    r = client.get(ACTIONS_FOR_GOAL, headers={"Accept": "image/png"})
    assert r.status_code == 406


def test_openapi_has_one_operation_per_query(client):
    spec = client.get("/openapi.json").json()
    for query in registry():
        operation = spec["paths"][f"/queries/{query.name}"]["get"]
        assert operation["summary"] == query.label("nl")
        assert query.description["nl"] in operation["description"]
        names = {p["name"]: p for p in operation["parameters"]}
        for param in query.parameters:
            assert names[param.name]["required"] == param.required
            assert param.description in names[param.name]["description"]
    goal = {p["name"]: p for p in spec["paths"][ACTIONS_FOR_GOAL]["get"]["parameters"]}["goal"]
    # An optional parameter may also be empty (a blank form field): "not given".
    assert goal["schema"]["anyOf"][0]["format"] == "uri" and goal["schema"]["anyOf"][1]["maxLength"] == 0
    assert goal["schema"]["default"] == GOAL_1
    until = {p["name"]: p for p in spec["paths"]["/queries/actions-by-deadline"]["get"]["parameters"]}["until"]
    assert until["schema"]["anyOf"][0]["format"] == "date"
    assert "/sparql" in spec["paths"] and "/validate" in spec["paths"]


def test_docs_page(client):
    r = client.get("/docs")
    assert r.status_code == 200 and "openapi.json" in r.text


def test_canned_queries_are_routed_before_the_included_routers(client):
    """Each included router costs a few µs to try, on every request that passes it: the
    canned queries (the API's busiest paths) are tried before all but the SPARQL endpoint's."""
    from fastapi.routing import APIRoute

    routes = client.app.router.routes
    canned = [i for i, r in enumerate(routes) if isinstance(r, APIRoute) and r.path.startswith("/queries/")]
    routers = [i for i, r in enumerate(routes) if type(r).__name__ == "_IncludedRouter"]
    assert canned and len(routers) > 2
    assert sum(1 for i in routers if i < min(canned)) == 1  # the SPARQL endpoint only
    assert client.get("/queries").status_code == 200  # the catalogue is still found after them
