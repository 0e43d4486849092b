"""OWL reasoning: HermiT consistency checks (through owlready2) and materialisation of the
RDFS entailments queries can rely on (sub-class and sub-property closure)."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from .settings import current_settings
from .errors import UserError


# The OWL 2 datatype map (https://www.w3.org/TR/owl2-syntax/#Datatype_Maps); HermiT rejects others.
OWL2_DATATYPES = {str(XSD[name]) for name in (
    "decimal integer nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger long int short "
    "byte unsignedLong unsignedInt unsignedShort unsignedByte double float string normalizedString token "
    "language Name NCName NMTOKEN boolean hexBinary base64Binary anyURI dateTime dateTimeStamp").split()} | {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#PlainLiteral", "http://www.w3.org/1999/02/22-rdf-syntax-ns#XMLLiteral",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString", "http://www.w3.org/2000/01/rdf-schema#Literal",
    "http://www.w3.org/2002/07/owl#real", "http://www.w3.org/2002/07/owl#rational"}


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
        owl2_compatible(graph).serialize(destination=str(path), format="nt", encoding="utf-8")
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load()
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            return ConsistencyReport(False, explanation=str(exc) or "HermiT found the ontology with data inconsistent")
        except owlready2.OwlReadyJavaError as exc:
            raise ReasonerUnavailable(f"HermiT failed: {str(exc).strip().splitlines()[-1][:500]}") from None
        unsatisfiable = sorted(c.iri for c in world.inconsistent_classes() if c is not owlready2.Nothing)
        return ConsistencyReport(True, unsatisfiable)


def owl2_compatible(graph: Graph) -> Graph:
    """The graph with literals outside the OWL 2 datatype map (xsd:date, xsd:gYear,
    xsd:gYearMonth: our dates) turned into plain strings. The ontology puts no datatype
    restriction on them, so consistency is unaffected; SHACL checks their form."""
    if not any(isinstance(o, Literal) and o.datatype is not None and str(o.datatype) not in OWL2_DATATYPES
               for o in graph.objects()):
        return graph
    copy = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype is not None and str(o.datatype) not in OWL2_DATATYPES:
            o = Literal(str(o))
        copy.add((s, p, o))
    return copy


def materialise(graph: Graph) -> Graph:
    """The RDFS entailments about entities (types through rdfs:subClassOf, statements
    through rdfs:subPropertyOf) that are not already in the graph."""
    superclasses = _closure(graph, RDFS.subClassOf)
    superproperties = _closure(graph, RDFS.subPropertyOf)
    id_ns = current_settings().id_ns
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
