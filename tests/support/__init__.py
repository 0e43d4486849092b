"""What the tests share besides fixtures: paths of the checkout and of the test resources,
and the identifiers many tests look up. Fixtures stay in tests/conftest.py; everything a
test imports lives here (`from tests.support import GOAL_1`), never in a conftest."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
RESOURCES = TESTS / "resources"
EXAMPLE = RESOURCES / "voorbeeld"          # the made-up plan of gemeente Voorbeeldstad
MALFORMED = RESOURCES / "malformed"        # malformed RDF and SPARQL, one file per case
SHAPES_INVALID = RESOURCES / "shapes_invalid"  # one failing example per shape

REGIOVISIE = "regiovisie-bw-mo-2024-2026"
GOAL_1 = f"https://w3id.org/beleidsgraaf/id/doel/{REGIOVISIE}/doelstelling-1"

BACKENDS = ["oxigraph", "rdflib", "virtuoso"]
