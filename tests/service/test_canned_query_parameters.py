"""Hostile parameter values cannot change a canned query (property-based, every query in
queries/*.rq, every declared parameter).

A value either is refused with a ParameterError naming the parameter (HTTP 422 with the
parameter named), or reaches the engine as exactly one term equal to the input (less
surrounding whitespace). That is checked by what can be observed, on the Python layer
(CannedQuery.bind + Store.query) and over HTTP (GET /queries/NAME?param=value):

- IRI parameters: renaming a real entity in the store to the hostile IRI renames it in the
  answer and changes nothing else; a hostile IRI that names nothing answers exactly what a
  plain IRI that names nothing answers; a refused IRI is one the engine's own IRI parser
  refuses too, and an accepted one holds nothing that could end an IRI in SPARQL.
- string parameters: an entity labelled with exactly the hostile text is found, alone, and
  the text comes back unchanged in the projection; text that matches nothing finds nothing.
  Any text without a NUL is accepted.
- date parameters: an accepted value is a calendar date and answers as that date does.
- always: the result has the same variables, no SPARQL error ever occurs, and the HTTP
  answer equals the Python answer.
If a value were spliced into the query text, a fragment like `") || true || ("` or
`> } UNION { ?s ?p ?o } #` would change these answers.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from api.app import create_app
from beleidsgraaf.namespaces import ID, SKOS
from beleidsgraaf.settings import current_settings as project_settings
from beleidsgraaf.errors import ParameterError
from beleidsgraaf.queries import CannedQuery, registry
from beleidsgraaf.backends.oxigraph_store import Store, read_shipped_quads
from beleidsgraaf.search_index import SearchIndex

NO_MATCH_IRI = ID + "zz-geen-treffer/"
MARKER = "zq-vijandig-"  # in no label of the shipped data
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SOURCE = ox.NamedNode("http://purl.org/dc/terms/source")
PLANT_GRAPH = ox.NamedNode("https://w3id.org/beleidsgraaf/graph/test-planted")
# Entities with answers, for parameters that have no default of their own.
SAMPLES = {
    "status": "https://w3id.org/beleidsgraaf/def#status-doorlopend",
    "document": ID + "document/lokaal-actieplan-mo-bw-lochem-2018-2019",
}
MAX_EXAMPLES = 25

FRAGMENTS = [
    '" } ; DROP ALL ; #', '") || true || ("', "') || true || ('", "> } UNION { ?s ?p ?o } #", '"} UNION {',
    "?x", "$x", '"""', "'''", "\\", '\\"', "\n", "\r\n", "\t", "}", "{", " ", ">", "<", '"', "'", "#", "(", ")",
    ";", ".", ",", "^^<http://www.w3.org/2001/XMLSchema#integer>", "@en", "FILTER(true)", "VALUES ?x { 1 }",
    "\\u0022", "%3E", "%20", "\u202e", "é", "ﬁ", "𝔘", "\u2028", "İ", "Σ", "\x00", "\ufeff", "\x7f", "",
]
hostile = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), min_size=1, max_size=6).map("".join),
    st.text(max_size=12),
)
# Characters an IRI may hold, so that many examples are accepted and reach the engine.
iri_safe = st.text(alphabet="-._~!$&'()*+,;=:@/?%41azAZ09éΣ𝔘", max_size=10)
payloads = st.one_of(hostile, iri_safe)

CANNED = list(registry())
# limit/offset of paged queries are no SPARQL terms: they are checked whole numbers written
# into LIMIT/OFFSET (test_paged_limits_refuse_anything_but_whole_numbers).
PARAMS = [(q, p) for q in CANNED for p in q.variable_parameters]


def test_every_parameter_type_is_covered():
    """A new parameter type needs its own properties here."""
    assert {p.type.name for _, p in PARAMS} <= {"iri", "string", "date"}
    assert len(CANNED) >= 20 and len(PARAMS) >= len(CANNED)


@pytest.mark.parametrize("value", ["10 OFFSET 0 } UNION { ?s ?p ?o", "1e3", "-1", "0x10", "1.5", "10\n#"])
def test_paged_limits_refuse_anything_but_whole_numbers(value):
    from beleidsgraaf.errors import ParameterError

    paged = [q for q in CANNED if q.pagination is not None]
    assert paged, "some canned queries are paged"
    for query in paged:
        required = {p.name: {"iri": "https://example.org/x", "string": "zorg"}[p.type.name]
                    for p in query.variable_parameters if p.required}
        for name in ("limit", "offset"):
            with pytest.raises(ParameterError) as caught:
                query.prepare({**required, name: value}, finder=_numbered_finder([]))
            assert caught.value.parameter == name
        asked: list[int] = []
        sparql, _ = query.prepare({**required, "limit": "3", "offset": "6"}, finder=_numbered_finder(asked))
        if query.index is None:
            assert sparql.count("LIMIT 3 OFFSET 6") == 1
        else:  # the index pages: matches 7 to 9 of the first 9, with their ranks
            assert asked == [9] and "LIMIT" not in sparql and "OFFSET" not in sparql
            ranks = re.findall(r'<urn:x:found-(\d+)> "(\d+)"', sparql)
            assert ranks == [("7", "7"), ("8", "8"), ("9", "9")]


def _numbered_finder(asked: list[int]):
    """A stand-in for the search index: the first `limit` of a numbered list of things."""
    def find(text: str, limit: int, class_iri: str | None = None) -> list[str]:
        asked.append(limit)
        return [f"urn:x:found-{n}" for n in range(1, limit + 1)]
    return find


# -- a store of our own, which the tests may rename entities in and plant entities into ----


class Scratch:
    def __init__(self):
        self.ox = ox.Store()
        self.ox.bulk_extend(read_shipped_quads(project_settings()))
        self.store = Store(self.ox)
        # The service and the Python layer find with the same index, which follows the plants.
        self.index = SearchIndex.temporary(self.store)
        self.client = TestClient(create_app(self.store, search_index=self.index))
        self.counter = itertools.count()

    def answer(self, query: CannedQuery, values: dict) -> tuple[list[str], list[tuple]]:
        sparql, substitutions = query.prepare(values, finder=self.index.find)
        result = self.store.query(sparql, substitutions=substitutions)
        return _canonical(result)

    def http(self, query: CannedQuery, values: dict):
        return self.client.get(f"/queries/{query.name}", params=values,
                               headers={"Accept": "application/sparql-results+json"})

    def mentions(self, iri: str) -> set[ox.Quad]:
        node = ox.NamedNode(iri)
        return (set(self.ox.quads_for_pattern(node, None, None)) | set(self.ox.quads_for_pattern(None, node, None))
                | set(self.ox.quads_for_pattern(None, None, node)))

    def rename(self, old: str, new: str) -> None:
        before, after = ox.NamedNode(old), ox.NamedNode(new)
        swap = (lambda t: after if t == before else t)
        quads = self.mentions(old)
        for q in quads:
            self.ox.remove(q)
        for q in quads:
            self.ox.add(ox.Quad(swap(q.subject), swap(q.predicate), swap(q.object), q.graph_name))

    def plant_concept(self, label: str) -> ox.NamedNode:
        """An entity both string queries find by `label`: a skos:Concept with a Dutch label and a source."""
        entity = ox.NamedNode(f"{ID}test/geplant-{next(self.counter)}")
        for p, o in [(RDF_TYPE, ox.NamedNode(SKOS + "Concept")),
                     (ox.NamedNode(SKOS + "prefLabel"), ox.Literal(label, language="nl")),
                     (SOURCE, ox.NamedNode(SAMPLES["document"]))]:
            self.ox.add(ox.Quad(entity, p, o, PLANT_GRAPH))
        self.index.update_graph(self.store, PLANT_GRAPH.value)
        return entity

    def unplant(self) -> None:
        self.ox.clear_graph(PLANT_GRAPH)
        self.index.update_graph(self.store, PLANT_GRAPH.value)


def _canonical(result) -> tuple[list[str], list[tuple]]:
    variables = [v.value for v in result.variables]
    rows = sorted(tuple("" if s[v] is None else str(s[v]) for v in variables) for s in result)
    return variables, rows


@pytest.fixture(scope="module")
def scratch():
    return Scratch()


def bind_or_refusal(query: CannedQuery, name: str, value: str):
    """The bound term, or None when the value is refused (checking the refusal names the parameter)."""
    try:
        return query.bind({name: value})[name]
    except ParameterError as exc:
        assert exc.parameter == name and f"parameter '{name}'" in str(exc)
        return None


def check_http(scratch: Scratch, query: CannedQuery, name: str, value: str, accepted: bool,
               expected: tuple[list[str], list[tuple]] | None) -> None:
    response = scratch.http(query, {name: value})
    if not accepted:
        assert response.status_code == 422, response.text
        assert response.json()["parameter"] == name
        return
    assert response.status_code == 200, response.text
    answer = _canonical(ox.parse_query_results(response.content, ox.QueryResultsFormat.JSON))
    assert answer == expected


def sample_for(scratch: Scratch, query: CannedQuery, name: str) -> str:
    """A real entity with answers: the parameter's default, a known sample, or one from the
    query's own answers without the parameter."""
    param = next(p for p in query.parameters if p.name == name)
    if param.default:
        return param.default
    # A known sample, if this query has answers for it (the lokaal actieplan has no figures,
    # for instance); otherwise one of the query's own answers.
    if name in SAMPLES and scratch.answer(query, {name: SAMPLES[name]})[1]:
        return SAMPLES[name]
    variables, rows = scratch.answer(query, {})
    return next(row[variables.index(name)][1:-1] for row in rows if row[variables.index(name)].startswith("<"))


# -- IRI parameters ----------------------------------------------------------------------------

IRI_PARAMS = [(q, p.name) for q, p in PARAMS if p.type.name == "iri"]


def check_iri_term(name: str, value: str, term) -> None:
    if term is None:
        # Refused: the engine's own IRI parser refuses it as well.
        with pytest.raises(ValueError):
            ox.NamedNode(value.strip())
        return
    assert term == ox.NamedNode(value.strip())
    # The characters SPARQL's IRIREF production excludes: none can end or break an IRI.
    assert not re.search(r'[\x00-\x20<>"{}|^`\\]', term.value), "an accepted IRI could end early in SPARQL"


@pytest.mark.slow
@pytest.mark.parametrize("query, name", IRI_PARAMS, ids=lambda x: x.name if isinstance(x, CannedQuery) else x)
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=payloads, http=st.booleans())
def test_hostile_iri_renames_a_real_entity_and_nothing_else(scratch, query, name, payload, http):
    real = sample_for(scratch, query, name)
    baseline = scratch.answer(query, {name: real})
    assert baseline[1], f"{query.name}: the sample {real} has no answers, so the property would be empty"
    value = real + payload
    term = bind_or_refusal(query, name, value)
    check_iri_term(name, value, term)
    if term is None:
        if http:
            check_http(scratch, query, name, value, False, None)
        return
    hostile_iri = term.value
    assume(hostile_iri != real and not scratch.mentions(hostile_iri))
    expected = (baseline[0], sorted(tuple(c.replace(f"<{real}>", f"<{hostile_iri}>") for c in row)
                                    for row in baseline[1]))
    scratch.rename(real, hostile_iri)
    try:
        assert scratch.answer(query, {name: value}) == expected
        if http:
            check_http(scratch, query, name, value, True, expected)
    finally:
        scratch.rename(hostile_iri, real)


@pytest.mark.slow
@pytest.mark.parametrize("query, name", IRI_PARAMS, ids=lambda x: x.name if isinstance(x, CannedQuery) else x)
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=payloads)
def test_hostile_iri_that_names_nothing_answers_like_a_plain_one(scratch, query, name, payload):
    plain = NO_MATCH_IRI + "niets"
    value = NO_MATCH_IRI + payload
    term = bind_or_refusal(query, name, value)
    check_iri_term(name, value, term)
    if term is None:
        return
    variables, rows = scratch.answer(query, {name: plain})
    expected = (variables, sorted(tuple(c.replace(f"<{plain}>", f"<{term.value}>") for c in row) for row in rows))
    assert scratch.answer(query, {name: value}) == expected


# -- string parameters ---------------------------------------------------------------------------

STRING_PARAMS = [(q, p.name) for q, p in PARAMS if p.type.name == "string"]
# Which projected variable holds the entity each string query finds.
FOUND_VARIABLE = {"search": "entity", "concept": "concept"}


def test_string_queries_are_known():
    assert {q.name for q, _ in STRING_PARAMS} == set(FOUND_VARIABLE)


@pytest.mark.slow
@pytest.mark.parametrize("query, name", STRING_PARAMS, ids=lambda x: x.name if isinstance(x, CannedQuery) else x)
@settings(max_examples=MAX_EXAMPLES * 2, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=hostile, http=st.booleans())
def test_hostile_text_finds_exactly_the_entity_labelled_with_it(scratch, query, name, payload, http):
    value = MARKER + payload
    term = bind_or_refusal(query, name, value)
    assert (term is None) == ("\x00" in value), "any text without NUL is a valid string"
    if term is None:
        if http:
            check_http(scratch, query, name, value, False, None)
        return
    assert term == ox.Literal(value.strip())
    planted = scratch.plant_concept(term.value)
    try:
        variables, rows = scratch.answer(query, {name: value})
        found = {row[variables.index(FOUND_VARIABLE[query.name])] for row in rows}
        assert found == {str(planted)}
        echoed = {row[variables.index(name)] for row in rows}
        assert echoed == {str(term)}, "the text comes back exactly as given"
        if http:
            check_http(scratch, query, name, value, True, (variables, rows))
    finally:
        scratch.unplant()


@pytest.mark.slow
@pytest.mark.parametrize("query, name", STRING_PARAMS, ids=lambda x: x.name if isinstance(x, CannedQuery) else x)
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=hostile)
def test_hostile_text_that_matches_nothing_finds_nothing(scratch, query, name, payload):
    assume("\x00" not in payload)
    variables, rows = scratch.answer(query, {name: MARKER + payload})
    assert (variables, rows) == (scratch.answer(query, {name: MARKER})[0], [])


# -- date parameters -----------------------------------------------------------------------------

DATE_PARAMS = [(q, p.name) for q, p in PARAMS if p.type.name == "date"]
whitespace = st.sampled_from(["", " ", "\n", "\t", " \r\n"])


@pytest.mark.parametrize("query, name", DATE_PARAMS, ids=lambda x: x.name if isinstance(x, CannedQuery) else x)
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(day=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
       before=whitespace, after=st.one_of(whitespace, hostile), http=st.booleans())
def test_date_is_a_calendar_date_or_refused(scratch, query, name, day, before, after, http):
    value = before + day.isoformat() + after
    term = bind_or_refusal(query, name, value)
    if term is None:
        assert value.strip() != day.isoformat()
        if http:
            check_http(scratch, query, name, value, False, None)
        return
    assert term == ox.Literal(day.isoformat(), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
    expected = scratch.answer(query, {name: day.isoformat()})
    assert scratch.answer(query, {name: value}) == expected
    if http:
        check_http(scratch, query, name, value, True, expected)


@pytest.mark.parametrize("query, name", DATE_PARAMS, ids=lambda x: x.name if isinstance(x, CannedQuery) else x)
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=hostile)
def test_hostile_text_is_no_date(query, name, payload):
    assume(not re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", payload) and payload.strip())
    assert bind_or_refusal(query, name, payload) is None
