"""The ontology documents itself in Dutch and English and is consistent with the data."""

from __future__ import annotations

import shutil

import pytest
from rdflib import Graph, Literal, OWL, RDF, RDFS, URIRef
from rdflib.namespace import SKOS

from beleidsgraaf.namespaces import BG
from beleidsgraaf.shipped import ontology_graph
from beleidsgraaf.reasoning import check_consistency, materialise
from tests.support.system_requirements import require

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


def our_terms(onto):
    return sorted({s for t in TERM_TYPES for s in onto.subjects(RDF.type, t) if str(s).startswith(BG)})


def languages(onto, term, prop):
    return {o.language for o in onto.objects(term, prop) if isinstance(o, Literal)}


def test_every_term_has_dutch_and_english_label_and_definition():
    onto = ontology_graph()
    terms = our_terms(onto)
    assert len(terms) > 40
    for term in terms:
        assert {"nl", "en"} <= languages(onto, term, RDFS.label), f"{term}: rdfs:label nl and en"
        assert {"nl", "en"} <= languages(onto, term, SKOS.definition), f"{term}: skos:definition nl and en"


def test_reused_vocabularies_are_aligned():
    onto = ontology_graph()
    assert (URIRef(BG + "initiator"), RDFS.subPropertyOf, URIRef("http://www.w3.org/ns/prov#wasAttributedTo")) in onto
    assert (URIRef(BG + "partOfStrand"), RDFS.subPropertyOf, URIRef("http://purl.org/dc/terms/isPartOf")) in onto
    stated, inferred, serves = (URIRef(BG + n) for n in ("servesStated", "servesInferred", "serves"))
    assert (stated, RDFS.subPropertyOf, serves) in onto and (inferred, RDFS.subPropertyOf, serves) in onto


@pytest.fixture
def java():
    require(shutil.which("java") is not None, "HermiT needs Java: apt-get install default-jre-headless, as .ci/run does")


@pytest.mark.slow
@pytest.mark.usefixtures("java")
def test_hermit_finds_ontology_with_shipped_data_consistent(shipped_graph):
    report = check_consistency(shipped_graph)
    assert report.consistent, report.explanation
    assert report.unsatisfiable_classes == []


@pytest.mark.slow
@pytest.mark.usefixtures("java")
def test_hermit_detects_a_disjointness_violation():
    """The check can fail: one thing typed both action and goal (disjoint classes)."""
    graph = Graph() + ontology_graph()
    thing = URIRef("https://w3id.org/beleidsgraaf/id/test/both")
    graph.add((thing, RDF.type, URIRef(BG + "Action")))
    graph.add((thing, RDF.type, URIRef(BG + "Goal")))
    assert not check_consistency(graph).consistent


def test_materialise_adds_super_properties_and_classes():
    graph = Graph() + ontology_graph()
    a = URIRef("https://w3id.org/beleidsgraaf/id/actie/x/1")
    g = URIRef("https://w3id.org/beleidsgraaf/id/doel/x/1")
    graph.add((a, RDF.type, URIRef(BG + "Action")))
    graph.add((a, URIRef(BG + "servesInferred"), g))
    inferred = materialise(graph)
    assert (a, URIRef(BG + "serves"), g) in inferred
    assert (a, RDF.type, URIRef("http://www.w3.org/ns/prov#Plan")) in inferred
    assert (a, URIRef(BG + "servesInferred"), g) not in inferred
