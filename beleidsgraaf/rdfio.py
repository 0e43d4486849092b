"""Reading RDF safely: precise parse errors, no network access, rdflib and Oxigraph terms.

All parsing goes through Oxigraph's parsers: they report line and column, never fetch a
remote JSON-LD context or an XML external entity, and are fast.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from .config import DEFAULT_BASE
from .errors import RdfInputError

FORMATS_BY_SUFFIX = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}

FORMATS_BY_NAME = {
    "turtle": ox.RdfFormat.TURTLE,
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "n-triples": ox.RdfFormat.N_TRIPLES,
    "json-ld": ox.RdfFormat.JSON_LD,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "rdf/xml": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
}

XSD_STRING = XSD.string

# rdflib logs a traceback for every ill-typed literal it meets; SHACL reports those properly.
logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)


def format_for(name: str | None = None, *, path: str | Path | None = None,
               media_type: str | None = None) -> ox.RdfFormat:
    """The RDF format named by a format name, a media type or a file suffix, in that order."""
    if name:
        fmt = FORMATS_BY_NAME.get(name.lower())
        if fmt is None:
            raise RdfInputError(str(path or "input"), f"unknown RDF format '{name}'; use one of "
                                + ", ".join(sorted({"turtle", "nt", "json-ld", "xml", "trig"})))
        return fmt
    if media_type:
        fmt = ox.RdfFormat.from_media_type(media_type.split(";")[0].strip())
        if fmt is not None:
            return fmt
    if path is not None:
        fmt = FORMATS_BY_SUFFIX.get(Path(path).suffix.lower())
        if fmt is not None:
            return fmt
    raise RdfInputError(str(path or "input"), "cannot tell the RDF format; use a file suffix "
                        "(.ttl, .nt, .jsonld, .rdf, .trig) or name the format")


def parse_quads(data: bytes, fmt: ox.RdfFormat, source: str,
                base_iri: str | None = None) -> list[ox.Quad]:
    """Parse bytes into quads, turning every parser complaint into an RdfInputError."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a UTF-8 byte-order mark is harmless; Oxigraph rejects it
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RdfInputError(source, f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
                            line=line) from None
    try:
        return list(ox.parse(input=data, format=fmt, base_iri=base_iri))
    except SyntaxError as exc:
        line, column = _position(exc)
        message = str(exc.args[0]) if exc.args else str(exc)
        raise RdfInputError(source, message, line=line, column=column) from None
    except (ValueError, OSError) as exc:
        raise RdfInputError(source, str(exc)) from None


def _position(exc: SyntaxError) -> tuple[int | None, int | None]:
    if len(exc.args) > 1 and isinstance(exc.args[1], tuple) and len(exc.args[1]) >= 3:
        return exc.args[1][1], exc.args[1][2]
    return getattr(exc, "lineno", None), getattr(exc, "offset", None)


def read_file(path: Path, fmt: ox.RdfFormat | None = None) -> list[ox.Quad]:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise RdfInputError(str(path), f"cannot read file: {exc.strerror}") from None
    return parse_quads(data, fmt or format_for(path=path), str(path), base_iri=Path(path).resolve().as_uri())


def rebase(quads: Iterable[ox.Quad], base: str) -> Iterator[ox.Quad]:
    """Move IRIs from the default base to a configured one (for deployments elsewhere)."""
    if base == DEFAULT_BASE:
        yield from quads
        return

    def move(term):
        if isinstance(term, ox.NamedNode) and term.value.startswith(DEFAULT_BASE):
            return ox.NamedNode(base + term.value[len(DEFAULT_BASE):])
        return term

    for q in quads:
        yield ox.Quad(move(q.subject), move(q.predicate), move(q.object), move(q.graph_name)
                      if not isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name)


def to_rdflib(term):
    """An Oxigraph term as the equal rdflib term (xsd:string literals become plain literals)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == str(XSD_STRING) else Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"unsupported term {term!r}")


def to_oxigraph(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term {term!r}")


def to_graph(quads: Iterable[ox.Quad], graph: Graph | None = None) -> Graph:
    """Merge quads (ignoring their graph names) into an rdflib Graph."""
    graph = graph if graph is not None else Graph()
    for q in quads:
        graph.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return graph
