"""Store backends behind one interface: the same queries give the same answers on
Oxigraph, rdflib and a real Virtuoso; parameters reach a remote endpoint as one VALUES
block of escaped terms; `build --target` replaces the endpoint's graphs safely."""

from __future__ import annotations

import functools

import pyoxigraph as ox
import pytest

from beleidsgraaf.namespaces import BG, ID
from tests.support.backend_compare import answer, describe_difference
from beleidsgraaf.backends import open_store
from beleidsgraaf.backends.oxigraph_store import Store
from beleidsgraaf.backends.values import bind_values, has_dataset_clause
from beleidsgraaf.search_index import SearchIndex
from beleidsgraaf.settings import current_settings
from beleidsgraaf.errors import QueryError, StoreUnavailable
from beleidsgraaf.queries import MAX_PAGE_SIZE, Registry

CFG = current_settings()
CANNED = list(Registry.from_directory(CFG.queries_dir))
INTERNAL = list(Registry.from_directory(CFG.queries_dir / "internal"))
GOAL_1 = ID + "doel/regiovisie-bw-mo-2024-2026/doelstelling-1"

# Values for parameters without a default (and for internal queries, which have none).
REQUIRED_EXAMPLES = {
    "search": {"text": "zelfstandig"},
    "class-members": {"class": BG + "Goal"},
    "document-timeline": {"document": ID + "document/lokaal-actieplan-mo-bw-lochem-2018-2019"},
    "document-tree": {"document": ID + "document/regiovisie-bw-mo-2024-2026"},
    "entity-description": {"entity": GOAL_1},
    "entity-incoming": {"entity": GOAL_1},
    "entity-outgoing": {"entity": GOAL_1},
    "entity-ancestors": {"entity": ID + "actie/regiovisie-bw-mo-2024-2026/1.1"},
    "search-index-entries": {"graph": CFG.graph_ns + "regiovisie-bw-mo-2024-2026"},
    "search-index-references": {"graph": CFG.graph_ns + "regiovisie-bw-mo-2024-2026"},
}
# Optional parameters given a value, so binding is exercised where a filter tests them.
OPTIONAL_EXAMPLES = [
    ("actions-by-deadline", {"status": BG + "status-doorlopend", "until": "2019-01-01"}),
    ("actions-per-theme", {"document": ID + "document/startnotitie-gebiedsteams-lochem"}),
    ("workload-per-post", {"document": ID + "document/lokaal-actieplan-mo-bw-lochem-2018-2019"}),
    ("open-actions", {"before": "2018-07-01"}),
    ("indicators-per-goal", {"goal": GOAL_1}),
    ("search", {"text": "wonen"}),
]
CASES = ([(q, REQUIRED_EXAMPLES.get(q.name, {})) for q in CANNED + INTERNAL]
         + [(next(q for q in CANNED if q.name == name), values) for name, values in OPTIONAL_EXAMPLES])
CASE_IDS = [q.name + ("+" + "+".join(v) if i >= len(CANNED) + len(INTERNAL) else "")
            for i, (q, v) in enumerate(CASES)]
CASES_WITH_IDS = [(case_id, q, v) for case_id, (q, v) in zip(CASE_IDS, CASES)]

# Engine bugs, each reproduced by hand against Oxigraph's answer. strict: when an engine
# is fixed the test fails, and the entry goes.
KNOWN_ENGINE_BUGS = {
    ("virtuoso", "actions-by-deadline+status+until"): "Virtuoso 7.2 takes COALESCE(STR(?unbound) <= \"...\", false) "
                                                      "for true: actions without a deadline pass (18 rows, not 4)",
    ("virtuoso", "team-composition"): "Virtuoso 7.2 returns no rows for `?u org:subOrganizationOf* ?t` joined "
                                      "with another pattern and an OPTIONAL holding a FILTER",
    ("virtuoso", "ontology-terms"): "Virtuoso 7.2 misses members of `rdfs:range/(owl:unionOf/rdf:rest*/"
                                    "rdf:first)?` (86 rows instead of 88)",
}
# Queries an engine refuses to run at all (strict in the same way).
ENGINE_REFUSALS = {
    ("virtuoso", "actions-per-strand"): "Virtuoso 7.2 refuses a transitive path with neither end bound inside "
                                        "FILTER EXISTS ('transitive start not given'), which the paged query "
                                        "uses to pick strands that have actions",
}
SLOW_ENGINE_BUGS = {
    ("rdflib", "goal-tree"): "rdflib 7.x answers 43391 rows instead of 59, in about a minute: an aggregate "
                             "sub-SELECT inside OPTIONAL, joined with further patterns, loses the outer "
                             "binding; not run, to keep the suite fast",
}


# -- binding parameters as VALUES ---------------------------------------------------------


def _oxigraph_answer(store, query, values):
    return answer(_run_whole(store, query, values), query.sparql)


def _prepare_whole(query, values):
    """The query's text and bindings; a paged query as one page holding everything, since
    its pages follow each store's own order. A search query gets the shipped data's index
    matches (every backend holds the same data)."""
    return query.prepare({**values, "limit": str(MAX_PAGE_SIZE)} if query.pagination else values,
                         finder=_shipped_index().find)


@functools.lru_cache(maxsize=1)
def _shipped_index():
    return SearchIndex.temporary(Store.shipped())


def _run_whole(store, query, values):
    sparql, substitutions = _prepare_whole(query, values)
    return store.query(sparql, substitutions=substitutions)


@pytest.mark.slow
@pytest.mark.parametrize("query,values", CASES, ids=CASE_IDS)
def test_values_binding_answers_as_oxigraph_substitution(query, values, shipped_store):
    """The VALUES rewrite, run by Oxigraph itself, answers exactly as Oxigraph's own
    substitution: the placement of the block keeps every query's meaning."""
    sparql, bound = _prepare_whole(query, values)
    unset = {p.name: None for p in query.variable_parameters if p.name not in bound}  # UNDEF
    rewritten = bind_values(sparql, {**bound, **unset})
    expected = _oxigraph_answer(shipped_store, query, values)
    got = answer(shipped_store.query(rewritten), query.sparql)
    assert got == expected, describe_difference(expected, got)


def test_block_opens_the_top_level_where_group_not_the_end_of_the_query():
    sparql = ('SELECT ?x ?p WHERE { ?x ?y ?z FILTER(COALESCE(STR(?p), "") = "" || ?y = ?p) } '
              'ORDER BY ?x')
    rewritten = bind_values(sparql, {"p": ox.NamedNode("urn:p")})
    assert rewritten.startswith("SELECT ?x ?p WHERE { VALUES (?p) { (<urn:p>) } ?x ?y ?z")
    assert rewritten.endswith("ORDER BY ?x")


@pytest.mark.parametrize("hostile", [
    'a"b', "x'y", 'end" } ; DROP ALL ; #', "}", "{ ?s ?p ?o }", ">", "<urn:x>", "line\nbreak", "cr\rreturn",
    'back\\slash"', '"""triple"""', "tab\there", "?p", "#comment", "emoji 🏠 en ë",
])
def test_hostile_string_stays_one_literal(hostile, shipped_store):
    sparql = "SELECT ?text ?n WHERE { BIND(STRLEN(?text) AS ?n) }"
    rewritten = bind_values(sparql, {"text": ox.Literal(hostile)})
    rows = list(shipped_store.query(rewritten))
    assert len(rows) == 1
    assert rows[0]["text"] == ox.Literal(hostile)
    assert int(rows[0]["n"].value) == len(hostile)


def test_only_terms_can_be_bound():
    with pytest.raises(QueryError, match="only IRIs and literals"):
        bind_values("SELECT ?x WHERE { ?x ?p ?o }", {"x": "https://example.org/x> } #"})
    with pytest.raises(QueryError, match="only IRIs and literals"):
        bind_values("SELECT ?x WHERE { ?x ?p ?o }", {"x": ox.BlankNode("b")})
    with pytest.raises(QueryError, match="not a SPARQL variable"):
        bind_values("SELECT ?x WHERE { ?x ?p ?o }", {"x) } #": ox.Literal("v")})


def test_braces_and_keywords_in_strings_comments_and_iris_are_not_structure():
    sparql = ('PREFIX e: <urn:where{select}> # SELECT { WHERE {\n'
              'SELECT ?v ("} WHERE {" AS ?s) WHERE { ?v ?p "{ SELECT ?v WHERE {" }')
    rewritten = bind_values(sparql, {"v": ox.NamedNode("urn:v")})
    assert rewritten.count("VALUES") == 1
    assert 'WHERE { VALUES (?v) { (<urn:v>) } ?v ?p "{ SELECT' in rewritten


def test_sub_select_gets_the_block_only_when_it_projects_the_variable():
    sparql = ("SELECT ?v ?n WHERE { { SELECT ?v (COUNT(*) AS ?n) WHERE { ?v ?p ?o } GROUP BY ?v } "
              "{ SELECT ?w WHERE { ?w ?q ?v } } }")
    rewritten = bind_values(sparql, {"v": ox.NamedNode("urn:v")})
    assert rewritten.count("VALUES (?v)") == 2
    assert "SELECT ?w WHERE { ?w ?q ?v }" in rewritten  # its ?v is its own


def test_group_that_is_a_bare_sub_select_keeps_valid_syntax(shipped_store):
    sparql = "SELECT ?x WHERE { SELECT ?x WHERE { BIND(?x AS ?y) } }"
    rewritten = bind_values(sparql, {"x": ox.Literal("v")})
    assert [row["x"] for row in shipped_store.query(rewritten)] == [ox.Literal("v")]


def test_construct_binds_in_its_where_group_and_refuses_the_short_form():
    rewritten = bind_values("CONSTRUCT { ?e ?p ?o } WHERE { ?e ?p ?o }", {"e": ox.NamedNode("urn:e")})
    assert rewritten == "CONSTRUCT { ?e ?p ?o } WHERE { VALUES (?e) { (<urn:e>) } ?e ?p ?o }"
    with pytest.raises(QueryError, match="short form"):
        bind_values("CONSTRUCT WHERE { ?e ?p ?o }", {"e": ox.NamedNode("urn:e")})


def test_dataset_clause_is_recognised_after_a_construct_template():
    assert has_dataset_clause("CONSTRUCT { ?s ?p ?o } FROM <urn:g> WHERE { ?s ?p ?o }")
    assert has_dataset_clause("SELECT * FROM NAMED <urn:g> WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert not has_dataset_clause('SELECT * WHERE { ?s ?p "FROM" } # FROM <urn:x>')


# -- one suite, every backend ---------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("case_id,query,values", CASES_WITH_IDS, ids=CASE_IDS)
def test_query_answers_as_on_oxigraph(backend, case_id, query, values, shipped_store):
    name, store = backend
    if (name, case_id) in SLOW_ENGINE_BUGS:
        pytest.xfail(SLOW_ENGINE_BUGS[(name, case_id)])
    expected = _oxigraph_answer(shipped_store, query, values)
    if (name, case_id) in ENGINE_REFUSALS:
        with pytest.raises(QueryError, match="transitive start not given"):
            _run_whole(store, query, values)
        pytest.xfail(ENGINE_REFUSALS[(name, case_id)])
    got = answer(_run_whole(store, query, values), query.sparql)
    if (name, case_id) in KNOWN_ENGINE_BUGS:
        assert got != expected, f"{name} now answers {case_id} correctly: drop it from KNOWN_ENGINE_BUGS"
        pytest.xfail(KNOWN_ENGINE_BUGS[(name, case_id)])
    assert got == expected, describe_difference(expected, got)


def test_every_backend_holds_the_same_graphs_and_quads(backend, shipped_store):
    _, store = backend
    assert store.named_graphs() == shipped_store.named_graphs()
    assert len(store) == len(shipped_store)
    ontology = CFG.graph_ns + "ontology"
    assert answer(_triples(store.quads(ontology))) == answer(_triples(shipped_store.quads(ontology)))


def _triples(quads):
    from beleidsgraaf.results import Triples

    return Triples(q.triple for q in quads)


def test_protocol_dataset_is_honoured(backend, shipped_store):
    _, store = backend
    register = CFG.graph_ns + "register"
    sparql = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    expected = answer(shipped_store.query(sparql, default_graph_uris=[register]))
    assert answer(store.query(sparql, default_graph_uris=[register])) == expected
    named = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert answer(store.query(named, named_graph_uris=[register])) == \
        answer(shipped_store.query(named, named_graph_uris=[register]))


def test_the_querys_own_from_applies_and_is_never_fetched(backend):
    _, store = backend
    count = "SELECT (COUNT(*) AS ?n) FROM <{}> WHERE {{ ?s ?p ?o }}"
    register = [r["n"].value for r in store.query(count.format(CFG.graph_ns + "register"))]
    assert register == [str(sum(1 for _ in store.quads(CFG.graph_ns + "register")))]
    # Not held here: an empty graph, not a download (nothing listens on the discard port).
    assert [r["n"].value for r in store.query(count.format("http://127.0.0.1:9/elsewhere"))] == ["0"]


def test_bad_graph_iri_is_the_callers_error(backend):
    _, store = backend
    with pytest.raises(QueryError, match="default-graph-uri 'not an iri' is not an absolute IRI"):
        store.query("ASK { ?s ?p ?o }", default_graph_uris=["not an iri"])
    with pytest.raises(QueryError, match="named-graph-uri 'x y' is not an absolute IRI"):
        store.query("ASK { ?s ?p ?o }", named_graph_uris=["x y"])


def test_malformed_query_gives_the_same_error_everywhere(backend, shipped_store):
    _, store = backend
    with pytest.raises(QueryError) as reference:
        shipped_store.query("SELECT ?x WHERE { ?x ?p }")
    with pytest.raises(QueryError) as got:
        store.query("SELECT ?x WHERE { ?x ?p }")
    assert str(got.value) == str(reference.value)


def test_select_star_has_oxigraph_column_order(backend, shipped_store):
    _, store = backend
    sparql = "SELECT * WHERE { ?s a ?type ; ?p ?o } LIMIT 1"
    assert [v.value for v in store.query(sparql).variables] == [v.value for v in shipped_store.query(sparql).variables]


# -- the remote backend against Virtuoso -----------------------------------------------------


def test_hostile_parameter_values_reach_virtuoso_as_one_term(virtuoso_store):
    echo = "SELECT ?text (STRLEN(?text) AS ?n) WHERE { ?s ?p ?o } LIMIT 1"
    for hostile in ['") } SELECT * WHERE { ?s ?p ?o } #', "a\nb } ", "'; DROP ALL", 'x" > <urn:y'] :
        rows = list(virtuoso_store.query(echo, substitutions={"text": ox.Literal(hostile)}))
        assert [row["text"] for row in rows] == [ox.Literal(hostile)]
        assert int(rows[0]["n"].value) == len(hostile)


@pytest.mark.parametrize("text", [
    "INSERT DATA { GRAPH <https://w3id.org/beleidsgraaf/graph/register> { <urn:a> <urn:b> <urn:c> } }",
    "define input:grab-all \"yes\" SELECT * WHERE { ?s ?p ?o }",
    "CLEAR ALL",
])
def test_remote_never_sends_updates_or_extensions_as_queries(text, virtuoso_store, shipped_store):
    with pytest.raises(QueryError):
        virtuoso_store.query(text)
    assert len(virtuoso_store) == len(shipped_store)


def test_unreachable_endpoint_is_a_clear_error():
    store = open_store("http://127.0.0.1:9/sparql")  # the discard port: nothing listens
    with pytest.raises(StoreUnavailable, match="cannot reach the SPARQL endpoint http://127.0.0.1:9/sparql"):
        store.named_graphs()


def test_open_store_names_a_missing_folder():
    with pytest.raises(StoreUnavailable, match="no store there"):
        open_store("/nonexistent/store")


@pytest.mark.slow
def test_build_target_replaces_graphs_drops_stale_ones_and_leaves_no_staging(virtuoso, virtuoso_store,
                                                                            shipped_store, monkeypatch, capsys):
    from beleidsgraaf.backends.endpoint import Endpoint
    from beleidsgraaf.cli import main
    from beleidsgraaf.settings import load_settings

    for key, value in virtuoso.loader_environment().items():
        monkeypatch.setenv(key, value)
    endpoint = Endpoint.from_settings(virtuoso.query_url, load_settings(virtuoso.loader_environment()))
    stale = CFG.graph_ns + "a-document-no-longer-shipped"
    endpoint.put_graph(stale, b"<urn:a> <urn:b> <urn:c> .\n")
    endpoint.put_graph(CFG.graph_ns + "register", b"<urn:only> <urn:this> <urn:triple> .\n")
    assert main(["build", "--target", virtuoso.query_url, "--skip-validation"]) == 0
    assert "dropped 1 graphs no longer shipped" in capsys.readouterr().err
    virtuoso_store.refresh()
    assert virtuoso_store.named_graphs() == shipped_store.named_graphs()
    assert len(virtuoso_store) == len(shipped_store)
    assert virtuoso_store.graphs_under(CFG.base + "staging/") == []


@pytest.mark.slow
def test_build_target_without_credentials_changes_nothing(virtuoso, virtuoso_store, shipped_store,
                                                          monkeypatch, capsys):
    from beleidsgraaf.cli import main

    for key, value in virtuoso.loader_environment().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("BELEIDSGRAAF_REMOTE_USER")
    assert main(["build", "--target", virtuoso.query_url, "--skip-validation"]) == 2
    assert "BELEIDSGRAAF_REMOTE_USER" in capsys.readouterr().err
    assert len(virtuoso_store) == len(shipped_store)


def test_build_target_must_be_a_url(capsys):
    from beleidsgraaf.cli import main

    assert main(["build", "--target", "build/elsewhere"]) == 2
    assert "http(s) URL of a SPARQL endpoint" in capsys.readouterr().err


# -- rdflib's engine ------------------------------------------------------------------------


def test_rdflib_fixes_are_still_needed():
    """If rdflib fixes either bug, its fix in rdflib_fixes can go."""
    from rdflib import Graph

    from beleidsgraaf.backends import rdflib_fixes

    query = ("PREFIX e: <urn:e:> SELECT ?s (GROUP_CONCAT(DISTINCT ?l) AS ?ls) "
             "WHERE { ?s e:p ?o OPTIONAL { ?s e:label ?l } } GROUP BY ?s ORDER BY STR(?l)")
    graph = Graph().parse(data="<urn:e:a> <urn:e:p> 1 . <urn:e:b> <urn:e:p> 2 .", format="turtle")
    patched = (rdflib_fixes.aggregates.Accumulator.use_row, rdflib_fixes.evaluate.evalOrderBy)
    try:
        rdflib_fixes.aggregates.Accumulator.use_row = rdflib_fixes.ORIGINAL_USE_ROW
        with pytest.raises(Exception):
            list(graph.query(query.replace(" ORDER BY STR(?l)", "")))
        rdflib_fixes.evaluate.evalOrderBy = rdflib_fixes.ORIGINAL_ORDER_BY
        with pytest.raises(TypeError):
            list(graph.query("PREFIX e: <urn:e:> SELECT ?s WHERE { ?s e:p ?o OPTIONAL { ?s e:label ?l } } "
                             "ORDER BY STR(?l)"))
    finally:
        rdflib_fixes.aggregates.Accumulator.use_row, rdflib_fixes.evaluate.evalOrderBy = patched
    rdflib_fixes.apply()
    assert len(list(graph.query(query))) == 2
