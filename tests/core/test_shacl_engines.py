"""The fast SHACL engine (rudof) reports exactly what the reference (pyshacl) reports: the
same conformance, the same results (focus node, path, constraint component, severity),
and the same messages, values and labels people read."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH, XSD

from beleidsgraaf import shacl_engine
from beleidsgraaf.errors import UserError
from beleidsgraaf.synthetic.faults import broken_copy
from beleidsgraaf.pipeline import read_user_graph
from beleidsgraaf.shacl_engine import ReportTriples, ShapesError, result_signature
from beleidsgraaf.synthetic.synth import BG, ID, generate
from beleidsgraaf.validation import ValidationReport, validate_graph
from tests.support import SHAPES_INVALID

CASES_DIR = SHAPES_INVALID
BASE = CASES_DIR / "_base.ttl"
CASES = sorted(p for p in CASES_DIR.glob("*.ttl") if p.name != BASE.name)


def both(data: Graph, **kwargs) -> tuple[ValidationReport, ValidationReport]:
    return validate_graph(data, engine="pyshacl", **kwargs), validate_graph(data, engine="rudof", **kwargs)


def assert_same(reference: ValidationReport, fast: ValidationReport) -> None:
    assert fast.conforms == reference.conforms
    assert len(fast.results) == len(reference.results)
    assert result_signature(ReportTriples(fast.report_triples)) == \
        result_signature(ReportTriples(reference.report_triples))
    # What people read: messages in both languages, values, labels, shapes.
    assert readable(fast) == readable(reference)


def readable(report: ValidationReport) -> list[str]:
    return sorted(json.dumps(asdict(r), sort_keys=True) for r in report.results)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_invalid_case_same_report(case):
    reference, fast = both(read_user_graph([BASE, case]))
    assert reference.results, "every case has something to report"
    assert_same(reference, fast)


@pytest.mark.slow
def test_broken_synthetic_graph_same_report(tmp_path):
    generate(1, tmp_path)
    reference, fast = both(broken_copy(read_user_graph([tmp_path]), rate=0.03))
    # The comparison means something only when many kinds of constraint fire.
    components = {r.constraint for r in reference.results}
    assert len(reference.results) > 50 and len(components) >= 6, components
    assert_same(reference, fast)


@pytest.mark.slow
def test_shipped_data_same_report():
    reference, fast = both(read_user_graph([Path("data")]))
    assert_same(reference, fast)


@pytest.mark.slow
def test_broken_shipped_data_same_report():
    """The shipped data holds every class, interpretations and inferred links; broken, it
    makes nearly every constraint of the shapes fire."""
    reference, fast = both(broken_copy(read_user_graph([Path("data")]), seed=1, rate=0.02))
    assert len({r.constraint for r in reference.results}) >= 10
    assert_same(reference, fast)


@pytest.mark.slow
def test_with_shipped_context_same_report():
    """With reference data pyshacl validates only the user's nodes; rudof validates everything
    and the other nodes' results are left out: the reports agree."""
    data = read_user_graph([BASE, CASES_DIR / "action-bad-status.ttl"])
    action, shipped = URIRef(ID + "test/a5"), ID + "{}/regiovisie-bw-mo-2024-2026/{}"
    data.add((action, URIRef(BG + "partOfStrand"), URIRef(shipped.format("actielijn", "actielijn-1"))))
    data.add((action, URIRef(BG + "refersToAction"), URIRef(shipped.format("doel", "doelstelling-1"))))
    reference, fast = both(data, references=read_user_graph([Path("data")]))
    assert {r.constraint.rsplit("#")[-1] for r in reference.results} >= {"InConstraintComponent",
                                                                           "ClassConstraintComponent"}
    assert_same(reference, fast)


def _batches_without_shared_subjects(cases) -> list[list]:
    """Cases in as few batches as possible such that no two cases in a batch describe the
    same subject (a result is counted for the case its focus node comes from), and
    interpretation-dangling apart (it needs a link that inferred-without-interpretation adds)."""
    batches: list[tuple[list, set]] = []
    for case in sorted(cases, key=lambda c: c.name != "interpretation-dangling.ttl"):
        subjects = set(read_user_graph([case]).subjects())
        for batch, taken in batches:
            if not subjects & taken and "interpretation-dangling.ttl" not in {c.name for c in batch}:
                batch.append(case)
                taken |= subjects
                break
        else:
            batches.append(([case], subjects))
    return [batch for batch, _ in batches]


@pytest.mark.slow
def test_every_invalid_case_same_report_with_the_existing_data():
    """Validation runs with the shipped (and published) data by default: on every file of
    tests/resources/shapes_invalid/ both engines then agree on conformance and on the number of
    results. (pyshacl's focus_nodes option once skipped the nested shapes, sh:node and
    sh:qualifiedValueShape, so an ill-typed bg:deadline passed with pyshacl only.) All
    cases run in a few validations; each result is counted for the file its focus node is in."""
    from beleidsgraaf.background import validation_background

    references = validation_background()
    batches = _batches_without_shared_subjects(CASES)
    results = {"pyshacl": [], "rudof": []}  # (case name, severity) per result
    for batch in batches:
        data, case_of = read_user_graph([BASE]), {}  # a subject is in one case of its batch
        for case in batch:
            own = read_user_graph([case])
            data += own
            case_of.update({s: case.name for s in own.subjects()})
        for engine in results:
            results[engine].extend((case_of.get(URIRef(r.focus_node), "_base"), r.severity)
                                   for r in validate_graph(data, references=references, engine=engine).results)

    def per_case(found):
        counts = Counter(name for name, _ in found)
        violations = {name for name, severity in found if severity == "Violation"}
        return {case.name: (case.name not in violations, counts[case.name]) for case in CASES}

    reference, fast = per_case(results["pyshacl"]), per_case(results["rudof"])
    assert reference == fast
    assert [name for name, (_, count) in reference.items() if not count] == []
    assert not reference["action-bad-deadline.ttl"][0]


def test_blank_node_focus_nodes_and_values_same_report():
    """rudof renumbers blank nodes when it writes its report; the engine gives them back."""
    data = read_user_graph([BASE]) + Graph().parse(format="turtle", data="""
        @prefix bg: <https://w3id.org/beleidsgraaf/def#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        [] a bg:Goal ; skos:prefLabel "Anoniem doel"@nl .
        <https://w3id.org/beleidsgraaf/id/test/strand> bg:mentions [ a bg:Action ] ; bg:partOfStrand [ a bg:Goal ] .
    """)
    reference, fast = both(data)
    blank = {r.focus_node for r in fast.results} | {r.value for r in fast.results if r.value}
    assert {str(b) for b in data.all_nodes() if isinstance(b, BNode)} & blank, fast.as_text()
    assert_same(reference, fast)


LITERAL_VARIANTS = """
        @prefix bg: <https://w3id.org/beleidsgraaf/def#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix dcterms: <http://purl.org/dc/terms/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        @prefix org: <http://www.w3.org/ns/org#> .
        @prefix t: <https://w3id.org/beleidsgraaf/id/test/> .
        t:f1 a bg:Indicator ; skos:prefLabel "Ind"@nl-NL , "Ind2"@NL ; dcterms:source t:doc ; bg:quote "ab"@nl ;
           bg:targetComparator "=<" , ">=" ; bg:targetRelativeChange "-1.5"^^xsd:decimal ; bg:unit "x"@en , 5 ;
           bg:baselineValue 3 ; bg:targetValue "4"^^xsd:double ; skos:notation "5.1 a" .
        t:g1 bg:hasIndicator t:f1 .
        t:tg1 a bg:TargetGroup ; skos:prefLabel ""@nl ; dcterms:source t:doc ; bg:quote "groep" ; bg:ageMin "5"^^xsd:decimal ; bg:ageMax "-1"^^xsd:int .
        t:o1 a org:Organization ; skos:prefLabel "Org"@nl ; dcterms:source t:doc ; bg:quote "org" ;
           bg:tooi <https://identifier.overheid.nl/tooi/id/gemeente/gm12> , "https://identifier.overheid.nl/tooi/id/gemeente/gm0262" ;
           org:classification bg:org-gemeente .
        t:p1 a org:Post ; skos:prefLabel "Post"@nl ; dcterms:source t:doc ; bg:quote "post" ; org:postIn t:o1 , t:doc ; bg:hoursPerWeek -2 , "3.5"^^xsd:decimal .
        t:doc2 a bg:PolicyDocument ; skos:prefLabel "Doc"@nl , "Doc2"@nl ; dcterms:source "t:doc" ; bg:quote "doc" ;
           bg:periodStart "2024-01"^^xsd:gYearMonth , "2025"^^xsd:gYear ; bg:documentKind bg:doc-nota , bg:doc-bijlage .
        t:area1 a bg:Area ; skos:prefLabel "Kern"@nl ; dcterms:source t:doc ; bg:quote "kern" ; bg:inhabitants -3 .
        t:c1 a skos:Concept ; skos:prefLabel "C"@nl ; skos:inScheme bg:Statussen , t:scheme .
"""


def test_literal_variants_same_report():
    """Language subtags, numbers of other (derived) datatypes against ranges, literals where
    IRIs belong, sh:in over literals, empty and duplicate labels."""
    reference, fast = both(read_user_graph([BASE]) + Graph().parse(data=LITERAL_VARIANTS, format="turtle"))
    assert len({r.constraint for r in reference.results}) >= 10
    assert_same(reference, fast)


def test_ill_typed_dates_fail_in_both_engines():
    """rudof alone would take any text as an xsd:date; the engine marks ill-typed literals."""
    data = read_user_graph([BASE, CASES_DIR / "action-bad-deadline.ttl"])
    action = URIRef(ID + "test/a4")
    data.remove((action, URIRef(BG + "deadline"), None))
    data.add((action, URIRef(BG + "deadline"), Literal("2024-02-30", datatype=XSD.date)))
    data.add((action, URIRef(BG + "startDate"), Literal("morgen", datatype=XSD.date)))
    reference, fast = both(data)
    assert {(r.path, r.value) for r in fast.results if r.severity == "Violation"} == {
        (BG + "deadline", "2024-02-30"), (BG + "startDate", "morgen")}
    assert_same(reference, fast)
    assert "ill-typed" not in fast.as_turtle()


def test_turtle_report_describes_blank_node_paths_and_shapes():
    report = validate_graph(read_user_graph([BASE, CASES_DIR / "indicator-orphan.ttl"]), engine="rudof")
    graph = Graph().parse(data=report.as_turtle(), format="turtle")
    result = next(graph.subjects(SH.focusNode, URIRef("https://w3id.org/beleidsgraaf/id/test/i1")))
    path = graph.value(result, SH.resultPath)
    assert graph.value(path, SH.inversePath) == URIRef("https://w3id.org/beleidsgraaf/def#hasIndicator")
    shape = graph.value(result, SH.sourceShape)
    assert Literal("Indicator belongs to no goal: add <goal> bg:hasIndicator <indicator>.", lang="en") in \
        set(graph.objects(shape, SH.message))


def test_engine_is_chosen_by_the_settings(settings_for_test):
    assert shacl_engine.default_engine() == "rudof"
    settings_for_test(shacl_engine="pyshacl")
    assert shacl_engine.default_engine() == "pyshacl"
    with pytest.raises(UserError, match="pyshacl"):
        shacl_engine.run("jena", [], None)


def test_broken_shapes_are_reported_as_such():
    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:s> a sh:NodeShape ; sh:targetClass <urn:C> ; sh:property [ sh:path "not a path" ; sh:minCount 1 ] .
    """, format="turtle")
    data = Graph().parse(data="<urn:x> a <urn:C> .", format="turtle")
    with pytest.raises(ShapesError, match="cannot be applied"):
        validate_graph(data, shapes=shapes, engine="rudof")
