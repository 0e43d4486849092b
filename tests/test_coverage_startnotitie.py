"""Coverage per category for the Startnotitie gebiedsteams and the Lokaal actieplan MO/BW Lochem
2018-2019 (issue 15): the counts are computed from the shipped graph and pinned, so nothing
silently drops. When data is added on purpose, update the pinned number in the same commit.

What is counted for a document D:
- roles, organisations (named and categories), categories, target groups, actions, strands:
  entities of that class with dcterms:source D (D quotes them);
- figures and fundings: with dcterms:source D (they are also bg:definedIn D);
- memberships: org:Membership nodes quoted from D, org:hasMember statements in D's own file,
  and org:memberOf / bg:inCategory statements whose two ends are both quoted from D.
Before issue 15 (main at af4219e) the counts were, startnotitie / lokaal actieplan: roles 0/0,
organisations 26/59, categories 0/0, target groups 3/10, figures 0/0, actions 44/49,
strands 7/45, memberships 0/8, fundings 0/0."""

from __future__ import annotations

import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import DCTERMS, ORG

from beleidsgraaf.config import settings
from graph_helpers import ID, bg

PINNED = {
    "startnotitie-gebiedsteams-lochem": {
        "roles": 45, "organisations": 46, "categories": 17, "target_groups": 9, "figures": 26,
        "actions": 79, "strands": 10, "memberships": 62, "fundings": 5,
    },
    "lokaal-actieplan-mo-bw-lochem-2018-2019": {
        "roles": 18, "organisations": 75, "categories": 15, "target_groups": 22, "figures": 8,
        "actions": 49, "strands": 45, "memberships": 18, "fundings": 8,
    },
}


def quoted_from(graph, cls, doc):
    return {s for s in graph.subjects(RDF.type, cls) if (s, DCTERMS.source, doc) in graph}


def coverage(graph, slug):
    doc = URIRef(f"{ID}document/{slug}")
    own = Graph().parse(settings().data_dir / f"{slug}.ttl")
    named = quoted_from(graph, ORG.Organization, doc)
    categories = quoted_from(graph, bg("OrganisationCategory"), doc)
    sourced = set(graph.subjects(DCTERMS.source, doc))
    links = [(s, o) for p in (ORG.memberOf, bg("inCategory")) for s, o in graph.subject_objects(p)
             if s in sourced and o in sourced]
    return {
        "roles": len(quoted_from(graph, ORG.Role, doc)),
        "organisations": len(named | categories),
        "categories": len(categories),
        "target_groups": len(quoted_from(graph, bg("TargetGroup"), doc)),
        "figures": len(quoted_from(graph, bg("Figure"), doc)),
        "actions": len(quoted_from(graph, bg("Action"), doc)),
        "strands": len(quoted_from(graph, bg("Strand"), doc)),
        "memberships": len(quoted_from(graph, ORG.Membership, doc))
        + len(set(own.subject_objects(ORG.hasMember))) + len(set(links)),
        "fundings": len(quoted_from(graph, bg("Funding"), doc)),
    }


@pytest.mark.parametrize("slug", sorted(PINNED))
def test_coverage_per_category_is_pinned(shipped_graph, slug):
    assert coverage(shipped_graph, slug) == PINNED[slug]


@pytest.mark.parametrize("slug", sorted(PINNED))
def test_figures_and_fundings_are_defined_in_their_document(shipped_graph, slug):
    doc = URIRef(f"{ID}document/{slug}")
    for cls in ("Figure", "Funding"):
        for thing in quoted_from(shipped_graph, bg(cls), doc):
            assert list(shipped_graph.objects(thing, bg("definedIn"))) == [doc], thing


def test_team_composition_is_structure(shipped_graph):
    """The startnotitie's team table as roles of the teams, and the hours as figures of the posts."""
    g = shipped_graph
    oost, west = (URIRef(f"{ID}organisatie/gebiedsteam-{t}") for t in ("oost", "west"))
    plein = URIRef(f"{ID}rol/plein-consulent")
    assert plein in set(g.objects(oost, ORG.hasMember)) and plein not in set(g.objects(west, ORG.hasMember))
    mee = URIRef(f"{ID}functie/gebiedsteam-west-mee-consulent")
    hours = [g.value(f, URIRef("http://qudt.org/schema/qudt/numericValue")).toPython()
             for f in g.subjects(bg("figureAbout"), mee)]
    assert hours == [12]
    teamleider = URIRef(f"{ID}functie/teamleider-gebiedsteams")
    tasks = set(g.subjects(bg("performedBy"), teamleider))
    assert len(tasks) >= 8  # 5.4 (four tasks), 5.1, 6.4, 6.8, 6.10, 6.11, ...
