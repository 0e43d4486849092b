"""The vocabularies the project uses, named once.

`PREFIXES` maps each prefix to its namespace IRI (plain strings: for Turtle and SPARQL
prefixes, JSON-LD contexts and compact IRIs in the browser). The constants below are the
same namespaces, used as rdflib `Namespace`s: `BG.Goal` is a URIRef and `BG + "Goal"` the
plain IRI string (for pyoxigraph's `NamedNode`). They import rdflib only when a term is
asked for, so modules that need plain IRIs (the server answering SPARQL, the query
workers) start without it: write `RDF + "type"`, not `str(RDF.type)`, at import time.

`BG` and `ID` are the IRIs the shipped files use. A server started with another
BELEIDSGRAAF_BASE rebases them on loading (rdfio.rebase); code that must follow the
configured base reads `Settings.def_ns` / `Settings.id_ns` instead.
"""

from __future__ import annotations

from .settings import DEFAULT_BASE


class Namespace(str):
    """rdflib's `Namespace`: a str whose `NS.name`, `NS["name"]` and `NS.term(name)` are
    URIRefs and `iri in NS` tests the prefix, but rdflib is imported at the first term, not
    with this module."""

    def term(self, name: str):
        from rdflib import URIRef

        return URIRef(self + (name if isinstance(name, str) else ""))

    def __getitem__(self, key: str):  # type: ignore[override]
        return self.term(key)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return self.term(name)

    @property
    def title(self):  # type: ignore[override]  # DCTERMS.title is a term, not str.title
        return self.term("title")

    def __contains__(self, ref: str) -> bool:  # type: ignore[override]
        return ref.startswith(self)

    def __repr__(self) -> str:
        return f"Namespace({super().__repr__()})"

PREFIXES = {
    "bg": DEFAULT_BASE + "def#",
    "id": DEFAULT_BASE + "id/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "qudt": "http://qudt.org/schema/qudt/",
    "unit": "http://qudt.org/vocab/unit/",
}



def expand(curie: str) -> str:
    """The IRI of a CURIE such as skos:Concept; a KeyError names an unknown prefix."""
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local


BG = Namespace(PREFIXES["bg"])
ID = Namespace(PREFIXES["id"])
GRAPH = Namespace(DEFAULT_BASE + "graph/")
SHAPES = Namespace(DEFAULT_BASE + "shapes#")
SKOS = Namespace(PREFIXES["skos"])
DCTERMS = Namespace(PREFIXES["dcterms"])
PROV = Namespace(PREFIXES["prov"])
ORG = Namespace(PREFIXES["org"])
ELI = Namespace(PREFIXES["eli"])
OWL = Namespace(PREFIXES["owl"])
RDFS = Namespace(PREFIXES["rdfs"])
XSD = Namespace(PREFIXES["xsd"])
SH = Namespace(PREFIXES["sh"])
QUDT = Namespace(PREFIXES["qudt"])
UNIT = Namespace(PREFIXES["unit"])
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")  # the SPARQL service description
FORMATS = Namespace("http://www.w3.org/ns/formats/")  # W3C format IRIs
