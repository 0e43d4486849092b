"""The Beleidsplan Jeugdhulp en Wmo (Lochem) is encoded as read.

Expected numbers, labels and wordings are read from the source text (pinned here) or counted
from the source text itself; the values compared with them are computed from the shipped graph."""

from __future__ import annotations

import re

import pytest
from rdflib import RDF, URIRef
from rdflib.namespace import DCTERMS, SKOS
from beleidsgraaf.namespaces import BG, ID, QUDT, UNIT
from tests.support import ROOT
from tests.support.graph_helpers import bg, iri, label

SLUG = "beleidsplan-jeugdhulp-wmo-lochem"
DOC = URIRef(ID + "document/" + SLUG)
SOURCE = ROOT / "data" / "sources" / f"{SLUG}.txt"


def collapse(text):
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def source_lines():
    return SOURCE.read_text(encoding="utf-8").split("\n")


def is_bullet(line, chars=("\uf0de",)):
    stripped = line.strip()
    return bool(stripped) and stripped[0] in chars


def section(lines, start, end):
    i = next(k for k, l in enumerate(lines) if l.strip().startswith(start))
    j = next(k for k, l in enumerate(lines) if k > i and l.strip().startswith(end))
    return lines[i + 1:j]


BULLET_NOTATION = re.compile(r"^4\.[1-6]\.\d+$")


def actions_of(graph):
    """The actions of chapter 4's bullets (notation 4.x.n). The document also has the
    activities of bijlage 3 (B3.k.n) and prose commitments (….t<n>), tested separately."""
    return {a for a in graph.subjects(RDF.type, bg("Action"))
            if (a, DCTERMS.source, DOC) in graph and BULLET_NOTATION.match(str(graph.value(a, SKOS.notation)))}


def speerpunt_of(graph, action):
    strand = graph.value(action, bg("partOfStrand"))
    while (strand, bg("strandKind"), bg("strand-speerpunt")) not in graph:
        strand = graph.value(strand, bg("partOfStrand"))
    return str(graph.value(strand, SKOS.notation))


# -- document -------------------------------------------------------------------------------

def test_document(shipped_graph):
    g = shipped_graph
    assert (DOC, RDF.type, bg("PolicyDocument")) in g
    assert (DOC, bg("documentKind"), bg("doc-beleidsplan")) in g
    assert (DOC, DCTERMS.publisher, iri("organisatie/gemeente-lochem")) in g
    source = iri("brontekst/" + SLUG)
    assert (DOC, bg("sourceText"), source) in g
    assert str(g.value(source, bg("filePath"))) == f"sources/{SLUG}.txt"
    # the text names no planning period
    assert g.value(DOC, bg("periodStart")) is None and g.value(DOC, bg("periodEnd")) is None
    assert (DOC, bg("buildsOn"), iri("document/algemeen-beleidskader-sociaal-domein-lochem")) in g
    assert {iri("wet/jeugdwet"), iri("wet/wmo-2015")} <= set(g.objects(DOC, bg("legalBasis")))


def test_related_plans(shipped_graph):
    g = shipped_graph
    related = set(g.objects(DOC, DCTERMS.relation)) | set(g.objects(DOC, bg("buildsOn")))
    # bijlage 8 "Samenhangende beleidsplannen" and the plans named in bijlage 2
    for slug in ("nota-lokaal-gezondheidsbeleid-lochem-2020", "beleidsplan-informele-hulp-lochem",
                 "ouderennota-lochem", "sport-en-beweegakkoord-lochem", "programmaplan-wmo-jeugdhulp-2020-2022",
                 "preventievisie-lochem", "inclusieagenda-lochem", "algemeen-beleidskader-sociaal-domein-lochem"):
        assert iri("document/" + slug) in related, slug
    pp = iri("document/programmaplan-wmo-jeugdhulp-2020-2022")
    assert str(g.value(pp, bg("periodStart"))) == "2020" and str(g.value(pp, bg("periodEnd"))) == "2022"
    # the two plans of 2015 it replaces, based on the nine kaders of 2014
    for slug in ("beleidsplan-jeugdhulp-2015-lochem-zutphen", "beleidsplan-wmo-2015-lochem-zutphen"):
        old = iri("document/" + slug)
        assert (DOC, URIRef("http://www.w3.org/ns/prov#wasRevisionOf"), old) in g
        assert (old, bg("buildsOn"), iri("document/beleidskader-sociaal-domein-2014")) in g


# -- goals and indicators -------------------------------------------------------------------

def test_hoofddoelen_and_uitgangspunten(shipped_graph):
    g = shipped_graph
    absd = "doel/algemeen-beleidskader-sociaal-domein-lochem/"
    assert label(g, iri(absd + "hoofddoel-1")) == "Passende ondersteuning"
    assert label(g, iri(absd + "hoofddoel-2")) == "Een krachtige samenleving"
    for n in (1, 2):
        assert (iri(f"{absd}hoofddoel-{n}"), bg("goalLevel"), bg("niveau-hoofddoel")) in g
    uitgangspunten = [iri(f"{absd}uitgangspunt-{n}") for n in range(1, 6)]
    assert all((u, bg("goalLevel"), bg("niveau-uitgangspunt")) in g for u in uitgangspunten)
    assert iri(absd + "uitgangspunt-6") not in set(g.subjects())  # "vijf uitgangspunten"


SUBDOELEN = {
    1: ("Ondersteuning zoveel mogelijk thuis",
        {"daling van hulp met verblijf", "aantal mensen dat in hun eigen leefomgeving ondersteuning krijgt"}),
    2: ("Ondersteuning zo licht als mogelijk en zo zwaar als nodig",
        {"verschuiving van vangnet naar hulp-op-maat in aantal, % en €"}),
    3: ("Algemene voorzieningen worden meer en beter gebruikt",
        {"verschuiving van hulp-op-maat naar algemene voorzieningen in aantal en % gebruikers en voorzieningen"}),
    4: ("Inwoners ontwikkelen informele netwerken en maken er meer gebruik van",
        {"toename aantal informele netwerken en deelnemers"}),
}


def test_four_subdoelen_with_indicators(shipped_graph):
    g = shipped_graph
    subdoelen = {s for s in g.subjects(bg("goalLevel"), bg("niveau-subdoel")) if (s, DCTERMS.source, DOC) in g}
    assert len(subdoelen) == 4
    text = collapse(SOURCE.read_text(encoding="utf-8"))
    for n, (title, indicators) in SUBDOELEN.items():
        goal = iri(f"doel/{SLUG}/subdoel-{n}")
        assert label(g, goal) == title
        assert {label(g, i) for i in g.objects(goal, bg("hasIndicator"))} == indicators
        for wording in indicators:
            assert wording in text
        # every subdoel sits under a hoofddoel; each such link is explained by an interpretation
        for broader in g.objects(goal, bg("broaderGoal")):
            assert (broader, bg("goalLevel"), bg("niveau-hoofddoel")) in g
            assert any((i, bg("interpretedObject"), broader) in g
                       for i in g.subjects(bg("interpretedSubject"), goal))
        assert set(g.objects(goal, bg("broaderGoal")))


# -- speerpunten, sub-strands, actions --------------------------------------------------------

SUB_STRANDS = {
    "4.1": ["Inwoners krijgen op tijd hulp", "Hulpmiddelen en dienstverlening zijn van goede kwaliteit",
            "Zicht op de effectiviteit van ondersteuning", "Gebruik maken van ervaringsdeskundigen"],
    "4.2": ["‘t Baken als taakvolwassen integrale toegang", "’t Baken werkt samen met netwerken van inwoners",
            "Casusregie en coördinatie", "Systeemgericht werken", "Kleinschalig en gezinsgericht verblijf",
            "Expertise-ontwikkeling"],
    "4.3": ["Aansluitende ondersteuning voor 18-/18+", "Zorgaanbieders dragen bij aan passende hulp en transformatie",
            "Gerichte aandacht voor jonge mensen met ernstige psychiatrische aandoeningen",
            "Regionale samenwerking tussen gemeenten"],
    "4.4": ["Ontmoeting, mantelzorg en vrijwilligerswerk stimuleren en faciliteren",
            "Verbinden van professionele en informele ondersteuning", "Algemene voorzieningen breder inzetten"],
    "4.5": ["Ontmoeting en uitwisseling tussen groepen ouders met een gemeenschappelijk thema",
            "Stimuleren van actief burgerschap op basisscholen",
            "Van problematiseren/medicaliseren naar normaliseren"],
    "4.6": ["Data-gedreven beleidsontwikkeling door voortdurend monitoren en evalueren", "Landelijk beleid beïnvloeden",
            "Regionale inkoop van zorg bijstellen", "Budgetbeheersing", "Regels en processen verder op orde brengen"],
}
ACTIONS_PER_SPEERPUNT = {"4.1": 9, "4.2": 11, "4.3": 8, "4.4": 8, "4.5": 9, "4.6": 10}


def test_speerpunten_and_sub_strands(shipped_graph):
    g = shipped_graph
    for num, titles in SUB_STRANDS.items():
        sp = iri(f"actielijn/{SLUG}/speerpunt-{num}")
        assert (sp, bg("strandKind"), bg("strand-speerpunt")) in g
        assert str(g.value(sp, SKOS.notation)) == num
        subs = sorted(g.subjects(bg("partOfStrand"), sp), key=lambda s: str(g.value(s, SKOS.notation)))
        subs = [s for s in subs if (s, bg("strandKind"), bg("strand-subthema")) in g]
        assert [label(g, s) for s in subs] == titles
        assert [str(g.value(s, SKOS.notation)) for s in subs] == [f"{num}.{chr(97 + k)}" for k in range(len(titles))]
        # every speerpunt serves at least one subdoel (all inferred here: chapter 4 ties them to
        # 'de doelen' only in general)
        assert set(g.objects(sp, bg("servesInferred")))


def test_actions_per_speerpunt(shipped_graph):
    g = shipped_graph
    actions = actions_of(g)
    per = {}
    for a in actions:
        per.setdefault(speerpunt_of(g, a), []).append(a)
    assert {k: len(v) for k, v in per.items()} == ACTIONS_PER_SPEERPUNT
    for num, acts in per.items():
        assert sorted(int(str(g.value(a, SKOS.notation)).rsplit(".", 1)[1]) for a in acts) == \
            list(range(1, len(acts) + 1))
        for a in acts:
            assert str(g.value(a, SKOS.notation)).startswith(num + ".")
            assert (a, bg("actorScope"), bg("scope-gemeente")) in g


def test_every_bullet_of_chapter_4_is_an_action(shipped_graph, source_lines):
    """Count the action bullets (U+F0DE) of each paragraph of chapter 4 in the source text and
    compare with the graph; every action's first quote is a bullet's text."""
    g = shipped_graph
    chapter = section(source_lines, "4. Speerpunten en acties", "Bijlage 1 Belangrijke begrippen")
    heads = ["4.1 Sturen", "4.2 Integrale", "4.3 Een sluitende", "4.4 Ondersteunen", "4.5 Het versterken",
             "4.6 Monitoring"]
    starts = [next(k for k, l in enumerate(chapter) if l.strip().startswith(h)) for h in heads] + [len(chapter)]
    counted = {heads[i][:3]: sum(is_bullet(l) for l in chapter[starts[i]:starts[i + 1]]) for i in range(6)}
    assert counted == ACTIONS_PER_SPEERPUNT
    assert sum(is_bullet(l) for l in chapter) == len(actions_of(g)) == 55
    # the eight principles of ’t Baken use another bullet glyph (U+F0B7) and are not actions
    assert sum(is_bullet(l, ("\uf0b7",)) for l in chapter) == 8


def test_action_roles(shipped_graph):
    g = shipped_graph
    act = lambda n: iri(f"actie/{SLUG}/{n}")
    # the body initiates, its post carries the action out (audit convention, issue 15)
    assert (act("4.1.5"), bg("initiator"), iri("organisatie/het-baken")) in g
    assert (act("4.1.5"), bg("performedBy"), iri("functie/consulent-het-baken")) in g
    assert (act("4.3.8"), bg("partner"), iri("organisatie/plusov")) in g
    assert (act("4.3.6"), bg("partner"), iri("organisatie/zorgkantoren")) in g
    assert (act("4.2.7"), bg("mentions"), iri("programma/multisysteem-therapie")) in g
    assert (act("4.4.6"), bg("mentions"), iri("programma/jouw-ingebrachte-mentor")) in g
    assert (act("4.4.7"), bg("servesStated"), iri(f"doel/{SLUG}/subdoel-3")) in g


# -- laws and statutory tasks ----------------------------------------------------------------

def test_laws_and_tasks(shipped_graph):
    g = shipped_graph
    for law, bwb in (("zvw", "BWBR0018450"), ("wet-kinderopvang", "BWBR0017017"),
                     ("omgevingswet", "BWBR0037885"), ("jeugdwet", "BWBR0034925"), ("wmo-2015", "BWBR0035362")):
        assert str(g.value(iri("wet/" + law), bg("bwbId"))) == bwb
    tasks = {t for t in g.subjects(RDF.type, bg("StatutoryTask")) if (t, DCTERMS.source, DOC) in g}
    assert {iri("taak/jeugdwet/9"), iri("taak/jeugdwet/10"), iri("taak/wmo-2015/10"), iri("taak/wmo-2015/11"),
            iri("taak/wmo-2015/12"), iri("taak/wmo-2015/13"), iri("taak/wmo-2015/14"), iri("taak/wpg/3")} == tasks
    assert {iri("wet/wmo-2015"), iri("wet/jeugdwet")} == set(g.objects(iri("taak/wmo-2015/14"), bg("imposedBy")))


# -- appendices --------------------------------------------------------------------------------

KADERS = {
    1: "Inwoners moeten meer omzien naar elkaar en minder naar de overheid gaan kijken voor hulp.",
    2: "We willen dat er tijdig een passende oplossing wordt ingezet.",
    3: "Inwoners moeten een passende oplossing vinden of aangeboden krijgen voor hun hulpvraag en signalen kunnen melden.",
    4: "Door integraal te werken wordt naar de hele situatie van de inwoner gekeken.",
    5: "We willen graag nabij zijn en oplossingen dichtbij de woonplek organiseren.",
    6: "Het uitgangspunt was om lokaal te regelen wat lokaal kon en regionaal wanneer dat slim was, bijvoorbeeld bij specialistisch aanbod.",
    7: "We wilden streven naar één ontschot budget voor het hele sociaal domein en vanuit het principe dat de lasten gelijk zijn aan de baten.",
    8: "Het uitgangspunt van de eigen bijdrage was dat mensen ook financieel zouden bijdragen aan oplossingen voor hun hulpvraag wanneer ze dit konden.",
    9: "Het doel is om samen verantwoordelijkheid te nemen voor de transformatie naar minder maatwerkvoorzieningen en meer algemene oplossingen.",
}


def test_nine_kaders_of_bijlage_3(shipped_graph, source_lines):
    g = shipped_graph
    bijlage = collapse("\n".join(section(source_lines, "Bijlage 3 Terugblik", "Bijlage 4 Trends")))
    assert len(re.findall(r"\bDoel\b", bijlage)) == 9
    for n, doel in KADERS.items():
        kader = iri(f"doel/beleidskader-sociaal-domein-2014/kader-{n}")
        assert (kader, bg("goalLevel"), bg("niveau-kader")) in g
        assert (kader, DCTERMS.source, DOC) in g
        assert doel in {str(q) for q in g.objects(kader, bg("quote"))}
        assert doel in bijlage
        assert any(str(d).startswith("Doel volgens de terugblik") and "Resultaat volgens dezelfde terugblik: " in str(d)
                   for d in g.objects(kader, DCTERMS.description))


def test_begrippen_of_bijlage_1(shipped_graph, source_lines):
    g = shipped_graph
    scheme = iri(f"begrip/{SLUG}/begrippen")
    bullets = [l for l in section(source_lines, "Bijlage 1 Belangrijke begrippen", "Bijlage 2 Samenhang")
               if is_bullet(l, ("\uf0b7",))]
    concepts = set(g.subjects(SKOS.inScheme, scheme))
    assert len(concepts) == len(bullets) == 17
    text = collapse(SOURCE.read_text(encoding="utf-8"))
    for c in concepts:
        assert collapse(str(g.value(c, SKOS.definition))) in text
    assert label(g, iri(f"begrip/{SLUG}/normaliseren")) == "Normaliseren"
    users = set(g.subjects(bg("usesConcept"), iri(f"begrip/{SLUG}/systeemgericht-werken")))
    assert iri(f"actielijn/{SLUG}/subthema-4.2.d") in users


def test_trends_of_bijlage_4(shipped_graph, source_lines):
    g = shipped_graph
    bullets = [l for l in section(source_lines, "Bijlage 4 Trends", "Bijlage 5 Piramide")
               if is_bullet(l, ("\uf0b7",))]
    trends = set(g.subjects(SKOS.inScheme, iri(f"begrip/{SLUG}/trends")))
    assert len(trends) == len(bullets) == 16
    assert all(g.value(t, SKOS.definition) is not None for t in trends)


def test_preventievisie_and_related_plans_goals(shipped_graph):
    g = shipped_graph
    pv = {s for s in g.subjects(URIRef(DCTERMS.isPartOf), iri("document/preventievisie-lochem"))
          if (s, RDF.type, bg("Goal")) in g}
    assert len(pv) == 8
    on = {s for s in g.subjects(DCTERMS.isPartOf, iri("document/ouderennota-lochem")) if (s, RDF.type, bg("Goal")) in g}
    assert len(on) == 10
    sba = {s for s in g.subjects(DCTERMS.isPartOf, iri("document/sport-en-beweegakkoord-lochem"))}
    assert {label(g, s) for s in sba} == {"Meedoen en ontmoeten", "Openbare ruimte", "Sportaanbieders", "Gezondheid"}
    assert all((s, bg("goalLevel"), bg("niveau-ambitie")) in g for s in sba)


def test_praktijkvoorbeelden(shipped_graph):
    g = shipped_graph
    examples = {e for e in g.subjects(RDF.type, bg("Illustration")) if (e, DCTERMS.source, DOC) in g}
    assert len(examples) == 5
    sub = lambda n: iri(f"doel/{SLUG}/subdoel-{n}")
    vb = lambda n: iri(f"voorbeeld/{SLUG}/{n}")
    assert {(n, o) for n in range(2, 6) for o in g.objects(vb(n), bg("illustrates"))} == \
        {(2, sub(1)), (3, sub(2)), (4, sub(3)), (5, sub(4))}
    assert (vb(1), bg("illustratesInferred"), sub(4)) in g


# -- issue 15: data depth --------------------------------------------------------------------


def test_activities_of_bijlage_3_per_kader(shipped_graph, source_lines):
    """Every bullet under an 'Activiteiten' heading of bijlage 3 is an action in the strand of
    its kader (kader 2 also has one activity written as a plain sentence, "Onze toegang (’t
    Baken) is ingericht.")."""
    g = shipped_graph
    bijlage = section(source_lines, "Bijlage 3 Terugblik", "Bijlage 4 Trends")
    counted, kader, inside = {}, 0, False
    for line in bijlage:
        s = line.strip()
        if s == "Activiteiten":
            kader, inside = kader + 1, True
        elif s.startswith("Resulta") or s.startswith("Doel"):
            inside = False
        elif inside and (is_bullet(line, ("\uf0b7",)) or s.startswith("Onze toegang")):
            counted[kader] = counted.get(kader, 0) + 1
    assert sum(counted.values()) == 31
    for k, n in counted.items():
        strand = iri(f"actielijn/{SLUG}/terugblik-kader-{k}")
        assert (strand, bg("servesStated"), iri(f"doel/beleidskader-sociaal-domein-2014/kader-{k}")) in g
        acts = set(g.subjects(bg("partOfStrand"), strand))
        assert len(acts) == n, k
        assert sorted(str(g.value(a, SKOS.notation)) for a in acts) == [f"B3.{k}.{i}" for i in range(1, n + 1)]
        for a in acts:
            assert (a, bg("actionKind"), bg("actie-activiteit")) in g
            assert (a, bg("definedIn"), DOC) in g
    # the SWL posts of kader 1 and 2: opbouwwerkers and thuiscoaches
    assert (iri(f"actie/{SLUG}/b3.1.6"), bg("involvesRole"), iri("rol/opbouwwerker")) in g
    assert (iri(f"actie/{SLUG}/b3.2.2"), bg("involvesRole"), iri("rol/thuiscoach")) in g
    swl = iri("organisatie/stichting-welzijn-lochem")
    assert {iri("rol/opbouwwerker"), iri("rol/thuiscoach")} <= set(g.objects(swl, URIRef("http://www.w3.org/ns/org#hasMember")))


def test_budgets_and_figures(shipped_graph):
    g = shipped_graph
    cijfer = lambda s: iri(f"cijfer/{SLUG}/{s}")
    jeugd, wmo = cijfer("budget-jeugdhulp"), cijfer("budget-wmo")
    assert float(g.value(jeugd, URIRef(QUDT + "numericValue"))) == 9_000_000
    assert str(g.value(jeugd, bg("referenceDate"))) == "2018"
    assert float(g.value(wmo, URIRef(QUDT + "numericValue"))) == 5_500_000
    for f in (jeugd, wmo):
        assert g.value(f, URIRef(QUDT + "unit")) == URIRef(UNIT + "CCY_EUR")
        assert (f, bg("figureKind"), bg("cijfer-budget")) in g
    text = collapse(SOURCE.read_text(encoding="utf-8"))
    assert "budget van 9 miljoen euro" in text and "budget van 5,5 miljoen euro" in text
    figures = {f for f in g.subjects(RDF.type, bg("Figure")) if (f, bg("definedIn"), DOC) in g}
    assert all(g.value(f, URIRef(QUDT + "unit")) is not None for f in figures)
    assert len(figures) == 22


def test_zorgregio_members_and_front_office_teams(shipped_graph):
    g = shipped_graph
    has_member = URIRef("http://www.w3.org/ns/org#hasMember")
    members = {label(g, m) for m in g.objects(iri("organisatie/regio-midden-ijssel-oost-veluwe"), has_member)}
    named = "Apeldoorn, Brummen, Epe, Hattem, Heerde, Lochem, Voorst en Zutphen"
    assert named in collapse(SOURCE.read_text(encoding="utf-8"))
    assert members == {f"gemeente {n}" for n in re.split(r", | en ", named)}
    for team in ("het-baken-team-oost", "het-baken-team-west"):
        assert len(set(g.objects(iri("organisatie/" + team), has_member))) == 4  # footnote 20


def test_prose_commitments_and_categories(shipped_graph):
    g = shipped_graph
    act = lambda n: iri(f"actie/{SLUG}/{n}")
    commitments = {a for a in g.subjects(bg("actionKind"), bg("actie-toezegging")) if (a, bg("definedIn"), DOC) in g}
    assert len(commitments) == 20  # 13 of the first reading + 7 found by the second reader
    assert (act("4.3.3"), bg("initiator"), iri("organisatie/categorie/zorgaanbieders")) in g
    assert (act("4.5.8"), bg("addressedTo"), iri("organisatie/categorie/verwijzers")) in g
    # commitments outside chapter 4 stay in strands of their own place in the text
    for a in (act("1.1.t1"), act("3.2.t1"), act("3.2.t2")):
        assert (a, bg("partOfStrand"), iri(f"actielijn/{SLUG}/toezeggingen-hoofdstuk-1-3")) in g
    for a in (act("b2.t1"), act("b4.t1"), act("b4.t2")):
        assert (a, bg("partOfStrand"), iri(f"actielijn/{SLUG}/toezeggingen-bijlagen")) in g
