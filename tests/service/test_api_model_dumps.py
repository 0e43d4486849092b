"""The model at /def (HTML reference and RDF) and the dataset dumps with their VoID/DCAT
description."""

from __future__ import annotations


import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, VOID, DCAT, DCTERMS

from tests.support import GOAL_1

HTML = {"Accept": "text/html"}


def test_def_html_reference(client):
    r = client.get("/def", headers=HTML)
    assert r.status_code == 200 and '<html lang="nl">' in r.text
    page = r.text
    goal = page.split('id="Goal"')[1].split("</section>")[0]
    assert "doel" in goal and 'lang="en">(goal)' in goal          # labels nl/en
    assert "bgsh:GoalShape" in goal                                # the shape that constrains it
    broader = page.split('id="broaderGoal"')[1].split("</section>")[0]
    assert 'href="/def#Goal"' in broader and "Domein" in broader and "Bereik" in broader
    assert "Hoger doel (bg:broaderGoal) moet een doel zijn." in broader
    assert 'id="org-Organization"' in page                         # reused terms documented too
    assert "<svg" in page and 'href="#Goal"' in page               # the diagram links to the terms


@pytest.mark.parametrize("accept", ["text/turtle", "application/n-triples", "application/ld+json"])
def test_def_rdf_by_accept(client, accept):
    r = client.get("/def", headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    g = Graph().parse(data=r.text, format={"text/turtle": "turtle", "application/n-triples": "nt",
                                           "application/ld+json": "json-ld"}[accept])
    assert (URIRef("https://w3id.org/beleidsgraaf/def#Goal"), RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) in g


def test_def_turtle_url(client):
    assert client.get("/def.ttl").headers["content-type"].startswith("text/turtle")


@pytest.mark.slow
@pytest.mark.parametrize("ext, fmt", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("nq", "nquads")])
def test_dumps_hold_the_whole_dataset(client, api_store, ext, fmt):
    r = client.get(f"/dataset.{ext}")
    assert r.status_code == 200
    from rdflib import Dataset

    g = Dataset() if fmt == "nquads" else Graph()
    g.parse(data=r.text, format=fmt)
    assert (URIRef(GOAL_1), RDF.type, URIRef("https://w3id.org/beleidsgraaf/def#Goal")) in (
        g if fmt != "nquads" else g.graph(URIRef("https://w3id.org/beleidsgraaf/graph/regiovisie-bw-mo-2024-2026")))
    if fmt == "nquads":
        assert len(g) == len(api_store)


def test_void_dcat_description(client, api_store):
    r = client.get("/dataset", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    g = Graph().parse(data=r.text, format="turtle")
    ds = g.value(None, RDF.type, VOID.Dataset, any=True)
    datasets = [s for s in g.subjects(RDF.type, DCAT.Dataset)]
    assert datasets
    ds = datasets[0]
    assert int(g.value(ds, VOID.triples)) == len(api_store)
    assert g.value(ds, DCTERMS.license) is not None
    assert (ds, DCTERMS.source, URIRef("https://w3id.org/beleidsgraaf/id/document/regiovisie-bw-mo-2024-2026")) in g
    dumps = {str(o) for o in g.objects(ds, VOID.dataDump)}
    assert {"http://testserver/dataset.ttl", "http://testserver/dataset.nt", "http://testserver/dataset.jsonld"} <= dumps
    goal_partition = next(p for p in g.objects(ds, VOID.classPartition)
                          if g.value(p, VOID["class"]) == URIRef("https://w3id.org/beleidsgraaf/def#Goal"))
    assert int(g.value(goal_partition, VOID.entities)) >= 2 and int(g.value(goal_partition, VOID.triples)) > 0
    subsets = [s for s in g.objects(ds, VOID.subset)]
    assert any(int(g.value(s, VOID.triples)) > 0 for s in subsets)


def test_dataset_page(client):
    r = client.get("/dataset", headers=HTML)
    assert r.status_code == 200 and "/dataset.ttl" in r.text and "Per brondocument" in r.text
    assert client.get("/dataset", headers={"Accept": "application/ld+json"}).status_code == 200
