"""Every quote is verbatim in its source text."""

from __future__ import annotations

import pytest

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from beleidsgraaf.namespaces import BG
from beleidsgraaf.settings import current_settings
from beleidsgraaf.quotes import QUOTE, check_quotes, collapse


def test_every_shipped_quote_is_verbatim_in_its_source(shipped_graph):
    quotes = list(shipped_graph.subject_objects(QUOTE))
    assert len(quotes) > 0
    problems = check_quotes(shipped_graph, current_settings().data_dir)
    assert not problems, "\n".join(str(p) for p in problems[:40]) + f"\n({len(problems)} problems)"


def test_every_document_with_a_source_text_points_to_an_existing_file(shipped_graph):
    for text in shipped_graph.subjects(RDF.type, URIRef(BG + "SourceText")):
        path = shipped_graph.value(text, URIRef(BG + "filePath"))
        assert (current_settings().data_dir / str(path)).is_file(), f"{text}: {path} missing"


@pytest.mark.slow
def test_a_changed_quote_is_caught(shipped_graph):
    subject, quote = next(iter(shipped_graph.subject_objects(QUOTE)))
    graph = Graph()
    for triple in shipped_graph.triples((None, None, None)):
        graph.add(triple)
    graph.remove((subject, QUOTE, quote))
    graph.add((subject, QUOTE, Literal(str(quote) + " en dat staat er niet")))
    problems = check_quotes(graph, current_settings().data_dir, {subject})
    assert problems and "not found verbatim" in problems[0].reason


def test_whitespace_is_collapsed():
    assert collapse("a \n  b\t c ") == "a b c"
