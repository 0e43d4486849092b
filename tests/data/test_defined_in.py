"""Defined in versus mentioned in: a document's own things (bg:definedIn, exactly one) are
kept apart from the documents that mention them (dcterms:source, many). The home page and
the document pages list only a document's own goals."""

from __future__ import annotations

import re

import pytest
from rdflib import RDF, URIRef
from rdflib.namespace import DCTERMS
from beleidsgraaf.namespaces import BG, ID

HTML = {"Accept": "text/html"}
DOCUMENT_THINGS = ("Goal", "Indicator", "Strand", "Action", "Interpretation", "Illustration", "StatutoryTask",
                   "Figure", "Funding")
BELEIDSPLAN = ID + "document/beleidsplan-jeugdhulp-wmo-lochem"
OUDERENNOTA = ID + "document/ouderennota-lochem"
REGIOVISIE = ID + "document/regiovisie-bw-mo-2024-2026"


def own_goals(graph, document: str) -> set[str]:
    return {str(g) for g in graph.subjects(URIRef(BG + "definedIn"), URIRef(document))
            if (g, RDF.type, URIRef(BG + "Goal")) in graph}


def goal_links(html: str) -> set[str]:
    return {ID + path for path in re.findall(r'href="/id/(doel/[^"#?]+)"', html)}


@pytest.mark.parametrize("kind", DOCUMENT_THINGS)
def test_every_document_thing_is_defined_in_exactly_one_document(shipped_graph, kind):
    for thing in shipped_graph.subjects(RDF.type, URIRef(BG + kind)):
        owners = set(shipped_graph.objects(thing, URIRef(BG + "definedIn")))
        assert len(owners) == 1, f"{thing}: bg:definedIn {sorted(owners)}"
        assert (next(iter(owners)), RDF.type, URIRef(BG + "PolicyDocument")) in shipped_graph


def test_register_things_are_defined_in_no_document(shipped_graph):
    register = [URIRef("http://www.w3.org/ns/org#Organization"), URIRef("http://www.w3.org/ns/org#Role"),
                URIRef("http://www.w3.org/ns/org#Post"), URIRef(BG + "TargetGroup"), URIRef(BG + "Area")]
    for cls in register:
        for thing in shipped_graph.subjects(RDF.type, cls):
            assert (thing, URIRef(BG + "definedIn"), None) not in shipped_graph, thing


def test_the_beleidsplan_mentions_goals_of_other_plans_it_does_not_define(shipped_graph):
    """The ambiguity the distinction removes is real in the data (else the page tests below
    could not fail): the beleidsplan quotes goals of the Ouderennota."""
    mentioned = {str(g) for g in shipped_graph.subjects(DCTERMS.source, URIRef(BELEIDSPLAN))
                 if (g, RDF.type, URIRef(BG + "Goal")) in shipped_graph}
    assert own_goals(shipped_graph, OUDERENNOTA) and own_goals(shipped_graph, OUDERENNOTA) <= mentioned
    assert mentioned - own_goals(shipped_graph, BELEIDSPLAN)


def test_home_page_lists_only_each_documents_own_goals(client, shipped_graph):
    html = client.get("/", headers=HTML).text
    sections = re.split(r'<section class="document">', html)[1:]
    assert sections
    seen = set()
    for section in sections:
        document = ID + re.search(r'<h2><a href="/id/([^"]+)"', section).group(1)
        seen.add(document)
        assert goal_links(section) == own_goals(shipped_graph, document), document
    assert {BELEIDSPLAN, OUDERENNOTA, REGIOVISIE} <= seen


@pytest.mark.parametrize("document", [BELEIDSPLAN, OUDERENNOTA, REGIOVISIE])
def test_document_page_tree_shows_only_its_own_goals(client, shipped_graph, document):
    page = client.get("/id/" + document.removeprefix(ID) + ".html").text
    tree = "".join(re.findall(r"<svg.*?</svg>", page, re.S))
    assert goal_links(tree) == own_goals(shipped_graph, document)
    assert own_goals(shipped_graph, document), "every one of these documents has goals of its own"
