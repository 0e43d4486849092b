"""Defences against hostile RDF input, run before Oxigraph's parsers see the bytes.

What Oxigraph's parsers (pyoxigraph 0.5) do on their own, measured:
- RDF/XML: internal DTD entities are expanded without any limit (a "billion laughs"
  document of 1 kB takes gigabytes and aborts the process); external entities (SYSTEM,
  PUBLIC) are refused with an unclear message and an external DTD is ignored, so nothing
  is read or fetched; a document cut off before its closing tags is accepted silently.
- JSON-LD: remote or file @context URLs are never loaded; but objects nested a few
  thousand levels deep crash the process (stack overflow), and the time grows with the
  square of the depth.
- Turtle, N-Triples, JSON-LD: a single literal or IRI over 16 MB is refused (MemoryError);
  RDF/XML has no such limit.

So: RDF/XML is first read by expat (which resolves nothing outside the document), to
refuse external and parameter entities, bound what entity references may expand to (by the
declared entities' sizes, by counting the text they produce, and by expat's own
amplification limit for attribute values), hold RDF/XML literals to the same 16 MB, and
report ill-formed XML with line and column; JSON-LD is scanned for its nesting depth.
"""

from __future__ import annotations

import re
from xml.parsers import expat

from .errors import RdfInputError

MB = 1024 * 1024
# Oxigraph's own limit for one token in Turtle, N-Triples and JSON-LD; applied to RDF/XML too.
MAX_TERM_BYTES = 16 * MB
# Real JSON-LD nests a dozen levels; Oxigraph's JSON-LD expansion crashes a little above 2000.
MAX_JSON_DEPTH = 100
# Text that entity references may add to an RDF/XML document: as much as the document
# itself holds, and at least this much (Protégé-style &owl; abbreviations stay well within).
MIN_ENTITY_BUDGET = 1 * MB
MAX_ENTITY_NESTING = 32

_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
_ENTITY_REF = re.compile(r"&([A-Za-z_:][\w.:-]*);")


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def not_utf8(data: bytes, exc: UnicodeDecodeError) -> tuple[int, int, str]:
    """(line, column, description) of the first byte that is not UTF-8, guessing what it meant."""
    line = data.count(b"\n", 0, exc.start) + 1
    column = len(data[data.rfind(b"\n", 0, exc.start) + 1: exc.start].decode("utf-8", "replace")) + 1
    byte = data[exc.start]
    guess = bytes([byte]).decode("cp1252", errors="replace")
    return line, column, (f"not UTF-8 text: byte 0x{byte:02x} (in Latin-1/Windows-1252 that is '{guess}'); "
                          "save it as UTF-8 (e.g. iconv -f WINDOWS-1252 -t UTF-8)")


# -- JSON-LD ---------------------------------------------------------------------------------


def check_json_depth(text: str, source: str, limit: int = MAX_JSON_DEPTH) -> None:
    """Refuse JSON nested deeper than `limit` objects and arrays, naming where."""
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                line, column = position(text, match.start())
                raise RdfInputError(source, f"JSON nested deeper than {limit} levels (objects and arrays); "
                                    "flatten the document (JSON-LD allows a flat list of nodes that refer to "
                                    "each other by @id)", line=line, column=column)
        elif token in "]}":
            depth -= 1


# -- RDF/XML ---------------------------------------------------------------------------------


class _XmlChecker:
    """Reads an RDF/XML document with expat and raises RdfInputError at the first danger."""

    def __init__(self, data: bytes, source: str):
        self.data = data
        self.source = source
        self.entities: dict[str, str] = {}
        self.expanded_sizes: dict[str, int] = {}
        self.entity_budget = max(MIN_ENTITY_BUDGET, len(data))
        self.text_length = 0  # of the current element's character data
        self.total_text = 0
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = True
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.EntityDeclHandler = self.entity_declared
        self.parser.EndDoctypeDeclHandler = self.doctype_ended
        self.parser.StartElementHandler = self.element_started
        self.parser.EndElementHandler = self.element_ended
        self.parser.CharacterDataHandler = self.text

    def run(self) -> None:
        try:
            self.parser.Parse(self.data, True)
        except expat.ExpatError as exc:
            raise RdfInputError(self.source, _xml_error_message(exc), line=exc.lineno,
                                column=exc.offset + 1) from None

    def fail(self, message: str) -> None:
        raise RdfInputError(self.source, message, line=self.parser.CurrentLineNumber,
                            column=self.parser.CurrentColumnNumber + 1)

    # expat handlers

    def entity_declared(self, name, is_parameter_entity, value, base, system_id, public_id, notation):
        if is_parameter_entity:
            self.fail(f"parameter entity '%{name};' is refused: beleidsgraaf reads no DTD and never reads files "
                      "or fetches URLs named in the input; declare plain entities (<!ENTITY name \"text\">) "
                      "or write the text out")
        if system_id is not None or public_id is not None:
            self.fail(f"external entity '{name}' ({system_id or public_id}) is refused: beleidsgraaf never "
                      "reads files or fetches URLs named in the input; write the text into the document itself")
        self.entities[name] = value
        self.check_expansion(name)

    def doctype_ended(self):
        # An entity may name entities declared after it: size them all again now all are known.
        self.expanded_sizes.clear()
        for name in self.entities:
            self.check_expansion(name)

    def check_expansion(self, name: str) -> None:
        size = self.expanded_size(name)
        if size > self.entity_budget:
            self.fail(f"entity '&{name};' would expand to {size:,} characters (more than {self.entity_budget:,}): "
                      "nested entity definitions like this are an entity-expansion ('billion laughs') attack; "
                      "write the text out instead")

    def expanded_size(self, name: str, seen: tuple[str, ...] = ()) -> int:
        """Characters `&name;` expands to; references to undeclared entities count as themselves."""
        if name in self.expanded_sizes:
            return self.expanded_sizes[name]
        if name in seen:
            self.fail(f"entity '&{name};' refers to itself")
        if len(seen) > MAX_ENTITY_NESTING:
            self.fail(f"entities refer to entities more than {MAX_ENTITY_NESTING} levels deep; write the text out")
        value = self.entities.get(name)
        if value is None:
            return len(name) + 2
        size = len(_ENTITY_REF.sub("", value))
        for ref in _ENTITY_REF.findall(value):
            size += self.expanded_size(ref, seen + (name,))
            if size > self.entity_budget:
                break
        self.expanded_sizes[name] = size
        return size

    def element_started(self, name, attributes):
        self.text_length = 0
        for attribute, value in attributes.items():
            self.count(len(value), f"attribute {attribute}")

    def element_ended(self, name):
        self.text_length = 0

    def text(self, data: str):
        self.text_length += len(data)
        self.count(len(data), "text", self.text_length)

    def count(self, length: int, what: str, current: int | None = None) -> None:
        if (current if current is not None else length) > MAX_TERM_BYTES:
            self.fail(f"{what} longer than {MAX_TERM_BYTES // MB} MB, the limit for one literal or IRI; "
                      "keep large text outside the graph and link to it")
        self.total_text += length
        if self.entities and self.total_text > len(self.data) + self.entity_budget:
            self.fail(f"entity references expand to more than {self.entity_budget:,} characters beyond the "
                      "document's own text (an entity-expansion attack?); write the text out instead")


def check_rdf_xml(data: bytes, source: str) -> None:
    _XmlChecker(data, source).run()


def _xml_error_message(exc: expat.ExpatError) -> str:
    reason = expat.ErrorString(exc.code)
    hints = {
        expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS]:
            "the document ends before its elements are closed; is the file cut off?",
        expat.errors.codes[expat.errors.XML_ERROR_UNCLOSED_TOKEN]:
            "the document ends in the middle of a tag; is the file cut off?",
        expat.errors.codes[expat.errors.XML_ERROR_TAG_MISMATCH]:
            "a closing tag does not match the element it closes",
        expat.errors.codes[expat.errors.XML_ERROR_UNDEFINED_ENTITY]:
            "an &name; reference to an entity that is not declared; write & as &amp;",
        expat.errors.codes[expat.errors.XML_ERROR_INVALID_TOKEN]:
            "a character that cannot stand here (write < as &lt; and & as &amp; in text)",
        expat.errors.codes[expat.errors.XML_ERROR_UNBOUND_PREFIX]:
            "a namespace prefix without an xmlns: declaration",
    }
    if hasattr(expat.errors, "XML_ERROR_AMPLIFICATION_LIMIT_BREACH"):  # expat 2.4 and later
        hints[expat.errors.codes[expat.errors.XML_ERROR_AMPLIFICATION_LIMIT_BREACH]] = (
            "entity references expand far beyond the document: an entity-expansion attack?")
    hint = hints.get(exc.code)
    return f"XML is not well-formed: {reason}" + (f" ({hint})" if hint else "")
