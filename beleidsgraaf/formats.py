"""Every format beleidsgraaf reads or writes, in one place: RDF, SPARQL query results, and
the few other media types the service speaks (HTML pages, JSON answers, forms, spreadsheets).

pyoxigraph's `RdfFormat` and `QueryResultsFormat` already know each format's media type,
file extension and name, and which alias media types and extensions mean it
(`from_media_type`, `from_extension`). This module adds only what they do not know, each
declared once, as data, with the reason beside it, and answers the questions the rest of
the code asks: which format does this name, media type or file mean; which media types do
we offer; which names does a command-line option take.

No other module holds a table of media types, format names or file extensions
(tests/test_formats.py scans the source tree for one).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .errors import UserError

RdfFormat = ox.RdfFormat
ResultsFormat = ox.QueryResultsFormat

# -- media types that are not RDF or query results ----------------------------------------------

HTML = "text/html"
JSON = "application/json"  # our own JSON answers (errors, reports, lists), not SPARQL results
SVG = "image/svg+xml"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
FORM_URLENCODED = "application/x-www-form-urlencoded"
MULTIPART_FORM = "multipart/form-data"
FORM_TYPES = frozenset({FORM_URLENCODED, MULTIPART_FORM})
# What we ask of a server that may hold a JSON-LD context: JSON-LD, or plain JSON.
JSON_LD_ACCEPT = f"{RdfFormat.JSON_LD.media_type}, {JSON}"
# The steward's spreadsheet path: an Excel workbook, or one CSV file per sheet.
SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_SUFFIX = ".xlsx"
CSV_SUFFIX = ".csv"
SPREADSHEET_SUFFIXES = (XLSX_SUFFIX, CSV_SUFFIX)

# -- RDF ---------------------------------------------------------------------------------------

# What we parse and write. N3 is left out: its formulas are not RDF, and oxigraph's alias
# table would otherwise let a `.n3` file or `text/n3` body through where we mean RDF.
RDF_FORMATS = (RdfFormat.TURTLE, RdfFormat.N_TRIPLES, RdfFormat.N_QUADS, RdfFormat.TRIG,
               RdfFormat.JSON_LD, RdfFormat.RDF_XML)
# What a graph (a CONSTRUCT result, an entity, the ontology, a published graph) is offered
# in by content negotiation, the first being the default.
GRAPH_FORMATS = (RdfFormat.TURTLE, RdfFormat.N_TRIPLES, RdfFormat.JSON_LD, RdfFormat.RDF_XML)
# The whole dataset's downloads (/dataset.ttl, ...): N-Quads keeps the named graphs.
DUMP_FORMATS = (RdfFormat.TURTLE, RdfFormat.N_TRIPLES, RdfFormat.JSON_LD, RdfFormat.N_QUADS)
# What /validate and `beleidsgraaf validate` read, in the order the form lists them.
UPLOAD_FORMATS = (RdfFormat.TURTLE, RdfFormat.JSON_LD, RdfFormat.N_TRIPLES, RdfFormat.RDF_XML, RdfFormat.TRIG)

# Names people type for an RDF format (`--format`, `?format=` on /validate, the form's
# choices), beyond the file extensions oxigraph knows (ttl, nt, nq, trig, jsonld, rdf).
RDF_NAME_ALIASES = {
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "n-triples": RdfFormat.N_TRIPLES,
    "nquads": RdfFormat.N_QUADS,
    "json-ld": RdfFormat.JSON_LD,
    "xml": RdfFormat.RDF_XML,  # where an RDF format is meant, "xml" can only be RDF/XML
    "rdfxml": RdfFormat.RDF_XML,
    "rdf/xml": RdfFormat.RDF_XML,
}
# The name each format has in our own options (the form's choices, `export --format`):
# the ones the CLI has always taken, kept so scripts keep working.
RDF_OPTION_NAMES = {
    RdfFormat.TURTLE: "turtle",
    RdfFormat.N_TRIPLES: "nt",
    RdfFormat.N_QUADS: "nquads",
    RdfFormat.TRIG: "trig",
    RdfFormat.JSON_LD: "jsonld",
    RdfFormat.RDF_XML: "xml",
}
# The form on /validate has always sent "json-ld" (the name on its label).
UPLOAD_OPTION_NAMES = {**RDF_OPTION_NAMES, RdfFormat.JSON_LD: "json-ld"}

# File extensions beyond each format's own: a JSON-LD file is often called .json, RDF/XML
# .xml, and an ontology in RDF/XML .owl.
RDF_EXTRA_EXTENSIONS = {"json": RdfFormat.JSON_LD, "xml": RdfFormat.RDF_XML, "owl": RdfFormat.RDF_XML}

# Media types clients send for RDF beyond each format's registered one (oxigraph knows these
# too, and more, such as application/json for JSON-LD; these are the ones uploads accept).
RDF_MEDIA_ALIASES = {
    "application/x-turtle": RdfFormat.TURTLE,  # Turtle's media type before its registration
    "text/plain": RdfFormat.N_TRIPLES,  # N-Triples' media type in RDF 1.0 times
    "application/xml": RdfFormat.RDF_XML,
    "text/xml": RdfFormat.RDF_XML,
}

# The names rdflib's serialisers go by, for the small graphs still built with rdflib (the
# service description, the VoID description): rdflib does not know oxigraph's enums.
RDFLIB_NAMES = {
    RdfFormat.TURTLE: "turtle",
    RdfFormat.N_TRIPLES: "nt",
    RdfFormat.N_QUADS: "nquads",
    RdfFormat.TRIG: "trig",
    RdfFormat.JSON_LD: "json-ld",
    RdfFormat.RDF_XML: "xml",
}

# The W3C's unique format IRI (http://www.w3.org/ns/formats/), for a service description's
# sd:resultFormat, where oxigraph's differs: it names JSON-LD under .../formats/data/.
W3C_FORMAT_IRIS = {RdfFormat.JSON_LD: "http://www.w3.org/ns/formats/JSON-LD"}

# Formats whose media type we label "; charset=utf-8": plain-text syntaxes a browser would
# otherwise read as Latin-1 (XML and JSON declare or imply their encoding themselves).
UTF8_LABELLED = (RdfFormat.TURTLE, RdfFormat.N_TRIPLES)

# -- query results -----------------------------------------------------------------------------

# SELECT and ASK results, the first being the default.
RESULTS_FORMATS = (ResultsFormat.JSON, ResultsFormat.XML, ResultsFormat.CSV, ResultsFormat.TSV)
# Names people type for a results format; oxigraph's from_extension knows each (its own
# extensions are .srj and .srx, which nobody types).
RESULTS_NAMES = ("csv", "tsv", "json", "xml")
# SELECT answers a query worker writes itself, by short name: it counts their rows as it
# writes them (workers._CountedRows). The server makes any other format from TSV.
WORKER_RESULTS_FORMATS = {"tsv": ResultsFormat.TSV, "json": ResultsFormat.JSON, "xml": ResultsFormat.XML}
# `query --format table`: an aligned text table for people, not a SPARQL results format.
TABLE = "table"

# Report formats of `validate` and `import` (SHACL reports: text for people, JSON, Turtle).
REPORT_NAMES = ("text", "json", "turtle")

# -- negotiation: the names and media types of the HTTP API ------------------------------------

# The short names ?format= (and SPARQLWrapper's output=/results=) take, beyond each offered
# format's file extension: here "json" and "xml" mean SPARQL results, as SPARQL clients use them.
API_NAME_ALIASES = {
    "html": HTML,
    "json": ResultsFormat.JSON.media_type,
    "xml": ResultsFormat.XML.media_type,
    "turtle": RdfFormat.TURTLE.media_type,
    "ntriples": RdfFormat.N_TRIPLES.media_type,
    "json-ld": RdfFormat.JSON_LD.media_type,
    "rdfxml": RdfFormat.RDF_XML.media_type,
}
# Media types clients put in Accept that mean one we offer.
ACCEPT_ALIASES = {
    JSON: ResultsFormat.JSON.media_type,
    "application/xml": ResultsFormat.XML.media_type,
    "text/xml": ResultsFormat.XML.media_type,
    "application/x-turtle": RdfFormat.TURTLE.media_type,
    "text/plain": RdfFormat.N_TRIPLES.media_type,
    "application/xhtml+xml": HTML,
}


class UnknownFormat(UserError):
    """A format name, media type or file extension we do not read or write."""


def bare(media_type: str) -> str:
    """A media type without its parameters (charset, a JSON-LD profile), in lower case."""
    return media_type.split(";")[0].strip().lower()


def media_type(fmt: RdfFormat | ResultsFormat) -> str:
    return bare(fmt.media_type)


def content_type(media: str) -> str:
    """The Content-Type header for an answer in `media`: text syntaxes say they are UTF-8."""
    return media + "; charset=utf-8" if media in _UTF8_MEDIA else media


# Media types named often enough to deserve a name: what clients (bench, the remote
# backend) ask for, SHACL reports in RDF, the ontology at /def.ttl.
TURTLE = media_type(RdfFormat.TURTLE)
N_TRIPLES = media_type(RdfFormat.N_TRIPLES)
N_QUADS = media_type(RdfFormat.N_QUADS)
RESULTS_JSON = media_type(ResultsFormat.JSON)
GRAPH_TYPES = [media_type(f) for f in GRAPH_FORMATS]
RESULT_TYPES = [media_type(f) for f in RESULTS_FORMATS]
_UTF8_MEDIA = frozenset([media_type(f) for f in UTF8_LABELLED]
                        + [media_type(f) for f in RESULTS_FORMATS if "charset" in f.media_type])


# -- RDF: from a name, a media type or a file ----------------------------------------------------

def rdf_names() -> dict[str, RdfFormat]:
    """Every name an RDF format can be given by: its file extension and our aliases."""
    return {**{f.file_extension: f for f in RDF_FORMATS}, **RDF_NAME_ALIASES}


def rdf_format_named(name: str, accepted: tuple[RdfFormat, ...] = RDF_FORMATS,
                     names: dict[RdfFormat, str] = RDF_OPTION_NAMES) -> RdfFormat:
    """The RDF format a name means (an extension or an alias); an error listing the names of
    the `accepted` formats otherwise."""
    fmt = rdf_names().get(name.strip().lower())
    if fmt is None or fmt not in accepted:
        raise UnknownFormat(f"unknown RDF format '{name}'; use one of " + ", ".join(option_names(accepted, names)))
    return fmt


def rdf_format_for_media_type(media: str, accepted: tuple[RdfFormat, ...] | None = None) -> RdfFormat | None:
    """The RDF format a media type means, or None. With `accepted`, only a format's own media
    type or one of RDF_MEDIA_ALIASES counts; without, any alias oxigraph knows."""
    media = bare(media)
    if accepted is None:
        return ox.RdfFormat.from_media_type(media)
    fmt = RDF_MEDIA_ALIASES.get(media) or next((f for f in accepted if media_type(f) == media), None)
    return fmt if fmt in accepted else None


def rdf_format_for_path(path: str | Path) -> RdfFormat | None:
    """The RDF format a file's extension means, or None."""
    return rdf_extensions().get(Path(path).suffix.lower().removeprefix("."))


def rdf_extensions() -> dict[str, RdfFormat]:
    """Extension -> RDF format: each format's own, and RDF_EXTRA_EXTENSIONS. (Not oxigraph's
    from_extension, which also takes .txt for N-Triples: a note is not an RDF file.)"""
    return {**{f.file_extension: f for f in RDF_FORMATS}, **RDF_EXTRA_EXTENSIONS}


def rdf_file_suffixes() -> list[str]:
    """The file suffixes that mark an RDF file, e.g. when a folder is read."""
    return sorted("." + extension for extension in rdf_extensions())


def option_names(formats_: tuple[RdfFormat, ...], names: dict | None = None) -> list[str]:
    """The option names (turtle, nt, ...) of some RDF formats, in their order."""
    return [(names or RDF_OPTION_NAMES)[f] for f in formats_]


def upload_choices() -> dict[str, str]:
    """The /validate form's choices: option name -> the format's name (Turtle, JSON-LD, ...)."""
    return {UPLOAD_OPTION_NAMES[f]: f.name for f in UPLOAD_FORMATS}


def format_iri(fmt: RdfFormat | ResultsFormat) -> str:
    return W3C_FORMAT_IRIS.get(fmt, fmt.iri)


def listed(fmts, last_word: str = "of") -> str:
    """Formats with their media types for a message: "Turtle (text/turtle), ... of TriG
    (application/trig)"; `last_word` joins the last two (Dutch "of" by default)."""
    items = [f"{f.name} ({media_type(f)})" for f in fmts]
    return ", ".join(items[:-1]) + f" {last_word} " + items[-1] if len(items) > 1 else "".join(items)


def rdflib_name(media: str) -> str:
    """rdflib's serialiser name for an RDF media type we offer."""
    return RDFLIB_NAMES[ox.RdfFormat.from_media_type(media)]


# -- query results -------------------------------------------------------------------------------

def results_format_named(name: str) -> ResultsFormat:
    if name.strip().lower() not in RESULTS_NAMES:
        raise UnknownFormat(f"unknown results format '{name}'; use one of " + ", ".join(RESULTS_NAMES))
    return ox.QueryResultsFormat.from_extension(name.strip().lower())


def results_format_for_media_type(media: str) -> ResultsFormat | None:
    fmt = ox.QueryResultsFormat.from_media_type(bare(media))
    return fmt if fmt in RESULTS_FORMATS else None


def graph_output_names() -> list[str]:
    """The names `--format` takes for a graph (CONSTRUCT, DESCRIBE, an exported graph)."""
    return option_names(GRAPH_FORMATS)


def query_output_names() -> list[str]:
    """The names `query --format` takes: a table or a results format."""
    return [TABLE, *RESULTS_NAMES]


def sparql_output_names() -> list[str]:
    """The names `sparql --format` takes: those of `query`, and RDF ones for a graph result
    ("xml" then means RDF/XML)."""
    return query_output_names() + [n for n in graph_output_names() if n not in RESULTS_NAMES]


def graph_format_or_turtle(name: str) -> RdfFormat:
    """The graph format a `--format` name means, Turtle for a results-only name (table, csv)."""
    fmt = rdf_names().get(name.lower())
    return fmt if fmt in GRAPH_FORMATS else RdfFormat.TURTLE


# -- negotiation ---------------------------------------------------------------------------------

def api_names() -> dict[str, str]:
    """Short name -> media type, for ?format= and a file extension on a URL."""
    names = {f.file_extension: media_type(f) for f in GRAPH_FORMATS}
    names.update({f.file_extension: media_type(f) for f in RESULTS_FORMATS if f.file_extension in RESULTS_NAMES})
    names.update(API_NAME_ALIASES)
    return names


def media_type_named(name: str) -> str:
    """The media type a ?format= value means: a short name, an alias, or a media type itself."""
    key = name.lower()
    return api_names().get(key, ACCEPT_ALIASES.get(key, key))


def short_name(media: str) -> str:
    """The short name of an offered media type (for messages and file extensions)."""
    return next((name for name, m in api_names().items() if m == media), media)


def extension(media: str) -> str:
    """The file extension for an offered media type (an entity's .ttl, .html, ...)."""
    if media == HTML:
        return "html"
    fmt = ox.RdfFormat.from_media_type(media) or ox.QueryResultsFormat.from_media_type(media)
    return fmt.file_extension
