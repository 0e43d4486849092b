"""The Regiovisie beschermd wonen en maatschappelijke opvang 2024-2026 "Kracht in kwetsbaarheid"
(regio Midden-IJssel) is encoded as read.

Expected numbers, notations, dates and actor scopes below are read from the source text
(data/sources/regiovisie-bw-mo-2024-2026.txt); the values compared with them are computed
from the shipped graph with rdflib."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, SKOS, XSD
from beleidsgraaf.namespaces import BG, ID
from tests.support.graph_helpers import bg, iri, label

RV = "regiovisie-bw-mo-2024-2026"
DOC = URIRef(f"{ID}document/{RV}")


def goal(slug):
    return iri(f"doel/{RV}/{slug}")


def strand(n):
    return iri(f"actielijn/{RV}/actielijn-{n}")


def action(notation):
    return iri(f"actie/{RV}/{notation}")


def indicator(notation):
    return iri(f"indicator/{RV}/{notation}")


def one(graph, subject, prop):
    values = list(graph.objects(subject, prop))
    assert len(values) == 1, f"{subject} {prop}: expected one value, found {values}"
    return values[0]


def typed(graph, subject, prop, datatype):
    value = one(graph, subject, prop)
    assert isinstance(value, Literal) and value.datatype == datatype, \
        f"{subject} {prop}: {value!r} is not a {datatype} literal"
    return value


# Read from the text: bullets under "Hoe wordt dit zichtbaar?" per actielijn. Actielijn 2 has
# two boxes (6 + 5 bullets).
EXPECTED_ACTIONS = {1: 6, 2: 11, 3: 8, 4: 8, 5: 7}

# Read from the text: who acts, per bullet ("Elk van de gemeenten in de regio ...", "De regio
# als geheel ...", "Elk van de gemeenten en de regio als geheel ..."). None: the bullet does not
# say (5.5: "Vanaf 1-1-2024 is de (24-uurs)opvang ...").
E, R, ER = "scope-elke-gemeente", "scope-regio-als-geheel", "scope-gemeenten-en-regio"
EXPECTED_SCOPE = {
    "1.1": E, "1.2": E, "1.3": E, "1.4": E, "1.5": E, "1.6": R,
    "2.1": E, "2.2": E, "2.3": E, "2.4": E, "2.5": R, "2.6": E,
    "2.7": E, "2.8": E, "2.9": E, "2.10": E, "2.11": E,
    "3.1": E, "3.2": E, "3.3": ER, "3.4": ER, "3.5": E, "3.6": R, "3.7": R, "3.8": R,
    "4.1": R, "4.2": R, "4.3": R, "4.4": R, "4.5": R, "4.6": R, "4.7": R, "4.8": R,
    "5.1": E, "5.2": E, "5.3": R, "5.4": R, "5.5": None, "5.6": R, "5.7": R,
}


# -- the document ----------------------------------------------------------------------------

def test_document(shipped_graph):
    g = shipped_graph
    assert (DOC, RDF.type, bg("PolicyDocument")) in g
    assert "Kracht in kwetsbaarheid" in label(g, DOC)
    assert (DOC, bg("documentKind"), bg("doc-regiovisie")) in g
    assert typed(g, DOC, bg("periodStart"), XSD.gYear) == Literal("2024", datatype=XSD.gYear)
    assert typed(g, DOC, bg("periodEnd"), XSD.gYear) == Literal("2026", datatype=XSD.gYear)
    source = one(g, DOC, bg("sourceText"))
    assert source == iri(f"brontekst/{RV}")
    assert (source, RDF.type, bg("SourceText")) in g
    assert str(one(g, source, bg("filePath"))) == f"sources/{RV}.txt"
    assert (source, DCTERMS.source, DOC) in g


def test_publishers_region_and_municipalities(shipped_graph):
    g = shipped_graph
    # The five municipalities named in the first sentence, with their CBS/TOOI codes.
    expected = {"gemeente-deventer": "gm0150", "gemeente-lochem": "gm0262", "gemeente-olst-wijhe": "gm1773",
                "gemeente-raalte": "gm0177", "gemeente-zutphen": "gm0301"}
    region = iri("organisatie/regio-midden-ijssel")
    publishers = set(g.objects(DOC, DCTERMS.publisher))
    assert publishers == {iri("organisatie/" + slug) for slug in expected} | {region}
    for slug, code in expected.items():
        municipality = iri("organisatie/" + slug)
        assert (municipality, ORG.memberOf, region) in g
        assert str(g.value(municipality, bg("tooi"))) == f"https://identifier.overheid.nl/tooi/id/gemeente/{code}"
    assert (region, bg("centrumgemeente"), iri("organisatie/gemeente-deventer")) in g
    assert (region, ORG.classification, bg("org-samenwerkingsverband")) in g
    area = iri("gebied/regio-midden-ijssel")
    assert (area, RDF.type, bg("Area")) in g and (area, bg("areaKind"), bg("gebied-regio")) in g


def test_earlier_documents(shipped_graph):
    g = shipped_graph
    visie = iri("document/regiovisie-bw-mo-2017-2022")
    actieplan = iri("document/regionaal-actieplan-mo-bw-2017-2022")
    convenant = iri("document/samenwerkingsconvenant-bw-mo-regio-midden-ijssel")
    assert (DOC, PROV.wasRevisionOf, visie) in g
    assert {actieplan, convenant} <= set(g.objects(DOC, bg("buildsOn")))
    for doc, kind in ((visie, "doc-regiovisie"), (actieplan, "doc-actieplan"), (convenant, "doc-convenant")):
        assert (doc, RDF.type, bg("PolicyDocument")) in g
        assert (doc, bg("documentKind"), bg(kind)) in g
        assert (doc, DCTERMS.source, DOC) in g and g.value(doc, bg("quote")) is not None
    for doc in (visie, actieplan):
        assert typed(g, doc, bg("periodStart"), XSD.gYear) == Literal("2017", datatype=XSD.gYear)
        assert typed(g, doc, bg("periodEnd"), XSD.gYear) == Literal("2022", datatype=XSD.gYear)


# -- bewegingen, doelstellingen, indicatoren -------------------------------------------------

def test_three_bewegingen(shipped_graph):
    g = shipped_graph
    expected = {"B1": "Van ziekte en zorg naar gezondheid en gedrag",
                "B2": "Van beschermd wonen naar een beschermd thuis",
                "B3": "Van maatschappelijke opvang naar wonen eerst"}
    found = {str(g.value(b, SKOS.notation)): label(g, b)
             for b in g.subjects(bg("goalLevel"), bg("niveau-beweging")) if (b, DCTERMS.source, DOC) in g}
    assert found == expected


def test_two_doelstellingen_with_two_indicators_each(shipped_graph):
    g = shipped_graph
    doelstellingen = {b for b in g.subjects(bg("goalLevel"), bg("niveau-doelstelling")) if (b, DCTERMS.source, DOC) in g}
    assert doelstellingen == {goal("doelstelling-1"), goal("doelstelling-2")}
    assert label(g, goal("doelstelling-1")) == "Meer inwoners zijn in staat om zelfstandig te blijven wonen"
    for n in ("1", "2"):
        assert str(g.value(goal(f"doelstelling-{n}"), SKOS.notation)) == n
        assert set(g.objects(goal(f"doelstelling-{n}"), bg("hasIndicator"))) == {indicator(f"{n}.1"), indicator(f"{n}.2")}


def test_doelstellingen_and_bewegingen_only_linked_with_a_reason(shipped_graph):
    g = shipped_graph
    for n in ("1", "2"):
        for broader in g.objects(goal(f"doelstelling-{n}"), bg("broaderGoal")):
            assert (broader, bg("goalLevel"), bg("niveau-beweging")) in g
            assert interpretations(g, goal(f"doelstelling-{n}"), bg("broaderGoal"), broader), \
                f"doelstelling {n} -> {broader}: the text does not order them, an interpretation is needed"


def test_indicator_1_1_clients_beschermd_wonen(shipped_graph):
    g, i = shipped_graph, indicator("1.1")
    assert typed(g, i, bg("baselineValue"), XSD.decimal).toPython() == Decimal(269)
    assert typed(g, i, bg("baselineDate"), XSD.date) == Literal("2024-01-01", datatype=XSD.date)
    assert typed(g, i, bg("targetRelativeChange"), XSD.decimal).toPython() == Decimal("-0.20")
    assert typed(g, i, bg("targetDate"), XSD.date) == Literal("2027-01-01", datatype=XSD.date)
    assert g.value(i, bg("targetValue")) is None
    assert "cliënten" in str(one(g, i, bg("unit")))


def test_indicator_1_2_clients_maatschappelijke_opvang(shipped_graph):
    g, i = shipped_graph, indicator("1.2")
    assert typed(g, i, bg("baselineValue"), XSD.decimal).toPython() == Decimal(243)
    assert typed(g, i, bg("baselineDate"), XSD.gYear) == Literal("2023", datatype=XSD.gYear)
    assert typed(g, i, bg("targetRelativeChange"), XSD.decimal).toPython() == Decimal("-0.20")
    assert typed(g, i, bg("targetDate"), XSD.gYear) == Literal("2026", datatype=XSD.gYear)
    assert "unieke cliënten" in str(one(g, i, bg("unit")))


def test_indicator_2_1_waiting_time(shipped_graph):
    g, i = shipped_graph, indicator("2.1")
    assert typed(g, i, bg("baselineValue"), XSD.decimal).toPython() == Decimal("9.2")
    assert typed(g, i, bg("baselineDate"), XSD.date) == Literal("2024-01-01", datatype=XSD.date)
    assert typed(g, i, bg("targetValue"), XSD.decimal).toPython() == Decimal(3)
    assert str(one(g, i, bg("targetComparator"))) == "<="
    assert typed(g, i, bg("targetDate"), XSD.gYear) == Literal("2026", datatype=XSD.gYear)
    assert str(one(g, i, bg("unit"))) == "maanden"


def test_indicator_2_2_trajectduur_baseline_unknown(shipped_graph):
    g, i = shipped_graph, indicator("2.2")
    assert g.value(i, bg("baselineValue")) is None
    assert "nog onbekend" in str(one(g, i, bg("baselineNote")))
    assert typed(g, i, bg("targetValue"), XSD.decimal).toPython() == Decimal("0.3333")
    assert str(one(g, i, bg("targetComparator"))) == "<="
    assert typed(g, i, bg("targetDate"), XSD.gYear) == Literal("2026", datatype=XSD.gYear)
    assert str(one(g, i, bg("unit"))) == "aandeel cliënten"
    assert "1/3" in str(g.value(i, SKOS.scopeNote))


# -- actielijnen and actions -----------------------------------------------------------------

def test_five_actielijnen(shipped_graph):
    g = shipped_graph
    expected = {"1": "Thuis in je buurt, dorp of stad",
                "2": "Investeren in preventie en ondersteunen in bestaanscondities",
                "3": "Bieden van wonen met begeleiding op maat",
                "4": "Passende beschermde woonvormen in de hele regio",
                "5": "Maatschappelijke opvang als vangnet én springplank"}
    strands = {s for s in g.subjects(RDF.type, bg("Strand"))
               if (s, bg("definedIn"), DOC) in g and (s, bg("strandKind"), bg("strand-actielijn")) in g}
    assert strands == {strand(n) for n in EXPECTED_ACTIONS}
    for n, name in expected.items():
        s = strand(n)
        assert label(g, s) == name
        assert str(g.value(s, SKOS.notation)) == n
        assert (s, bg("strandKind"), bg("strand-actielijn")) in g
        assert g.value(s, DCTERMS.description) is not None
        # "In elke actielijn hebben we daarom specifieke aandacht voor jongvolwassenen (18-27 jaar)."
        assert (s, bg("targetGroup"), iri("doelgroep/jongvolwassenen-18-27")) in g


@pytest.mark.parametrize("n,count", sorted(EXPECTED_ACTIONS.items()))
def test_action_count_and_notations_per_actielijn(shipped_graph, n, count):
    g = shipped_graph
    actions = {a for a in g.subjects(bg("partOfStrand"), strand(n)) if (a, RDF.type, bg("Action")) in g}
    notations = sorted((str(g.value(a, SKOS.notation)) for a in actions), key=lambda s: int(s.split(".")[1]))
    assert notations == [f"{n}.{i}" for i in range(1, count + 1)]
    for a in actions:
        assert a == action(str(g.value(a, SKOS.notation)))
        assert (a, DCTERMS.source, DOC) in g and g.value(a, bg("quote")) is not None
        label(g, a)


# Sub-headings inside the actielijnen that group the bullets (issue 15), as printed, in the
# order of the text: "Verslavingszorg", "Bed & break plekken", "Wachttijd verkorten", ...
SUB_HEADINGS = {"1": 4, "2": 5, "3": 7, "4": 6, "5": 5}


def test_sub_headings_inside_the_actielijnen(shipped_graph):
    g = shipped_graph
    source = " ".join(open(_source_path(), encoding="utf-8").read().split())
    themes = {s for s in g.subjects(bg("strandKind"), bg("strand-thema-binnen-actielijn")) if (s, bg("definedIn"), DOC) in g}
    per_actielijn = {n: {t for t in themes if (t, bg("partOfStrand"), strand(n)) in g} for n in SUB_HEADINGS}
    assert {n: len(ts) for n, ts in per_actielijn.items()} == SUB_HEADINGS
    assert themes == set().union(*per_actielijn.values())
    for theme in themes:
        assert label(g, theme) in source, f"{theme}: the heading is printed in the text"
    for heading in ("Verslavingszorg", "Bed & break plekken", "Wachttijd verkorten"):
        assert heading in {label(g, t) for t in themes}


def test_every_bullet_keeps_its_actielijn_and_has_a_sub_heading(shipped_graph):
    g = shipped_graph
    for a in g.subjects(bg("definedIn"), DOC):
        if (a, RDF.type, bg("Action")) not in g or (a, bg("actionKind"), bg("actie-toezegging")) in g:
            continue
        parents = set(g.objects(a, bg("partOfStrand")))
        actielijnen = {p for p in parents if (p, bg("strandKind"), bg("strand-actielijn")) in g}
        themes = parents - actielijnen
        assert len(actielijnen) == 1, a
        assert themes and all((t, bg("partOfStrand"), next(iter(actielijnen))) in g for t in themes), a


def _source_path():
    from beleidsgraaf.settings import current_settings
    return current_settings().data_dir / "sources" / f"{RV}.txt"


def test_all_actions_of_the_document_are_in_an_actielijn(shipped_graph):
    g = shipped_graph
    # The bullets of the boxes; commitments in running text (issue 15) are toezeggingen.
    actions = {a for a in g.subjects(RDF.type, bg("Action")) if (a, DCTERMS.source, DOC) in g
               and (a, bg("actionKind"), bg("actie-toezegging")) not in g}
    assert len(actions) == sum(EXPECTED_ACTIONS.values()) == 40
    assert {str(g.value(a, SKOS.notation)) for a in actions} == set(EXPECTED_SCOPE)


def test_commitments_in_running_text_are_toezeggingen_under_a_theme(shipped_graph):
    """Monitoring/evaluatie and the chapter 'Onze wijze van samenwerken' make commitments
    outside the boxes; they are actions of kind toezegging, each under a theme."""
    g = shipped_graph
    commitments = {a for a in g.subjects(bg("actionKind"), bg("actie-toezegging")) if (a, bg("definedIn"), DOC) in g}
    assert {str(g.value(a, SKOS.notation)) for a in commitments} == {"S.1", "S.2", "S.3", "M.1"}
    for a in commitments:
        (theme,) = set(g.objects(a, bg("partOfStrand")))
        assert (theme, bg("strandKind"), bg("strand-thema")) in g


def test_actor_scopes_as_the_bullets_say(shipped_graph):
    g = shipped_graph
    for notation, scope in EXPECTED_SCOPE.items():
        found = g.value(action(notation), bg("actorScope"))
        assert found == (bg(scope) if scope else None), f"action {notation}: {found}"


def test_timing_as_the_bullets_say(shipped_graph):
    g = shipped_graph
    # 2.1 / 5.2: "in de periode t/m 2025"; 2.2: "binnen de planperiode (t/m 2026)"
    for notation, year in (("2.1", "2025"), ("5.2", "2025"), ("2.2", "2026")):
        assert typed(g, action(notation), bg("deadline"), XSD.gYear) == Literal(year, datatype=XSD.gYear)
        assert "t/m" in str(one(g, action(notation), bg("timingNote")))
    # 2.5: "begin 2024 t/m eind 2026"
    a = action("2.5")
    assert typed(g, a, bg("startDate"), XSD.gYear) == Literal("2024", datatype=XSD.gYear)
    assert typed(g, a, bg("deadline"), XSD.gYear) == Literal("2026", datatype=XSD.gYear)
    assert str(one(g, a, bg("timingNote"))) == "begin 2024 t/m eind 2026"
    # 5.4: "zo spoedig mogelijk in 2024"; 5.6: "in 2024"
    assert typed(g, action("5.4"), bg("deadline"), XSD.gYear) == Literal("2024", datatype=XSD.gYear)
    assert "zo spoedig mogelijk" in str(one(g, action("5.4"), bg("timingNote")))
    assert typed(g, action("5.6"), bg("deadline"), XSD.gYear) == Literal("2024", datatype=XSD.gYear)
    # 5.5: "Vanaf 1-1-2024"
    assert typed(g, action("5.5"), bg("startDate"), XSD.date) == Literal("2024-01-01", datatype=XSD.date)


def test_links_named_in_the_bullets(shipped_graph):
    g = shipped_graph
    assert (action("2.2"), bg("alignsWith"), iri("programma/gala")) in g
    assert (action("2.4"), bg("alignsWith"), iri("programma/een-thuis-voor-iedereen")) in g
    assert (action("2.5"), bg("alignsWith"), iri("programma/kamers-met-aandacht")) in g
    assert (action("5.1"), bg("alignsWith"), iri("programma/nationaal-actieplan-dakloosheid")) in g
    assert (action("5.4"), bg("alignsWith"), iri("programma/housing-first")) in g
    assert (action("5.2"), bg("refersToAction"), action("2.1")) in g
    assert {iri("wet/wmo-2015"), iri("wet/wlz"), iri("wet/zvw")} <= set(g.objects(action("4.5"), bg("mentions")))
    assert {iri("organisatie/zorgverzekeraars"), iri("organisatie/zorgkantoren")} <= set(g.objects(action("4.5"), bg("partner")))
    young = iri("doelgroep/jongvolwassenen-18-27")
    assert int(g.value(young, bg("ageMin"))) == 18
    if g.value(young, bg("ageMax")) is not None:
        assert int(g.value(young, bg("ageMax"))) == 27
    assert {a for a in g.subjects(bg("targetGroup"), young) if (a, RDF.type, bg("Action")) in g} >= \
        {action(n) for n in ("2.1", "2.4", "2.5", "2.6", "3.5", "5.2", "5.6")}


def test_laws_and_programmes_named_by_the_text_are_in_the_register(shipped_graph):
    g = shipped_graph
    laws = {"wmo-2015": "BWBR0035362", "jeugdwet": "BWBR0034925", "zvw": "BWBR0018450",
            "wlz": "BWBR0035917", "wgs": "BWBR0031331"}
    for slug, bwb in laws.items():
        law = iri("wet/" + slug)
        assert (law, DCTERMS.source, DOC) in g, f"{slug} lacks this document as source"
        assert str(g.value(law, bg("bwbId"))) == bwb
    for slug in ("nationaal-actieplan-dakloosheid", "bestuurlijke-afspraken-nationaal-actieplan-dakloosheid",
                 "integraal-zorgakkoord", "gala", "een-thuis-voor-iedereen", "kamers-met-aandacht",
                 "housing-first", "positieve-gezondheid", "gem-de-nieuwe-ggz",
                 "van-beschermd-wonen-naar-een-beschermd-thuis",
                 "regionale-verkenning-dakloosheid-jongeren-midden-ijssel"):
        programme = iri("programma/" + slug)
        assert (programme, RDF.type, bg("Programme")) in g and (programme, DCTERMS.source, DOC) in g, slug


# -- serves links ----------------------------------------------------------------------------

def interpretations(g, subject, prop, obj):
    return [i for i in g.subjects(bg("interpretedSubject"), subject)
            if (i, RDF.type, bg("Interpretation")) in g
            and (i, bg("interpretedProperty"), prop) in g and (i, bg("interpretedObject"), obj) in g]


def serves(g, thing, level):
    return {o for p in ("servesStated", "servesInferred") for o in g.objects(thing, bg(p))
            if (o, bg("goalLevel"), bg(level)) in g}


@pytest.mark.parametrize("n", sorted(EXPECTED_ACTIONS))
def test_every_actielijn_serves_a_doelstelling_and_a_beweging(shipped_graph, n):
    g = shipped_graph
    assert serves(g, strand(n), "niveau-doelstelling"), f"actielijn {n} serves no doelstelling"
    assert serves(g, strand(n), "niveau-beweging"), f"actielijn {n} serves no beweging"


def test_every_inferred_serves_link_has_an_interpretation_with_a_dutch_reason(shipped_graph):
    g = shipped_graph
    ours = [(s, o) for s, o in g.subject_objects(bg("servesInferred")) if (s, DCTERMS.source, DOC) in g]
    assert ours, "the regiovisie has inferred serves links"
    for s, o in ours:
        found = interpretations(g, s, bg("servesInferred"), o)
        assert len(found) == 1, f"{s} servesInferred {o}: {len(found)} interpretations"
        i = found[0]
        reasons = [r for r in g.objects(i, bg("reason")) if r.language == "nl" and len(str(r)) > 40]
        assert reasons, f"{i}: no Dutch reason"
        assert (i, DCTERMS.source, DOC) in g and g.value(i, bg("quote")) is not None


def test_no_link_is_both_stated_and_inferred(shipped_graph):
    g = shipped_graph
    stated = set(g.subject_objects(bg("servesStated")))
    inferred = set(g.subject_objects(bg("servesInferred")))
    assert not {(s, o) for s, o in stated & inferred if (s, DCTERMS.source, DOC) in g}


def test_serves_links_read_from_the_text(shipped_graph):
    g = shipped_graph
    d1, d2 = goal("doelstelling-1"), goal("doelstelling-2")
    b2, b3 = goal("beweging-B2"), goal("beweging-B3")
    # "Deze richting vormt ook de kern van de beweging 'van beschermd wonen naar een beschermd thuis'"
    assert (strand(3), bg("servesStated"), b2) in g
    # "... met name via acties via de actielijnen 2 en 3, omdat deze ook bijdragen aan ... de verkorting
    # van de wachttijd" (indicator 2.1); actielijn 4 sets the 2.1 target, actielijn 5 the 2.2 target.
    for n in (2, 3, 4, 5):
        assert (strand(n), bg("servesStated"), d2) in g
    # "In lijn met het Nationaal Actieplan zetten we in op Wonen eerst" (Housing First)
    assert (action("5.4"), bg("servesStated"), b3) in g
    # Nothing in the text ties actielijn 1 to a doelstelling: only inferred links there.
    assert not list(g.objects(strand(1), bg("servesStated")))
    assert (strand(1), bg("servesInferred"), d1) in g
