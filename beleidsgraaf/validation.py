"""SHACL validation against our shapes, with reports people can act on."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, SKOS, XSD

from . import shacl_engine
from .shipped import bind_prefixes, ontology_graph, shapes_graph
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
    location: str | None = None  # where in the steward's source, e.g. "blad acties, rij 3, kolom G (gereed)"


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

    def with_results(self, extra: list[ValidationResult], graphs: list[Graph] = ()) -> "ValidationReport":
        """This report with more results (checks beyond SHACL, such as quotes in source texts)."""
        for r in extra:
            if r.focus_label is None:
                r.focus_label = _label(list(graphs), URIRef(r.focus_node))
        results = sorted(self.results + list(extra), key=_reading_order)
        return ValidationReport(conforms=not any(r.severity == "Violation" for r in results), results=results,
                                report_triples=self.report_triples)

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
                # Without a property the message itself names the field and the value.
                value = f" = {r.value}" if r.path and r.value is not None else ""
                at = f"[{r.location}] " if r.location else ""
                lines.append(f"  {r.severity}:{where}{value}: {at}{message}")
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

    def to_plain(self) -> str:
        """This report as JSON of plain values (the report graph as N-Triples), the form
        in which a validation process hands it to the server: no Python objects."""
        return json.dumps({"conforms": self.conforms, "results": [asdict(r) for r in self.results],
                           "report": self.report_graph.serialize(format="nt")}, ensure_ascii=False)

    @classmethod
    def from_plain(cls, text: str) -> "ValidationReport":
        data = json.loads(text)
        results = [ValidationResult(**{name: _plain(data_result.get(name)) for name in RESULT_FIELDS})
                   for data_result in data["results"]]
        graph = Graph().parse(data=data["report"], format="nt") if data["report"].strip() else Graph()
        return cls(conforms=bool(data["conforms"]), results=results, report_triples=list(graph))


RESULT_FIELDS = tuple(ValidationResult.__dataclass_fields__)


def _plain(value):
    """A result field as a string (or None): whatever else a validation process sent is not used."""
    return value if value is None or isinstance(value, str) else str(value)


def counted(n: int, singular: str, plural: str) -> str:
    """"1 overtreding", "2 overtredingen": the noun agrees with the number."""
    return f"{n} {singular if n == 1 else plural}"


def validate_graph(data: Graph, *, references: Graph | None = None, shapes: Graph | None = None,
                   engine: str | None = None) -> ValidationReport:
    """Validate `data` (merged with the ontology and optional `references` such as the
    shipped data, so links to existing entities resolve) and report only on nodes that `data` describes.
    `engine` is "rudof" (the default) or "pyshacl" (the reference); see shacl_engine."""
    graphs = [g for g in (ontology_graph(), references, data) if g is not None]
    own_subjects = set(data.subjects())
    # With reference data, validate only the user's own IRIs (blank nodes cannot be named
    # as focus nodes; they are validated through the IRIs that use them).
    focus = sorted(s for s in own_subjects if isinstance(s, URIRef)) if references is not None else None
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
    detail_nl, detail_en = explain(report.value(node, SH.sourceConstraintComponent),
                                   report.value(node, SH.sourceShape), shapes, graphs, focus, path, value)
    return ValidationResult(
        focus_node=str(focus),
        focus_label=_label(graphs, focus),
        path=str(path) if isinstance(path, URIRef) else None,
        value=None if value is None else str(value),
        severity=SEVERITY_NAMES.get(report.value(node, SH.resultSeverity), "Violation"),
        message_nl=_joined(messages.get("nl", generic), detail_nl),
        message_en=_joined(messages.get("en", generic), detail_en),
        shape=_str_or_none(report.value(node, SH.sourceShape)),
        constraint=_str_or_none(report.value(node, SH.sourceConstraintComponent)),
    )


# A correct value for each datatype a steward may have to write, as Turtle.
EXAMPLES = {XSD.date: '"2025-12-31"^^xsd:date', XSD.gYearMonth: '"2025-12"^^xsd:gYearMonth',
            XSD.gYear: '"2025"^^xsd:gYear', XSD.integer: '"12"^^xsd:integer (of gewoon 12)',
            XSD.decimal: '"12.5"^^xsd:decimal (of gewoon 12.5)', XSD.string: '"tekst"',
            RDF.langString: '"tekst"@nl', XSD.anyURI: '"https://..."^^xsd:anyURI', XSD.boolean: "true",
            XSD.nonNegativeInteger: '"12"^^xsd:nonNegativeInteger'}


def explain(component, shape, shapes: Graph, graphs: list[Graph], focus, path, value) -> tuple[str, str]:
    """What the shape's own message may leave out: which field, which value, and what is
    allowed (a correct example, or the allowed values by name). Dutch and English."""
    name = SH_NAMES.get(component)
    allowed_nl = allowed_en = None
    if name in ("datatype", "node", "or"):
        datatypes = _datatypes(shapes, shape, name)
        if datatypes:
            examples = ", ".join(EXAMPLES.get(d, compact(str(d))) for d in datatypes)
            allowed_nl, allowed_en = f"bijv. {examples}", f"e.g. {examples}"
    elif name == "in":
        options = list(Collection(shapes, shapes.value(shape, SH["in"]))) if shapes.value(shape, SH["in"]) else []
        listed = "; ".join(f"{_label(graphs, o) or o} ({compact(str(o))})" if isinstance(o, URIRef) else f'"{o}"'
                           for o in options)
        if listed:
            allowed_nl, allowed_en = f"kies uit: {listed}", f"choose from: {listed}"
    elif name == "class":
        expected = shapes.value(shape, SH["class"])
        if expected is not None:
            label = _label(graphs, expected) or compact(str(expected))
            allowed_nl = f"verwijs naar een {label} ({compact(str(expected))}) die in de graaf staat"
            allowed_en = f"refer to a {compact(str(expected))} that is in the graph"
    elif name == "maxCount" and isinstance(path, URIRef):
        given = len({o for g in graphs for o in g.objects(focus, path)})
        most = shapes.value(shape, SH.maxCount)
        allowed_nl = f"{given} waarden gegeven, hooguit {most} toegestaan"
        allowed_en = f"{given} values given, at most {most} allowed"
    parts_nl, parts_en = [], []
    if isinstance(path, URIRef):
        field = _label(graphs, path)
        parts_nl.append(f"veld {compact(str(path))}" + (f" ({field})" if field else ""))
        parts_en.append(f"field {compact(str(path))}")
    elif shape is not None:
        alternatives = _alternative_path(shapes, shapes.value(shape, SH.path))
        if alternatives:
            parts_nl.append("veld " + " of ".join(alternatives))
            parts_en.append("field " + " or ".join(alternatives))
    if value is not None:
        shown = f'"{value}"' if isinstance(value, Literal) else compact(str(value))
        parts_nl.append(f"waarde {shown}")
        parts_en.append(f"value {shown}")
    if allowed_nl:
        parts_nl.append(allowed_nl)
        parts_en.append(allowed_en)
    return "; ".join(parts_nl), "; ".join(parts_en)


SH_NAMES = {SH[f"{n[0].upper()}{n[1:]}ConstraintComponent"]: n
            for n in ("datatype", "node", "or", "in", "class", "maxCount")}


def _alternative_path(shapes: Graph, path) -> list[str]:
    """The properties of an sh:alternativePath (e.g. bg:initiator of bg:partner)."""
    options = shapes.value(path, SH.alternativePath) if isinstance(path, BNode) else None
    return [compact(str(p)) for p in Collection(shapes, options)] if options is not None else []


def _datatypes(shapes: Graph, shape, name: str) -> list:
    """The datatypes a datatype, node (e.g. bgsh:DateLike) or or-constraint allows."""
    if shape is None:
        return []
    if name == "datatype":
        return [d for d in shapes.objects(shape, SH.datatype)]
    lists = []
    if name == "node":
        for target in shapes.objects(shape, SH.node):
            lists.extend(shapes.objects(target, SH["or"]))
            lists.extend([target])
    else:
        lists.extend(shapes.objects(shape, SH["or"]))
    found = []
    for item in lists:
        members = list(Collection(shapes, item)) if (item, RDF.first, None) in shapes else [item]
        for member in members:
            found.extend(d for d in shapes.objects(member, SH.datatype) if d not in found)
    return found


def _joined(message: str, detail: str) -> str:
    """The shape's message, then the detail it does not already give."""
    parts = [part for part in detail.split("; ") if not _said_in(part, message)]
    detail = "; ".join(parts)
    if not detail:
        return message
    return f"{message.rstrip()} ({detail})" if message else detail


def _said_in(part: str, message: str) -> bool:
    first = part.removeprefix("bijv. ").removeprefix("e.g. ").split(", ")[0].split(" (")[0]
    return part.startswith(("bijv. ", "e.g. ")) and first in message


def _label(graphs: list[Graph], node) -> str | None:
    labels = [lit for graph in graphs for lit in graph.objects(node, SKOS.prefLabel)] or \
        [lit for graph in graphs for lit in graph.objects(node, RDFS.label)]
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
