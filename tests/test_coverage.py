"""Coverage per document: how many roles, organisations (named and categories), target
groups, figures, actions, strands, memberships and fundings the graph holds for each
document, pinned, so that nothing silently drops out when the data is edited.

Counts come from the shipped files through rdflib (not from the SPARQL queries under test).
A register thing counts for a document when the document is among its dcterms:source (it
is mentioned there); a document thing (action, strand, figure, funding) when it is
bg:definedIn the document; a membership (body org:hasMember member, the inverse
org:memberOf, or an org:Membership node) when the body or the member cites the document.

PINNED holds one entry per document file; an engineer who deepens a document pins its
counts here (a changed count is a deliberate edit of this table, with a note why)."""

from __future__ import annotations

import pytest
from rdflib import RDF, URIRef
from rdflib.namespace import DCTERMS

BG = "https://w3id.org/beleidsgraaf/def#"
ORG = "http://www.w3.org/ns/org#"
ID = "https://w3id.org/beleidsgraaf/id/"

# Regiovisie before issue 15 (same counting): roles 0, organisations 33 (categories 0),
# target groups 15, figures 0, actions 40, strands 5, memberships 10, fundings 0. After the
# second reading and a check by a second reader: the numbers below (27 sub-headings and 2
# themes, 4 commitments in prose, the zorgkantoorregio of footnote 1).
PINNED: dict[str, dict[str, int]] = {
    "regiovisie-bw-mo-2024-2026": {
        "roles": 16, "organisations": 51, "categories": 17, "target groups": 25, "figures": 22,
        "actions": 44, "strands": 34, "memberships": 20, "fundings": 9,
    },
    # "beleidsplan-jeugdhulp-wmo-lochem": {...},  (data-beleidsplan)
    # "bijlagen-beleidskader-sociaal-domein-lochem": {...},
    # "startnotitie-gebiedsteams-lochem": {...},  (data-startnotitie)
    # "lokaal-actieplan-mo-bw-lochem-2018-2019": {...},
}


def _typed(graph, cls: str) -> set:
    return set(graph.subjects(RDF.type, URIRef(cls)))


def _mentioned_in(graph, things: set, document: URIRef) -> set:
    return {t for t in things if (t, DCTERMS.source, document) in graph}


def _defined_in(graph, things: set, document: URIRef) -> set:
    return {t for t in things if (t, URIRef(BG + "definedIn"), document) in graph}


def _memberships(graph, document: URIRef) -> set:
    pairs = {(body, member) for body, member in graph.subject_objects(URIRef(ORG + "hasMember"))}
    pairs |= {(body, member) for member, body in graph.subject_objects(URIRef(ORG + "memberOf"))}
    for node in graph.subjects(RDF.type, URIRef(ORG + "Membership")):
        for body in graph.objects(node, URIRef(ORG + "organization")):
            for member in graph.objects(node, URIRef(ORG + "member")):
                pairs.add((body, member))
    return {(b, m) for b, m in pairs
            if (b, DCTERMS.source, document) in graph or (m, DCTERMS.source, document) in graph}


def coverage(graph, document_slug: str) -> dict[str, int]:
    document = URIRef(ID + "document/" + document_slug)
    organisations = _typed(graph, ORG + "Organization") | _typed(graph, BG + "OrganisationCategory")
    return {
        "roles": len(_mentioned_in(graph, _typed(graph, ORG + "Role"), document)),
        "organisations": len(_mentioned_in(graph, organisations, document)),
        "categories": len(_mentioned_in(graph, _typed(graph, BG + "OrganisationCategory"), document)),
        "target groups": len(_mentioned_in(graph, _typed(graph, BG + "TargetGroup"), document)),
        "figures": len(_defined_in(graph, _typed(graph, BG + "Figure"), document)),
        "actions": len(_defined_in(graph, _typed(graph, BG + "Action"), document)),
        "strands": len(_defined_in(graph, _typed(graph, BG + "Strand"), document)),
        "memberships": len(_memberships(graph, document)),
        "fundings": len(_defined_in(graph, _typed(graph, BG + "Funding"), document)),
    }


@pytest.mark.parametrize("document", sorted(PINNED))
def test_coverage_per_document_is_pinned(shipped_graph, document):
    assert coverage(shipped_graph, document) == PINNED[document]


def test_a_dropped_figure_changes_the_count(shipped_graph):
    """The attack: removing one figure of the regiovisie is caught by the pinned count."""
    from rdflib import Graph

    graph = Graph() + shipped_graph
    document = "regiovisie-bw-mo-2024-2026"
    figures = sorted(_defined_in(graph, _typed(graph, BG + "Figure"), URIRef(ID + "document/" + document)))
    assert figures, "the regiovisie has figures"
    graph.remove((figures[0], None, None))
    assert coverage(graph, document)["figures"] == PINNED[document]["figures"] - 1
