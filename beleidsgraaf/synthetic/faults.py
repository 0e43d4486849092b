"""Deliberately broken copies of a graph, so that SHACL engines can be compared on many
kinds of violation at once (the synthetic graphs themselves conform)."""

from __future__ import annotations

import random

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from ..namespaces import BG, ID


def broken_copy(graph: Graph, *, seed: int = 7, rate: float = 0.02) -> Graph:
    """A copy of `graph` with about `rate` of its triples dropped, as many given another
    triple's object (wrong class, datatype, value list, node kind), some labels moved to
    other languages, and a few links that only the SPARQL-based constraints catch."""
    rng = random.Random(seed)
    triples = sorted(graph, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))
    count = max(1, int(rate * len(triples)))
    out = Graph()
    shuffled = triples[:]
    rng.shuffle(shuffled)
    # The first `count` shuffled triples are dropped, the next ones swapped, then relabelled.
    swapped, relabelled = shuffled[count:2 * count], shuffled[2 * count:3 * count]
    for s, p, o in shuffled[count:]:
        out.add((s, p, o))
    objects = [o for _, _, o in triples]
    for s, p, o in swapped:
        out.remove((s, p, o))
        out.add((s, p, rng.choice(objects)))
    for s, p, o in relabelled:
        if isinstance(o, Literal) and o.language:
            out.remove((s, p, o))
            out.add((s, p, Literal(str(o), lang=rng.choice(("en", "de", None)))))
    _add_sparql_faults(out, triples, rng)
    return out


def _add_sparql_faults(out: Graph, triples: list, rng: random.Random) -> None:
    subjects = sorted({s for s, p, o in triples if p == RDF.type and isinstance(s, URIRef)})
    for i in range(3):
        # An inferred link without an interpretation giving its reason.
        out.add((rng.choice(subjects), URIRef(BG + "servesInferred"), rng.choice(subjects)))
        # A target group whose minimum age exceeds its maximum.
        group = URIRef(ID + f"doelgroep/kapot-{i}")
        out.add((group, RDF.type, URIRef(BG + "TargetGroup")))
        out.add((group, URIRef(BG + "ageMin"), Literal(60 + i, datatype=XSD.integer)))
        out.add((group, URIRef(BG + "ageMax"), Literal(12, datatype=XSD.integer)))
        # An interpretation of a link that is not in the graph.
        interpretation = URIRef(ID + f"interpretatie/kapot-{i}")
        out.add((interpretation, RDF.type, URIRef(BG + "Interpretation")))
        out.add((interpretation, URIRef(BG + "interpretedSubject"), rng.choice(subjects)))
        out.add((interpretation, URIRef(BG + "interpretedProperty"), URIRef(BG + "servesInferred")))
        out.add((interpretation, URIRef(BG + "interpretedObject"), rng.choice(subjects)))
