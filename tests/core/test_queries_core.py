"""The foundation's canned queries answer correctly on the shipped data.

Expected values are either read from the regiovisie text (pinned) or derived from the
graph with rdflib, independently of the SPARQL under test."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import RDF, URIRef
from rdflib.namespace import SKOS
from beleidsgraaf.namespaces import BG, ID
from tests.support.graph_helpers import bg

RV = "regiovisie-bw-mo-2024-2026"
GOAL_1 = f"{ID}doel/{RV}/doelstelling-1"
GOAL_2 = f"{ID}doel/{RV}/doelstelling-2"
ACTIELIJN_1 = f"{ID}actielijn/{RV}/actielijn-1"


def strands_below(graph, strand):
    """The strand and every strand that is (transitively) part of it."""
    found, todo = {strand}, [strand]
    while todo:
        for sub in graph.subjects(bg("partOfStrand"), todo.pop()):
            if sub not in found and (sub, RDF.type, bg("Strand")) in graph:
                found.add(sub)
                todo.append(sub)
    return found


def actions_serving(graph, goal):
    """(action, link) pairs serving the goal directly or through a strand, by rdflib."""
    pairs = set()
    for link in ("Stated", "Inferred"):
        prop = bg("serves" + link)
        for thing in graph.subjects(prop, goal):
            if (thing, RDF.type, bg("Action")) in graph:
                pairs.add((str(thing), link.lower()))
            if (thing, RDF.type, bg("Strand")) in graph:
                for strand in strands_below(graph, thing):
                    for action in graph.subjects(bg("partOfStrand"), strand):
                        if (action, RDF.type, bg("Action")) in graph:
                            pairs.add((str(action), link.lower()))
    return pairs


def test_actions_for_goal_matches_the_graph(run_query, shipped_graph):
    rows = run_query("actions-for-goal", goal=GOAL_1)
    assert rows, "doelstelling 1 of the regiovisie is served by actions"
    assert {(r["action"], r["link"]) for r in rows} == actions_serving(shipped_graph, URIRef(GOAL_1))
    assert all(r["goal"] == GOAL_1 for r in rows)
    assert all(r["actionLabel"] and r["strand"] for r in rows)


def test_actions_for_goal_default_is_doelstelling_1(run_query):
    assert run_query("actions-for-goal") == run_query("actions-for-goal", goal=GOAL_1)


def test_actions_for_unknown_goal_is_empty(run_query):
    assert run_query("actions-for-goal", goal=ID + "doel/bestaat-niet") == []


def test_actions_per_strand_actielijn_1(run_query):
    # Read from the text: six bullets under "Hoe wordt dit zichtbaar?" of actielijn 1.
    rows = run_query("actions-per-strand", strand=ACTIELIJN_1)
    assert sorted(r["notation"] for r in rows) == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"]
    assert {r["strandLabel"] for r in rows} == {"Thuis in je buurt, dorp of stad"}


def test_actions_per_strand_covers_every_action_in_a_strand(run_all_pages, shipped_graph):
    rows = run_all_pages("actions-per-strand")
    in_strand = {str(a) for a in shipped_graph.subjects(RDF.type, bg("Action"))
                 if (a, bg("partOfStrand"), None) in shipped_graph}
    assert {r["action"] for r in rows} == in_strand


def test_indicators_of_doelstelling_1_carry_the_numbers_of_the_text(run_query):
    rows = run_query("indicators-per-goal", goal=GOAL_1)
    assert len(rows) == 2
    baselines = {Decimal(r["baselineValue"]) for r in rows}
    assert baselines == {Decimal(269), Decimal(243)}
    bw = next(r for r in rows if Decimal(r["baselineValue"]) == 269)
    assert bw["baselineDate"] == "2024-01-01" and bw["targetDate"] == "2027-01-01"
    assert all(Decimal(r["targetRelativeChange"]) == Decimal("-0.20") for r in rows)


def test_indicators_of_doelstelling_2(run_query):
    rows = run_query("indicators-per-goal", goal=GOAL_2)
    assert len(rows) == 2
    waiting = next(r for r in rows if r["baselineValue"] is not None)
    assert Decimal(waiting["baselineValue"]) == Decimal("9.2")
    assert Decimal(waiting["targetValue"]) == 3 and waiting["targetComparator"] == "<="
    unknown = next(r for r in rows if r["baselineValue"] is None)
    assert "onbekend" in unknown["baselineNote"]


def test_indicators_without_goal_lists_all(run_query, shipped_graph):
    rows = run_query("indicators-per-goal")
    assert len(rows) == len(set(shipped_graph.subject_objects(bg("hasIndicator"))))


def test_organisations_and_actions_matches_the_graph(run_all_pages, shipped_graph):
    rows = run_all_pages("organisations-and-actions")
    expected = set()
    orgs = set(shipped_graph.subjects(RDF.type, URIRef("http://www.w3.org/ns/org#Organization")))
    post_in = URIRef("http://www.w3.org/ns/org#postIn")
    for prop, role in (("initiator", "initiatiefnemer"), ("partner", "partner"), ("mentions", "genoemd")):
        for action, agent in shipped_graph.subject_objects(bg(prop)):
            if (action, RDF.type, bg("Action")) not in shipped_graph:
                continue
            if agent in orgs:
                expected.add((str(agent), role, str(action)))
            elif prop != "mentions":
                for org in shipped_graph.objects(agent, post_in):
                    expected.add((str(org), role, str(action)))
    assert {(r["organisation"], r["role"], r["action"]) for r in rows} == expected


def test_actions_per_target_group_jongvolwassenen(run_query, shipped_graph):
    young = [tg for tg in shipped_graph.subjects(RDF.type, bg("TargetGroup"))
             if "jongvolwassenen" in str(shipped_graph.value(tg, SKOS.prefLabel)).lower()]
    assert young, "the regiovisie's target group jongvolwassenen is in the register"
    rows = [r for tg in young for r in run_query("actions-per-target-group", targetGroup=str(tg))]
    assert any(r["document"] == f"{ID}document/{RV}" and r["kind"] == "actie" for r in rows)


def test_laws_cited_wmo_2015(run_query):
    rows = run_query("laws-cited", law=f"{ID}wet/wmo-2015")
    assert rows and rows[0]["bwbId"] == "BWBR0035362"
    assert any(r["item"] for r in rows)


def test_actions_by_deadline_sorted_and_filtered(run_query):
    rows = run_query("actions-by-deadline")
    deadlines = [r["deadline"] for r in rows if r["deadline"]]
    assert deadlines == sorted(deadlines)
    until = run_query("actions-by-deadline", until="2019-01-01")
    assert until and all(r["deadline"] <= "2019-01-01" for r in until)
    ongoing = run_query("actions-by-deadline", status=BG + "status-doorlopend")
    assert ongoing and all(r["statusLabel"] == "doorlopend" for r in ongoing)
    assert len(ongoing) < len(rows)


@pytest.mark.parametrize("text", ["zelfstandig", "ZELFSTANDIG", "Zelfstandig"])
def test_search_is_case_insensitive(run_query, text):
    assert GOAL_1 in {r["entity"] for r in run_query("search", text=text)}


def test_search_is_accent_insensitive(run_query):
    plain = {r["entity"] for r in run_query("search", text="clienten")}
    accented = {r["entity"] for r in run_query("search", text="cliënten")}
    assert plain and plain == accented


def test_search_ranks_the_notation_asked_for_first(run_query):
    rows = run_query("search", text="doelstelling 1")
    assert rows[0]["entity"] == GOAL_1
    ranks = [int(r["rank"]) for r in rows]
    assert ranks[0] == 1 and ranks == sorted(ranks)


def test_search_tolerates_a_typo_and_word_order(run_query):
    assert any("dakloosheid" in (r["entityLabel"] or "").lower() for r in run_query("search", text="daklooshied"))
    forward = [r["entity"] for r in run_query("search", text="beschermd wonen", limit="1000")]
    backward = [r["entity"] for r in run_query("search", text="wonen beschermd", limit="1000")]
    assert forward and set(forward) == set(backward)


def test_search_pages_follow_the_ranking(run_query):
    whole = list(dict.fromkeys(r["entity"] for r in run_query("search", text="zorg", limit="12")))
    first = list(dict.fromkeys(r["entity"] for r in run_query("search", text="zorg", limit="6")))
    second = list(dict.fromkeys(r["entity"] for r in run_query("search", text="zorg", limit="6", offset="6")))
    assert len(whole) == 12 and first + second == whole


def test_search_finds_notations(run_query):
    rows = run_query("search", text="1.3")
    assert any(r["entity"].endswith("/1.3") for r in rows)
