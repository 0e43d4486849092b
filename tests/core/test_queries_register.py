"""The canned queries tasks-per-law, who-delivers, entity-mentions and team-composition answer
correctly on the shipped data. Expected values are read from the texts (pinned) or derived
from the graph with rdflib, independently of the SPARQL under test."""

from __future__ import annotations

from decimal import Decimal

from rdflib import RDF, URIRef
from rdflib.namespace import ORG
from beleidsgraaf.namespaces import BG, ID


def bg(name):
    return URIRef(BG + name)


def test_tasks_per_law_wmo(run_query, shipped_graph):
    law = ID + "wet/wmo-2015"
    rows = run_query("tasks-per-law", law=law)
    assert all(r["law"] == law for r in rows)
    expected = {str(t) for t in shipped_graph.subjects(bg("imposedBy"), URIRef(law))
                if (t, RDF.type, bg("StatutoryTask")) in shipped_graph}
    assert {r["task"] for r in rows} == expected
    assert {f"{ID}taak/wmo-2015/{n}" for n in range(1, 10)} <= expected
    hulpmiddelen = [r for r in rows if r["task"] == ID + "taak/wmo-2015/3"]
    assert {(r["provision"], r["fundingMode"]) for r in hulpmiddelen} == {
        (ID + "voorziening/hulpmiddelen-wmo", BG + "fin-regionaal-ingekocht")}
    bw_mo = {r["deliverer"] for r in rows if r["task"] == ID + "taak/wmo-2015/7"}
    assert bw_mo == {ID + "organisatie/gemeente-deventer"}


def test_tasks_per_law_wgs(run_query):
    rows = run_query("tasks-per-law", law=ID + "wet/wgs")
    helping = [r for r in rows if r["task"] == ID + "taak/wgs/1"]
    assert {r["provision"].rsplit("/", 1)[-1] for r in helping} == {
        "schuldhulpverlening", "toegang-schuldhulpverlening", "schulddienstverlening-ondernemers"}
    assert {r["deliverer"].rsplit("/", 1)[-1] for r in helping} == {
        "stadsbank-oost-nederland", "budgetadviescentrum-bel", "roz"}
    assert {r["taskNotation"] for r in rows} == {"1", "2"}


def test_who_delivers_one_provision(run_query):
    rows = run_query("who-delivers", provision=ID + "voorziening/schuldhulpverlening")
    assert rows and all(r["provision"] == ID + "voorziening/schuldhulpverlening" for r in rows)
    assert {(r["deliverer"], r["law"], r["lawVia"]) for r in rows} == {
        (ID + "organisatie/stadsbank-oost-nederland", ID + "wet/wgs", "wettelijke taak")}
    bbz = run_query("who-delivers", provision=ID + "voorziening/bbz")
    assert {(r["deliverer"], r["law"], r["lawVia"]) for r in bbz} == {
        (ID + "organisatie/roz", ID + "wet/bbz", "grondslag")}
    dienstverlening = run_query("who-delivers", provision=ID + "voorziening/dienstverlening-wmo")
    assert {r["fundingModeLabel"] for r in dienstverlening} == {"lokaal ingekocht"}


def test_who_delivers_all_provisions(run_query, shipped_graph):
    rows = run_query("who-delivers")
    assert {r["provision"] for r in rows} == {str(p) for p in shipped_graph.subjects(RDF.type, bg("Provision"))}


def test_entity_mentions_het_baken(run_query, shipped_graph):
    entity = ID + "organisatie/het-baken"
    rows = run_query("entity-mentions", entity=entity)
    assert all(r["entity"] == entity for r in rows)
    found = {(r["subject"], r["property"]) for r in rows}
    expected = {(str(s), str(p)) for s, p in shipped_graph.subject_predicates(URIRef(entity))
                if p not in (RDF.type, URIRef("http://purl.org/dc/terms/source")) and str(s) != entity}
    assert found == expected
    assert (ID + "voorziening/werk-en-inkomen-het-baken", BG + "deliveredBy") in found
    assert (ID + "functie/leerplichtambtenaar", "http://www.w3.org/ns/org#postIn") in found
    assert (ID + "doel/beleidskader-sociaal-domein-2014/kader-3", BG + "mentions") in found
    for r in rows:  # each quote is one of the referring thing's own quotes
        quotes = {str(q) for q in shipped_graph.objects(URIRef(r["subject"]), bg("quote"))}
        assert (r["quote"] in quotes) if quotes else r["quote"] is None


def test_entity_mentions_law_and_post(run_query):
    wgs = {(r["subject"], r["property"]) for r in run_query("entity-mentions", entity=ID + "wet/wgs")}
    assert (ID + "taak/wgs/1", BG + "imposedBy") in wgs
    assert (ID + "voorziening/budgetadviescentrum-bel", BG + "legalBasis") in wgs
    teamleider = run_query("entity-mentions", entity=ID + "functie/teamleider-gebiedsteams")
    initiated = {r["subject"] for r in teamleider if r["property"] == BG + "initiator"}
    assert {ID + "actie/startnotitie-gebiedsteams-lochem/6.8.1",
            ID + "actie/startnotitie-gebiedsteams-lochem/6.10.1"} <= initiated
    assert all(r["document"] == ID + "document/startnotitie-gebiedsteams-lochem" for r in teamleider)


def posts_below(graph, team):
    units, todo = {team}, [team]
    while todo:
        for sub in graph.subjects(ORG.subOrganizationOf, todo.pop()):
            if sub not in units:
                units.add(sub)
                todo.append(sub)
    return {str(p) for u in units for p in graph.subjects(ORG.postIn, u) if (p, RDF.type, ORG.Post) in graph}


def test_team_composition_default(run_query, shipped_graph):
    team = ID + "organisatie/gebiedsteams-lochem"
    rows = run_query("team-composition")
    assert all(r["team"] == team for r in rows)
    assert {r["post"] for r in rows} == posts_below(shipped_graph, URIRef(team))
    mee = [r for r in rows if r["post"] == ID + "functie/gebiedsteam-oost-mee-consulent"]
    assert len(mee) == 1 and Decimal(mee[0]["hoursPerWeek"]) == 48
    assert mee[0]["deliverer"] == ID + "organisatie/mee"
    assert mee[0]["unit"] == ID + "organisatie/gebiedsteam-oost"


def test_team_composition_west(run_query):
    rows = run_query("team-composition", team=ID + "organisatie/gebiedsteam-west")
    assert len({r["post"] for r in rows}) == 6
    hours = {r["postLabel"]: Decimal(r["hoursPerWeek"]) for r in rows if r["hoursPerWeek"]}
    assert hours == {"MEE-consulent (Sociaal Team West)": 12, "Ouderenadviseur (Sociaal Team West)": 16}
