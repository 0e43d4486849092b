"""Small helpers the data tests share for reading the shipped rdflib graph."""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import SKOS
from beleidsgraaf.namespaces import BG, ID


def bg(name: str) -> URIRef:
    return URIRef(BG + name)


def iri(path: str) -> URIRef:
    return URIRef(ID + path)


def label(graph, thing) -> str:
    """The one Dutch prefLabel of a thing (fails when there is none or more than one)."""
    labels = [str(lit) for lit in graph.objects(thing, SKOS.prefLabel) if lit.language == "nl"]
    assert len(labels) == 1, f"{thing} has {len(labels)} Dutch prefLabels"
    return labels[0]
