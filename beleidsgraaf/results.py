"""Turning query results into what people and programs read: tables, CSV, JSON, RDF."""

from __future__ import annotations

import pyoxigraph as ox

from .namespaces import PREFIXES


class Triples(list):
    """A CONSTRUCT or DESCRIBE result materialised as a list of ox.Triple: what backends
    that cannot hand out a live ox.QueryTriples (worker processes, remote endpoints,
    rdflib) return instead."""


class Serialized:
    """A SELECT answer as a worker wrote it, in the SPARQL results format `media`: passed on
    as it is when that format is asked for, read only when another one is."""

    def __init__(self, media: str, body: bytes):
        self.media, self.body = media, body

    def solutions(self) -> ox.QuerySolutions:
        from . import formats

        return ox.parse_query_results(self.body, format=formats.results_format_for_media_type(self.media))


def as_solutions(result):
    """`result`, a Serialized answer read back as solutions."""
    return result.solutions() if isinstance(result, Serialized) else result


def is_graph_result(result) -> bool:
    return isinstance(result, (ox.QueryTriples, Triples))


def term_value(term) -> str | None:
    """The plain value of a term: the IRI, the literal's lexical form, the blank node id."""
    if term is None:
        return None
    return term.value


def compact(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and prefix != "id":
            return f"{prefix}:{iri[len(ns):]}"
    if iri.startswith(PREFIXES["id"]):
        return iri[len(PREFIXES["id"]) - 3:]  # keeps "id/..." readable
    return iri


def display(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.Literal):
        return term.value
    return "_:" + term.value


def solutions_to_rows(solutions: ox.QuerySolutions) -> tuple[list[str], list[list]]:
    variables = [v.value for v in solutions.variables]
    rows = [[solution[v] for v in variables] for solution in solutions]
    return variables, rows


def rows_as_dicts(solutions: ox.QuerySolutions) -> list[dict[str, str | None]]:
    variables, rows = solutions_to_rows(solutions)
    return [{v: term_value(t) for v, t in zip(variables, row)} for row in rows]


def text_table(variables: list[str], rows: list[list]) -> str:
    cells = [[display(t) for t in row] for row in rows]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(variables)]
    widths = [min(w, 70) for w in widths]

    def fmt(values):
        return "  ".join(_clip(val, w).ljust(w) for val, w in zip(values, widths)).rstrip()

    lines = [fmt(variables), fmt(["-" * w for w in widths])] + [fmt(r) for r in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def serialize_solutions(solutions, fmt: ox.QueryResultsFormat) -> bytes:
    return solutions.serialize(format=fmt)


def serialize_result(result, media: str) -> bytes:
    """A query result as bytes in the machine format `media` (a SPARQL results type for
    solutions and booleans, an RDF type for graphs)."""
    from . import formats

    if is_graph_result(result):
        return serialize_triples(result, formats.rdf_format_for_media_type(media))
    if isinstance(result, Serialized) and formats.bare(result.media) == formats.bare(media):
        return result.body
    return serialize_solutions(as_solutions(result), formats.results_format_for_media_type(media))


def serialize_triples(triples, fmt: ox.RdfFormat) -> bytes:
    # No "id:" prefix: entity local names hold "/", which Turtle would have to escape.
    prefixes = {k: v for k, v in PREFIXES.items() if k not in {"sh", "id"}}
    return ox.serialize(triples, format=fmt, prefixes=prefixes)
