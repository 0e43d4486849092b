"""The Graph Store Protocol at /store: tokens, the SHACL gate (same report as /validate, and
nothing changes on a violation), ETags, concurrent writes, history and provenance, and
writes visible at once to queries, entity pages and dumps."""

from __future__ import annotations

import hashlib
import threading

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from beleidsgraaf.backends.oxigraph_store import Store
from tests.support import EXAMPLE

FIXTURE = EXAMPLE / "plan-voorbeeldstad.ttl"
PLAN = FIXTURE.read_bytes()
GRAPH = "https://w3id.org/beleidsgraaf/graph/voorbeeld/plan"
GOAL = "https://w3id.org/beleidsgraaf/id/voorbeeld/doel-1"
ACTION = "https://w3id.org/beleidsgraaf/id/voorbeeld/actie-1"
TOKEN = "geheim-voor-de-test"
AUTH = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"}
BAD_DATE = PLAN.replace(b'"2026-12-31"^^xsd:date', b'"31-12-2026"')


@pytest.fixture()
def published(tmp_path, settings_for_test):
    """The settings: published graphs in a folder of the test's own, one write token."""
    return settings_for_test(published=tmp_path / "published", write_token=TOKEN)


@pytest.fixture()
def client(published):
    with TestClient(create_app(Store.shipped(), published)) as test_client:
        yield test_client


def put(client, body=PLAN, graph=GRAPH, headers=AUTH):
    return client.put("/store", params={"graph": graph}, content=body, headers=headers)


def actions_for_goal(client) -> list[str]:
    r = client.get("/queries/actions-for-goal", params={"goal": GOAL}, headers={"Accept": "text/csv"})
    assert r.status_code == 200, r.text
    return [line.split(",")[2] for line in r.text.splitlines()[1:]]


# -- tokens ---------------------------------------------------------------------------------

def test_no_token_configured_means_writes_are_off(published):
    with TestClient(create_app(Store.shipped(), published.replaced(write_token=None))) as client:
        r = put(client)
        assert r.status_code == 405 and "BELEIDSGRAAF_WRITE_TOKEN" in r.json()["message"]
        assert client.get("/store", params={"graph": GRAPH}).status_code == 404  # nothing written


def test_missing_and_wrong_tokens_are_401(client):
    missing = put(client, headers={"Content-Type": "text/turtle"})
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
    wrong = put(client, headers={**AUTH, "Authorization": "Bearer raden"})
    assert wrong.status_code == 401 and "onbekend" in wrong.json()["message"]
    basic = put(client, headers={**AUTH, "Authorization": f"Basic {TOKEN}"})
    assert basic.status_code == 401
    assert client.get("/store").json() == {"graphs": []}


@pytest.mark.slow
def test_tokens_file_limits_a_steward_to_their_graphs(published, tmp_path):
    tokens = tmp_path / "stewards.toml"
    tokens.write_text('[[steward]]\nname = "Team data Voorbeeldstad"\n'
                      f'token_sha256 = "{hashlib.sha256(b"vs-sleutel").hexdigest()}"\n'
                      'graphs = ["https://w3id.org/beleidsgraaf/graph/voorbeeld/*"]\n', encoding="utf-8")
    headers = {**AUTH, "Authorization": "Bearer vs-sleutel"}
    with TestClient(create_app(Store.shipped(), published.replaced(write_token=None, write_tokens=tokens))) as client:
        elsewhere = put(client, graph="https://w3id.org/beleidsgraaf/graph/andere-gemeente/plan", headers=headers)
        assert elsewhere.status_code == 403 and "Team data Voorbeeldstad" in elsewhere.json()["message"]
        assert put(client, headers=headers).status_code == 201
        assert put(client).status_code == 401  # the single token is not set here
        history = client.get("/store/history", params={"graph": GRAPH}).json()["versions"]
    assert history[0]["steward"] == "Team data Voorbeeldstad"


def test_shipped_graphs_and_the_default_graph_cannot_be_written(client):
    shipped = put(client, graph="https://w3id.org/beleidsgraaf/graph/register")
    assert shipped.status_code == 403 and "beleidsgraaf build" in shipped.json()["message"]
    default = client.put("/store?default", content=PLAN, headers=AUTH)
    assert default.status_code == 405 and "alleen te lezen" in default.json()["message"]
    assert put(client, graph="geen-iri").status_code == 400


# -- accepted writes go live ----------------------------------------------------------------

@pytest.mark.slow
def test_put_valid_plan_is_live_at_once(client):
    assert ACTION not in actions_for_goal(client)
    r = put(client)
    assert r.status_code == 201 and r.json()["version"] == 1 and r.headers["etag"] == '"1"'
    assert client.get(r.headers["location"]).headers["etag"] == '"1"'
    assert client.get("/store").json()["graphs"][0]["graph"] == GRAPH
    assert ACTION in actions_for_goal(client)
    page = client.get("/id/voorbeeld/actie-1.html")
    assert page.status_code == 200 and "Wooncoach voor jongeren" in page.text
    dump = client.get("/dataset.nq")
    assert ACTION in dump.text and GRAPH in dump.text
    got = client.get("/store", params={"graph": GRAPH}, headers={"Accept": "application/n-triples"})
    assert got.status_code == 200 and got.headers["etag"] == '"1"' and "2026-12-31" in got.text
    # A link to the shipped register (a partner) resolved in the gate.
    assert "gemeente-zutphen" in got.text
    assert put(client).status_code == 204  # replacing an existing graph


def search_iris(client, text: str) -> list[str]:
    return [hit["iri"] for hit in client.get("/zoeken", params={"q": text},
                                             headers={"Accept": "application/json"}).json()["results"]]


@pytest.mark.slow
def test_search_follows_published_writes(client):
    """The full-text index is updated on every accepted write: found after PUT, gone after DELETE."""
    assert ACTION not in search_iris(client, "wooncoach")
    assert put(client).status_code == 201
    assert ACTION in search_iris(client, "wooncoach")
    assert client.delete("/store", params={"graph": GRAPH}, headers=AUTH).status_code == 204
    assert ACTION not in search_iris(client, "wooncoach")


@pytest.mark.slow
def test_invalid_write_gets_the_validate_report_and_changes_nothing(client):
    assert put(client).status_code == 201
    before = client.get("/store", params={"graph": GRAPH}, headers={"Accept": "application/n-triples"}).text
    r = put(client, body=BAD_DATE)
    assert r.status_code == 422
    report = r.json()
    # /validate of the same file as a new version of the same graph: the same report.
    same = client.post("/validate", params={"graph": GRAPH}, content=BAD_DATE,
                       headers={"Content-Type": "text/turtle", "Accept": "application/json"}).json()
    assert report["results"] == same["results"] and report["conforms"] is False
    assert any(res["path"].endswith("#deadline") and res["value"] == "31-12-2026" for res in report["results"])
    after = client.get("/store", params={"graph": GRAPH}, headers={"Accept": "application/n-triples"})
    assert after.text == before and after.headers["etag"] == '"1"'
    assert len(client.get("/store/history", params={"graph": GRAPH}).json()["versions"]) == 1


def test_unparseable_body_is_400_with_line(client):
    r = put(client, body=b"@prefix bg: <https://w3id.org/beleidsgraaf/def#> .\nbg:a bg:b bg:c .\nkapot")
    assert r.status_code == 400 and r.json()["line"] == 3


# -- preconditions and concurrency ----------------------------------------------------------

@pytest.mark.slow
def test_stale_if_match_is_412_and_current_one_writes(client):
    assert put(client).status_code == 201
    assert put(client).status_code == 204  # version 2
    stale = put(client, headers={**AUTH, "If-Match": '"1"'})
    assert stale.status_code == 412 and stale.headers["etag"] == '"2"'
    assert put(client, headers={**AUTH, "If-Match": '"2"'}).status_code == 204
    assert put(client, headers={**AUTH, "If-None-Match": "*"}).status_code == 412


@pytest.mark.slow
def test_concurrent_additions_are_not_lost(client):
    assert put(client).status_code == 201
    extra = ('@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n'
             '<https://w3id.org/beleidsgraaf/id/voorbeeld/doel-1> skos:altLabel "{label}"@nl .\n')
    statuses = []

    def add(label):
        r = client.post("/store", params={"graph": GRAPH}, content=extra.format(label=label).encode(), headers=AUTH)
        statuses.append(r.status_code)

    threads = [threading.Thread(target=add, args=(f"alternatief {i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [204] * 4
    graph = client.get("/store", params={"graph": GRAPH}, headers={"Accept": "application/n-triples"}).text
    assert all(f"alternatief {i}" in graph for i in range(4))
    assert client.get("/store", params={"graph": GRAPH}).headers["etag"] == '"5"'


# -- history, provenance, delete, restore ---------------------------------------------------

@pytest.mark.slow
def test_history_records_who_when_file_and_shapes_and_restores(client):
    assert put(client).status_code == 201
    changed = PLAN.replace(b'"2026-12-31"^^xsd:date', b'"2027-06-30"^^xsd:date')
    assert put(client, body=changed).status_code == 204
    versions = client.get("/store/history", params={"graph": GRAPH}).json()["versions"]
    assert [v["version"] for v in versions] == [1, 2] and versions[1]["current"]
    assert versions[0]["file_sha256"] == hashlib.sha256(PLAN).hexdigest()
    assert versions[1]["file_sha256"] == hashlib.sha256(changed).hexdigest()
    assert versions[0]["steward"] == "beheerder" and versions[0]["time"].startswith("20")
    assert len(versions[0]["shapes_sha256"]) == 64
    old = client.get("/store/history", params={"graph": GRAPH, "version": 1},
                     headers={"Accept": "application/n-triples"})
    assert "2026-12-31" in old.text and "2027-06-30" not in old.text
    # PROV-O is queryable like everything else.
    prov = client.post("/sparql", data={"query": "PREFIX prov: <http://www.w3.org/ns/prov#> "
                                                 "SELECT ?v WHERE { ?v prov:specializationOf ?g }"},
                       headers={"Accept": "text/csv"})
    assert prov.text.count("/provenance/") == 2
    assert client.post("/store/restore", params={"graph": GRAPH, "version": 1}).status_code == 401
    r = client.post("/store/restore", params={"graph": GRAPH, "version": 1}, headers=AUTH)
    assert r.status_code == 204 and r.headers["etag"] == '"3"'
    now = client.get("/store", params={"graph": GRAPH}, headers={"Accept": "application/n-triples"}).text
    assert "2026-12-31" in now and "2027-06-30" not in now
    assert client.post("/store/restore", params={"graph": GRAPH, "version": 9}, headers=AUTH).status_code == 404


@pytest.mark.slow
def test_delete_removes_the_graph_and_keeps_its_history(client):
    assert put(client).status_code == 201
    assert client.delete("/store", params={"graph": GRAPH}).status_code == 401
    assert client.delete("/store", params={"graph": GRAPH}, headers=AUTH).status_code == 204
    assert client.get("/store", params={"graph": GRAPH}).status_code == 404
    assert ACTION not in actions_for_goal(client)
    versions = client.get("/store/history", params={"graph": GRAPH}).json()["versions"]
    assert versions[-1]["deleted"] and versions[-1]["action"] == "verwijderd"
    assert client.delete("/store", params={"graph": GRAPH}, headers=AUTH).status_code == 404


# -- the on-disk store served by worker processes ------------------------------------------

@pytest.mark.slow
def test_write_reaches_the_worker_pool_and_the_next_build(published, tmp_path, settings_for_test):
    from beleidsgraaf.pipeline import build
    from beleidsgraaf.backends.oxigraph_store import build_store
    from beleidsgraaf.backends.pooled import PooledStore
    from beleidsgraaf.workers import QueryLimits

    link = tmp_path / "store"
    build_store(link)
    store = PooledStore(link, QueryLimits(workers=1))
    try:
        with TestClient(create_app(store, published)) as client:
            assert ACTION not in actions_for_goal(client)
            assert put(client).status_code == 201
            assert ACTION in actions_for_goal(client)
            assert client.get("/id/voorbeeld/actie-1.html").status_code == 200
    finally:
        store.close()
    # A plain build afterwards keeps the published graph (and validates it with the rest).
    settings_for_test(**{**published.model_dump(), "store": str(link)})
    assert build(link)
    rebuilt = Store.open(link)
    assert GRAPH in rebuilt.named_graphs()


@pytest.mark.slow
def test_after_write_hook_sees_every_accepted_write(client):
    from beleidsgraaf import publish

    seen = []
    hook = publish.on_accepted_write(lambda graph, quads: seen.append((graph, None if quads is None else len(quads))))
    try:
        assert put(client).status_code == 201
        assert put(client, body=BAD_DATE).status_code == 422  # rejected: no call
        assert client.delete("/store", params={"graph": GRAPH}, headers=AUTH).status_code == 204
    finally:
        publish._after_write.remove(hook)
    from rdflib import Graph

    triples = len(Graph().parse(data=PLAN.decode("utf-8"), format="turtle"))
    assert seen == [(GRAPH, triples), (GRAPH, None)]


@pytest.mark.slow
def test_reads_need_no_token_head_and_default_graph(client):
    assert put(client).status_code == 201
    head = client.head("/store", params={"graph": GRAPH})
    assert head.status_code == 200 and head.headers["etag"] == '"1"' and head.content == b""
    default = client.get("/store?default", headers={"Accept": "application/n-triples"})
    assert default.status_code == 200 and ACTION in default.text and "gemeente-zutphen" in default.text
    shipped = client.get("/store", params={"graph": "https://w3id.org/beleidsgraaf/graph/register"})
    assert shipped.status_code == 200 and "etag" not in shipped.headers  # shipped graphs have no versions
    assert client.get("/store", params={"graph": "https://w3id.org/beleidsgraaf/graph/niets"}).status_code == 404


@pytest.mark.slow
def test_rdflib_store_goes_live_and_a_restarted_memory_server_shows_published_graphs(published):
    from beleidsgraaf.backends.rdflib_memory import RdflibStore
    from beleidsgraaf.publish import load_published

    with TestClient(create_app(RdflibStore.shipped(), published)) as client:
        assert put(client).status_code == 201
        assert ACTION in actions_for_goal(client)
    restarted = Store.shipped()  # what serve --memory starts from
    assert GRAPH not in restarted.named_graphs()
    assert load_published(restarted) > 0 and GRAPH in restarted.named_graphs()
    with TestClient(create_app(restarted, published)) as client:
        assert ACTION in actions_for_goal(client)


# -- multipart POST (Graph Store Protocol 5.5; the W3C run is tests/test_w3c_graph_store.py) ----

def test_a_multipart_post_with_one_bad_part_writes_nothing(client):
    good = ("plan.ttl", PLAN, "text/turtle")
    bad = ("kapot.ttl", b"<a> <b> .", "text/turtle")
    r = client.post("/store", params={"graph": GRAPH}, files=[("een", good), ("twee", bad)],
                    headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 400 and r.json()["line"] == 1
    assert client.get("/store", params={"graph": GRAPH}).status_code == 404


def test_a_multipart_post_without_files_is_a_clear_400(client):
    only_a_field = b"--x\r\nContent-Disposition: form-data; name=\"veld\"\r\n\r\nwaarde\r\n--x--\r\n"
    r = client.post("/store", params={"graph": GRAPH}, content=only_a_field,
                    headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "multipart/form-data; boundary=x"})
    assert r.status_code == 400 and "multipart/form-data zonder bestanden" in r.json()["message"]
