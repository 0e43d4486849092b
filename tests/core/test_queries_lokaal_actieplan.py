"""The canned queries added with the Lokaal actieplan MO/BW Lochem 2018-2019 answer correctly
on the shipped data.

Pinned values are read from the source text; other expectations are derived from the graph
with rdflib, independently of the SPARQL under test."""

from __future__ import annotations

import datetime as dt

from rdflib import RDF, URIRef
from rdflib.namespace import DCTERMS, ORG, XSD
from beleidsgraaf.namespaces import BG, ID

SLUG = "lokaal-actieplan-mo-bw-lochem-2018-2019"
DOC = f"{ID}document/{SLUG}"
PVA = f"{ID}actielijn/regionaal-actieplan-mo-bw-2017-2022/"
PL = f"{ID}functie/projectleider-mo-bw-lochem"
CZL = f"{ID}functie/coordinator-zorgloket"


def bg(name):
    return URIRef(BG + name)


def action(notation):
    return f"{ID}actie/{SLUG}/{notation}"


def post_links(graph, prop):
    """(post, action) pairs for bg:initiator or bg:partner, actions and posts only."""
    return {(str(p), str(a)) for a, p in graph.subject_objects(bg(prop))
            if (a, RDF.type, bg("Action")) in graph and (p, RDF.type, ORG.Post) in graph}


# -- actions-for-post ------------------------------------------------------------------------

def test_actions_for_post_default_is_the_projectleider(run_query, shipped_graph):
    rows = run_query("actions-for-post")
    assert rows and all(r["post"] == PL for r in rows)
    assert {r["postLabel"] for r in rows} == {"Projectleider MO/BW Lochem"}
    by_role = {}
    for r in rows:
        by_role.setdefault(r["role"], set()).add(r["thing"])
    expected_init = {a for p, a in post_links(shipped_graph, "initiator") if p == PL}
    expected_partner = {a for p, a in post_links(shipped_graph, "partner") if p == PL}
    assert by_role["initiatiefnemer"] == expected_init
    assert by_role["partner"] == expected_partner
    # Read from the text: the projectleider initiates 1.2 ("Initiatief: projectleider
    # transformatie MO/BW Lochem"), 1.3, 1.4, 18.1; supports 5.14 ("met ondersteuning van");
    # does process watch on items 11 ("Monitoring") and 27 ("Procesbewaking").
    assert {action(n) for n in ("1.2", "1.3", "1.4", "18.1")} <= by_role["initiatiefnemer"]
    assert action("5.14") in by_role["partner"]
    assert {PVA + "pva-11", PVA + "pva-27"} <= by_role["procesbewaking"]
    # items 22 and 32 name the projectleider without process watch
    assert {PVA + "pva-22", PVA + "pva-32"} <= by_role["genoemd"]
    deadline = {r["thing"]: r["deadline"] for r in rows}
    assert deadline[action("1.2")] == "2018-03" and deadline[action("18.1")] == "2018-04"
    status = {r["thing"]: set(filter(None, (r["status"] or "").split(", "))) for r in rows}
    assert status[action("9.1")] == {"gereed"}
    assert status[PVA + "pva-11"] == {"gereed", "monitoren", "doorlopend"}


def test_actions_for_post_coordinator_zorgloket(run_query, shipped_graph):
    rows = run_query("actions-for-post", post=CZL)
    got = {(r["role"], r["thing"]) for r in rows if r["role"] in ("initiatiefnemer", "partner")}
    expected = {("initiatiefnemer", a) for p, a in post_links(shipped_graph, "initiator") if p == CZL} | \
               {("partner", a) for p, a in post_links(shipped_graph, "partner") if p == CZL}
    assert got == expected
    # Read from the text: "Coordinator zorgloket en Coordinator gebiedsteam" own 5.15-5.17;
    # 6.1 is done "Met medewerking van ... Coordinator wmo-zorgloket".
    assert {("initiatiefnemer", action(n)) for n in ("5.15", "5.16", "5.17")} <= got
    assert ("partner", action("6.1")) in got


# -- open-actions ----------------------------------------------------------------------------

def period_end(literal):
    text = str(literal)
    if literal.datatype == XSD.gYear:
        return dt.date(int(text), 12, 31)
    if literal.datatype == XSD.gYearMonth:
        year, month = map(int, text[:7].split("-"))
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    return dt.date.fromisoformat(text[:10])


def expected_open(graph, cutoff):
    pairs = set()
    for prop in ("initiator", "partner"):
        role = "initiatiefnemer" if prop == "initiator" else "partner"
        for post, act in post_links(graph, prop):
            a = URIRef(act)
            if (a, bg("status"), bg("status-gereed")) in graph:
                continue
            for deadline in graph.objects(a, bg("deadline")):
                if period_end(deadline) < cutoff:
                    pairs.add((post, role, act))
    return pairs


def test_open_actions_before_a_date(run_query, shipped_graph):
    rows = run_query("open-actions", before="2018-07-01")
    got = {(r["post"], r["role"], r["action"]) for r in rows}
    assert got == expected_open(shipped_graph, dt.date(2018, 7, 1))
    assert all(r["before"] == "2018-07-01" for r in rows)
    # Read from the text: 03/2018 (1.2), 06/2018 (5.18) are due before July 2018; 08/2018 (8.2)
    # and 12/2018 (3.1) are not; 9.1 is "gereed".
    assert (PL, "initiatiefnemer", action("1.2")) in got
    assert (PL, "initiatiefnemer", action("5.18")) in got
    assert not {a for _, _, a in got} & {action("8.2"), action("3.1"), action("9.1")}
    # a month runs through its last day: on 30 June 2018 the 06/2018 actions are not yet overdue
    june = {(r["post"], r["action"]) for r in run_query("open-actions", before="2018-06-30")}
    assert (PL, action("1.2")) in june and (PL, action("5.18")) not in june


def test_open_actions_default_is_today(run_query, shipped_graph):
    rows = run_query("open-actions")
    got = {(r["post"], r["role"], r["action"]) for r in rows}
    assert got == expected_open(shipped_graph, dt.date.today())
    assert all(r["before"] is None for r in rows)
    # 5.6 is "Eerst doorlopend, gereed uiterlijk 12/2018": ongoing, not done, so open now.
    assert (f"{ID}functie/beleidsstrateeg-wmo", "initiatiefnemer", action("5.6")) in got
    assert not any("gereed" in (r["status"] or "").split(", ") for r in rows)


# -- workload-per-post -----------------------------------------------------------------------

def test_workload_per_post_for_this_document(run_query, shipped_graph):
    rows = run_query("workload-per-post", document=DOC)
    counts = {r["post"]: (int(r["asInitiator"]), int(r["asPartner"]), int(r["total"])) for r in rows}
    mine = {a for a in shipped_graph.subjects(DCTERMS.source, URIRef(DOC))
            if (a, RDF.type, bg("Action")) in shipped_graph}
    init = {}
    part = {}
    for p, a in post_links(shipped_graph, "initiator"):
        if URIRef(a) in mine:
            init.setdefault(p, set()).add(a)
    for p, a in post_links(shipped_graph, "partner"):
        if URIRef(a) in mine:
            part.setdefault(p, set()).add(a)
    expected = {p: (len(init.get(p, ())), len(part.get(p, ())), len(init.get(p, set()) | part.get(p, set())))
                for p in set(init) | set(part)}
    assert counts == expected
    # Read from the text: the projectleider MO/BW Lochem takes the initiative for 14 actions
    # (1.2, 1.3, 1.4, 2.2, 2.3, 3.1, 5.18, 6.5, 8.1, 8.2, 9.1, 9.2, 10.1, 18.1) and supports 4
    # (5.14, 6.2, 6.4, and the procesbewaking of 5.12 since the audit of issue 15).
    assert counts[PL] == (14, 4, 18)
    assert rows[0]["post"] == PL
    assert all(r["document"] == DOC for r in rows)


def test_workload_per_post_counts_per_document(run_query):
    rows = run_query("workload-per-post")  # default: the lokaal actieplan
    assert rows and all(r["document"] == DOC for r in rows)
    assert len({r["post"] for r in rows}) == len(rows)
    totals = [int(r["total"]) for r in rows]
    assert totals == sorted(totals, reverse=True)


# -- actions-per-theme -----------------------------------------------------------------------

def test_actions_per_theme(run_query):
    rows = run_query("actions-per-theme", document=DOC)
    by_label = {r["themeLabel"]: r for r in rows}
    # Read from the text: items 1-4, 5-13, 14-15, 16-32 under the four headings; local actions
    # 1.1-3.1 (8), 5.1-10.1 (35), 14.1-15.1 (3), 16.1-18.1 (3).
    expected = {"Wonen en huisvesting": (4, 8), "Zorginfrastructuur": (9, 35),
                "Activering, dagbesteding, werk en inkomen": (2, 3), "Randvoorwaarden op orde": (17, 3)}
    assert {k: (int(v["parts"]), int(v["actions"])) for k, v in by_label.items()} == expected
    assert sum(int(r["actions"]) for r in rows) == 49
    assert set(by_label["Activering, dagbesteding, werk en inkomen"]["notations"].split()) == {"14.1", "14.2", "15.1"}
    # 12 actions of theme 2 are "Doorlopend" (5.4, 5.6-5.9, 5.12, 5.13, 6.1, 6.9, 6.10, 6.11, 10.1)
    assert int(by_label["Zorginfrastructuur"]["ongoingActions"]) == 12


# -- local-actions-for-regional-item ----------------------------------------------------------

def test_local_actions_for_item_5(run_query):
    rows = run_query("local-actions-for-regional-item", item=PVA + "pva-5")
    assert {r["item"] for r in rows} == {PVA + "pva-5"}
    notations = [r["notation"] for r in rows]
    assert notations == [f"5.{n}" for n in range(1, 19)]
    row = {r["notation"]: r for r in rows}
    assert set(row["5.15"]["initiators"].split("; ")) == {"Coördinator zorgloket", "Coördinator gebiedsteam"}
    assert row["5.15"]["partners"] == "Kwartiermaker Het Baken"
    assert row["5.15"]["deadline"] == "2018-03"
    assert row["5.6"]["subtheme"] == "Zelfregie en het benutten van ervaringsdeskundigheid"
    assert not row["5.1"]["subtheme"]


def test_local_actions_for_all_items(run_query, shipped_graph):
    rows = run_query("local-actions-for-regional-item")
    mine = [r for r in rows if r["item"].startswith(PVA + "pva-")]
    assert {r["itemNotation"] for r in mine} == {str(n) for n in range(1, 33)}
    with_action = {r["action"] for r in mine if r["action"]}
    assert len(with_action) == 49
    # items without a local action are listed with their status: item 4 "Geen actie nodig."
    item4 = [r for r in mine if r["itemNotation"] == "4"]
    assert len(item4) == 1 and item4[0]["action"] is None and item4[0]["itemStatus"] == "geen actie nodig"
    order = [int(r["itemNotation"]) for r in mine]
    assert order == sorted(order)
