"""The Bijlagen algemeen beleidskader sociaal domein (Lochem) and the Startnotitie gebiedsteams
are encoded as read.

Expected numbers and labels are read from the source texts; the values compared with them are
computed from the shipped graph with rdflib."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import RDF, URIRef, Literal
from rdflib.namespace import DCTERMS, ORG, SKOS, XSD
from beleidsgraaf.namespaces import BG, ID
from tests.support.graph_helpers import bg, iri, label

BIJLAGEN = URIRef(ID + "document/bijlagen-beleidskader-sociaal-domein-lochem")
STARTNOTITIE = URIRef(ID + "document/startnotitie-gebiedsteams-lochem")


def tasks_of(graph, law):
    return {t for t in graph.subjects(bg("imposedBy"), iri("wet/" + law))
            if (t, RDF.type, bg("StatutoryTask")) in graph}


# -- documents -----------------------------------------------------------------------------

def test_documents_and_source_texts(shipped_graph):
    g = shipped_graph
    assert (BIJLAGEN, bg("documentKind"), bg("doc-bijlage")) in g
    assert (BIJLAGEN, bg("partOfDocument"), iri("document/algemeen-beleidskader-sociaal-domein-lochem")) in g
    assert (BIJLAGEN, DCTERMS.publisher, iri("organisatie/gemeente-lochem-afdeling-maatschappelijke-ontwikkeling")) in g
    assert (iri("organisatie/gemeente-lochem-afdeling-maatschappelijke-ontwikkeling"), ORG.subOrganizationOf,
            iri("organisatie/gemeente-lochem")) in g
    assert (STARTNOTITIE, bg("documentKind"), bg("doc-startnotitie")) in g
    for doc, slug in ((BIJLAGEN, "bijlagen-beleidskader-sociaal-domein-lochem"),
                      (STARTNOTITIE, "startnotitie-gebiedsteams-lochem")):
        source = iri("brontekst/" + slug)
        assert (doc, bg("sourceText"), source) in g
        assert str(g.value(source, bg("filePath"))) == f"sources/{slug}.txt"
        # neither text states a planning period
        assert g.value(doc, bg("periodStart")) is None and g.value(doc, bg("periodEnd")) is None


def test_bijlage_1_overview_of_vision_and_policy(shipped_graph):
    g = shipped_graph
    absd = iri("document/algemeen-beleidskader-sociaal-domein-lochem")
    kinds = {"preventievisie-lochem": "doc-visiedocument", "visie-informele-zorg-lochem": "doc-visiedocument",
             "ouderennota-lochem": "doc-beleidsplan",
             "uitvoeringsagenda-zorgcoordinator-lochem": "doc-actieplan",
             "uitvoeringsagenda-ontmoetingsinitiatieven-lochem": "doc-actieplan"}
    for slug, kind in kinds.items():
        doc = iri("document/" + slug)
        assert (doc, bg("documentKind"), bg(kind)) in g
        assert (doc, DCTERMS.relation, absd) in g
    assert (absd, URIRef("http://www.w3.org/ns/prov#wasRevisionOf"), iri("document/beleidskader-sociaal-domein-2014")) in g
    assert (iri("document/beleidskader-sociaal-domein-2014"), bg("buildsOn"),
            iri("document/visiedocument-bouwen-op-de-kracht-2013")) in g


# -- bijlage 2: statutory tasks per law ----------------------------------------------------

# Bullets under each law in bijlage 2 (the Wgs bullet holds two obligations, the Wpg
# paragraph three; leerlingenvervoer is one task of three education laws).
TASK_COUNTS = {"wmo-2015": 9, "jeugdwet": 8, "participatiewet": 5, "wgs": 2, "wpo": 1, "wvo": 1, "wec": 1,
               "leerplichtwet-1969": 1, "wpg": 3, "wsw": 1, "wvggz": 1}


@pytest.mark.parametrize("law,count", sorted(TASK_COUNTS.items()))
def test_tasks_per_law(shipped_graph, law, count):
    tasks = {t for t in tasks_of(shipped_graph, law) if (t, DCTERMS.source, BIJLAGEN) in shipped_graph}
    assert len(tasks) == count
    notations = sorted(int(shipped_graph.value(t, SKOS.notation)) for t in tasks)
    assert notations == list(range(1, count + 1))


def test_task_labels_as_read(shipped_graph):
    g = shipped_graph
    assert label(g, iri("taak/wmo-2015/7")) == "Beschermd Wonen en Maatschappelijke Opvang (Wmo)"
    assert label(g, iri("taak/jeugdwet/8")) == "Maatregelen om kindermishandeling te bestrijden (Jeugdwet)"
    assert label(g, iri("taak/participatiewet/4")) == "Beschut werk (Participatiewet)"
    assert set(g.objects(iri("taak/wpo-wvo-wec/1"), bg("imposedBy"))) == {iri("wet/wpo"), iri("wet/wvo"), iri("wet/wec")}
    # the text gives no article numbers
    assert not any(g.value(t, bg("article")) for law in TASK_COUNTS for t in tasks_of(g, law)
                   if (t, DCTERMS.source, BIJLAGEN) in g)


def test_laws_have_verified_identifiers(shipped_graph):
    expected = {"wmo-2015": "BWBR0035362", "jeugdwet": "BWBR0034925", "participatiewet": "BWBR0015703",
                "wgs": "BWBR0031331", "wpo": "BWBR0003420", "wvo": "BWBR0002399", "wec": "BWBR0003549",
                "leerplichtwet-1969": "BWBR0002628", "wpg": "BWBR0024705", "wsw": "BWBR0008903",
                "wvggz": "BWBR0040635", "bbz": "BWBR0015711", "wlz": "BWBR0035917"}
    for law, bwb in expected.items():
        assert str(shipped_graph.value(iri("wet/" + law), bg("bwbId"))) == bwb


# -- bijlage 3: provisions, deliverers, funding ------------------------------------------------

DELIVERY = {  # provision -> (deliverer(s), funding mode or None, executed task(s) or legal basis)
    "integrale-toegang-het-baken": ({"het-baken"}, "fin-eigen-uitvoering", {"taak/wmo-2015/1", "taak/jeugdwet/1"}),
    "dienstverlening-wmo": (set(), "fin-lokaal-ingekocht", {"taak/wmo-2015/2"}),
    "individuele-voorzieningen-jeugdhulp": (set(), "fin-regionaal-ingekocht", {"taak/jeugdwet/2", "taak/jeugdwet/3", "taak/jeugdwet/4"}),
    "hulpmiddelen-wmo": (set(), "fin-regionaal-ingekocht", {"taak/wmo-2015/3"}),
    "beschermd-wonen-en-maatschappelijke-opvang": ({"gemeente-deventer"}, "fin-regionaal-ingekocht", {"taak/wmo-2015/7"}),
    "overige-maatwerkvoorzieningen-wmo": (set(), "fin-offerte", {"taak/wmo-2015/4"}),
    "werk-en-inkomen-het-baken": ({"het-baken"}, "fin-eigen-uitvoering", {"taak/participatiewet/1", "taak/participatiewet/2"}),
    "minimaregelingen": ({"het-baken"}, "fin-eigen-uitvoering", {"taak/participatiewet/5"}),
    "schuldhulpverlening": ({"stadsbank-oost-nederland"}, None, {"taak/wgs/1"}),
    "toegang-schuldhulpverlening": ({"budgetadviescentrum-bel"}, None, {"taak/wgs/1"}),
    "schulddienstverlening-ondernemers": ({"roz"}, None, {"taak/wgs/1"}),
    "routegebonden-vervoer": ({"plusov"}, None, {"taak/wpo-wvo-wec/1", "taak/wmo-2015/6", "taak/jeugdwet/5"}),
    "sociaal-recreatief-vervoer": ({"plusov"}, None, set()),
    "leerplicht": ({"het-baken"}, "fin-eigen-uitvoering", {"taak/leerplichtwet-1969/1"}),
    "publieke-gezondheid-ggd": ({"ggd-noord-en-oost-gelderland"}, None, {"taak/wpg/1", "taak/wpg/2"}),
    "wsw-delta": ({"delta"}, None, {"taak/wsw/1"}),
}


@pytest.mark.parametrize("provision", sorted(DELIVERY))
def test_provision_delivery_as_read(shipped_graph, provision):
    g = shipped_graph
    p = iri("voorziening/" + provision)
    deliverers, funding, tasks = DELIVERY[provision]
    assert (p, RDF.type, bg("Provision")) in g
    assert {str(o).rsplit("/", 1)[-1] for o in g.objects(p, bg("deliveredBy"))} == deliverers
    assert set(g.objects(p, bg("fundingMode"))) == ({bg(funding)} if funding else set())
    assert set(g.objects(p, bg("executes"))) == {iri(t) for t in tasks}


def test_general_provisions_overview(shipped_graph):
    g = shipped_graph
    general = {p for p in g.subjects(bg("provisionKind"), bg("voorz-algemene-voorziening"))
               if (p, DCTERMS.source, BIJLAGEN) in g}
    # page 9 lists 7 Wmo, 10 Jeugdwet, 1 schuldhulpverlening and 4 "integraal en overig" items;
    # 't Baken of the overview is the integrale toegang; plus the laagdrempelige ondersteuning of 't Baken
    assert len(general) == 7 + 10 + 1 + 4 + 1
    swl = {p for p in general if (p, bg("deliveredBy"), iri("organisatie/stichting-welzijn-lochem")) in g}
    assert len(swl) == 11


# -- bijlage 4: the nine kaders --------------------------------------------------------------

KADERS = ["De kanteling", "Preventie en vroegsignalering", "Toegang", "Eén gezin – één plan – één regisseur",
          "Zo nabij mogelijk", "Lokaal én regionaal", "Eén ontschot budget", "Eigen bijdrage", "Inkoop"]


def test_nine_kaders(shipped_graph):
    g = shipped_graph
    prefix = ID + "doel/beleidskader-sociaal-domein-2014/kader-"
    kaders = {s for s in g.subjects(RDF.type, bg("Goal")) if str(s).startswith(prefix)}
    assert len(kaders) == 9
    for n, name in enumerate(KADERS, start=1):
        kader = URIRef(f"{prefix}{n}")
        assert (kader, bg("goalLevel"), bg("niveau-kader")) in g
        assert str(g.value(kader, SKOS.notation)) == str(n)
        assert (kader, DCTERMS.source, BIJLAGEN) in g
        assert f"Kader {n}. {name}" in {str(q) for q in g.objects(kader, bg("quote"))}
        assert (kader, DCTERMS.isPartOf, iri("document/beleidskader-sociaal-domein-2014")) in g
        assert any(n.language == "nl" for n in g.objects(kader, SKOS.scopeNote))  # the reflection
    assert "valt weg" in str(g.value(URIRef(prefix + "8"), SKOS.scopeNote))


# -- startnotitie -----------------------------------------------------------------------------

def test_startnotitie_goals(shipped_graph):
    g = shipped_graph
    prefix = ID + "doel/startnotitie-gebiedsteams-lochem/"
    goals = {s for s in g.subjects(bg("goalLevel"), bg("niveau-doelstelling")) if str(s).startswith(prefix)}
    assert len(goals) == 8
    assert sorted(int(g.value(s, SKOS.notation)) for s in goals) == list(range(1, 9))
    assert label(g, URIRef(prefix + "doelstelling-1")) == "Hulp en ondersteuning dichtbij inwoners organiseren"
    assert label(g, URIRef(prefix + "doelstelling-8")).startswith("Een verschuiving realiseren")
    principles = {s for s in g.subjects(bg("goalLevel"), bg("niveau-uitgangspunt")) if str(s).startswith(prefix)}
    assert len(principles) == 12
    clusters = {s for s in g.subjects(bg("strandKind"), bg("strand-thema"))
                if str(s).startswith(ID + "actielijn/startnotitie-gebiedsteams-lochem/cluster-")}
    assert {label(g, c) for c in clusters} >= {"Buurtbeheer Nieuwe Stijl", "Buurt aan Zet"}
    assert len(clusters) == 3


def test_kernen_with_inhabitants(shipped_graph):
    g = shipped_graph
    gemeente = iri("gebied/gemeente-lochem")
    kernen = {a for a in g.subjects(bg("withinArea"), gemeente) if (a, bg("areaKind"), bg("gebied-kern")) in g}
    assert len(kernen) == 12  # "Er zijn 12 kernen"
    west = {k for k in kernen if (k, bg("withinArea"), iri("gebied/lochem-west")) in g}
    oost = {k for k in kernen if (k, bg("withinArea"), iri("gebied/lochem-oost")) in g}
    assert {label(g, k) for k in west} == {"Almen", "Eefde", "Epse", "Gorssel", "Harfsen", "Joppe", "Kring van Dorth"}
    assert {label(g, k) for k in oost} == {"Barchem", "Laren", "Lochem", "Exel", "Zwiep"}
    inhabitants = {label(g, k): g.value(k, bg("inhabitants")).toPython() for k in kernen
                   if g.value(k, bg("inhabitants")) is not None}
    assert inhabitants == {"Lochem": 14000, "Exel": 160}
    assert g.value(gemeente, bg("inhabitants")).toPython() == 33000
    for pilot in ("epse-joppe", "zuiderenk"):
        assert (iri("gebied/" + pilot), bg("withinArea"), gemeente) in g


def test_team_composition(shipped_graph):
    g = shipped_graph
    teams = {"gebiedsteam-oost": 7, "gebiedsteam-west": 6}  # the Plein-consulent activering only in Oost
    for team, count in teams.items():
        posts = set(g.subjects(ORG.postIn, iri("organisatie/" + team)))
        assert len(posts) == count
        assert (iri("organisatie/" + team), ORG.subOrganizationOf, iri("organisatie/gebiedsteams-lochem")) in g
    hours = {str(p).rsplit("/", 1)[-1]: Decimal(str(g.value(p, bg("hoursPerWeek"))))
             for t in teams for p in g.subjects(ORG.postIn, iri("organisatie/" + t))
             if g.value(p, bg("hoursPerWeek")) is not None}
    assert hours == {"gebiedsteam-oost-mee-consulent": 48, "gebiedsteam-west-mee-consulent": 12,
                     "gebiedsteam-oost-ouderenadviseur": 16, "gebiedsteam-west-ouderenadviseur": 16}
    assert (iri("functie/gebiedsteam-oost-mee-consulent"), bg("deliveredBy"), iri("organisatie/mee")) in g
    assert (iri("functie/gebiedsteam-oost-plein-consulent-activering"), bg("deliveredBy"), iri("organisatie/het-plein")) in g
    schil = set(g.subjects(ORG.postIn, iri("organisatie/gebiedsteams-lochem")))
    assert len([p for p in schil if "schil" in str(p)]) == 11  # eleven functionarissen in 5.2
    assert iri("functie/teamleider-gebiedsteams") in schil


PLANNING = {  # notation -> (startDate, deadline) as typed literals; year read from the text
    "7.1.1": (None, Literal("2014-11", datatype=XSD.gYearMonth)),
    "7.1.2": (None, Literal("2014-11", datatype=XSD.gYearMonth)),
    "7.1.5": (Literal("2014-11", datatype=XSD.gYearMonth), Literal("2015-01", datatype=XSD.gYearMonth)),
    "7.1.8": (Literal("2015-02", datatype=XSD.gYearMonth), None),
    "7.1.9": (Literal("2015-01", datatype=XSD.gYearMonth), None),
    "7.2.1": (None, Literal("2015-03", datatype=XSD.gYearMonth)),
    "7.2.6": (None, Literal("2015-06", datatype=XSD.gYearMonth)),
    "7.2.8": (Literal("2015-07", datatype=XSD.gYearMonth), Literal("2015-12", datatype=XSD.gYearMonth)),
    "7.2.9": (None, Literal("2016", datatype=XSD.gYear)),
}


def test_planning_and_ontwikkelagenda(shipped_graph):
    g = shipped_graph
    act = ID + "actie/startnotitie-gebiedsteams-lochem/"
    for strand, count in (("planning", 9), ("ontwikkelagenda", 9)):
        s = iri("actielijn/startnotitie-gebiedsteams-lochem/" + strand)
        assert (s, bg("strandKind"), bg("strand-ontwikkelagenda")) in g
        actions = set(g.subjects(bg("partOfStrand"), s))
        assert len(actions) == count
        assert all(g.value(a, bg("timingNote")) is not None for a in actions)
    for notation, (start, deadline) in PLANNING.items():
        a = URIRef(act + notation)
        assert g.value(a, bg("startDate")) == start
        assert g.value(a, bg("deadline")) == deadline
    assert str(g.value(URIRef(act + "7.1.7"), bg("timingNote"))) == "Tussen half en eind januari"
