"""Coverage of the Beleidsplan Jeugdhulp en Wmo and the Bijlagen algemeen beleidskader sociaal
domein (issue 15): counts per category, computed from the shipped graph and pinned, so nothing
the two readings encoded silently drops.

Pinned after the first and second reading of issue 15 (before that reading the graph had, for
the beleidsplan: 0 roles, 19 organisations, 0 categories, 4 target groups, 0 figures, 55
actions, 31 strands, 0 memberships, 0 fundings; for the bijlagen: 0 roles, 18 organisations, 0 categories, 0 target groups, 0 figures, 0
actions, 0 strands, 0 memberships, 0 fundings). A count that changes on purpose is updated here
with a note; a count that drops by accident fails.

Counting rules: register entities (roles, organisations incl. categories, target groups) count
for a document when the document is one of their dcterms:source; figures, fundings, actions and
strands when they are bg:definedIn the document (or, lacking any bg:definedIn, have it as
dcterms:source); memberships are org:hasMember links whose body and member both cite the
document."""

from __future__ import annotations

import pytest
from rdflib import RDF, URIRef
from rdflib.namespace import DCTERMS

BG = "https://w3id.org/beleidsgraaf/def#"
ORG = "http://www.w3.org/ns/org#"
ID = "https://w3id.org/beleidsgraaf/id/"

PINNED = {
    "beleidsplan-jeugdhulp-wmo-lochem": {
        "roles": 40, "organisations": 59, "categories": 18, "target groups": 27, "figures": 21,
        "actions": 108, "strands": 42, "memberships": 26, "fundings": 11,
    },
    "bijlagen-beleidskader-sociaal-domein-lochem": {
        "roles": 14, "organisations": 25, "categories": 4, "target groups": 27, "figures": 15,
        "actions": 14, "strands": 3, "memberships": 12, "fundings": 5,
    },
}


def counts(g, slug):
    doc = URIRef(ID + "document/" + slug)
    defined_in = URIRef(BG + "definedIn")

    def cited(e):
        return (e, DCTERMS.source, doc) in g

    def own(e):
        return (e, defined_in, doc) in g or (g.value(e, defined_in) is None and cited(e))

    def typed(iri):
        return set(g.subjects(RDF.type, URIRef(iri)))

    organisations = typed(ORG + "Organization") | typed(BG + "OrganisationCategory")
    return {
        "roles": sum(cited(e) for e in typed(ORG + "Role")),
        "organisations": sum(cited(e) for e in organisations),
        "categories": sum(cited(e) for e in typed(BG + "OrganisationCategory")),
        "target groups": sum(cited(e) for e in typed(BG + "TargetGroup")),
        "figures": sum(own(e) for e in typed(BG + "Figure")),
        "actions": sum(own(e) for e in typed(BG + "Action")),
        "strands": sum(own(e) for e in typed(BG + "Strand")),
        "memberships": sum(cited(s) and cited(o) for s, o in g.subject_objects(URIRef(ORG + "hasMember"))),
        "fundings": sum(own(e) for e in typed(BG + "Funding")),
    }


@pytest.mark.parametrize("slug", sorted(PINNED))
def test_counts_per_category_are_pinned(shipped_graph, slug):
    assert counts(shipped_graph, slug) == PINNED[slug]


def test_a_dropped_entity_is_caught(shipped_graph):
    """The attack: one figure loses its document; the count must change."""
    from rdflib import Graph
    slug = "bijlagen-beleidskader-sociaal-domein-lochem"
    figure = URIRef(ID + f"cijfer/{slug}/taalvragers-2018")
    g = Graph()
    for t in shipped_graph:
        if t[0] != figure:
            g.add(t)
    assert counts(g, slug)["figures"] == PINNED[slug]["figures"] - 1
