"""SHACL validation against our shapes, with reports people can act on."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, SKOS

from . import shacl_engine
from .dataset import bind_prefixes, ontology_graph, shapes_graph
from .results import compact
from .shacl_engine import ReportTriples

SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass
class ValidationResult:
    focus_node: str
    focus_label: str | None
    path: str | None
    value: str | None
    severity: str
    message_nl: str
    message_en: str
    shape: str | None
    constraint: str | None


@dataclass
class ValidationReport:
    conforms: bool
    results: list[ValidationResult] = field(default_factory=list)
    # The sh:ValidationReport about these results, as triples; report_graph makes the Graph.
    report_triples: list[tuple] = field(default_factory=list, repr=False)

    @property
    def report_graph(self) -> Graph:
        graph = Graph()
        for triple in self.report_triples:
            graph.add(triple)
        return graph

    @property
    def counts(self) -> dict[str, int]:
        counts = Counter(r.severity for r in self.results)
        return {name: counts.get(name, 0) for name in ("Violation", "Warning", "Info")}

    @property
    def violations(self) -> int:
        return self.counts["Violation"]

    def summary(self) -> str:
        c = self.counts
        verdict = "conforms" if self.violations == 0 else "does not conform"
        return (f"{verdict}: {counted(c['Violation'], 'violation', 'violations')}, "
                f"{counted(c['Warning'], 'warning', 'warnings')}, {c['Info']} info")

    def summary_nl(self) -> str:
        c = self.counts
        verdict = "voldoet" if self.violations == 0 else "voldoet niet"
        return (f"{verdict}: {counted(c['Violation'], 'overtreding', 'overtredingen')}, "
                f"{counted(c['Warning'], 'waarschuwing', 'waarschuwingen')}, "
                f"{counted(c['Info'], 'melding', 'meldingen')}")

    def by_focus_node(self) -> dict[str, list[ValidationResult]]:
        grouped: dict[str, list[ValidationResult]] = {}
        for r in sorted(self.results, key=lambda r: (r.focus_node, SEVERITY_ORDER[r.severity], r.path or "")):
            grouped.setdefault(r.focus_node, []).append(r)
        return grouped

    def as_text(self, lang: str = "nl") -> str:
        lines = []
        for focus, results in self.by_focus_node().items():
            label = results[0].focus_label
            lines.append(f"{compact(focus)}" + (f"  ({label})" if label else ""))
            for r in results:
                message = r.message_nl if lang == "nl" else r.message_en
                where = f" {compact(r.path)}" if r.path else ""
                value = f" = {r.value}" if r.value is not None else ""
                lines.append(f"  {r.severity}:{where}{value}: {message}")
        lines.append(self.summary_nl() if lang == "nl" else self.summary())
        return "\n".join(lines)

    def as_json(self) -> str:
        return json.dumps({"conforms": self.violations == 0, "summary": self.summary(),
                           "summary_nl": self.summary_nl(), "counts": self.counts,
                           "results": [asdict(r) for r in self.results]}, ensure_ascii=False, indent=2)

    def as_turtle(self) -> str:
        graph = self.report_graph
        bind_prefixes(graph)
        return graph.serialize(format="turtle")


def counted(n: int, singular: str, plural: str) -> str:
    """"1 overtreding", "2 overtredingen": the noun agrees with the number."""
    return f"{n} {singular if n == 1 else plural}"


def validate_graph(data: Graph, *, context: Graph | None = None, shapes: Graph | None = None,
                   engine: str | None = None) -> ValidationReport:
    """Validate `data` (merged with the ontology and an optional context graph such as the
    shipped data, so references resolve) and report only on nodes that `data` describes.
    `engine` is "rudof" (the default) or "pyshacl" (the reference); see shacl_engine."""
    graphs = [g for g in (ontology_graph(), context, data) if g is not None]
    own_subjects = set(data.subjects())
    # With a large context, validate only the user's own IRIs (blank nodes cannot be named
    # as focus nodes; they are validated through the IRIs that use them).
    focus = sorted(s for s in own_subjects if isinstance(s, URIRef)) if context is not None else None
    if focus == []:
        return ValidationReport(conforms=True, results=[], report_triples=_own_report(ReportTriples([]), []))
    shapes = shapes if shapes is not None else shapes_graph()
    report = shacl_engine.run(engine or shacl_engine.default_engine(), graphs, shapes, focus)
    own = [n for n in report.results() if report.value(n, SH.focusNode) in own_subjects]
    results = sorted((_result(report, node, graphs[::-1], shapes) for node in own), key=_reading_order)
    return ValidationReport(conforms=not any(r.severity == "Violation" for r in results),
                            results=results, report_triples=_own_report(report, own))


def _reading_order(r: ValidationResult) -> tuple:
    """The same report reads the same whatever order the engine found the results in."""
    return (r.focus_node, SEVERITY_ORDER[r.severity], r.path or "", r.constraint or "", r.value or "",
            r.message_en)


def _result(report: ReportTriples, node, graphs: list[Graph], shapes: Graph) -> ValidationResult:
    """One result as people read it; `graphs` in the order to look up labels in."""
    focus = report.value(node, SH.focusNode)
    messages = {m.language or "": str(m) for m in report.objects(node, SH.resultMessage)}
    # An engine may give only its own message for some constraints; the shape has both languages.
    for source in (report.value(node, SH.sourceConstraint), report.value(node, SH.sourceShape)):
        if source is not None and not {"nl", "en"} <= set(messages):
            for m in shapes.objects(source, SH.message):
                messages.setdefault(m.language or "", str(m))
    generic = messages.get("") or next(iter(messages.values()), "")
    path = report.value(node, SH.resultPath)
    value = report.value(node, SH.value)
    return ValidationResult(
        focus_node=str(focus),
        focus_label=_label(graphs, focus),
        path=str(path) if isinstance(path, URIRef) else None,
        value=None if value is None else str(value),
        severity=SEVERITY_NAMES.get(report.value(node, SH.resultSeverity), "Violation"),
        message_nl=messages.get("nl", generic),
        message_en=messages.get("en", generic),
        shape=_str_or_none(report.value(node, SH.sourceShape)),
        constraint=_str_or_none(report.value(node, SH.sourceConstraintComponent)),
    )


def _label(graphs: list[Graph], node) -> str | None:
    labels = [lit for graph in graphs for lit in graph.objects(node, SKOS.prefLabel)]
    for lit in labels:
        if isinstance(lit, Literal) and lit.language == "nl":
            return str(lit)
    return str(labels[0]) if labels else None


def _str_or_none(term) -> str | None:
    return None if term is None or isinstance(term, BNode) else str(term)


def _own_report(report: ReportTriples, own: list) -> list[tuple]:
    """The sh:ValidationReport restricted to results about the user's own nodes."""
    nodes = report.report_nodes()
    report_node = nodes[0] if nodes else BNode()
    violations = [n for n in own if report.value(n, SH.resultSeverity) == SH.Violation]
    out = [(report_node, RDF.type, SH.ValidationReport), (report_node, SH.conforms, Literal(not violations))]
    for node in own:
        out.append((report_node, SH.result, node))
        out.extend(report.description(node))
    return out
