"""Canned queries for the data depth of issue 15: actions per role, actions a category of
organisations takes part in, target groups and their actions, figures per goal and per
subject, ongoing and completed actions. Each expected answer is computed independently with
rdflib over the shipped graph (plain triple walks, no SPARQL), then compared with the query."""

from __future__ import annotations

import pytest

from decimal import Decimal

from rdflib import RDF, URIRef
from beleidsgraaf.namespaces import BG, ID, ORG, QUDT

REGIOVISIE = ID + "document/regiovisie-bw-mo-2024-2026"


def bg(name):
    return URIRef(BG + name)


def is_a(g, thing, cls):
    return (thing, RDF.type, URIRef(cls)) in g


def strands_above(g, action):
    """Every strand an action sits under (bg:partOfStrand, transitively)."""
    seen, todo = set(), list(g.objects(action, bg("partOfStrand")))
    while todo:
        strand = todo.pop()
        if strand not in seen:
            seen.add(strand)
            todo.extend(g.objects(strand, bg("partOfStrand")))
    return seen


def actions(g):
    return set(g.subjects(RDF.type, bg("Action")))


# -- actions per role ----------------------------------------------------------------------

def expected_actions_per_role(g, role):
    found = set()
    for action in actions(g):
        if any((action, bg(p), role) in g for p in ("involvesRole", "performedBy", "addressedTo")):
            found.add(action)
        elif any((s, bg("involvesRole"), role) in g for s in strands_above(g, action)):
            found.add(action)
    return {str(a) for a in found}


def test_actions_per_role_ervaringsdeskundige(run_query, shipped_graph):
    role = ID + "rol/ervaringsdeskundige"
    rows = run_query("actions-per-role", role=role)
    assert {r["role"] for r in rows} == {role}
    assert {r["action"] for r in rows} == expected_actions_per_role(shipped_graph, URIRef(role))
    # Read from the text: the inloop section (1.5) and the uitstroom section (4.8) count on them.
    assert {ID + "actie/regiovisie-bw-mo-2024-2026/1.5", ID + "actie/regiovisie-bw-mo-2024-2026/4.8"} <= \
        {r["action"] for r in rows}
    assert all(r["roleLabel"] == "ervaringsdeskundige" for r in rows)


@pytest.mark.slow
def test_actions_per_role_without_a_role_covers_every_role_with_actions(run_query, shipped_graph):
    rows = run_query("actions-per-role")
    roles = {r for r in shipped_graph.subjects(RDF.type, URIRef(ORG + "Role"))
             if expected_actions_per_role(shipped_graph, r)}
    assert {URIRef(r["role"]) for r in rows} == roles
    for role in roles:
        assert {r["action"] for r in rows if r["role"] == str(role)} == expected_actions_per_role(shipped_graph, role)


# -- actions with a category of organisations -----------------------------------------------

def members_of_category(g, category):
    found, todo = {category}, [category]
    while todo:
        current = todo.pop()
        for member in g.subjects(bg("inCategory"), current):
            if member not in found:
                found.add(member)
                todo.append(member)
    return found


def expected_category_actions(g, category):
    members = members_of_category(g, category)
    return {str(a) for a in actions(g)
            for p in ("initiator", "partner", "addressedTo") for o in g.objects(a, bg(p)) if o in members}


def test_actions_where_zorgaanbieders_take_part(run_query, shipped_graph):
    category = ID + "organisatie/categorie/zorgaanbieders"
    rows = run_query("actions-per-organisation-category", category=category)
    assert {r["action"] for r in rows} == expected_category_actions(shipped_graph, URIRef(category))
    # 5.3 addresses zorgaanbieders by name; 4.4 has the aanbieders van beschermd wonen
    # (a sub-category) as partner.
    assert {ID + "actie/regiovisie-bw-mo-2024-2026/5.3", ID + "actie/regiovisie-bw-mo-2024-2026/4.4"} <= \
        {r["action"] for r in rows}
    via_sub = [r for r in rows if r["action"].endswith("/4.4")]
    assert via_sub and via_sub[0]["participant"] == ID + "organisatie/categorie/aanbieders-van-beschermd-wonen"


def test_every_category_with_actions_is_answered(run_query, shipped_graph):
    rows = run_query("actions-per-organisation-category")
    for category in shipped_graph.subjects(RDF.type, bg("OrganisationCategory")):
        got = {r["action"] for r in rows if r["category"] == str(category)}
        assert got == expected_category_actions(shipped_graph, category), category


# -- target groups and their actions --------------------------------------------------------

def expected_target_group_actions(g, group, document):
    found = set()
    for action in actions(g):
        if (action, bg("definedIn"), document) not in g:
            continue
        direct = (action, bg("targetGroup"), group) in g or (action, bg("addressedTo"), group) in g
        if direct or any((s, bg("targetGroup"), group) in g for s in strands_above(g, action)):
            found.add(str(action))
    return found


def test_target_groups_and_actions_of_the_regiovisie(run_all_pages, shipped_graph):
    rows = run_all_pages("target-groups-and-actions", document=REGIOVISIE)
    groups = {URIRef(r["targetGroup"]) for r in rows}
    assert URIRef(ID + "doelgroep/jongvolwassenen-met-lichte-ondersteuningsbehoefte-en-woonbehoefte") in groups
    for group in shipped_graph.subjects(RDF.type, bg("TargetGroup")):
        got = {r["action"] for r in rows if r["targetGroup"] == str(group)}
        assert got == expected_target_group_actions(shipped_graph, group, URIRef(REGIOVISIE)), group


def test_target_groups_and_actions_pages_cover_every_document(run_all_pages, run_query, shipped_graph):
    rows = run_all_pages("target-groups-and-actions", page_size=9)
    pairs = {(r["targetGroup"], r["document"]) for r in rows}
    assert len(run_query("target-groups-and-actions", limit="9")) and len(pairs) > 9
    for group in shipped_graph.subjects(RDF.type, bg("TargetGroup")):
        for document in {d for g, d in pairs if g == str(group)}:
            got = {r["action"] for r in rows if r["targetGroup"] == str(group) and r["document"] == document}
            assert got == expected_target_group_actions(shipped_graph, group, URIRef(document)), (group, document)
    # every target group with an action is on some page
    assert {URIRef(g) for g, _ in pairs} == {g for g in shipped_graph.subjects(RDF.type, bg("TargetGroup"))
                                            if any(expected_target_group_actions(shipped_graph, g, d)
                                                   for d in set(shipped_graph.objects(None, bg("definedIn"))))}


# -- figures ------------------------------------------------------------------------------

def figure_values(g, subjects):
    return {(str(f), Decimal(str(g.value(f, URIRef(QUDT + "numericValue")))))
            for f in g.subjects(RDF.type, bg("Figure")) for s in subjects if (f, bg("figureAbout"), s) in g}


def test_figures_per_goal_with_reference_dates(run_query, shipped_graph):
    g = shipped_graph
    goal = URIRef(ID + "doel/regiovisie-bw-mo-2024-2026/doelstelling-2")
    subjects = {goal} | set(g.objects(goal, bg("hasIndicator")))
    for p in ("servesStated", "servesInferred", "serves"):
        subjects |= set(g.subjects(bg(p), goal))
    rows = run_query("figures-per-goal", goal=str(goal))
    assert {(r["figure"], Decimal(r["value"])) for r in rows} == figure_values(g, subjects)
    # The waiting times of 2021, 2022 and 2024 (footnote 31, indicator 2.1), in date order.
    waits = [(r["referenceDate"], r["value"]) for r in rows
             if r["about"].endswith("indicator/regiovisie-bw-mo-2024-2026/2.1") and r["kindLabel"] == "wachttijd"
             and r["referenceDate"] and r["label"].startswith("Wachttijd beschermd")]
    assert waits == sorted(waits) and [Decimal(v) for _, v in waits] == [Decimal("13.4"), Decimal("8.0")]
    dates = [r["referenceDate"] for r in rows if r["referenceDate"]]
    assert dates == sorted(dates)


def test_figures_per_entity_of_the_regiovisie(run_query, shipped_graph):
    g = shipped_graph
    rows = run_query("figures-per-entity", document=REGIOVISIE)
    expected = {(str(f), str(a)) for f in g.subjects(bg("definedIn"), URIRef(REGIOVISIE)) if is_a(g, f, BG + "Figure")
                for a in g.objects(f, bg("figureAbout"))}
    assert {(r["figure"], r["about"]) for r in rows} == expected
    baseline = [r for r in rows if r["figure"].endswith("/clienten-bw-2024-01-01")]
    assert {(r["value"], r["unitLabel"], r["referenceDate"]) for r in baseline} == {("269", "aantal", "2024-01-01")}
    about = run_query("figures-per-entity", about=ID + "organisatie/regio-midden-ijssel")
    assert {r["figure"] for r in about} == {f for f, _ in expected if (URIRef(f), bg("figureAbout"),
                                                                       URIRef(ID + "organisatie/regio-midden-ijssel")) in g}


# -- ongoing and completed actions --------------------------------------------------------

def actions_with_status(g, *statuses):
    return {str(a) for a in actions(g) if any((a, bg("status"), bg(s)) in g for s in statuses)
            and (a, bg("definedIn"), None) in g}


def test_ongoing_actions_are_one_query(run_all_pages, shipped_graph):
    rows = run_all_pages("ongoing-actions")
    assert {r["action"] for r in rows} == actions_with_status(shipped_graph, "status-doorlopend", "status-lopend")
    assert ID + "actie/regiovisie-bw-mo-2024-2026/M.1" in {r["action"] for r in rows}


def test_ongoing_and_completed_actions_are_paged_by_action(run_query):
    for name in ("ongoing-actions", "completed-actions"):
        page = run_query(name, limit="5")
        assert len({r["action"] for r in page}) == 5, name
        # within a page, rows are sorted by document and notation
        keys = [(r["document"], len(r["notation"] or ""), r["notation"] or "") for r in page]
        assert keys == sorted(keys), name


def test_completed_actions_are_one_query(run_all_pages, shipped_graph):
    rows = run_all_pages("completed-actions")
    assert {r["action"] for r in rows} == actions_with_status(shipped_graph, "status-gereed")
    assert rows, "the lokaal actieplan has completed actions"
    only_regiovisie = run_all_pages("completed-actions", document=REGIOVISIE)
    assert {r["action"] for r in only_regiovisie} == {a for a in actions_with_status(shipped_graph, "status-gereed")
                                                       if (URIRef(a), bg("definedIn"), URIRef(REGIOVISIE)) in shipped_graph}
