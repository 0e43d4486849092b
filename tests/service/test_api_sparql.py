"""The SPARQL 1.1 Protocol endpoint: GET/POST, result formats, errors, refusals, CORS,
service description, the HTML query page, and SPARQLWrapper against a live server."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest

from tests.support import GOAL_1

GOALS = "PREFIX bg: <https://w3id.org/beleidsgraaf/def#> SELECT ?goal WHERE { ?goal a bg:Goal } ORDER BY ?goal"
ASK_GOAL_1 = f"ASK {{ <{GOAL_1}> a <https://w3id.org/beleidsgraaf/def#Goal> }}"
CONSTRUCT_GOAL_1 = f"CONSTRUCT {{ <{GOAL_1}> ?p ?o }} WHERE {{ <{GOAL_1}> ?p ?o }}"
SPARQL_JSON = "application/sparql-results+json"


def goals_from_json(response) -> list[str]:
    return [b["goal"]["value"] for b in response.json()["results"]["bindings"]]


def test_get_select_json(client):
    r = client.get("/sparql", params={"query": GOALS}, headers={"Accept": SPARQL_JSON})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(SPARQL_JSON)
    assert GOAL_1 in goals_from_json(r)


def test_post_form_and_direct_body_give_the_same_answer(client):
    form = client.post("/sparql", data={"query": GOALS}, headers={"Accept": SPARQL_JSON})
    direct = client.post("/sparql", content=GOALS.encode(), headers={
        "Content-Type": "application/sparql-query", "Accept": SPARQL_JSON})
    assert form.status_code == direct.status_code == 200
    assert goals_from_json(form) == goals_from_json(direct)
    assert GOAL_1 in goals_from_json(form)


@pytest.mark.parametrize("accept, check", [
    ("application/sparql-results+xml", lambda t: GOAL_1 in t and ET.fromstring(t).tag.endswith("sparql")),
    ("text/csv", lambda t: GOAL_1 in [row[0] for row in csv.reader(io.StringIO(t))]),
    ("text/tab-separated-values", lambda t: f"<{GOAL_1}>" in t.splitlines()),
])
def test_select_result_formats_by_accept(client, accept, check):
    r = client.get("/sparql", params={"query": GOALS}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(accept)
    assert check(r.text)


@pytest.mark.parametrize("fmt, media", [("json", SPARQL_JSON), ("xml", "application/sparql-results+xml"),
                                        ("csv", "text/csv"), ("tsv", "text/tab-separated-values")])
def test_format_parameter_for_browsers(client, fmt, media):
    r = client.get("/sparql", params={"query": GOALS, "format": fmt}, headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)


def test_ask_in_json_and_xml(client):
    r = client.get("/sparql", params={"query": ASK_GOAL_1}, headers={"Accept": SPARQL_JSON})
    assert r.json()["boolean"] is True
    r = client.get("/sparql", params={"query": ASK_GOAL_1}, headers={"Accept": "application/sparql-results+xml"})
    assert "<boolean>true</boolean>" in r.text


@pytest.mark.parametrize("accept", ["text/turtle", "application/n-triples", "application/ld+json",
                                    "application/rdf+xml"])
def test_construct_in_rdf_formats(client, accept):
    r = client.get("/sparql", params={"query": CONSTRUCT_GOAL_1}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(accept)
    assert "doelstelling-1" in r.text
    if accept == "application/ld+json":
        assert any(node.get("@id") == GOAL_1 for node in json.loads(r.text))


def test_describe_as_turtle(client):
    r = client.get("/sparql", params={"query": f"DESCRIBE <{GOAL_1}>"}, headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and "zelfstandig" in r.text


def test_default_and_named_graph_uri(client, api_store):
    graphs = api_store.named_graphs()
    ontology = next(g for g in graphs if g.endswith("/ontology"))
    regiovisie = next(g for g in graphs if g.endswith("/regiovisie-bw-mo-2024-2026"))
    # With only the ontology as default graph, no goal instances are visible.
    r = client.get("/sparql", params={"query": GOALS, "default-graph-uri": ontology}, headers={"Accept": SPARQL_JSON})
    assert goals_from_json(r) == []
    r = client.get("/sparql", params={"query": GOALS, "default-graph-uri": regiovisie}, headers={"Accept": SPARQL_JSON})
    assert GOAL_1 in goals_from_json(r)
    named = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = client.post("/sparql", data={"query": named, "named-graph-uri": regiovisie}, headers={"Accept": SPARQL_JSON})
    assert [b["g"]["value"] for b in r.json()["results"]["bindings"]] == [regiovisie]


def test_malformed_query_is_400_with_position(client):
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"}, headers={"Accept": SPARQL_JSON})
    assert r.status_code == 400
    assert "line 1, column" in r.json()["message"] and "malformed" in r.json()["message"]
    page = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"}, headers={"Accept": "text/html"})
    assert page.status_code == 400 and "line 1, column" in page.text and "Traceback" not in page.text


@pytest.mark.parametrize("request_kwargs", [
    {"method": "GET", "params": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
    {"method": "POST", "data": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
    {"method": "POST", "content": b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
     "headers": {"Content-Type": "application/sparql-update"}},
    {"method": "POST", "data": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
    {"method": "GET", "params": {"query": "DELETE WHERE { ?s ?p ?o }"}},
])
def test_updates_are_refused_with_403_and_a_reason(client, api_store, request_kwargs):
    size = len(api_store)
    method = request_kwargs.pop("method")
    r = client.request(method, "/sparql", **request_kwargs)
    assert r.status_code == 403
    assert "read-only" in r.json()["message"]
    assert len(api_store) == size


def test_service_is_refused(client):
    r = client.get("/sparql", params={"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"})
    assert r.status_code == 403 and "SERVICE" in r.json()["message"]


def test_unsupported_post_content_type_is_415(client):
    r = client.post("/sparql", content=b"{}", headers={"Content-Type": "application/json"})
    assert r.status_code == 415


def test_cors(client):
    r = client.get("/sparql", params={"query": ASK_GOAL_1}, headers={"Origin": "https://yasgui.example"})
    assert r.headers["access-control-allow-origin"] == "*"
    pre = client.options("/sparql", headers={"Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST",
                                              "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 200 and "POST" in pre.headers["access-control-allow-methods"]


def test_service_description_by_accept(client):
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    from rdflib import Graph, Namespace, URIRef
    from rdflib.namespace import RDF

    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    g = Graph().parse(data=r.text, format="turtle")
    service = g.value(None, RDF.type, sd.Service)
    assert service is not None
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in g
    assert (service, sd.resultFormat, URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON")) in g
    assert len(list(g.objects(None, sd.namedGraph))) >= 2
    jsonld = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert jsonld.status_code == 200 and "sparql-service-description" in jsonld.text


def test_query_page_for_browsers(client):
    r = client.get("/sparql", headers={"Accept": "text/html"})
    assert r.status_code == 200 and 'lang="nl"' in r.text
    assert "<textarea" in r.text and "PREFIX bg: &lt;https://w3id.org/beleidsgraaf/def#&gt;" in r.text
    assert "/sparql?example=actions-for-goal" in r.text
    example = client.get("/sparql", params={"example": "actions-for-goal"}, headers={"Accept": "text/html"})
    assert "bg:servesStated" in example.text


def test_html_results_table_links_entities(client):
    r = client.get("/sparql", params={"query": GOALS}, headers={"Accept": "text/html"})
    assert r.status_code == 200
    assert '<table class="results">' in r.text
    assert 'href="/id/doel/regiovisie-bw-mo-2024-2026/doelstelling-1"' in r.text


# -- a real HTTP server, driven by SPARQLWrapper ----------------------------------------------

@pytest.fixture(scope="module")
def live_server(live_base_url):
    return live_base_url + "/sparql"


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_sparqlwrapper_select_in_each_format(live_server, fmt):
    from SPARQLWrapper import CSV, JSON, TSV, XML, SPARQLWrapper

    wrapper = SPARQLWrapper(live_server)
    wrapper.setQuery(GOALS)
    wrapper.setReturnFormat({"json": JSON, "xml": XML, "csv": CSV, "tsv": TSV}[fmt])
    result = wrapper.query().convert()
    if fmt == "json":
        assert GOAL_1 in [b["goal"]["value"] for b in result["results"]["bindings"]]
    elif fmt == "xml":
        assert GOAL_1 in result.toxml()
    else:
        assert GOAL_1 in result.decode("utf-8")


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_ask_and_construct(live_server, method):
    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

    wrapper = SPARQLWrapper(live_server)
    wrapper.setMethod(method)
    wrapper.setQuery(ASK_GOAL_1)
    wrapper.setReturnFormat(JSON)
    assert wrapper.query().convert()["boolean"] is True
    wrapper.setQuery(CONSTRUCT_GOAL_1)
    wrapper.setReturnFormat(TURTLE)
    assert b"doelstelling-1" in wrapper.query().convert()


def test_sparqlwrapper_construct_as_rdflib_graph(live_server):
    from SPARQLWrapper import RDFXML, SPARQLWrapper

    wrapper = SPARQLWrapper(live_server)
    wrapper.setQuery(CONSTRUCT_GOAL_1)
    wrapper.setReturnFormat(RDFXML)
    graph = wrapper.query().convert()
    assert len(graph) > 3
