"""Data depth of the Startnotitie gebiedsteams and the Lokaal actieplan MO/BW (issue 15) beyond the
pinned counts in test_coverage.py: figures and fundings belong to their document, the team table
is structure (roles of the teams, hours as figures of the posts), the teamleider's tasks are
actions performed by the post."""

from __future__ import annotations

import pytest
from rdflib import RDF, URIRef
from rdflib.namespace import DCTERMS, ORG

from tests.support.graph_helpers import ID, bg

DOCUMENTS = ("startnotitie-gebiedsteams-lochem", "lokaal-actieplan-mo-bw-lochem-2018-2019")


def quoted_from(graph, cls, doc):
    return {s for s in graph.subjects(RDF.type, cls) if (s, DCTERMS.source, doc) in graph}


@pytest.mark.parametrize("slug", DOCUMENTS)
def test_figures_and_fundings_are_defined_in_their_document(shipped_graph, slug):
    doc = URIRef(f"{ID}document/{slug}")
    for cls in ("Figure", "Funding"):
        things = quoted_from(shipped_graph, bg(cls), doc)
        assert things
        for thing in things:
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
