"""The Lokaal actieplan maatschappelijke opvang / beschermd wonen (MO/BW) Lochem 2018-2019 is
encoded as read.

Expected notations, initiators, partners, deadlines and statuses below are read from the source
text (data/sources/lokaal-actieplan-mo-bw-lochem-2018-2019.txt), aligning the interleaved
columns "Met wie en wie neemt initiatief" and "Wanneer gereed" with the actions of their row;
the values compared with them are computed from the shipped graph with rdflib."""

from __future__ import annotations

import re
import unicodedata

import pytest
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, SKOS, XSD
from beleidsgraaf.namespaces import BG, ID
from tests.support import ROOT
from tests.support.graph_helpers import bg, iri

SLUG = "lokaal-actieplan-mo-bw-lochem-2018-2019"
PVA = "regionaal-actieplan-mo-bw-2017-2022"
DOC = URIRef(f"{ID}document/{SLUG}")
SOURCE = ROOT / "data" / "sources" / f"{SLUG}.txt"


def action(notation):
    return iri(f"actie/{SLUG}/{notation}")


def item(n):
    return iri(f"actielijn/{PVA}/pva-{n}")


def theme(n):
    return iri(f"actielijn/{PVA}/thema-{n}")


def f(slug):
    return iri(f"functie/{slug}")


def o(slug):
    return iri(f"organisatie/{slug}")


def local_part(uri):
    return re.split(r"[/#]", str(uri))[-1]


def actions_of_document(graph):
    return {a for a in graph.subjects(DCTERMS.source, DOC) if (a, RDF.type, bg("Action")) in graph}


# -- posts and organisations, by slug -------------------------------------------------------
PL = "f:projectleider-mo-bw-lochem"
BOW = "f:beleidsontwikkelaar-wonen"
CZL = "f:coordinator-zorgloket"
CGT = "f:coordinator-gebiedsteam"
BOJ = "f:beleidsontwikkelaar-jeugd"
BOPG = "f:beleidsontwikkelaar-publieke-gezondheid-en-wmo"
BOWMO = "f:beleidsontwikkelaar-wmo"
BOP = "f:beleidsontwikkelaar-participatie"
BSW, BSJ, BSP = "f:beleidsstrateeg-wmo", "f:beleidsstrateeg-jeugd", "f:beleidsstrateeg-participatie"
DSWL = "f:directeur-swl"
AMW = "f:accountmanager-wmo"
KWZ = "f:kwaliteitsmedewerker-wmo-zorgloket"
COM = "f:adviseur-cluster-communicatie"
MHW = "f:medewerker-hulpwijzer"
KMB = "f:kwartiermaker-het-baken"
CCJG = "f:coordinator-cjg"
VIV, IJS = "o:viverion", "o:ijsseldal"
HVL, HBV = "o:huurdersvereniging-lochem", "o:huurdersbelangenvereniging-ijsseldal"
GSZ, BAKEN, SWL = "o:gesubsidieerde-zorgaanbieders-lochem", "o:het-baken", "o:stichting-welzijn-lochem"


def ref(short):
    kind, slug = short.split(":")
    return {"f": f, "o": o, "c": lambda s: o("categorie/" + s)}[kind](slug)


# Read from the text, per action: (initiators, partners, deadline "YYYY-MM" or None, statuses).
# All 49 actions. Generic partners ("woningcorporaties", "zorgaanbieders", ...) are organisation
# categories ("c:", issue 15): the text names them, so the partners must include them.
EXPECTED = {
    # WONEN EN HUISVESTING
    "1.1": ({BOW}, {VIV, IJS}, None, {"gereed"}),
    "1.2": ({PL}, {"o:gemeente-deventer-kennis-en-verkenning"}, "2018-03", set()),
    "1.3": ({PL}, {"o:regionale-toegang-bw-mo-midden-ijssel"}, "2018-04", set()),
    "1.4": ({PL, CGT, CZL}, {VIV, IJS, GSZ, BAKEN}, "2018-05", set()),
    "2.1": ({BOW}, {VIV, IJS, HVL, HBV}, "2018-06", set()),
    "2.2": ({PL, BOW}, {"c:woningcorporaties", GSZ, BAKEN}, "2018-06", set()),
    "2.3": ({BOW, PL}, {VIV, IJS, HVL, HBV}, None, set()),
    "3.1": ({PL, BOW}, {VIV, IJS, HVL, HBV, GSZ, BAKEN}, "2018-12", set()),
    # ZORGINFRASTRUCTUUR
    "5.1": ({BOJ}, set(), "2018-10", set()),
    "5.2": ({BOPG}, set(), "2018-12", set()),
    "5.3": ({CGT, CZL, DSWL}, {BAKEN, "c:huurdersverenigingen", "c:zorgaanbieders", "c:bemoeizorg-oggz", "o:fact-team"},
            "2018-09", set()),
    "5.4": ({CGT, CZL}, {"c:maatschappelijke-partners"}, None, {"doorlopend"}),
    "5.5": ({BOPG}, set(), "2018-10", set()),
    "5.6": ({BSW}, {BSJ, BSP}, "2018-12", {"doorlopend"}),
    "5.7": ({BSW}, {BSJ, BSP}, "2018-12", {"doorlopend"}),
    "5.8": ({BSW}, {BSJ, BSP}, "2018-12", {"doorlopend"}),
    "5.9": ({BSW}, {BSJ, BSP}, "2018-12", {"doorlopend"}),
    "5.10": ({BOWMO}, {SWL, "o:mee"}, "2018-12", set()),
    "5.11": ({BOWMO}, {SWL, "o:mee"}, "2018-12", set()),
    "5.12": ({CZL, CGT, MHW}, {BOPG, "f:projectleider-mo-bw-lochem"}, None, {"doorlopend", "monitoren"}),
    "5.13": ({COM, MHW}, set(), None, {"doorlopend"}),
    "5.14": ({BOJ}, {BOPG, PL, SWL}, "2018-06", set()),
    "5.15": ({CZL, CGT}, {KMB}, "2018-03", set()),
    "5.16": ({CZL, CGT}, set(), "2018-05", set()),
    "5.17": ({CZL, CGT}, set(), "2018-05", set()),
    "5.18": ({PL}, {BOP, BOPG}, "2018-06", set()),
    "6.1": ({AMW}, {BOWMO, CZL, KWZ, "c:ggz-organisaties"}, None, {"doorlopend"}),
    "6.2": ({AMW}, {BOWMO, BOPG, PL}, None, set()),
    "6.3": ({BOJ, AMW}, set(), None, set()),
    "6.4": ({AMW}, {BOJ, BOWMO, BOPG, PL, "c:jeugdzorgorganisaties"}, None, set()),
    "6.5": ({PL, "f:accountmanager-mo-bw", BOPG, "f:accounthouder-jeugd", AMW, BOWMO}, {"c:zorgaanbieders"}, "2018-06", set()),
    "6.6": ({KWZ, CCJG}, set(), "2018-06", set()),
    "6.7": ({BOWMO, DSWL, CZL, CGT}, {"c:ggz-aanbieders", "o:dorpsraden-lochem", "o:ixta-noa", "o:mee"}, "2018-06", set()),
    "6.8": ({BOWMO, DSWL, CZL, CGT}, {"c:ggz-aanbieders", "o:dorpsraden-lochem", "o:ixta-noa", "o:mee"}, "2019-03", set()),
    "6.9": ({BOWMO}, set(), None, {"doorlopend"}),
    "6.10": ({CZL, CGT}, set(), None, {"doorlopend", "monitoren"}),
    "6.11": ({KMB}, {CZL, CGT, CCJG, "o:regionale-toegang-bw-mo-midden-ijssel"}, None, {"doorlopend"}),
    "7.1": ({BOPG, CZL, CGT, "f:procescoordinator-multiproblem", "f:medewerker-publiekscontacten"}, set(), "2018-06", set()),
    "8.1": ({PL, CZL, CGT, BOPG}, set(), "2018-06", set()),
    "8.2": ({PL, CZL, CGT, BOPG}, set(), "2018-08", set()),
    "9.1": ({AMW, BOPG, PL}, set(), None, {"gereed"}),
    "9.2": ({BOPG, PL}, set(), "2018-03", set()),
    "10.1": ({PL}, set(), None, {"doorlopend", "monitoren"}),
    # ACTIVERING, DAGBESTEDING, WERK EN INKOMEN
    "14.1": ({BOP}, {BOWMO}, "2018-09", set()),
    "14.2": ({BOP}, {BOWMO}, "2018-09", set()),
    "15.1": ({BOWMO}, {BOP}, "2018-09", set()),
    # RANDVOORWAARDEN OP ORDE
    "16.1": ({COM}, set(), "2018-04", set()),
    "17.1": ({COM}, set(), "2018-09", set()),
    "18.1": ({PL}, {"o:regionale-toegang-bw-mo-midden-ijssel"}, "2018-04", set()),
}


def test_expected_actions_cover_every_theme(shipped_graph):
    notations = {str(shipped_graph.value(a, SKOS.notation)) for a in actions_of_document(shipped_graph)
                 if str(a).startswith(f"{ID}actie/{SLUG}/")}
    assert set(EXPECTED) == notations  # every action of the document is read and compared
    items = {int(n.split(".")[0]) for n in EXPECTED}
    assert items & {1, 2, 3} and items & set(range(5, 14)) and items & {14, 15} and items & set(range(16, 33))


@pytest.mark.parametrize("notation", sorted(EXPECTED, key=lambda n: tuple(map(int, n.split(".")))))
def test_action_initiators_partners_deadline_status(shipped_graph, notation):
    g = shipped_graph
    initiators, partners, deadline, statuses = EXPECTED[notation]
    a = action(notation)
    assert (a, RDF.type, bg("Action")) in g
    assert set(g.objects(a, bg("initiator"))) == {ref(x) for x in initiators}
    assert set(g.objects(a, bg("partner"))) == {ref(x) for x in partners}
    deadlines = list(g.objects(a, bg("deadline")))
    if deadline is None:
        assert deadlines == []
    else:
        assert deadlines == [Literal(deadline, datatype=XSD.gYearMonth)]
    assert {local_part(s).removeprefix("status-") for s in g.objects(a, bg("status"))} == \
        {"geen-actie-nodig" if s == "geen" else s for s in statuses}


def test_every_action_notation_in_the_text_is_in_the_graph(shipped_graph):
    text = SOURCE.read_text(encoding="utf-8")
    printed = re.findall(r"^\s*Actie(?:punt)?\s+(\d+\.\d+)\.?\s*$", text, flags=re.MULTILINE)
    assert len(printed) == 49 and len(set(printed)) == 49
    encoded = [str(n) for a in actions_of_document(shipped_graph) for n in shipped_graph.objects(a, SKOS.notation)]
    assert sorted(encoded) == sorted(printed)
    for a in actions_of_document(shipped_graph):
        assert local_part(a) == str(shipped_graph.value(a, SKOS.notation))


def test_every_action_is_part_of_its_pva_item_and_local(shipped_graph):
    g = shipped_graph
    for a in actions_of_document(g):
        n = str(g.value(a, SKOS.notation)).split(".")[0]
        assert item(n) in set(g.objects(a, bg("partOfStrand"))), a
        assert set(g.objects(a, bg("actorScope"))) == {bg("scope-gemeente")}
        assert list(g.objects(a, bg("initiator"))), f"{a}: no initiator"


def test_all_32_pva_items_under_their_theme(shipped_graph):
    g = shipped_graph
    # Read from the text: the full-width theme headings above items 1, 5, 14 and 16.
    themes = {**{n: 1 for n in range(1, 5)}, **{n: 2 for n in range(5, 14)},
              **{n: 3 for n in (14, 15)}, **{n: 4 for n in range(16, 33)}}
    for n in range(1, 33):
        s = item(n)
        assert (s, RDF.type, bg("Strand")) in g
        assert g.value(s, bg("strandKind")) == bg("strand-pva-item")
        assert str(g.value(s, SKOS.notation)) == str(n)
        assert set(g.objects(s, bg("partOfStrand"))) == {theme(themes[n])}
        assert g.value(s, DCTERMS.source) == DOC or DOC in set(g.objects(s, DCTERMS.source))
    for t in range(1, 5):
        assert g.value(theme(t), bg("strandKind")) == bg("strand-thema")
    # Items 5 and 6 have 5 and 4 unnumbered sub-rows.
    subs = {p: {s for s in g.subjects(bg("partOfStrand"), item(p))
                if g.value(s, bg("strandKind")) == bg("strand-subthema")} for p in (5, 6)}
    assert (len(subs[5]), len(subs[6])) == (5, 4)


# Read from the text: the row-level status of items without a numbered local action.
ITEM_STATUS = {
    4: {"geen-actie-nodig"}, 11: {"gereed", "monitoren", "doorlopend"},
    12: {"gereed", "monitoren", "doorlopend"}, 13: {"monitoren", "doorlopend"}, 19: {"monitoren"},
    20: {"monitoren"}, 21: {"monitoren", "doorlopend"}, 22: {"doorlopend"},
    23: {"monitoren", "doorlopend"}, 24: {"gereed"}, 25: {"monitoren"}, 26: {"gereed", "doorlopend"},
    27: {"monitoren"}, 28: {"monitoren", "doorlopend"}, 29: {"monitoren", "doorlopend"},
    30: {"monitoren"}, 31: {"monitoren", "doorlopend"}, 32: set(),
}
ITEM_DEADLINE = {19: "2018-12", 20: "2019-03", 22: "2018-10", 27: "2018-04", 30: "2018-09", 32: "2019-06"}


@pytest.mark.parametrize("n", sorted(ITEM_STATUS))
def test_item_status_deadline_and_process_watch(shipped_graph, n):
    g = shipped_graph
    s = item(n)
    assert {local_part(x).removeprefix("status-") for x in g.objects(s, bg("status"))} == ITEM_STATUS[n]
    deadlines = list(g.objects(s, bg("deadline")))
    expected = ITEM_DEADLINE.get(n)
    assert deadlines == ([Literal(expected, datatype=XSD.gYearMonth)] if expected else [])
    if "monitoren" in ITEM_STATUS[n]:
        posts = [p for p in g.objects(s, bg("mentions")) if (p, RDF.type, ORG.Post) in g]
        assert posts, f"item {n}: process watch without a named post"


def test_item_process_watch_posts(shipped_graph):
    """Read from the text: who does 'Procesbewaking' / 'Monitoring' on a few items."""
    g = shipped_graph

    def posts(n):
        return {p for p in g.objects(item(n), bg("mentions")) if (p, RDF.type, ORG.Post) in g}

    assert posts(11) == {f("projectleider-mo-bw-lochem")}
    assert posts(19) == {f("beleidsontwikkelaar-publieke-gezondheid-en-wmo")}
    assert posts(29) == {f("beleidsstrateeg-wmo"), f("projectleider-mo-bw-lochem")}
    assert posts(31) == {f("adviseur-integrale-veiligheid"), f("beleidsontwikkelaar-publieke-gezondheid-en-wmo"),
                         f("projectleider-mo-bw-lochem")}


def test_references_between_actions(shipped_graph):
    g = shipped_graph
    found = {(str(g.value(a, SKOS.notation)), str(g.value(b, SKOS.notation)))
             for a in actions_of_document(g) for b in g.objects(a, bg("refersToAction"))}
    # "Met de uitkomsten van de acties 1.2 en 1.3", "Zie actie 16", "Naar aanleiding van
    # actiepunt 5.1", "op basis van de uitkomsten van actiepunt 5.9", "uitkomsten uit actie 6.3".
    assert found == {("1.4", "1.2"), ("1.4", "1.3"), ("5.5", "16.1"), ("5.7", "5.1"), ("5.11", "5.9"), ("6.4", "6.3")}


def test_posts_and_their_organisations(shipped_graph):
    g = shipped_graph
    expected = {
        "projectleider-mo-bw-lochem": "gemeente-lochem",
        "beleidsontwikkelaar-wonen": "gemeente-lochem",
        "coordinator-zorgloket": "zorgloket-lochem",
        "coordinator-gebiedsteam": "gebiedsteams-lochem",
        "directeur-swl": "stichting-welzijn-lochem",
        "kwartiermaker-het-baken": "gemeente-lochem",
        "medewerker-hulpwijzer": "hulpwijzer-lochem",
        "coordinator-cjg": "cjg-lochem",
        "adviseur-cluster-communicatie": "gemeente-lochem-cluster-communicatie",
    }
    for post, organisation in expected.items():
        assert (f(post), RDF.type, ORG.Post) in g
        assert set(g.objects(f(post), ORG.postIn)) == {o(organisation)}
    # spelling variants are altLabels of one post
    alts = {str(x) for x in g.objects(f("coordinator-gebiedsteam"), SKOS.altLabel)}
    assert "Coordinator gebiedsteam" in alts
    alts = {str(x) for x in g.objects(f("coordinator-zorgloket"), SKOS.altLabel)}
    assert {"Coordinator zorgloket", "Coordinator wmo-zorgloket"} <= alts
    assert "directeur SWL" in {str(x) for x in g.objects(f("directeur-swl"), SKOS.altLabel)}
    # centrumgemeente Deventer is gemeente Deventer; its afdeling Kennis en Verkenning a unit of it
    assert "centrumgemeente Deventer" in {str(x) for x in g.objects(o("gemeente-deventer"), SKOS.altLabel)}
    assert (o("gemeente-deventer-kennis-en-verkenning"), ORG.subOrganizationOf, o("gemeente-deventer")) in g


def normalise(text):
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def test_no_post_or_organisation_twice_under_spelling_variants(shipped_graph):
    """Labels of the posts and organisations this document names do not also belong to another
    post or organisation (after lower-casing, removing accents, collapsing punctuation)."""
    g = shipped_graph
    agents = {s for cls in (ORG.Post, ORG.Organization) for s in g.subjects(RDF.type, cls)}
    owners = {}
    for s in agents:
        for p in (SKOS.prefLabel, SKOS.altLabel):
            for label in g.objects(s, p):
                owners.setdefault(normalise(label), set()).add(s)
    ours = {s for s in agents if (s, DCTERMS.source, DOC) in g}
    assert len(ours) >= 60
    clashes = {key: sorted(map(str, owner)) for key, owner in owners.items()
               if len(owner) > 1 and owner & ours}
    assert clashes == {}


def test_document_and_its_period(shipped_graph):
    g = shipped_graph
    assert g.value(DOC, bg("documentKind")) == bg("doc-actieplan")
    assert g.value(DOC, DCTERMS.publisher) == o("gemeente-lochem")
    assert g.value(DOC, bg("implements")) == iri(f"document/{PVA}")
    assert g.value(DOC, bg("periodStart")) == Literal("2018", datatype=XSD.gYear)
    assert g.value(DOC, bg("periodEnd")) == Literal("2019", datatype=XSD.gYear)
    source_text = g.value(DOC, bg("sourceText"))
    assert str(g.value(source_text, bg("filePath"))) == f"sources/{SLUG}.txt"


def test_continuations_into_the_regiovisie_have_an_interpretation(shipped_graph):
    g = shipped_graph
    ours = {s for s in g.subjects(bg("continuesInferred"), None) if (s, DCTERMS.source, DOC) in g}
    links = {(s, t) for s in ours for t in g.objects(s, bg("continuesInferred"))}
    assert len(links) >= 15
    for s, t in links:
        assert str(t).startswith(f"{ID}act") and "regiovisie-bw-mo-2024-2026" in str(t)
        assert (t, RDF.type, bg("Action")) in g or (t, RDF.type, bg("Strand")) in g, t
        interpretations = [i for i in g.subjects(bg("interpretedSubject"), s)
                           if (i, bg("interpretedObject"), t) in g]
        assert len(interpretations) == 1, (s, t)
        assert g.value(interpretations[0], bg("reason")) is not None
    # the same subject continues: bijzondere bemiddeling, huisuitzetting, 24-uurs bereikbaarheid
    assert (action("3.1"), iri("actie/regiovisie-bw-mo-2024-2026/2.11")) in links
    assert (action("5.18"), iri("actie/regiovisie-bw-mo-2024-2026/2.9")) in links
    assert (iri(f"actielijn/{PVA}/subthema-5-3"), iri("actie/regiovisie-bw-mo-2024-2026/3.4")) in links


def test_target_groups_and_laws(shipped_graph):
    g = shipped_graph
    assert iri("doelgroep/uitstromers-bw-mo") in set(g.objects(action("2.1"), bg("targetGroup")))
    assert iri("doelgroep/inwoners-met-een-psychische-kwetsbaarheid") in set(g.objects(action("5.10"), bg("targetGroup")))
    assert iri("wet/wmo-2015") in set(g.objects(action("9.1"), bg("legalBasis")))
    assert iri("wet/jeugdwet") in set(g.objects(action("6.3"), bg("legalBasis")))


# -- issue 15: generic functions and addressees as structure ---------------------------------

def test_generic_functions_and_addressees_are_structure(shipped_graph):
    """'de nodige beleidsontwikkelaars' / 'alle beleidsontwikkelaars' are a role the actions
    involve; 'grote GGZ aanbieders' and 'GGz cliënten' are whom an action addresses."""
    g = shipped_graph
    role = iri("rol/beleidsontwikkelaar")
    assert {a for a in actions_of_document(g) if (a, bg("involvesRole"), role) in g} == \
        {action(n) for n in ("5.6", "5.7", "5.8", "5.9", "6.11")}
    assert (action("5.17"), bg("addressedTo"), o("categorie/ggz-aanbieders")) in g
    assert (action("6.1"), bg("addressedTo"), iri("doelgroep/ggz-clienten")) in g
    for member, category in (("viverion", "woningcorporaties"), ("huurdersvereniging-lochem", "huurdersverenigingen"),
                             ("tactus", "bemoeizorg-oggz"), ("gemeente-deventer", "centrumgemeenten")):
        assert (o(member), bg("inCategory"), o("categorie/" + category)) in g


def test_no_action_note_says_a_generic_partner_was_left_out(shipped_graph):
    g = shipped_graph
    notes = [str(n) for a in actions_of_document(g) for n in g.objects(a, SKOS.scopeNote)]
    assert not [n for n in notes if "niet als aparte entiteit" in n or "niet gecodeerd)" in n]
