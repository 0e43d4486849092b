"""The shared register holds one IRI per organisation, post and law.

Fails when two org:Organization, org:Post or eli:LegalResource entities share a normalised
prefLabel/altLabel, when a TOOI or BWB identifier is malformed or shared, or when a law's
official page does not match its BWB identifier."""

from __future__ import annotations

import re
import string
import unicodedata
from collections import defaultdict

import pytest
from rdflib import RDF, URIRef
from rdflib.namespace import SKOS
from beleidsgraaf.namespaces import BG, ELI, ORG

CLASSES = {"organisation": URIRef(ORG + "Organization"), "post": URIRef(ORG + "Post"),
           "law": URIRef(ELI + "LegalResource")}
TOOI = re.compile(r"^https://identifier\.overheid\.nl/tooi/id/"
                  r"(gemeente|provincie|waterschap|ministerie|zbo|oorg|gemeenschappelijke_regeling)/[a-z]+[0-9]+$")
TOOI_GEMEENTE = re.compile(r"^https://identifier\.overheid\.nl/tooi/id/gemeente/gm[0-9]{4}$")
BWB = re.compile(r"^BWBR[0-9]{7}$")


def normalise(text: str) -> str:
    """Lower case, accents stripped, apostrophes/quotes and punctuation removed, whitespace collapsed."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = "".join(" " if (c in string.punctuation or unicodedata.category(c).startswith("P")) else c
                   for c in text if c not in "’‘'`´")
    return re.sub(r"\s+", " ", text).strip()


def test_normalise():
    assert normalise("’t Baken") == normalise("'t  Baken") == normalise("‘t Baken") == "t baken"
    assert normalise("Cliëntondersteuning") == "clientondersteuning"
    assert normalise("AMW/SMW") == "amw smw"


@pytest.mark.parametrize("kind", sorted(CLASSES))
def test_no_two_entities_share_a_label(shipped_graph, kind):
    g = shipped_graph
    owners = defaultdict(set)
    for entity in g.subjects(RDF.type, CLASSES[kind]):
        for prop in (SKOS.prefLabel, SKOS.altLabel):
            for label in g.objects(entity, prop):
                key = normalise(str(label))
                if key:
                    owners[key].add(str(entity))
    clashes = {label: sorted(ents) for label, ents in owners.items() if len(ents) > 1}
    assert not clashes, f"{kind}s sharing a normalised label (merge them into one IRI): {clashes}"


def test_every_register_entity_has_one_dutch_preflabel(shipped_graph):
    g = shipped_graph
    for cls in CLASSES.values():
        for entity in g.subjects(RDF.type, cls):
            labels = [l for l in g.objects(entity, SKOS.prefLabel) if getattr(l, "language", None) == "nl"]
            assert len(labels) == 1, f"{entity}: {len(labels)} Dutch prefLabels"


def test_tooi_identifiers(shipped_graph):
    g = shipped_graph
    seen = defaultdict(set)
    for org, tooi in g.subject_objects(URIRef(BG + "tooi")):
        assert isinstance(tooi, URIRef), f"{org}: TOOI must be an IRI"
        assert TOOI.match(str(tooi)), f"{org}: malformed TOOI {tooi}"
        if "/tooi/id/gemeente/" in str(tooi):
            assert TOOI_GEMEENTE.match(str(tooi)), f"{org}: malformed municipality TOOI {tooi}"
        seen[str(tooi)].add(str(org))
    shared = {t: sorted(o) for t, o in seen.items() if len(o) > 1}
    assert not shared, f"TOOI identifiers used by more than one organisation: {shared}"
    assert str(g.value(URIRef("https://w3id.org/beleidsgraaf/id/organisatie/gemeente-lochem"), URIRef(BG + "tooi"))) \
        == "https://identifier.overheid.nl/tooi/id/gemeente/gm0262"


def test_bwb_identifiers_and_official_pages(shipped_graph):
    g = shipped_graph
    laws_by_id = defaultdict(set)
    for law in g.subjects(RDF.type, CLASSES["law"]):
        ids = [str(i) for i in g.objects(law, URIRef(BG + "bwbId"))]
        assert len(ids) <= 1, f"{law}: more than one BWB id {ids}"
        pages = [str(p) for p in g.objects(law, URIRef(BG + "officialPage"))]
        assert len(pages) <= 1, f"{law}: more than one official page {pages}"
        if pages:
            assert ids, f"{law}: official page without BWB id"
        for bwb in ids:
            assert BWB.match(bwb), f"{law}: malformed BWB id {bwb}"
            laws_by_id[bwb].add(str(law))
            for page in pages:
                assert re.match(rf"^https://wetten\.overheid\.nl/{bwb}(/|$|\?|#)", page), \
                    f"{law}: official page {page} does not match {bwb}"
    shared = {b: sorted(l) for b, l in laws_by_id.items() if len(l) > 1}
    assert not shared, f"BWB ids used by more than one law: {shared}"
