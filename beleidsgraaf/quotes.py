"""Checking that every bg:quote is verbatim in the source text of its document.

Quotes are compared after collapsing runs of whitespace, because the source texts are
PDF extractions whose line breaks carry no meaning.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from .settings import current_settings
from .namespaces import BG
from .shipped import shipped_graph
from .rdfio import read_file, to_graph

QUOTE = URIRef(BG + "quote")
SOURCE_TEXT = URIRef(BG + "sourceText")
FILE_PATH = URIRef(BG + "filePath")


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class QuoteProblem:
    subject: str
    quote: str
    reason: str

    def __str__(self) -> str:
        quote = self.quote if len(self.quote) <= 90 else self.quote[:90] + "…"
        return f"{self.subject}: {self.reason}: \"{quote}\""


class SourceTexts:
    """The collapsed source text of each document, read once."""

    def __init__(self, graph: Graph, data_dir: Path):
        self._graph = graph
        self._data_dir = data_dir
        self._cache: dict[URIRef, str | None] = {}

    def text_of(self, document: URIRef) -> str | None:
        if document not in self._cache:
            self._cache[document] = self._read(document)
        return self._cache[document]

    def _read(self, document: URIRef) -> str | None:
        source_text = self._graph.value(document, SOURCE_TEXT)
        path = self._graph.value(source_text, FILE_PATH) if source_text is not None else None
        if path is None:
            return None
        file = self._data_dir / str(path)
        return collapse(file.read_text(encoding="utf-8")) if file.is_file() else None


def check_quotes(graph: Graph, data_dir: Path, subjects: set | None = None) -> list[QuoteProblem]:
    texts = SourceTexts(graph, data_dir)
    problems = []
    for subject, quote in graph.subject_objects(QUOTE):
        if subjects is not None and subject not in subjects:
            continue
        documents = list(graph.objects(subject, DCTERMS.source))
        available = [t for t in (texts.text_of(d) for d in documents) if t is not None]
        if not available:
            problems.append(QuoteProblem(str(subject), str(quote),
                                         "no source text: give dcterms:source a document that has bg:sourceText"))
        elif not any(collapse(str(quote)) in text for text in available):
            problems.append(QuoteProblem(str(subject), str(quote), "quote not found verbatim in its source text"))
    return sorted(problems, key=lambda p: (p.subject, p.quote))


def submitted_quote_results(data: Graph, references: Graph | None, texts: dict[str, str],
                            data_dir: Path) -> list:
    """Validation results for the quotes in `data` (a steward's file) that are not verbatim
    in a source text: the texts submitted with it (`texts`, name -> text) or the shipped
    source text of the document it cites. A quote with no text to check against is not
    reported (the report's summary says when no source text was given)."""
    from .validation import ValidationResult

    lookup = data + references if references is not None else data
    shipped = SourceTexts(lookup, data_dir)
    submitted = {name: collapse(text) for name, text in texts.items()}
    results = []
    for subject, quote in sorted(data.subject_objects(QUOTE)):
        own = [shipped.text_of(d) for d in lookup.objects(subject, DCTERMS.source)]
        available = [t for t in own if t is not None] + list(submitted.values())
        if not available or any(collapse(str(quote)) in text for text in available):
            continue
        names = ", ".join(submitted) or "de brontekst van het document"
        results.append(ValidationResult(
            focus_node=str(subject), focus_label=None, path=str(QUOTE), value=str(quote), severity="Violation",
            message_nl=f"Citaat (bg:quote) \"{_clip(str(quote))}\" staat niet letterlijk in {names}: kopieer de "
                       "tekst precies uit de bron (verschillen in witruimte en regeleinden tellen niet).",
            message_en=f"Quote (bg:quote) \"{_clip(str(quote))}\" is not verbatim in {names}: copy the text exactly "
                       "from the source (whitespace and line breaks do not count).",
            shape=None, constraint=BG + "QuoteInSourceText"))
    return results


def _clip(text: str) -> str:
    return text if len(text) <= 90 else text[:90] + "…"


def main(argv: list[str] | None = None) -> int:
    """python -m beleidsgraaf.quotes [FILE ...]: check quotes of the given data files (default: all)."""
    cfg = current_settings()
    args = argv if argv is not None else sys.argv[1:]
    graph = shipped_graph(cfg)
    subjects = None
    if args:
        own = Graph()
        for name in args:
            to_graph(read_file(Path(name)), own)
        graph += own
        subjects = set(own.subjects())
    problems = check_quotes(graph, cfg.data_dir, subjects)
    for p in problems:
        print(p)
    checked = sum(1 for s, _ in graph.subject_objects(QUOTE) if subjects is None or s in subjects)
    print(f"{checked} quotes checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
