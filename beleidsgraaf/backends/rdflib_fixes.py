"""Two small fixes to rdflib's SPARQL engine (rdflib 7.x) that our canned queries need.
Each mirrors what the SPARQL 1.1 specification and the other engines (Oxigraph, Virtuoso)
do; each is applied once, only when the rdflib backend is used, and only while rdflib
still shows the bug (`tests/core/test_backends.py` checks both, so a fixed rdflib is noticed).

1. An aggregate with DISTINCT over a variable that is unbound in some rows, e.g.
   `GROUP_CONCAT(DISTINCT ?label)` after an OPTIONAL, raises NotBoundError instead of
   skipping those rows (SPARQL 1.1 §18.5.1: errors are left out of the aggregate). rdflib
   fixed this for COUNT only (rdflib issue #2229); the same guard is added for the others.
2. `ORDER BY STR(?x)` with ?x unbound in some rows fails with a TypeError, because the
   sort key of an expression error is None. SPARQL 1.1 §15.1 orders unbound (and errors)
   first; the key now does that.
"""

from __future__ import annotations

from rdflib.plugins.sparql import aggregates, evaluate
from rdflib.plugins.sparql.evalutils import _val
from rdflib.plugins.sparql.parserutils import value
from rdflib.plugins.sparql.sparql import NotBoundError, SPARQLError

_applied = False
ORIGINAL_USE_ROW = aggregates.Accumulator.use_row
ORIGINAL_ORDER_BY = evaluate.evalOrderBy


def apply() -> None:
    global _applied
    if _applied:
        return
    aggregates.Accumulator.use_row = _use_row_skipping_unbound
    evaluate.evalOrderBy = _eval_order_by_errors_first
    _applied = True


def _use_row_skipping_unbound(self, row) -> bool:
    try:
        return aggregates._eval(self.expr, row) not in self.seen
    except NotBoundError:
        return False


def _order_key(term):
    if term is None or isinstance(term, SPARQLError):
        return (-1,)
    return _val(term)


def _eval_order_by_errors_first(ctx, part):
    res = evaluate.evalPart(ctx, part.p)
    for e in reversed(part.expr):
        reverse = bool(e.order and e.order == "DESC")
        res = sorted(res, key=lambda x, expr=e.expr: _order_key(value(x, expr, variables=True)), reverse=reverse)
    return res
