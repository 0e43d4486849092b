"""The SHACL engines that validation runs on, each giving its sh:ValidationReport as a
ReportTriples.

- rudof (the Rust validator, PyPI pyrudof): the default; on our shapes about ten times
  faster than pyshacl (bench/shacl_compare.py measures both in one run).
- pyshacl: the reference. tests/core/test_shacl_engines.py proves that both report the same
  results on the invalid-shape corpus, the shipped data and broken synthetic graphs.

Choose with BELEIDSGRAAF_SHACL_ENGINE=rudof|pyshacl or validate_graph(..., engine=...).

Two rudof faults are corrected here: it takes any text as a valid xsd:date (ill-typed
literals are marked for it), and it cannot compare xsd:int and the other types derived
from xsd:integer with a range bound (those results are checked again).

Known differences, all on literals that are not valid for their datatype, none in our data:
- rudof fails sh:datatype for "1e3"^^xsd:decimal (XSD has no exponent in decimals) and
  " 12"^^xsd:integer, which rdflib, and so pyshacl, accept.
- For "2024-13-45"^^xsd:date as an age, pyshacl reports sh:minInclusive 0 but not
  sh:maxInclusive 120, and rdflib's SPARQL finds "12.5"^^xsd:integer > "2024-13-45"^^xsd:date
  true where SPARQL raises an error (so the age check fires); rudof reports by the spec.
"""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from .errors import UserError
from .rdfio import to_rdflib

ENGINES = ("rudof", "pyshacl")

# rudof renames blank nodes, so blank-node shapes get these IRIs while rudof sees them: a
# result's sh:sourceShape then leads back to the shape, and its messages, in our graph.
SKOLEM_PREFIX = "urn:beleidsgraaf:shape:"
# rudof takes any lexical form as an xsd:date ("2024-02-30", "morgen"), where pyshacl, like
# the SHACL spec, fails sh:datatype for ill-typed literals. rudof sees the literals that
# rdflib finds ill-typed with this prefix before their datatype, so they fail it there too.
ILL_TYPED_PREFIX = "urn:beleidsgraaf:ill-typed:"


class ShapesError(RuntimeError):
    """The shapes themselves cannot be applied (a fault in shapes/, not in the data)."""


class ReportTriples:
    """An sh:ValidationReport as plain triples indexed by subject: cheap to build and read
    even with thousands of results (an rdflib Graph costs tens of microseconds a triple),
    and made into a Graph only when someone asks for Turtle."""

    def __init__(self, triples: Iterable[tuple]):
        self.by_subject: dict = {}
        for triple in triples:
            self.by_subject.setdefault(triple[0], []).append(triple)

    def objects(self, subject, predicate) -> list:
        return [o for _, p, o in self.by_subject.get(subject, ()) if p == predicate]

    def value(self, subject, predicate):
        return next((o for _, p, o in self.by_subject.get(subject, ()) if p == predicate), None)

    def report_nodes(self) -> list:
        return [s for s, triples in self.by_subject.items() if (s, RDF.type, SH.ValidationReport) in triples]

    def results(self) -> list:
        """The report's own sh:result nodes, not the sh:detail results nested in them."""
        return [node for report in self.report_nodes() for node in self.objects(report, SH.result)]

    def description(self, node) -> list[tuple]:
        """The node's triples and those of the blank nodes it leads to (paths, lists, the
        shape), keeping one level of sh:detail."""
        out, stack, seen = [], [(node, False)], set()
        while stack:
            current, in_detail = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            for s, p, o in self.by_subject.get(current, ()):
                if p == SH.detail and in_detail:
                    continue
                out.append((s, p, o))
                if isinstance(o, BNode):
                    stack.append((o, in_detail or p == SH.detail))
        return out


def default_engine() -> str:
    """The engine the SHACL_ENGINE setting in use names."""
    from .settings import current_settings

    return current_settings().shacl_engine.value


def run(engine: str, graphs: Sequence[Graph], shapes: Graph, focus: list[URIRef] | None = None) -> ReportTriples:
    """Validate the union of `graphs` against `shapes`. Both engines validate every target
    (pyshacl's focus_nodes option skips nested shapes, see run_pyshacl); the caller keeps
    only the results it wants. `focus` is accepted for callers and otherwise unused."""
    if engine == "pyshacl":
        return run_pyshacl(graphs, shapes, focus)
    if engine == "rudof":
        return run_rudof(graphs, shapes)
    raise UserError(f"{engine!r} is not a SHACL engine; use one of {', '.join(ENGINES)}")


def run_pyshacl(graphs: Sequence[Graph], shapes: Graph, focus: list[URIRef] | None = None) -> ReportTriples:
    from pyshacl import validate

    merged = Graph()
    for g in graphs:
        merged += g
    # No focus_nodes: pyshacl applies that filter to nested shapes too (sh:node,
    # sh:qualifiedValueShape), whose focus is a value, not one of ours, and so passed an
    # ill-typed bg:deadline. It validates everything; validate_graph keeps our nodes' results.
    # Measured on the shipped data (bench/shacl_compare.py --pyshacl-options): turning off
    # advanced mode, meta-SHACL or js, or mixing the ontology in through ont_graph, changes
    # the time by less than the noise; pre-inference only adds time. Our shapes use no SHACL-AF.
    _, report, text = validate(merged, shacl_graph=shapes, inference="none", abort_on_first=False,
                               allow_warnings=True, advanced=True)
    if not isinstance(report, Graph):
        # pyshacl returns a failure object, not a report, when the shapes themselves are broken.
        raise ShapesError(f"the SHACL shapes cannot be applied: {text}")
    return ReportTriples(report)


def run_rudof(graphs: Sequence[Graph], shapes: Graph) -> ReportTriples:
    import pyrudof

    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    data = "".join(_ntriples(g) for g in graphs)
    try:
        rudof.read_data(data, format=pyrudof.RDFFormat.NTriples, reader_mode=pyrudof.ReaderMode.Strict)
        rudof.read_shacl(_skolemised_shapes(shapes), format=pyrudof.ShaclFormat.NTriples,
                         reader_mode=pyrudof.ReaderMode.Strict)
        entries = list(rudof.validate_shacl())
        text = rudof.serialize_shacl_validation_results(format=pyrudof.ResultShaclValidationFormat.NTriples)
    except pyrudof.RudofError as exc:
        raise ShapesError(f"the SHACL shapes cannot be applied with rudof: {exc}") from exc
    quads = list(ox.parse(text, format=ox.RdfFormat.N_TRIPLES))
    blank = _blank_nodes(quads, entries)
    triples = [tuple(blank[t.value] if isinstance(t, ox.BlankNode) else _from_rudof(t)
                     for t in (q.subject, q.predicate, q.object)) for q in quads]
    triples = _without_false_range_results(triples, shapes)
    # Like pyshacl, describe blank-node source shapes in the report itself.
    blank_shapes = {o for _, p, o in triples if p == SH.sourceShape and isinstance(o, BNode)}
    return ReportTriples(triples + [t for shape in blank_shapes for t in shapes.triples((shape, None, None))])


# rudof cannot compare the integer types derived from xsd:integer (xsd:int, xsd:long...)
# with a bound, and so reports "5"^^xsd:int as outside sh:minInclusive 0; SPARQL, the SHACL
# spec and pyshacl compare them as numbers. Such results are checked again here.
RANGE_CHECKS = {SH.MinInclusiveConstraintComponent: (SH.minInclusive, operator.ge),
                SH.MaxInclusiveConstraintComponent: (SH.maxInclusive, operator.le),
                SH.MinExclusiveConstraintComponent: (SH.minExclusive, operator.gt),
                SH.MaxExclusiveConstraintComponent: (SH.maxExclusive, operator.lt)}
DERIVED_INTEGERS = {XSD[name] for name in (
    "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
    "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}


def _without_false_range_results(triples: list[tuple], shapes: Graph) -> list[tuple]:
    props: dict = {}
    for s, p, o in triples:
        props.setdefault(s, {}).setdefault(p, o)
    false = set()
    for node, found in props.items():
        check = RANGE_CHECKS.get(found.get(SH.sourceConstraintComponent))
        value = found.get(SH.value)
        if check is None or not (isinstance(value, Literal) and value.datatype in DERIVED_INTEGERS):
            continue
        bound = shapes.value(found.get(SH.sourceShape), check[0])
        if isinstance(bound, Literal) and not value.ill_typed and _numbers(value, bound) \
                and check[1](Decimal(str(value.toPython())), Decimal(str(bound.toPython()))):
            false.add(node)
    return [(s, p, o) for s, p, o in triples if s not in false and not (p == SH.result and o in false)]


def _numbers(*literals: Literal) -> bool:
    return all(isinstance(lit.toPython(), (int, float, Decimal)) and not isinstance(lit.toPython(), bool)
               for lit in literals)


def _blank_nodes(quads: list, entries: list) -> dict:
    """rdflib blank nodes for the labels in rudof's serialised report. rudof numbers blank
    nodes afresh there (_:b0, _:b1...), also the data's own blank focus nodes and values;
    its result entries, in the same order, keep their real labels. Every other blank node
    gets a new one, so it cannot clash with a blank node of the data."""
    by_subject: dict = {}
    for q in quads:
        by_subject.setdefault(q.subject, {}).setdefault(q.predicate.value, q.object)
    report = [s for s, props in by_subject.items() if props.get(str(RDF.type)) == ox.NamedNode(str(SH.ValidationReport))]
    results = [q.object for q in quads if q.subject in report and q.predicate.value == str(SH.result)]
    if len(results) != len(entries):
        raise RuntimeError(f"rudof's report holds {len(results)} results but {len(entries)} entries")
    names: dict = {}
    for node, entry in zip(results, entries):
        props = by_subject.get(node, {})
        for predicate, real in ((str(SH.focusNode), entry.focus_node), (str(SH.value), entry.value)):
            term = props.get(predicate)
            if isinstance(term, ox.BlankNode) and real and real.startswith("_:"):
                names[term.value] = BNode(real[2:])
        if props.get(str(SH.sourceConstraintComponent), ox.NamedNode("urn:none")).value != entry.constraint_component:
            raise RuntimeError("rudof's report and its entries are not in the same order")
    for q in quads:
        for term in (q.subject, q.object):
            if isinstance(term, ox.BlankNode) and term.value not in names:
                names[term.value] = BNode()
    return names


def _ntriples(graph: Graph) -> str:
    if any(type(o) is Literal and o.ill_typed for o in graph.objects()):
        return "".join(f"{_nt(s)} {_nt(p)} {_nt(o)} .\n" for s, p, o in graph)
    return graph.serialize(format="nt")  # the common case, and twice as fast as _nt


_NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _nt(term) -> str:
    """One term in N-Triples, an ill-typed literal's datatype marked for rudof."""
    if isinstance(term, Literal):
        text = '"' + str(term).translate(_NT_ESCAPES) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is None:
            return text
        return f"{text}^^<{ILL_TYPED_PREFIX if term.ill_typed else ''}{term.datatype}>"
    return f"_:{term}" if isinstance(term, BNode) else f"<{term}>"


@lru_cache(maxsize=4)
def _skolemised_shapes(shapes: Graph) -> str:
    names = {node: URIRef(SKOLEM_PREFIX + str(node)) for node in shape_nodes(shapes) if isinstance(node, BNode)}
    out = Graph()
    for s, p, o in shapes:
        out.add((names.get(s, s), p, names.get(o, o)))
    return out.serialize(format="nt")


def shape_nodes(shapes: Graph) -> set:
    """Every node SHACL reads as a shape. Paths, lists and SPARQL constraints are not shapes
    and keep their blank nodes (an IRI as sh:path would mean a different path)."""
    found = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    for prop in (SH.property, SH.node, SH.qualifiedValueShape, SH["not"]):
        found |= set(shapes.objects(None, prop))
    for prop in (SH["or"], SH["and"], SH.xone):
        for head in shapes.objects(None, prop):
            found |= set(shapes.items(head))
    return found


def _from_rudof(term):
    if isinstance(term, ox.NamedNode) and term.value.startswith(SKOLEM_PREFIX):
        return BNode(term.value[len(SKOLEM_PREFIX):])
    if isinstance(term, ox.Literal):
        if term.datatype.value.startswith(ILL_TYPED_PREFIX):
            return Literal(term.value, datatype=URIRef(term.datatype.value[len(ILL_TYPED_PREFIX):]))
        if ILL_TYPED_PREFIX in term.value or SKOLEM_PREFIX in term.value:  # rudof's own messages
            return to_rdflib(ox.Literal(term.value.replace(ILL_TYPED_PREFIX, "").replace(SKOLEM_PREFIX, "_:"),
                                        language=term.language))
    return to_rdflib(term)


def result_signature(report: ReportTriples) -> Counter:
    """What two engines must agree on: how often each (focus node, path, constraint
    component, severity) occurs among the report's results."""
    return Counter((str(report.value(node, SH.focusNode)), path_text(report, report.value(node, SH.resultPath)),
                    _local(report.value(node, SH.sourceConstraintComponent)),
                    _local(report.value(node, SH.resultSeverity)))
                   for node in report.results())


def path_text(report: ReportTriples, path) -> str | None:
    """A SHACL property path in SPARQL syntax, the same whichever engine wrote it."""
    if path is None or isinstance(path, URIRef):
        return None if path is None else f"<{path}>"
    for path_kind, template in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "({})*"),
                                (SH.oneOrMorePath, "({})+"), (SH.zeroOrOnePath, "({})?")):
        inner = report.value(path, path_kind)
        if inner is not None:
            return template.format(path_text(report, inner))
    alternatives = report.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(path_text(report, p) for p in _items(report, alternatives)) + ")"
    return "/".join(path_text(report, p) for p in _items(report, path))


def _items(report: ReportTriples, head) -> list:
    items = []
    while head is not None and head != RDF.nil:
        items.append(report.value(head, RDF.first))
        head = report.value(head, RDF.rest)
    return items


def _local(term) -> str | None:
    return None if term is None else str(term).rsplit("#", 1)[-1]
