"""The synthetic generator: deterministic, shaped like the real data, valid against our shapes."""

from __future__ import annotations

import pytest

import pyoxigraph as ox

from beleidsgraaf.cli import main
from beleidsgraaf.pipeline import read_user_graph
from beleidsgraaf.synthetic.synth import generate, municipalities_for_size
from beleidsgraaf.validation import validate_graph

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SHIPPED_QUADS = 9791  # the shipped graph when the generator was calibrated (docs/performance.md)


def test_synth_is_deterministic(tmp_path, capsys):
    assert main(["synth", "--municipalities", "7", "--out", str(tmp_path / "a")]) == 0
    assert main(["synth", "-n", "7", "--out", str(tmp_path / "b")]) == 0
    a = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert a == sorted([f"synth-gemeente-{m}.nt" for m in range(7)] + ["synth-regio-0.nt", "synth-regio-1.nt",
                                                                        "synth-register.nt"])
    for name in a:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert "triples in 10 files" in capsys.readouterr().out


@pytest.mark.slow
def test_a_synthetic_municipality_is_about_the_size_of_the_shipped_graph(tmp_path):
    counts = generate(5, tmp_path)
    per_municipality = sum(counts.values()) / 5
    assert 0.9 * SHIPPED_QUADS < per_municipality < 1.1 * SHIPPED_QUADS
    assert municipalities_for_size(1) == 0 and municipalities_for_size(342) == 341


@pytest.mark.slow
def test_synthetic_data_conforms_to_the_shapes(tmp_path):
    generate(1, tmp_path)
    report = validate_graph(read_user_graph([tmp_path]))
    assert report.violations == 0, report.as_text()
    assert report.counts["Warning"] == 0, report.as_text()


def test_synthetic_data_has_the_shape_the_queries_need(tmp_path):
    """Every kind of entity and link the canned queries walk is there."""
    generate(1, tmp_path)
    store = ox.Store()
    for file in tmp_path.glob("*.nt"):
        store.bulk_load(path=str(file), format=ox.RdfFormat.N_TRIPLES)
    bg = "https://w3id.org/beleidsgraaf/def#"
    for cls in ("Action", "Strand", "Goal", "Indicator", "Interpretation", "Provision", "StatutoryTask",
                "Programme", "TargetGroup", "Area", "Illustration", "PolicyDocument", "SourceText"):
        assert any(store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(bg + cls))), cls
    for prop in ("partOfStrand", "servesStated", "servesInferred", "continuesInferred", "refersToAction",
                 "initiator", "partner", "mentions", "targetGroup", "deadline", "status", "executes",
                 "deliveredBy", "broaderGoal", "hasIndicator", "usesConcept", "illustrates", "implements"):
        assert any(store.quads_for_pattern(None, ox.NamedNode(bg + prop), None)), prop


def test_synth_rejects_zero_municipalities(tmp_path, capsys):
    assert main(["synth", "-n", "0", "--out", str(tmp_path)]) == 2
    assert "at least 1" in capsys.readouterr().err
