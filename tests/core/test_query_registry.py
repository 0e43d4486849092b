"""The canned-query registry: every .rq file is well-formed, documented, bindable and tested;
parameters are bound by the engine and cannot change a query."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from beleidsgraaf.errors import ParameterError, UnknownQueryError
from beleidsgraaf.queries import parse_query_file, registry
from tests.support import TESTS

ALL = list(registry())


def projection(sparql: str) -> set[str]:
    head = re.search(r"SELECT\s+(DISTINCT\s+)?(.*?)\s*WHERE", sparql, re.IGNORECASE | re.DOTALL)
    return set(re.findall(r"\?(\w+)", head.group(2))) if head else set()


def test_registry_is_not_empty():
    assert len(ALL) >= 8


@pytest.mark.parametrize("query", ALL, ids=[q.name for q in ALL])
def test_query_has_bilingual_metadata_and_projects_its_parameters(query):
    assert query.title.get("nl") and query.title.get("en")
    assert query.description.get("nl") and query.description.get("en")
    for param in query.parameters:
        assert param.description, f"{query.name}: parameter {param.name} needs a description"
    for param in query.variable_parameters:  # a paged query's limit/offset go into LIMIT/OFFSET
        if query.query_form == "SELECT":
            # The engine substitutes only projected variables.
            assert param.name in projection(query.sparql), f"{query.name}: SELECT must list ?{param.name}"


@pytest.mark.parametrize("query", ALL, ids=[q.name for q in ALL])
def test_every_query_has_a_test_on_the_shipped_data(query):
    pattern = re.compile(r"run_(?:query|all_pages)\(\s*[\"']" + re.escape(query.name) + r"[\"']")
    assert any(pattern.search(p.read_text(encoding="utf-8")) for p in TESTS.rglob("test_*.py")), \
        f"no test calls run_query('{query.name}', ...)"


@pytest.mark.parametrize("query", ALL, ids=[q.name for q in ALL])
def test_every_query_runs_with_its_defaults(query, shipped_store, shipped_index):
    required = [p for p in query.parameters if p.required]
    values = {p.name: "x" for p in required if p.type.name == "string"}
    if any(p.type.name != "string" for p in required):
        pytest.skip("needs a non-string parameter without default")
    sparql, substitutions = query.prepare(values, finder=shipped_index.find)
    shipped_store.query(sparql, substitutions=substitutions)


@pytest.mark.parametrize("hostile", [
    "https://example.org/x> } ; DROP ALL ; #",
    "https://example.org/a b",
    "<https://example.org/x>",
    "javascript:alert(1)\"",
    "",
])
def test_hostile_iri_values_are_rejected_or_inert(hostile, run_query):
    try:
        rows = run_query("actions-for-goal", goal=hostile)
    except ParameterError as exc:
        assert "goal" in str(exc)
    else:
        # An empty value falls back to the default; anything else bound must match nothing.
        assert hostile == "" or rows == []


@pytest.mark.parametrize("text", ['") } SELECT * WHERE { ?s ?p ?o } #', "a\nb", "'; DROP", "\\u0022", "?entity"])
def test_string_values_are_literals_not_query_text(text, run_query, shipped_index):
    """The text reaches the query only as one literal (echoed unchanged); the things found
    are exactly the index's matches for its words, in the index's order."""
    rows = run_query("search", text=text)
    assert all(r["text"] == text for r in rows)
    found = list(dict.fromkeys(r["entity"] for r in rows))
    assert found == shipped_index.find(text, 100)


def test_unknown_query_suggests_close_names():
    with pytest.raises(UnknownQueryError, match="Did you mean"):
        registry().get("actions-for")


def test_type_checks():
    query = registry().get("actions-by-deadline")
    with pytest.raises(ParameterError, match="valid date"):
        query.bind({"until": "2018-02-30"})
    assert query.bind({"until": "2018-12-31"})["until"] == ox.Literal(
        "2018-12-31", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))


def test_malformed_header_is_reported_with_file(tmp_path):
    bad = tmp_path / "broken-query.rq"
    bad.write_text("#+ title: [unclosed\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(Exception, match="broken-query.rq"):
        parse_query_file(bad)


def test_internal_queries_parse_and_project_their_parameters():
    from beleidsgraaf.settings import current_settings
    from beleidsgraaf.queries import Registry

    internal = Registry.from_directory(current_settings().queries_dir / "internal")
    assert len(internal) >= 10
    for query in internal:
        for param in query.parameters:
            if query.query_form == "SELECT":
                assert param.name in projection(query.sparql), f"{query.name}: SELECT must list ?{param.name}"


INDEX_HEADER = """#+ title: t
#+ description: d
#+ index: {index}
#+ pagination: entity
#+ params:
#+   text: {{type: string, description: words}}
#+   limit: {{type: integer, default: 10, description: page}}
#+   offset: {{type: integer, default: 0, description: skip}}
"""


@pytest.mark.parametrize("index, body, message", [
    ("{text: text, found: entity}", "SELECT ?entity ?rank ?text WHERE { }", "names the text parameter"),
    ("{text: words, found: entity, rank: rank}", "SELECT ?entity ?rank ?text WHERE { }", "no string parameter"),
    ("{text: text, found: thing, rank: rank}", "SELECT ?entity ?rank ?text WHERE { }", "binds ?thing"),
    ("{text: text, found: entity, rank: rank, class: 'zz:Thing'}", "SELECT ?entity ?rank ?text WHERE { }",
     "unknown prefix"),
    ("{text: text, found: entity, rank: rank}", "SELECT ?entity ?rank ?text WHERE { } LIMIT 10", "remove 'LIMIT 10'"),
])
def test_a_malformed_index_header_is_reported_with_its_file(tmp_path, index, body, message):
    bad = tmp_path / "bad-index.rq"
    bad.write_text(INDEX_HEADER.format(index=index) + body + "\n", encoding="utf-8")
    with pytest.raises(Exception, match=re.escape(message)) as caught:
        parse_query_file(bad)
    assert "bad-index.rq" in str(caught.value)


def test_an_index_query_without_pages_is_refused(tmp_path):
    bad = tmp_path / "unpaged.rq"
    bad.write_text("#+ title: t\n#+ description: d\n#+ index: {text: text, found: entity, rank: rank}\n"
                   "#+ params:\n#+   text: {type: string, description: words}\n"
                   "SELECT ?entity ?rank ?text WHERE { }\n", encoding="utf-8")
    with pytest.raises(Exception, match="is paged"):
        parse_query_file(bad)


def test_an_index_query_needs_a_finder():
    with pytest.raises(TypeError, match="search index"):
        registry().get("search").prepare({"text": "zorg"})
