"""Reading RDF safely: precise parse errors, no network access, rdflib and Oxigraph terms.

All parsing goes through Oxigraph's parsers: they report line and column, never fetch a
remote JSON-LD context or an XML external entity, and are fast. input_guards checks what
they do not (entity expansion, deep nesting) before they run.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

import pyoxigraph as ox

if TYPE_CHECKING:
    from rdflib import Graph

from . import formats
from .settings import DEFAULT_BASE
from .errors import RdfInputError
from .input_guards import MAX_TERM_BYTES, check_json_depth, check_rdf_xml, not_utf8, position
from .jsonld_contexts import ENV_VAR as REMOTE_CONTEXTS_VAR, inline_remote_contexts, remote_contexts_allowed
from .namespaces import PREFIXES  # the project's own prefixes, to suggest the right IRI

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

# rdflib logs a traceback for every ill-typed literal it meets; SHACL reports those properly.
logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)


def format_for(name: str | None = None, *, path: str | Path | None = None,
               media_type: str | None = None) -> ox.RdfFormat:
    """The RDF format named by a format name, a media type or a file suffix, in that order."""
    if name:
        try:
            return formats.rdf_format_named(name)
        except formats.UnknownFormat as exc:
            raise RdfInputError(str(path or "input"), str(exc)) from None
    if media_type:
        fmt = formats.rdf_format_for_media_type(media_type)
        if fmt is not None:
            return fmt
    if path is not None:
        fmt = formats.rdf_format_for_path(path)
        if fmt is not None:
            return fmt
    raise RdfInputError(str(path or "input"), "cannot tell the RDF format; use a file suffix ("
                        + " ".join(formats.rdf_file_suffixes()) + ") or name the format")


def parse_quads(data: bytes, fmt: ox.RdfFormat, source: str,
                base_iri: str | None = None) -> list[ox.Quad]:
    """Parse bytes into quads, turning every parser complaint into an RdfInputError that
    says where (line and column where known), what is wrong and how to fix it."""
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM):]  # a UTF-8 byte-order mark is harmless; Oxigraph rejects it
    text = _utf8_text(data, source)
    if fmt == ox.RdfFormat.JSON_LD:
        check_json_depth(text, source)
        if remote_contexts_allowed():
            text = inline_remote_contexts(text, source, base_iri)
            data = text.encode("utf-8")
    elif fmt == ox.RdfFormat.RDF_XML:
        check_rdf_xml(data, source)
    try:
        return list(ox.parse(input=data, format=fmt, base_iri=base_iri))
    except SyntaxError as exc:
        message = str(exc.args[0]) if exc.args else str(exc)
        line, column = _position(exc)
        if line is None:
            line, column = _locate_quoted(text, message)
        raise RdfInputError(source, explain_parse_error(message, text), line=line, column=column) from None
    except MemoryError as exc:
        if "buffer maximal size" in str(exc):
            # Oxigraph's parsers hold one token (a literal or an IRI) in a buffer of at most 16 MB.
            raise RdfInputError(source, f"a literal or IRI is longer than {MAX_TERM_BYTES // (1024 * 1024)} MB, "
                                "the limit for one term; keep large text outside the graph and link to it") from None
        raise RdfInputError(source, "the input is too large to parse in the memory available; "
                            "split it into smaller files") from None
    except (ValueError, OSError) as exc:
        raise RdfInputError(source, str(exc)) from None


UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = {b"\xff\xfe": "UTF-16 (little-endian)", b"\xfe\xff": "UTF-16 (big-endian)"}


def _utf8_text(data: bytes, source: str) -> str:
    for bom, name in UTF16_BOMS.items():
        if data.startswith(bom):
            raise RdfInputError(source, f"the file is {name} text, not UTF-8; save it as UTF-8 "
                                "(e.g. iconv -f UTF-16 -t UTF-8)", line=1, column=1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column, message = not_utf8(data, exc)
        raise RdfInputError(source, message, line=line, column=column) from None
    nul = text.find("\x00")
    if nul >= 0:
        line, column = position(text, nul)
        raise RdfInputError(source, "the text holds NUL bytes: it is probably UTF-16 without a byte-order "
                            "mark, or not a text file; save it as UTF-8", line=line, column=column)
    return text


_PARSER_PREFIX = re.compile(r"^Parser error (?:at line \d+ (?:column \d+|between columns \d+ and \d+)"
                            r"|between line \d+ column \d+ and line \d+ column \d+): ")
_HINTS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"LoadDocumentCallback|remote context", re.I), "context"),
    (re.compile(r"The prefix (\S*):? has not been declared"), "prefix"),
    (re.compile(r"unexpected end\b", re.I),
     "the file ends in the middle of a statement; is it cut off? Check the end of the file"),
    (re.compile(r"should be followed by a dot"), "end each statement with ' .'"),
    (re.compile(r"Invalid IRI code point|error while parsing IRI|Invalid IRI"),
     "an IRI cannot hold spaces or any of < > \" { } | ^ ` \\; write a space as %20"),
    (re.compile(r"No scheme found"), "write IRIs in full (starting with https:// or another "
                                      "scheme); N-Triples has no @base to complete relative ones"),
    (re.compile(r"escape", re.I), "in a string a backslash starts an escape (\\n, \\t, \\\", \\\\, \\uXXXX); "
                                    "write a backslash itself as \\\\"),
    (re.compile(r"language (code|tag)", re.I), "a language tag looks like @nl or @en-GB"),
]
_PREFIX_NAME = re.compile(r"The prefix (\S*?):? has not been declared")


def explain_parse_error(message: str, text: str) -> str:
    """The parser's message without its position prefix, with a hint on how to fix it."""
    reason = _PARSER_PREFIX.sub("", message)
    for pattern, hint in _HINTS:
        if not pattern.search(reason):
            continue
        if hint == "prefix":
            hint = _prefix_hint(_PREFIX_NAME.search(reason).group(1))
        elif hint == "context":
            reason = "the JSON-LD @context refers to a document elsewhere" + _context_url(text)
            hint = ("beleidsgraaf does not fetch remote or file contexts (an operator can allow http(s) ones with "
                    f"{REMOTE_CONTEXTS_VAR}=1); put the context in the document itself (\"@context\": {{...}})")
        return f"{reason}; {hint}"
    return reason


def _prefix_hint(prefix: str) -> str:
    namespace = PREFIXES.get(prefix)
    declaration = f"@prefix {prefix}: <{namespace or 'http://...'}> ."
    return f"declare it at the top of the file: {declaration}"


def _context_url(text: str) -> str:
    match = re.search(r'"@context"\s*:\s*\[?\s*"([^"]+)"|"@import"\s*:\s*"([^"]+)"', text)
    return f" ({match.group(1) or match.group(2)})" if match else ""


def _position(exc: SyntaxError) -> tuple[int | None, int | None]:
    if len(exc.args) > 1 and isinstance(exc.args[1], tuple) and len(exc.args[1]) >= 3:
        return exc.args[1][1], exc.args[1][2]
    return getattr(exc, "lineno", None), getattr(exc, "offset", None)


def _locate_quoted(text: str, message: str) -> tuple[int | None, int | None]:
    """Where the term a position-less message quotes ('...' or `...`) first occurs."""
    match = re.search(r"'([^']{3,})'|`([^`]{2,})`", message)
    if match:
        offset = text.find(match.group(1) or match.group(2))
        if offset >= 0:
            return position(text, offset)
    return None, None


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


@cache
def _rdflib_terms():
    """rdflib's term classes, imported on first use: the server answers SPARQL without rdflib."""
    from rdflib import BNode, Literal, URIRef

    return BNode, Literal, URIRef


def to_rdflib(term):
    """An Oxigraph term as the equal rdflib term (xsd:string literals become plain literals)."""
    BNode, Literal, URIRef = _rdflib_terms()
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"unsupported term {term!r}")


def to_oxigraph(term):
    BNode, Literal, URIRef = _rdflib_terms()
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
    if graph is None:
        from rdflib import Graph

        graph = Graph()
    for q in quads:
        graph.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return graph
