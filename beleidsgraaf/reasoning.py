"""OWL reasoning: HermiT consistency checks (through owlready2) and materialisation of the
RDFS entailments queries can rely on (sub-class and sub-property closure)."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from .config import settings
from .errors import UserError


class ReasonerUnavailable(UserError):
    """HermiT needs a Java runtime."""


@dataclass
class ConsistencyReport:
    consistent: bool
    unsatisfiable_classes: list[str] = field(default_factory=list)
    explanation: str = ""

    def summary(self) -> str:
        if not self.consistent:
            return f"inconsistent: {self.explanation}"
        if self.unsatisfiable_classes:
            return "consistent, but unsatisfiable classes: " + ", ".join(self.unsatisfiable_classes)
        return "consistent, no unsatisfiable classes"


def check_consistency(graph: Graph) -> ConsistencyReport:
    """Run HermiT on the graph (ontology plus data) and report consistency."""
    if shutil.which("java") is None:
        raise ReasonerUnavailable("HermiT needs Java: install a Java runtime (e.g. apt-get install default-jre-headless)")
    import owlready2

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "graph.nt"
        graph.serialize(destination=str(path), format="nt", encoding="utf-8")
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load()
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            return ConsistencyReport(False, explanation=str(exc) or "HermiT found the ontology with data inconsistent")
        unsatisfiable = sorted(c.iri for c in world.inconsistent_classes() if c is not owlready2.Nothing)
        return ConsistencyReport(True, unsatisfiable)


def materialise(graph: Graph) -> Graph:
    """The RDFS entailments about entities (types through rdfs:subClassOf, statements
    through rdfs:subPropertyOf) that are not already in the graph."""
    superclasses = _closure(graph, RDFS.subClassOf)
    superproperties = _closure(graph, RDFS.subPropertyOf)
    id_ns = settings().id_ns
    inferred = Graph()
    for s, p, o in graph:
        if not str(s).startswith(id_ns):
            continue
        if p == RDF.type:
            for sup in superclasses.get(o, ()):
                if (s, RDF.type, sup) not in graph:
                    inferred.add((s, RDF.type, sup))
        else:
            for sup in superproperties.get(p, ()):
                if (s, sup, o) not in graph:
                    inferred.add((s, sup, o))
    return inferred


def _closure(graph: Graph, relation: URIRef) -> dict:
    direct: dict = {}
    for sub, sup in graph.subject_objects(relation):
        if isinstance(sup, URIRef):
            direct.setdefault(sub, set()).add(sup)
    closed = {}
    for start in direct:
        seen, todo = set(), list(direct[start])
        while todo:
            node = todo.pop()
            if node not in seen and node != start:
                seen.add(node)
                todo.extend(direct.get(node, ()))
        closed[start] = seen
    return closed
