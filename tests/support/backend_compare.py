"""Comparing query answers across backends as multisets of rows, normalising only what
SPARQL leaves to the engine or what engines represent differently. Each rule says why."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from beleidsgraaf.namespaces import XSD
from beleidsgraaf.results import is_graph_result

NUMERIC = {XSD + t for t in ("integer", "int", "long", "short", "byte", "decimal", "double", "float",
                             "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
                             "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}

_AGGREGATE = re.compile(
    r"\(\s*(GROUP_CONCAT|SAMPLE)\s*\(\s*(?:DISTINCT\s+)?[^;)]*?(?:;\s*separator\s*=\s*(\"[^\"]*\"|'[^']*'))?\s*\)"
    r"\s+AS\s+\?(\w+)\s*\)", re.IGNORECASE)


def aggregate_columns(sparql: str) -> dict[str, tuple[str, str]]:
    """{variable: (GROUP_CONCAT or SAMPLE, separator)} for the query's projected aggregates."""
    found = {}
    for func, separator, var in _AGGREGATE.findall(sparql):
        found[var] = (func.upper(), separator[1:-1] if separator else " ")
    return found


def term_key(term):
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        # Blank node labels are local to each engine's answer.
        return ("bnode",)
    if isinstance(term, ox.Literal) and term.datatype.value in NUMERIC:
        # Virtuoso types aggregates and integers as xsd:int / xsd:integer and may write a
        # decimal's lexical form differently ("48" / "48.0"): compare numbers by value.
        try:
            return ("number", Decimal(term.value))
        except InvalidOperation:
            return ("literal", term.value, term.datatype.value)
    return str(term)


def cell_key(term, aggregate: tuple[str, str] | None):
    if aggregate is None:
        return term_key(term)
    func, separator = aggregate
    if func == "SAMPLE":
        # SAMPLE may return any value of its group (SPARQL 1.1 §18.5.1.8): only whether
        # there is one is the same everywhere.
        return term is not None
    # GROUP_CONCAT: the order of the parts is unspecified (§18.5.1.7); engines differ on an
    # empty group ("" or unbound) and on keeping a shared language tag (Oxigraph keeps
    # @nl, the others return a plain string): compare the parts as a multiset.
    text = term.value if term is not None else ""
    return tuple(sorted(text.split(separator))) if text else ()


def answer(result, sparql: str = ""):
    """A result as something comparable: a bool, or a Counter of normalised rows/triples."""
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if is_graph_result(result):
        return Counter(tuple(term_key(t) for t in (tr.subject, tr.predicate, tr.object)) for tr in result)
    aggregates = aggregate_columns(sparql)
    variables = [v.value for v in result.variables]
    return Counter(tuple(cell_key(row[v], aggregates.get(v)) for v in variables) for row in result)


def describe_difference(expected, got, limit: int = 3) -> str:
    if isinstance(expected, bool) or isinstance(got, bool):
        return f"expected {expected}, got {got}"
    missing = list((expected - got).items())[:limit]
    extra = list((got - expected).items())[:limit]
    return (f"{sum(expected.values())} rows expected, {sum(got.values())} got; "
            f"missing {missing}; unexpected {extra}")
