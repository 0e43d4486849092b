"""One SPARQL grammar for every backend: Oxigraph's parser checks each query first.

Backends other than Oxigraph would otherwise each accept and reject different things
(rdflib's grammar has gaps; Virtuoso takes its own extensions such as `define` pragmas
and runs updates sent as queries). Parsing with Oxigraph gives the same error messages
everywhere and tells which result form to expect.

The parse reads user input, so it does not happen in this process: a confined query
worker (beleidsgraaf.workers: no network, a memory and a time limit) over an empty
on-disk store checks the query (updates and SERVICE refused, nesting bounded), parses it
and reports its shape without evaluating it. One small pool serves the whole process.
"""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping

import pyoxigraph as ox

SELECT, ASK, GRAPH = "SELECT", "ASK", "GRAPH"
SYNTAX_WORKERS = 2  # parsing is quick; two let one slow parse not hold up the next


@dataclass(frozen=True)
class QueryShape:
    form: str  # SELECT, ASK or GRAPH (CONSTRUCT or DESCRIBE)
    variables: tuple[str, ...] = ()  # SELECT: the projection in Oxigraph's order
    own_dataset: bool = False  # the query names its dataset itself (FROM / FROM NAMED)


def check_query(sparql: str, substitutions: Mapping[str, object] | None = None,
                base_iri: str | None = None) -> QueryShape:
    """Raise QueryError for what Oxigraph would refuse; else the query's result form and,
    for SELECT, its variables in the order Oxigraph gives them (`SELECT *` included, so
    every backend answers with the same columns in the same order)."""
    form, own_dataset, variables = _syntax_pool().shape(sparql, substitutions=substitutions, base_iri=base_iri)
    return QueryShape(form, variables, own_dataset)


_pool = None
_pool_lock = threading.Lock()


def _syntax_pool():
    """The process's syntax workers, started at the first query (and stopped at exit)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            from ..settings import current_settings
            from ..workers import QueryLimits, QueryPool

            folder = Path(tempfile.mkdtemp(prefix="beleidsgraaf-syntax-"))
            empty = ox.Store(str(folder / "store"))
            empty.flush()
            del empty
            limits = QueryLimits.from_settings(current_settings())
            _pool = QueryPool(folder / "store", replace(limits, workers=min(SYNTAX_WORKERS, limits.workers)))
            atexit.register(_close, _pool, folder)
        return _pool


def _close(pool, folder: Path) -> None:
    pool.close()
    shutil.rmtree(folder, ignore_errors=True)


def solutions_from_json(data: bytes, shape: QueryShape):
    """SPARQL JSON results as pyoxigraph QuerySolutions / QueryBoolean, with the columns in
    `shape`'s order (engines order `SELECT *` differently)."""
    if shape.form == SELECT:
        document = json.loads(data)
        head = document.setdefault("head", {})
        present = head.get("vars") or []
        head["vars"] = list(shape.variables) + [v for v in present if v not in shape.variables]
        head.pop("link", None)
        data = json.dumps(document).encode("utf-8")
    return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
