"""Linked-entity browsing: /id/ resolution (303 and extensions), entity pages with labels,
quotes, grouped links, breadcrumbs and external links; home, search, class pages, diagrams."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from rdflib import Graph, URIRef

from tests.support import GOAL_1

GOAL_PATH = "/id/doel/regiovisie-bw-mo-2024-2026/doelstelling-1"
DOCUMENT = "https://w3id.org/beleidsgraaf/id/document/regiovisie-bw-mo-2024-2026"
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(scope="module")
def goal_page(client):
    r = client.get(GOAL_PATH + ".html")
    assert r.status_code == 200
    return r.text


@pytest.fixture(scope="module")
def an_action(client, run_query):
    r = client.get("/queries/actions-for-goal", headers={"Accept": "application/sparql-results+json"})
    return r.json()["results"]["bindings"][0]["action"]["value"]


@pytest.mark.parametrize("accept, extension", [
    (HTML["Accept"], "html"), ("text/turtle", "ttl"), ("application/ld+json", "jsonld"),
    ("application/n-triples", "nt"), ("*/*", "ttl"),
])
@pytest.mark.slow
def test_entity_iri_redirects_303_by_accept(client, accept, extension):
    r = client.get(GOAL_PATH, headers={"Accept": accept}, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"{GOAL_PATH}.{extension}"
    assert "Accept" in r.headers["vary"]


@pytest.mark.parametrize("extension, media, rdflib_format", [
    ("ttl", "text/turtle", "turtle"), ("jsonld", "application/ld+json", "json-ld"),
    ("nt", "application/n-triples", "nt"),
])
def test_entity_description_by_extension(client, extension, media, rdflib_format):
    r = client.get(f"{GOAL_PATH}.{extension}")
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)
    g = Graph().parse(data=r.text, format=rdflib_format)
    assert (URIRef(GOAL_1), URIRef("http://purl.org/dc/terms/source"), URIRef(DOCUMENT)) in g
    assert any(p == URIRef("http://www.w3.org/2004/02/skos/core#prefLabel") for p in g.predicates(URIRef(GOAL_1)))


def test_unknown_entity_404_with_search_suggestion(client):
    r = client.get("/id/doel/regiovisie-bw-mo-2024-2026/doelstelling-zelfstandig", headers=HTML)
    assert r.status_code == 404
    assert 'lang="nl"' in r.text and "/zoeken?q=doelstelling%20zelfstandig" in r.text
    r = client.get("/id/doel/bestaat-niet.ttl")
    assert r.status_code == 404 and "suggestion" in r.json()


def test_goal_page_shows_label_type_notation_source_and_quote(goal_page):
    assert '<html lang="nl">' in goal_page
    assert "zelfstandig te blijven wonen" in goal_page
    assert '<a href="/def#Goal">doel</a>' in goal_page
    assert 'class="notation">1<' in goal_page
    assert 'href="/id/document/regiovisie-bw-mo-2024-2026"' in goal_page
    assert "<blockquote" in goal_page and "Meer inwoners zijn in staat om zelfstandig te blijven wonen" in goal_page


def test_goal_page_breadcrumbs_start_at_the_document(goal_page):
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', goal_page, re.S).group(0)
    assert 'href="/id/document/regiovisie-bw-mo-2024-2026"' in crumbs


def test_links_are_labelled_and_grouped_by_dutch_property(goal_page):
    incoming = goal_page.split("Wat hiernaar verwijst")[1]
    # Strands or actions serve the goal: shown under the Dutch property label, by their label.
    assert "draagt bij aan" in incoming
    anchors = re.findall(r'<a href="(/id/[^"]+)">([^<]+)</a>', goal_page)
    assert anchors and all(not text.startswith("http") for _, text in anchors)


def test_action_page_breadcrumbs_document_goal_strand(client, an_action):
    path = an_action.replace("https://w3id.org/beleidsgraaf", "")
    page = client.get(path + ".html").text
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', page, re.S).group(0)
    hrefs = re.findall(r'href="([^"]+)"', crumbs)
    assert hrefs[0] == "/id/document/regiovisie-bw-mo-2024-2026"
    assert any(h.startswith("/id/actielijn/") for h in hrefs) or GOAL_PATH in hrefs
    assert "<blockquote" in page


def test_external_identifiers_are_outbound_links(client, api_store):
    rows = list(api_store.query(
        "SELECT ?s ?o WHERE { ?s <https://w3id.org/beleidsgraaf/def#officialPage>|"
        "<https://w3id.org/beleidsgraaf/def#tooi> ?o } LIMIT 1"))
    if not rows:
        pytest.skip("no entity with a TOOI or wetten.overheid.nl identifier in the data")
    subject, target = rows[0]["s"].value, rows[0]["o"].value
    page = client.get(subject.replace("https://w3id.org/beleidsgraaf", "") + ".html").text
    assert f'<a href="{target}" rel="external">' in page


def test_home_lists_documents_with_goal_trees(client):
    r = client.get("/", headers=HTML)
    assert r.status_code == 200 and '<html lang="nl">' in r.text
    assert 'href="/id/document/regiovisie-bw-mo-2024-2026"' in r.text
    assert f'href="{GOAL_PATH}"' in r.text
    assert 'action="/zoeken"' in r.text


@pytest.mark.parametrize("text", ["zelfstandig", "ZELFSTANDIG", "zélfstandig"])
def test_search_case_and_accent_insensitive(client, text):
    r = client.get("/zoeken", params={"q": text}, headers=HTML)
    assert r.status_code == 200 and f'href="{GOAL_PATH}"' in r.text
    api = client.get("/zoeken", params={"q": text}, headers={"Accept": "application/json"})
    assert GOAL_1 in [hit["iri"] for hit in api.json()["results"]]


def test_search_by_notation(client):
    rows = client.get("/queries/actions-for-goal", headers={"Accept": "application/sparql-results+json"}).json()
    row = next(b for b in rows["results"]["bindings"] if "notation" in b)
    hits = client.get("/zoeken", params={"q": row["notation"]["value"]}, headers={"Accept": "application/json"}).json()
    assert row["action"]["value"] in [hit["iri"] for hit in hits["results"]]


def test_class_pages(client):
    index = client.get("/klassen", headers=HTML)
    assert index.status_code == 200 and 'href="/klassen/bg:Goal"' in index.text
    page = client.get("/klassen/bg:Goal", headers=HTML)
    assert page.status_code == 200 and f'href="{GOAL_PATH}"' in page.text
    assert client.get("/klassen/bg:Bestaatniet", headers=HTML).status_code == 404


def test_document_page_has_tree_and_timeline_diagrams(client):
    page = client.get("/id/document/regiovisie-bw-mo-2024-2026.html").text
    svgs = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(svgs) == 2
    tree, timeline = svgs
    assert f'href="{GOAL_PATH}"' in tree and "/id/actie/" in tree and "/id/actielijn/" in tree
    assert "/id/actie/" in timeline


@pytest.mark.parametrize("kind", ["boom", "tijdlijn"])
def test_diagram_svg_files(client, kind):
    r = client.get(f"/diagrammen/{kind}.svg", params={"document": DOCUMENT})
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(r.text)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert client.get(f"/diagrammen/{kind}.svg", params={"document": DOCUMENT + "-x"}).status_code == 404
    assert client.get(f"/diagrammen/{kind}.svg", params={"document": "geen iri"}).status_code == 422


def test_pages_load_nothing_from_the_internet(client):
    for path in ["/", GOAL_PATH + ".html", "/id/document/regiovisie-bw-mo-2024-2026.html", "/def", "/validate"]:
        page = client.get(path, headers=HTML).text
        assert not re.search(r'<(script|link|img)[^>]+(src|href)="https?://', page), path


def test_goal_page_lists_the_actions_serving_it(client, run_query):
    GOAL_1 = "https://w3id.org/beleidsgraaf/id/doel/regiovisie-bw-mo-2024-2026/doelstelling-1"

    expected = {r["action"] for r in run_query("actions-for-goal", goal=GOAL_1)}
    page = client.get("/id/" + GOAL_1.split("/id/", 1)[1] + ".html").text
    assert "Acties die bijdragen aan dit doel" in page
    for action in expected:
        assert "/id/" + action.split("/id/", 1)[1] in page


def test_incoming_cap_is_the_limit_of_the_incoming_query():
    from api.browse import INCOMING_SHOWN
    from beleidsgraaf.settings import current_settings
    from beleidsgraaf.queries import parse_query_file

    sparql = parse_query_file(current_settings().queries_dir / "internal" / "entity-incoming.rq").sparql
    assert re.search(rf"\bLIMIT {INCOMING_SHOWN}\b", sparql), "entity-incoming.rq and INCOMING_SHOWN disagree"


def test_entity_page_with_more_references_than_shown_says_so_and_links_to_all():
    """A law cited by every municipality has thousands of referrers: the page shows the
    first INCOMING_SHOWN, says that there are more, and links to the paged query."""
    import pyoxigraph as ox
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.browse import INCOMING_SHOWN
    from beleidsgraaf.backends.oxigraph_store import Store

    store = Store.shipped()
    law = ox.NamedNode("https://w3id.org/beleidsgraaf/id/wet/wmo-2015")
    cites = ox.NamedNode("https://w3id.org/beleidsgraaf/def#legalBasis")
    store.add_quads(ox.Quad(ox.NamedNode(f"https://example.org/plan/{i}"), cites, law)
                         for i in range(INCOMING_SHOWN + 20))
    with TestClient(create_app(store)) as client:
        page = client.get("/id/wet/wmo-2015.html")
        assert page.status_code == 200
        shown = set(re.findall(r'https://example\.org/plan/\d+', page.text))
        assert 0 < len(shown) <= INCOMING_SHOWN
        assert "Er verwijst meer hiernaar dan deze pagina toont" in page.text
        assert "/queries/entity-mentions?entity=" in page.text
        ordinary = client.get(GOAL_PATH + ".html")
        assert "Er verwijst meer hiernaar" not in ordinary.text
