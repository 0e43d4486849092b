"""beleidsgraaf.formats is the one place that knows formats: every name, alias, media type
and extension it declares resolves, unknown ones get a clear error, and no other module
holds a table of media types, file extensions or oxigraph formats (a scan of the source)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from beleidsgraaf import formats
from beleidsgraaf.errors import UserError

REPO = Path(__file__).resolve().parents[2]
SOURCE_DIRS = ("beleidsgraaf", "api", "bench")
FORMATS_MODULE = REPO / "beleidsgraaf" / "formats.py"

# A string that is (or starts with) a media type, or that is an RDF/results/spreadsheet/page
# file extension: in a collection literal, either makes it a format table.
MEDIA_TYPE = re.compile(r"^(text|application|image|audio|video|multipart)/[\w.+-]+")
EXTENSION = re.compile(r"^\.(ttl|turtle|nt|nq|trig|n3|jsonld|json|rdf|owl|xml|srj|srx|csv|tsv|xlsx|html)$", re.I)
FORMAT_ENUMS = {"RdfFormat", "QueryResultsFormat"}
MEDIA_TYPE_SHAPE = re.compile(r"^[a-z]+/[a-z0-9.+-]+$")  # type/subtype, lower case, no parameters


# -- the scan -----------------------------------------------------------------------------------

def _format_like(node: ast.AST) -> str | None:
    """What makes one element of a collection literal format knowledge, or None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        if MEDIA_TYPE.match(node.value) or EXTENSION.match(node.value):
            return repr(node.value)
    # ox.RdfFormat.TURTLE, RdfFormat.TURTLE, ox.QueryResultsFormat.JSON
    if isinstance(node, ast.Attribute) and node.attr.isupper():
        owner = node.value
        name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
        if name in FORMAT_ENUMS:
            return f"{name}.{node.attr}"
    return None


def _elements(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.Dict):
        return [k for k in node.keys if k is not None] + list(node.values)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return list(node.elts)
    return []


def format_tables(source: str, filename: str) -> list[str]:
    """Every dict/list/tuple/set literal in `source` that holds a media type, a format file
    extension or an oxigraph format: as 'file:line: what'."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        hits = [hit for element in _elements(node) if (hit := _format_like(element))]
        if hits:
            found.append(f"{filename}:{node.lineno}: {type(node).__name__.lower()} literal holding "
                         + ", ".join(hits))
    return found


def source_files() -> list[Path]:
    return sorted(p for d in SOURCE_DIRS if (REPO / d).is_dir() for p in (REPO / d).rglob("*.py")
                  if p != FORMATS_MODULE)


def test_no_format_table_outside_the_formats_module():
    files = source_files()
    assert len(files) > 50, "the scan should see the whole source tree"
    found = [hit for path in files for hit in format_tables(path.read_text(encoding="utf-8"),
                                                            str(path.relative_to(REPO)))]
    assert not found, "format knowledge belongs in beleidsgraaf/formats.py:\n" + "\n".join(found)


@pytest.mark.parametrize("table, what", [
    ('OFFERS = ["text/turtle", HTML]', "'text/turtle'"),
    ('ALIASES = {"application/x-turtle": TURTLE}', "'application/x-turtle'"),
    ('if kind in ("application/sparql-query; charset=utf-8", FORM): pass', "'application/sparql-query"),
    ('SUFFIXES = {".ttl", ".nt"}', "'.ttl', '.nt'"),
    ('OK = (".XLSX",)', "'.XLSX'"),
    ('BY_NAME = {"turtle": ox.RdfFormat.TURTLE}', "RdfFormat.TURTLE"),
    ('RESULTS = [QueryResultsFormat.JSON]', "QueryResultsFormat.JSON"),
    ('HEADERS = {"Accept": "application/ld+json, application/json"}', "'application/ld+json, application/json'"),
])
def test_the_scan_finds_a_table_and_names_file_and_line(table, what):
    found = format_tables("x = 1\n" + table + "\n", "api/example.py")
    assert len(found) == 1 and found[0].startswith("api/example.py:2:") and what in found[0], found


@pytest.mark.parametrize("code", [
    'NAMES = ["turtle", "table"]',  # names of options are not media types
    'media = formats.TURTLE',
    'OFFERS = [JSON, TURTLE, HTML]',
    'text = "text/turtle"',  # one constant is not a table
    'DUMPS = {f.file_extension: f for f in formats.DUMP_FORMATS}',
    'PATTERN = ["/text/", "a.ttl.bak"]',
])
def test_the_scan_leaves_other_code_alone(code):
    assert format_tables(code + "\n", "x.py") == []


# -- RDF ------------------------------------------------------------------------------------------

def test_every_rdf_format_has_a_media_type_an_extension_and_an_option_name():
    for fmt in formats.RDF_FORMATS:
        assert MEDIA_TYPE_SHAPE.match(formats.media_type(fmt)), fmt
        assert fmt.file_extension and ox.RdfFormat.from_extension(fmt.file_extension) == fmt
        assert ox.RdfFormat.from_media_type(formats.media_type(fmt)) == fmt
        assert formats.rdf_format_named(formats.RDF_OPTION_NAMES[fmt]) == fmt
        assert formats.rdf_format_named(fmt.file_extension) == fmt
        assert formats.rdf_format_for_path(f"plan.{fmt.file_extension}") == fmt
        assert formats.rdflib_name(formats.media_type(fmt)) == formats.RDFLIB_NAMES[fmt]


@pytest.mark.parametrize("name", sorted(formats.RDF_NAME_ALIASES))
def test_every_rdf_name_alias_resolves_to_its_format(name):
    assert formats.rdf_format_named(name) == formats.RDF_NAME_ALIASES[name]
    assert formats.rdf_format_named(name.upper()) == formats.RDF_NAME_ALIASES[name]


@pytest.mark.parametrize("media", sorted(formats.RDF_MEDIA_ALIASES))
def test_every_rdf_media_alias_is_accepted_for_uploads_and_agrees_with_oxigraph(media):
    fmt = formats.RDF_MEDIA_ALIASES[media]
    assert formats.rdf_format_for_media_type(media, accepted=formats.UPLOAD_FORMATS) == fmt
    assert formats.rdf_format_for_media_type(media + "; charset=utf-8") == fmt


@pytest.mark.parametrize("extension", sorted(formats.RDF_EXTRA_EXTENSIONS))
def test_every_extra_extension_resolves_and_is_listed(extension):
    assert formats.rdf_format_for_path(Path("data") / f"Plan.{extension.upper()}") == \
        formats.RDF_EXTRA_EXTENSIONS[extension]
    assert "." + extension in formats.rdf_file_suffixes()


def test_uploads_accept_only_their_formats_and_aliases():
    assert formats.rdf_format_for_media_type("application/n-quads", accepted=formats.UPLOAD_FORMATS) is None
    assert formats.rdf_format_for_media_type("application/json", accepted=formats.UPLOAD_FORMATS) is None
    assert formats.rdf_format_for_media_type("application/n-quads") == ox.RdfFormat.N_QUADS


def test_n3_is_not_an_rdf_format_here():
    assert formats.rdf_format_for_path("regels.n3") is None
    with pytest.raises(formats.UnknownFormat):
        formats.rdf_format_named("n3")


def test_an_unknown_rdf_name_gets_an_error_listing_what_is_accepted():
    with pytest.raises(UserError) as caught:
        formats.rdf_format_named("turtel")
    message = str(caught.value)
    assert "'turtel'" in message
    for fmt in formats.RDF_FORMATS:
        assert formats.RDF_OPTION_NAMES[fmt] in message
    with pytest.raises(UserError, match="use one of turtle, json-ld, nt, xml, trig"):
        formats.rdf_format_named("nq", accepted=formats.UPLOAD_FORMATS, names=formats.UPLOAD_OPTION_NAMES)


def test_a_path_without_a_known_extension_has_no_format():
    for path in ("plan", "plan.txt", "plan.ttl.bak", ".ttl"):
        assert formats.rdf_format_for_path(path) is None, path


# -- query results and negotiation ----------------------------------------------------------------

@pytest.mark.parametrize("name", formats.RESULTS_NAMES)
def test_every_results_name_resolves(name):
    fmt = formats.results_format_named(name)
    assert fmt in formats.RESULTS_FORMATS
    assert formats.results_format_for_media_type(formats.media_type(fmt)) == fmt


def test_an_unknown_results_name_gets_an_error_listing_what_is_accepted():
    with pytest.raises(UserError, match="unknown results format 'yaml'; use one of csv, tsv, json, xml"):
        formats.results_format_named("yaml")


def test_every_results_format_has_a_media_type_and_extension():
    for fmt in formats.RESULTS_FORMATS:
        assert MEDIA_TYPE_SHAPE.match(formats.media_type(fmt)) and fmt.file_extension


@pytest.mark.parametrize("name", sorted(formats.api_names()))
def test_every_api_name_means_an_offered_media_type(name):
    offered = set(formats.GRAPH_TYPES) | set(formats.RESULT_TYPES) | {formats.HTML}
    assert formats.media_type_named(name) in offered
    assert formats.media_type_named(name.upper()) == formats.media_type_named(name)


@pytest.mark.parametrize("alias", sorted(formats.ACCEPT_ALIASES))
def test_every_accept_alias_means_an_offered_media_type(alias):
    offered = set(formats.GRAPH_TYPES) | set(formats.RESULT_TYPES) | {formats.HTML}
    assert formats.ACCEPT_ALIASES[alias] in offered
    assert formats.media_type_named(alias) == formats.ACCEPT_ALIASES[alias]


def test_json_and_xml_mean_sparql_results_in_the_api_and_rdf_xml_for_rdf():
    assert formats.media_type_named("json") == "application/sparql-results+json"
    assert formats.media_type_named("xml") == "application/sparql-results+xml"
    assert formats.rdf_format_named("xml") == ox.RdfFormat.RDF_XML


def test_every_offered_media_type_has_a_short_name_and_an_extension():
    for media in [*formats.GRAPH_TYPES, *formats.RESULT_TYPES, formats.HTML]:
        short = formats.short_name(media)
        assert short != media and formats.media_type_named(short) == media
        assert formats.extension(media).isalpha()


def test_text_syntaxes_say_they_are_utf8():
    assert formats.content_type("text/csv") == "text/csv; charset=utf-8"
    assert formats.content_type("application/n-triples") == "application/n-triples; charset=utf-8"
    assert formats.content_type("application/ld+json") == "application/ld+json"


def test_cli_choices_resolve():
    for name in formats.sparql_output_names():
        if name == formats.TABLE:
            continue
        if name in formats.RESULTS_NAMES:
            formats.results_format_named(name)
        assert formats.graph_format_or_turtle(name) in formats.GRAPH_FORMATS
    for name in formats.graph_output_names():
        assert formats.rdf_format_named(name) in formats.GRAPH_FORMATS
    assert formats.graph_format_or_turtle("csv") == ox.RdfFormat.TURTLE


def test_upload_choices_name_each_upload_format_once():
    choices = formats.upload_choices()
    assert [formats.rdf_format_named(k) for k in choices] == list(formats.UPLOAD_FORMATS)
    assert list(choices.values()) == [f.name for f in formats.UPLOAD_FORMATS]
