"""One literal policy across ontology, value lists and data (issue 15): labels carry a
language tag and there is at most one skos:prefLabel (and one rdfs:label) per language, so a
query for the Dutch label never doubles a row; dates are typed; statuses are concepts of
bg:Statussen, so "ongoing" and "completed" are one query each."""

from __future__ import annotations

from collections import Counter

from rdflib import Graph, Literal, RDF, RDFS, URIRef
from rdflib.namespace import SKOS, XSD

from beleidsgraaf.namespaces import BG
from beleidsgraaf.shipped import ontology_graph

DATE_PROPERTIES = ("deadline", "startDate", "baselineDate", "targetDate", "periodStart", "periodEnd",
                   "referenceDate", "referencePeriodEnd")
DATE_TYPES = (XSD.date, XSD.gYear, XSD.gYearMonth)


def label_problems(graph: Graph) -> list[str]:
    problems = []
    for prop in (SKOS.prefLabel, RDFS.label):
        per_language = Counter()
        for subject, label in graph.subject_objects(prop):
            if not isinstance(label, Literal) or not label.language:
                problems.append(f"{subject}: {prop.n3()} {label!r} has no language tag")
            else:
                per_language[(subject, label.language)] += 1
        problems += [f"{s}: {n} {prop.n3()}@{lang}" for (s, lang), n in per_language.items() if n > 1]
    return problems


def test_labels_have_a_language_tag_and_one_per_language(shipped_graph):
    assert label_problems(shipped_graph) == []


def test_value_lists_have_exactly_one_dutch_and_one_english_label():
    onto = ontology_graph()
    for concept in set(onto.subjects(RDF.type, SKOS.Concept)) | set(onto.subjects(RDF.type, SKOS.ConceptScheme)):
        languages = sorted(label.language for label in onto.objects(concept, SKOS.prefLabel))
        assert languages == ["en", "nl"], f"{concept}: prefLabel languages {languages}"


def test_an_untagged_duplicate_label_is_caught(shipped_graph):
    """The attack: an untagged copy of a status label next to the tagged one."""
    graph = Graph()
    status = URIRef(BG + "status-doorlopend")
    for triple in shipped_graph.triples((status, None, None)):
        graph.add(triple)
    assert label_problems(graph) == []
    graph.add((status, SKOS.prefLabel, Literal("doorlopend")))
    graph.add((status, SKOS.prefLabel, Literal("lopend of doorlopend", lang="nl")))
    assert len(label_problems(graph)) == 2


def test_dates_are_typed(shipped_graph):
    for name in DATE_PROPERTIES:
        for subject, value in shipped_graph.subject_objects(URIRef(BG + name)):
            assert isinstance(value, Literal) and value.datatype in DATE_TYPES, f"{subject} bg:{name} {value!r}"


def test_statuses_are_concepts_of_the_status_list(shipped_graph):
    statuses = URIRef(BG + "Statussen")
    for subject, status in shipped_graph.subject_objects(URIRef(BG + "status")):
        assert (status, SKOS.inScheme, statuses) in shipped_graph, f"{subject}: status {status!r}"
