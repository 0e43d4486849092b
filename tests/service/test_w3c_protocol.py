"""The W3C SPARQL 1.1 Protocol tests, run from the manifest itself: every entry of
sparql/sparql11/protocol/manifest.ttl (imported byte for byte from w3c/rdf-tests into
tests/w3c/, provenance in tests/w3c/PROVENANCE.json) is one parametrised test named by its
entry, and its requests run in order against the app as the manifest writes them.

The manifest asks each runner to replace the `/sparql/` path prefix with the endpoint's;
ours is `/sparql`. Each entry's ut:graphData (data1.nt ... each in the graph its label
names) is the dataset of a fresh store, so an entry sees exactly the graphs it declares.

Query requests must get what the manifest expects. Update requests expect 2xx from a service
that accepts updates; this one is read-only, and the Protocol requires a 4XX or 5XX for an
update that fails: it answers 403 Forbidden, saying it is read-only, and changes nothing. The
requests that follow a refused update check its effect; they must still run and show the
effect is absent (the manifest's expected boolean, negated). A bad_* entry expects a 4xx."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from tests.w3c.manifest import Entry, Request, entries

MANIFEST = "sparql/sparql11/protocol/manifest.ttl"
ENTRIES = entries(MANIFEST)
ENDPOINT = "/sparql"
BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR_TYPES = BOOLEAN_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
             "application/rdf+xml": ox.RdfFormat.RDF_XML}


def endpoint_path(request: Request) -> str:
    assert request.path.startswith("/sparql/"), f"the manifest promises /sparql/ paths: {request.path}"
    return ENDPOINT + request.path[len("/sparql/"):]


def is_update(request: Request) -> bool:
    content_type = (request.header("content-type") or "").split(";")[0].strip().lower()
    form = parse_qs((request.body or b"").decode("utf-8", "replace")) if content_type.endswith("urlencoded") else {}
    return (content_type == "application/sparql-update" or "update" in form
            or "update" in parse_qs(urlsplit(request.path).query))


def refused_as_read_only(request: Request) -> bool:
    """An update the manifest expects to succeed: a read-only service refuses it."""
    return is_update(request) and request.expected.allows(200)


def dataset(entry: Entry):
    from beleidsgraaf.backends.oxigraph_store import Store

    store = Store.in_memory()
    for graph, data_file in entry.graph_data:
        store.add_quads(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
                        for t in ox.parse(path=str(data_file), format=ox.RdfFormat.N_TRIPLES))
    return store


def answer_boolean(response) -> bool:
    media = response.headers["content-type"].split(";")[0]
    if media.endswith("json"):
        return json.loads(response.text)["boolean"]
    results = ox.parse_query_results(response.content, ox.QueryResultsFormat.XML)
    return bool(results)


def check_format(entry: Entry, request: Request, response) -> None:
    where = f"{entry.iri}: {response.headers.get('content-type')} {response.text[:200]}"
    media = response.headers["content-type"].split(";")[0]
    expected = request.expected.format
    if expected == "boolean":
        assert media in BOOLEAN_TYPES, where
        answer_boolean(response)
    elif expected == "tabular":
        assert media in TABULAR_TYPES, where
    elif expected == "RDF":
        assert media in RDF_TYPES, where
        list(ox.parse(response.content, RDF_TYPES[media]))  # well-formed in the format it claims
    else:
        assert expected is None, f"{entry.iri}: unknown mf:expectedFormat {expected!r}"


def test_every_manifest_entry_is_a_test():
    assert len(ENTRIES) == 34 and len({e.name for e in ENTRIES}) == len(ENTRIES)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_w3c_protocol(entry: Entry):
    from api.app import create_app

    store = dataset(entry)
    before = set(store.quads())
    refused = False
    with TestClient(create_app(store), base_url="http://www.example") as client:
        for request in entry.requests:
            response = client.request(request.method, endpoint_path(request), content=request.body,
                                      headers=dict(request.headers))
            where = f"{entry.iri} ({request.method} {request.path[:60]}): {response.status_code} {response.text[:200]}"
            if refused_as_read_only(request):
                assert response.status_code == 403 and "read-only" in response.json()["message"], where
                refused = True
                continue
            assert request.expected.allows(response.status_code), where
            if response.status_code >= 400:
                continue
            check_format(entry, request, response)
            if request.expected.boolean is not None:
                # After a refused update its effect must be absent: the opposite of the manifest's answer.
                assert answer_boolean(response) is (request.expected.boolean ^ refused), where
    assert set(store.quads()) == before, f"{entry.iri} changed the store"
