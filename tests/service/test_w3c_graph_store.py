"""The W3C SPARQL 1.1 Graph Store Protocol tests, run from the manifests themselves
(sparql/sparql11/graph-store-protocol/manifest.ttl and the two it includes, imported byte for
byte into tests/w3c/, provenance in tests/w3c/PROVENANCE.json) against /store: every entry is
one parametrised test named by its entry, its requests run in order on a fresh service with
an empty published area.

As the manifest asks, its `/gsp` path prefix becomes our `/store`. Writes here need a
steward's token, which the manifest has no header for: every request carries one. Expected
bodies are compared as graphs (isomorphic, blank nodes included), expected headers by value.

What /store does not offer, by design, is named per entry below and skipped with that reason:
graphs are identified indirectly (`?graph=IRI`) only, a new graph is created by PUT or POST
to its IRI (no POST to the store minting one), and the default graph (the union of all graphs)
is read-only: a write to it is refused with 405, after which its read must still work and
not show the refused data."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph
from rdflib.compare import isomorphic

from tests.w3c.manifest import Entry, Request, entries

pytestmark = pytest.mark.slow  # every accepted write passes the SHACL gate (about a second)

MANIFEST = "sparql/sparql11/graph-store-protocol/manifest.ttl"
ENTRIES = entries(MANIFEST)
TOKEN = "w3c-graph-store-tests"
NOT_OFFERED = {
    "DirectGraphIdentification": "/store identifies graphs indirectly (?graph=IRI) only: a graph IRI "
                                 "is not a path on this service",
    "POSTGraphCreation": "/store creates a graph by a PUT or POST to its IRI (?graph=); a POST to the "
                         "store itself does not mint one",
}
READ_ONLY_DEFAULT = "alleen te lezen"  # our Dutch message for it


def skip_reason(entry: Entry) -> str | None:
    return next((NOT_OFFERED[r] for r in entry.requires if r in NOT_OFFERED), None)


def cases():
    for entry in ENTRIES:
        reason = skip_reason(entry)
        marks = [pytest.mark.skip(reason=f"{entry.iri}: {reason}")] if reason else []
        yield pytest.param(entry, id=entry.name, marks=marks)


def store_path(request: Request) -> str:
    assert request.path.startswith("/gsp"), f"the manifest promises /gsp paths: {request.path}"
    return "/store" + request.path[len("/gsp"):]


def writes_default_graph(request: Request) -> bool:
    return request.method in {"PUT", "POST", "DELETE"} and store_path(request).split("?", 1)[-1] == "default"


def media(value: str) -> tuple[str, dict[str, str]]:
    kind, *params = [part.strip() for part in value.split(";")]
    return kind.lower(), {k.strip().lower(): v.strip().lower() for k, v in (p.split("=", 1) for p in params)}


@pytest.fixture
def service(tmp_path, settings_for_test):
    from api.app import create_app
    from beleidsgraaf.backends.oxigraph_store import Store

    cfg = settings_for_test(published=tmp_path / "published", write_token=TOKEN)
    with TestClient(create_app(Store.in_memory(), cfg), base_url="http://www.example") as client:
        yield client


def test_every_manifest_entry_is_a_test():
    assert len(ENTRIES) == 13 and len({e.name for e in ENTRIES}) == len(ENTRIES)
    # The skips are exactly the entries needing what /store does not offer, nothing silently.
    assert sorted(e.name for e in ENTRIES if skip_reason(e)) == [
        "head_existing_direct", "post_get_new_graph", "post_get_post_get_direct",
        "put_delete_get_delete_direct", "put_get_repeat_direct"]


@pytest.mark.parametrize("entry", list(cases()))
def test_w3c_graph_store(entry: Entry, service):
    refused = False
    for request in entry.requests:
        headers = {**dict(request.headers), "Authorization": f"Bearer {TOKEN}"}
        response = service.request(request.method, store_path(request), content=request.body, headers=headers)
        where = (f"{entry.iri} ({request.method} {request.path[:70]}): {response.status_code} "
                 f"{response.text[:200]}")
        if writes_default_graph(request):
            assert response.status_code == 405 and READ_ONLY_DEFAULT in response.json()["message"], where
            refused = True
            continue
        assert request.expected.allows(response.status_code), where
        for name, value in request.expected.headers:
            if name.lower() == "content-type":
                assert media(response.headers["content-type"]) == media(value), where
            else:
                assert response.headers.get(name) == value, where
        if request.expected.body is not None:
            got = Graph().parse(data=response.content, format=media(response.headers["content-type"])[0])
            declared = dict((k.lower(), v) for k, v in request.expected.headers).get("content-type", "text/turtle")
            want = Graph().parse(data=request.expected.body, format=media(declared)[0])
            # After a refused write its data must be absent: the opposite of the manifest's answer.
            assert isomorphic(got, want) is not refused, f"{where}\nexpected:\n{want.serialize(format='nt')}"
