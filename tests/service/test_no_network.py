"""Nothing the service does on a user's behalf contacts another host: SPARQL SERVICE and
LOAD, remote JSON-LD contexts, RDF/XML external entities and owl:imports are refused or
ignored. A loopback listener records any request that would prove otherwise."""

from __future__ import annotations

import pytest


def test_sparql_service_is_refused_without_a_request(client, listener):
    url, hits = listener
    query = f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 403 and "SERVICE" in response.text
    assert hits == []


def test_sparql_load_is_refused_without_a_request(client, listener):
    url, hits = listener
    response = client.post("/sparql", data={"update": f"LOAD <{url}/data.ttl>"})
    assert response.status_code == 403
    response = client.post("/sparql", content=f"LOAD <{url}/data.ttl>",
                           headers={"Content-Type": "application/sparql-query"})
    assert response.status_code in (400, 403)
    assert hits == []


def test_remote_jsonld_context_is_not_fetched(client, listener):
    url, hits = listener
    body = '{"@context": "%s/context.jsonld", "@id": "https://w3id.org/beleidsgraaf/id/test/x", "naam": "x"}' % url
    response = client.post("/validate", content=body, headers={"Content-Type": "application/ld+json"})
    assert response.status_code == 400 and "context" in response.text.lower()
    assert hits == []


def test_rdfxml_external_entity_is_not_resolved(client, listener):
    url, hits = listener
    body = f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY ext SYSTEM "{url}/secret.txt"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:skos="http://www.w3.org/2004/02/skos/core#">
  <rdf:Description rdf:about="https://w3id.org/beleidsgraaf/id/test/x">
    <skos:prefLabel xml:lang="nl">&ext;</skos:prefLabel>
  </rdf:Description>
</rdf:RDF>"""
    response = client.post("/validate", content=body, headers={"Content-Type": "application/rdf+xml"})
    assert response.status_code in (200, 400)
    assert hits == []


@pytest.mark.slow
def test_owl_imports_in_uploaded_data_are_not_followed(client, listener):
    url, hits = listener
    body = (f"<https://w3id.org/beleidsgraaf/id/test/onto> a <http://www.w3.org/2002/07/owl#Ontology> ;\n"
            f"  <http://www.w3.org/2002/07/owl#imports> <{url}/other.ttl> .\n")
    response = client.post("/validate", content=body, headers={"Content-Type": "text/turtle"})
    assert response.status_code == 200
    assert hits == []


def test_the_listener_does_record_requests(listener):
    """The check can fail: a real request to the listener is seen."""
    import urllib.request

    url, hits = listener
    try:
        urllib.request.urlopen(url + "/probe", timeout=2)
    except Exception:
        pass
    assert hits and hits[0].startswith(b"GET /probe")
