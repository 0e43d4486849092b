"""The full-text search index (beleidsgraaf/search_index.py) and its web faces: /zoeken
(HTML and JSON) and /zoeken/suggesties. Every case is a query a policy officer typed."""

from __future__ import annotations

import re

import pytest

from beleidsgraaf.search_index import INDEX_FILE, SearchIndex, fold, one_edit_away, stems
from beleidsgraaf.backends.oxigraph_store import Store

from tests.support import GOAL_1

JSON = {"Accept": "application/json"}
HTML = {"Accept": "text/html"}
TACTUS = "https://w3id.org/beleidsgraaf/id/organisatie/tactus"
ACTION_5_3 = "https://w3id.org/beleidsgraaf/id/actie/regiovisie-bw-mo-2024-2026/5.3"
STRAND_2 = "https://w3id.org/beleidsgraaf/id/actielijn/regiovisie-bw-mo-2024-2026/actielijn-2"


@pytest.fixture(scope="module")
def index(built_store_path):
    return SearchIndex(built_store_path / INDEX_FILE)


def results(client, q, **params):
    r = client.get("/zoeken", params={"q": q, **params}, headers=JSON)
    assert r.status_code == 200
    return r.json()["results"]


def test_build_writes_the_index_beside_the_store(built_store_path, index):
    assert (built_store_path / INDEX_FILE).is_file()
    assert len(index) > 500  # every labelled entity of the shipped data


def test_folding_and_stemming():
    assert fold("Cliënten ÉÉN") == "clienten een"
    assert stems("woning woningen") == [stems("woning")[0]] * 2
    assert stems("dakloos daklozen") == [stems("dakloos")[0]] * 2
    assert "dakloosheid" in one_edit_away("daklooshied")  # a swap of neighbours is one edit


@pytest.mark.parametrize("q", ["beschermd wonen", "beschermd  wonen", "wonen beschermd", "beschermd-wonen",
                               "BESCHERMD WONEN", "beschérmd wonen"])
def test_spacing_hyphens_order_case_and_accents_do_not_matter(client, q):
    hits = results(client, q)
    assert hits, q
    assert re.search(r"beschermd\W+wonen", hits[0]["label"], re.I) or re.search(
        r"beschermd\W+wonen", hits[0]["snippet"], re.I), hits[0]


def test_one_typo_in_a_long_word_is_forgiven(client):
    hits = results(client, "daklooshied")
    assert hits and all("dakloosheid" in (h["label"] + h["snippet"]).lower() for h in hits[:3])
    assert not results(client, "daklooshiedd x")  # two edits, and an unknown short word: nothing


def test_short_words_are_not_fuzzy(index):
    assert index.stems_for("wnen") == []  # four letters: no typo tolerance, no guessing


@pytest.mark.parametrize("q, expected", [("doelstelling 1", GOAL_1), ("actie 5.3", ACTION_5_3),
                                         ("actielijn 2", STRAND_2)])
def test_notations_find_the_thing_itself_first(client, q, expected):
    hits = results(client, q)
    assert hits[0]["iri"] == expected, [h["label"] for h in hits[:3]]


def test_label_matches_rank_above_quote_matches(client):
    hits = results(client, "tactus")
    assert hits[0]["iri"] == TACTUS and hits[0]["matched_in"] == "naam"
    kinds = [h["matched_in"] for h in hits]
    assert "tekst" in kinds and kinds.index("tekst") > kinds.index("naam")
    assert kinds == sorted(kinds, key=["nummer", "naam", "tekst"].index)


def test_json_results_in_rank_order_with_iri_label_type(client):
    body = client.get("/zoeken", params={"q": "beschermd wonen"}, headers=JSON).json()
    assert body["total"] >= len(body["results"]) > 3
    assert all({"iri", "label", "type"} <= set(h) for h in body["results"])
    assert sum(body["facets"]["type"].values()) == body["total"]


def test_facets_filter_by_type_and_document(client):
    body = client.get("/zoeken", params={"q": "wonen"}, headers=JSON).json()
    kind, count = next((k, n) for k, n in body["facets"]["type"].items() if k == "actie")
    only = client.get("/zoeken", params={"q": "wonen", "soort": kind}, headers=JSON).json()
    assert only["total"] == count and {h["type"] for h in only["results"]} == {"actie"}
    document, n = next(iter(body["facets"]["document"].items()))
    in_doc = client.get("/zoeken", params={"q": "wonen", "document": document}, headers=JSON).json()
    assert in_doc["total"] == n and {h["document"] for h in in_doc["results"]} == {document}


def test_html_results_highlight_and_link(client):
    page = client.get("/zoeken", params={"q": "daklooshied"}, headers=HTML).text
    assert "<mark>Dakloosheid</mark>" in page or "<mark>dakloosheid</mark>" in page
    assert 'class="facets"' in page and 'href="/id/' in page


def test_markup_in_the_query_is_escaped(client):
    page = client.get("/zoeken", params={"q": '<script>alert(1)</script> wonen'}, headers=HTML).text
    assert "<script>alert" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize("q", ['"', "*", "wonen OR", "NEAR(", "a:b", "{label}: x", "^", "-", "\x00", "(("])
def test_fts_syntax_in_the_query_is_plain_text(client, q):
    assert client.get("/zoeken", params={"q": q}, headers=JSON).status_code == 200
    assert client.get("/zoeken/suggesties", params={"q": q}).status_code == 200


def test_suggestions_as_you_type(client):
    body = client.get("/zoeken/suggesties", params={"q": "tact"}).json()
    first = body["suggestions"][0]
    assert first["iri"] == TACTUS and first["type"] == "organisatie" and first["url"] == "/id/organisatie/tactus"
    assert first["document"]
    goals = client.get("/zoeken/suggesties", params={"q": "doelstelling 1", "soort": "doel"}).json()["suggestions"]
    assert goals[0]["iri"] == GOAL_1 and {s["type"] for s in goals} == {"doel"}


def test_every_page_has_the_search_box_with_suggestions(client):
    for path in ("/", "/klassen", "/queries", "/id/organisatie/tactus.html"):
        page = client.get(path, headers=HTML).text
        assert 'action="/zoeken"' in page and "data-suggest" in page, path
        assert '<script src="/static/suggest.js"' in page and not re.search(r"<script(?![^>]*\bsrc=)", page), path
    assert client.get("/static/suggest.js").status_code == 200


@pytest.mark.slow
def test_update_graph_follows_a_write(tmp_path):
    """The write path's hook: after a graph changes, update_graph makes the index say so."""
    import pyoxigraph as ox
    from beleidsgraaf.settings import current_settings

    store = Store.shipped()
    index = SearchIndex.build(store, tmp_path / INDEX_FILE)
    graph = current_settings().graph_ns + "test-write"
    thing = ox.NamedNode(current_settings().id_ns + "organisatie/zwaluwnest")
    label = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
    assert not index.search("zwaluwnest").hits
    assert index.find("stichting zwaluwnest", 10) == []  # remembered: the canned queries ask again and again
    store.add_quads([ox.Quad(thing, label, ox.Literal("Stichting Zwaluwnest", language="nl"), ox.NamedNode(graph))])
    assert index.update_graph(store, graph) == 1
    assert [h.iri for h in index.search("zwaluwnesten").hits] == [thing.value]
    assert index.find("stichting zwaluwnest", 10) == [thing.value]  # what was remembered is forgotten
    store._store.remove_graph(ox.NamedNode(graph))
    assert index.update_graph(store, graph) == 0
    assert not index.search("zwaluwnest").hits
    assert index.find("stichting zwaluwnest", 10) == []


def test_an_index_of_an_older_layout_is_not_served(tmp_path, built_store_path):
    """A store built by older code keeps its old index file: the server builds a fresh one
    instead of querying columns that file lacks."""
    import sqlite3

    from api.serve import stored_search_index

    assert SearchIndex.is_current(built_store_path / INDEX_FILE)
    old = tmp_path / "store"
    old.mkdir()
    with sqlite3.connect(old / INDEX_FILE) as db:  # an older layout: no user_version
        db.execute("CREATE TABLE entity (id INTEGER PRIMARY KEY, iri TEXT)")
    assert not SearchIndex.is_current(old / INDEX_FILE)
    assert stored_search_index(old) is None
    assert stored_search_index(built_store_path) is not None
