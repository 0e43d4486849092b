"""Ontology, shapes and data stay coherent: every class has a shape, every term the data
uses is declared, every value a shape lists exists in the model."""

from __future__ import annotations

import pytest

from rdflib import OWL, RDF, URIRef
from rdflib.namespace import SH, SKOS

from beleidsgraaf.namespaces import BG
from beleidsgraaf.shipped import data_files, load_graph, ontology_graph, shapes_graph
from beleidsgraaf.settings import current_settings

PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


def shipped_data():
    return load_graph(data_files(current_settings()))


def declared_classes(onto):
    return set(onto.subjects(RDF.type, OWL.Class)) - {OWL.Nothing}


def declared_properties(onto):
    return {p for t in PROPERTY_TYPES for p in onto.subjects(RDF.type, t)}


def shape_targets(shapes):
    return set(shapes.objects(None, SH.targetClass))


@pytest.mark.slow
def test_every_class_of_ours_and_every_class_in_use_has_a_shape():
    onto, shapes, data = ontology_graph(), shapes_graph(), shipped_data()
    ours = {c for c in declared_classes(onto) if isinstance(c, URIRef) and str(c).startswith(BG)}
    in_use = set(data.objects(None, RDF.type))
    missing = (ours | in_use) - shape_targets(shapes)
    assert not missing, f"classes without a SHACL node shape: {sorted(missing)}"


@pytest.mark.slow
def test_every_predicate_in_data_is_declared():
    onto, data = ontology_graph(), shipped_data()
    allowed = declared_properties(onto) | {RDF.type}
    used = set(data.predicates())
    assert used - allowed == set(), f"predicates used in data/ but not declared in the ontology: {sorted(used - allowed)}"


@pytest.mark.slow
def test_every_class_in_data_is_declared():
    onto, data = ontology_graph(), shipped_data()
    used = set(data.objects(None, RDF.type))
    assert used - declared_classes(onto) == set(), f"undeclared classes in data/: {sorted(used - declared_classes(onto))}"


@pytest.mark.slow
def test_every_bg_term_in_data_exists_in_the_model():
    """A misspelt bg: term (bg:status-gerred) is caught even where it is an object."""
    onto, data = ontology_graph(), shipped_data()
    known = set(onto.subjects())
    used = {t for triple in data for t in triple if isinstance(t, URIRef) and str(t).startswith(BG)}
    assert used - known == set(), f"bg: terms used in data/ that the ontology does not define: {sorted(used - known)}"


def test_shapes_refer_only_to_defined_terms():
    onto, shapes = ontology_graph(), shapes_graph()
    known = set(onto.subjects())
    referenced = set(shapes.objects(None, SH.targetClass)) | set(shapes.objects(None, SH["class"]))
    for lst in shapes.objects(None, SH["in"]):
        referenced |= {v for v in shapes.items(lst) if isinstance(v, URIRef)}
    for path in shapes.objects(None, SH.path):
        if isinstance(path, URIRef):
            referenced.add(path)
    missing = {t for t in referenced if t not in known and t != SKOS.prefLabel}
    assert not missing, f"shapes refer to terms the ontology does not declare: {sorted(missing)}"


def test_value_list_concepts_are_in_their_scheme():
    onto = ontology_graph()
    for concept in onto.subjects(RDF.type, SKOS.Concept):
        assert (concept, SKOS.inScheme, None) in onto, f"{concept} is in no scheme"


def test_no_alternative_label_repeats_a_preferred_label():
    """SKOS: prefLabel and altLabel are disjoint (integrity condition S13)."""
    data = shipped_data()
    for subject, alt in data.subject_objects(SKOS.altLabel):
        assert (subject, SKOS.prefLabel, alt) not in data, f"{subject}: altLabel {alt!r} is also its prefLabel"
