"""Binding parameters for engines that have no bind API: a `VALUES` block in the query.

The SPARQL 1.1 Protocol cannot carry variable bindings, yet user input must never be
spliced into query text. So each value is first a checked Oxigraph term (a NamedNode or a
Literal), written as an N-Triples term (Oxigraph escapes it, and we parse it back to prove
it is exactly one term), and the terms go into one `VALUES (?a ?b) { (<x> "y") }` block.

Where the block goes decides what the query means. It is placed at the START of the
top-level WHERE group, so that everything in that group, FILTERs included, sees the
parameter bound (appended at the end of the query, `FILTER(COALESCE(STR(?p), "") = ...)`
in the group would run before the join and see it unbound). Oxigraph's substitution also
reaches into a sub-SELECT that projects the variable (a sub-SELECT's other variables are
its own); the same block is therefore also put at the start of every sub-SELECT whose
projection lists the variable or is `*`. A parameter given as None becomes UNDEF.

The query text is read by a small tokenizer that skips strings, IRIs and comments, so
braces and keywords inside them are never taken for structure.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import pyoxigraph as ox

from ..errors import QueryError

VARIABLE_NAME = re.compile(r"[^\W\d]\w*")

_TOKEN = re.compile(r"""
    (?P<string>"{3}[\s\S]*?"{3}|'{3}[\s\S]*?'{3}|"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<comment>\#[^\n\r]*)
  | (?P<var>[?$][^\W]\w*)
  | (?P<word>[A-Za-z_][\w\-.:]*|:[\w\-.:]*)
  | (?P<open>\{) | (?P<close>\}) | (?P<lparen>\() | (?P<rparen>\))
  | (?P<star>\*)
  | (?P<space>\s+)
  | (?P<other>.)
""", re.VERBOSE)

QUERY_FORMS = {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int

    @property
    def keyword(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


def tokenize(text: str) -> list[Token]:
    """The query's tokens, without whitespace and comments."""
    tokens = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind not in ("space", "comment"):
            tokens.append(Token(kind, match.group(), match.start(), match.end()))
    return tokens


def term_text(name: str, value) -> str:
    """A checked value as an N-Triples term; anything else is refused."""
    if value is None:
        return "UNDEF"
    if not isinstance(value, (ox.NamedNode, ox.Literal)):
        raise QueryError(f"parameter '{name}': only IRIs and literals can be bound, not {type(value).__name__}")
    text = _single_term_text(value)
    if text is None:
        raise QueryError(f"parameter '{name}': value does not serialise to a single RDF term")
    return text


@lru_cache(maxsize=4096)
def _single_term_text(value: ox.NamedNode | ox.Literal) -> str | None:
    """`value` in N-Triples if that reads back as exactly this one term (belt and braces),
    else None. Remembered: a search binds the same things found, and ranks, again and again."""
    text = str(value)
    parsed = list(ox.parse(f"<urn:x:s> <urn:x:p> {text} .", format=ox.RdfFormat.N_TRIPLES))
    return text if len(parsed) == 1 and parsed[0].object == value else None


def values_block(substitutions: Mapping[str, object]) -> str:
    return rows_block(list(substitutions), [tuple(substitutions.values())])


def rows_block(names: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """`VALUES (?a ?b) { (<x> "y") (<z> "w") }`: any number of rows, each term checked."""
    for name in names:
        if not VARIABLE_NAME.fullmatch(name):
            raise QueryError(f"'{name}' is not a SPARQL variable name")
    variables = " ".join("?" + n for n in names)
    lines = []
    for row in rows:
        if len(row) != len(names):
            raise QueryError(f"a row of {len(row)} values for {len(names)} variables")
        lines.append("(" + " ".join(term_text(n, v) for n, v in zip(names, row)) + ")")
    return f"VALUES ({variables}) {{ {' '.join(lines)} }}"


def bind_rows(sparql: str, names: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """`sparql` with a table of bindings (e.g. the things a search found, with their rank)
    as a VALUES block at the start of the top-level WHERE group only: the query must use
    these variables there (a sub-SELECT sees them only through its outer group)."""
    tokens, where = _where_of(sparql)
    return _insert_block(sparql, tokens, where, rows_block(names, rows))


@lru_cache(maxsize=64)
def _where_of(sparql: str):
    """The tokens of a canned query's text and its top-level WHERE group, remembered: the
    same few texts are bound again on every request."""
    tokens = tuple(tokenize(sparql))  # shared by every caller: not to be changed
    return tokens, _top_level_where(tokens)


def bind_values(sparql: str, substitutions: Mapping[str, object] | None) -> str:
    """`sparql` with the substitutions as a VALUES block in each group that must see them."""
    if not substitutions:
        return sparql
    tokens = tokenize(sparql)
    where = _top_level_where(tokens)
    inserts: list[tuple[int, str]] = []
    _plan(tokens, where, dict(substitutions), inserts)
    return _apply(sparql, inserts)


@lru_cache(maxsize=256)
def has_dataset_clause(sparql: str) -> bool:
    """Whether the query names its own dataset: FROM or FROM NAMED before its WHERE group
    (after a CONSTRUCT template). Remembered: a worker is asked for the same texts again."""
    tokens = tokenize(sparql)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.keyword == "FROM":
            return True
        if token.kind == "open":
            after_construct = i > 0 and tokens[i - 1].keyword == "CONSTRUCT"
            if not after_construct:
                return False
            i = _matching(tokens, i)
        i += 1
    return False


def _plan(tokens: list[Token], open_index: int, substitutions: dict, inserts: list) -> None:
    """Put a VALUES block at the start of the group opened at tokens[open_index], and into
    the sub-SELECTs inside it that project one of the variables."""
    close_index = _matching(tokens, open_index)
    inserts.extend(_block_inserts(tokens, open_index, close_index, values_block(substitutions)))
    for select_index in _sub_selects(tokens, open_index, close_index):
        projected, group = _projection(tokens, select_index)
        inner = {n: v for n, v in substitutions.items() if projected is None or n in projected}
        if inner:
            _plan(tokens, group, inner, inserts)


def _block_inserts(tokens: list[Token], open_index: int, close_index: int, block: str) -> list[tuple[int, str]]:
    """Where and what to insert so the group opened at tokens[open_index] starts with `block`."""
    first = tokens[open_index + 1] if open_index + 1 < close_index else None
    if first is not None and first.keyword == "SELECT":
        # The group is a bare sub-SELECT: `{ SELECT ... }` cannot take a VALUES beside it
        # without braces of its own.
        return [(tokens[open_index].end, f" {block} {{"), (tokens[close_index].start, "} ")]
    return [(tokens[open_index].end, f" {block}")]


def _insert_block(sparql: str, tokens: list[Token], open_index: int, block: str) -> str:
    inserts = _block_inserts(tokens, open_index, _matching(tokens, open_index), block)
    return _apply(sparql, inserts)


def _apply(sparql: str, inserts: list[tuple[int, str]]) -> str:
    for position, text in sorted(inserts, reverse=True):
        separator = "" if sparql[position:position + 1].isspace() else " "
        sparql = sparql[:position] + text + separator + sparql[position:]
    return sparql


def _top_level_where(tokens: list[Token]) -> int:
    """Index of the `{` opening the query's WHERE group."""
    form_index = next((i for i, t in enumerate(tokens) if t.keyword in QUERY_FORMS), None)
    if form_index is None:
        raise QueryError("cannot bind parameters: no SELECT, CONSTRUCT, ASK or DESCRIBE found")
    start = form_index + 1
    if tokens[form_index].keyword == "CONSTRUCT":
        if start < len(tokens) and tokens[start].keyword == "WHERE":
            raise QueryError("cannot bind parameters in the short form CONSTRUCT WHERE { ... }; "
                             "write CONSTRUCT { template } WHERE { pattern }")
        template = _next_open(tokens, start)
        start = _matching(tokens, template) + 1
    group = _next_open(tokens, start)
    if group is None:
        raise QueryError("cannot bind parameters: the query has no WHERE group")
    return group


def _next_open(tokens: list[Token], start: int) -> int | None:
    """The next `{` outside parentheses (a projection may hold `(EXISTS { ... } AS ?x)`)."""
    depth = 0
    for i in range(start, len(tokens)):
        kind = tokens[i].kind
        if kind == "lparen":
            depth += 1
        elif kind == "rparen":
            depth -= 1
        elif kind == "open" and depth == 0:
            return i
    return None


def _matching(tokens: list[Token], open_index: int) -> int:
    depth = 0
    for i in range(open_index, len(tokens)):
        if tokens[i].kind == "open":
            depth += 1
        elif tokens[i].kind == "close":
            depth -= 1
            if depth == 0:
                return i
    raise QueryError("cannot bind parameters: unbalanced braces in the query")


def _sub_selects(tokens: list[Token], open_index: int, close_index: int) -> list[int]:
    """SELECT keywords directly inside this group's scope (not inside a deeper sub-SELECT,
    which the recursion handles through its parent)."""
    found, i = [], open_index + 1
    while i < close_index:
        if tokens[i].keyword == "SELECT":
            found.append(i)
            _, group = _projection(tokens, i)
            i = _matching(tokens, group) + 1
        else:
            i += 1
    return found


def _projection(tokens: list[Token], select_index: int) -> tuple[set[str] | None, int]:
    """The plain variables a SELECT projects (None for `*`) and the index of its WHERE `{`.
    Variables bound by `(expression AS ?v)` are computed, not projected through."""
    group = _next_open(tokens, select_index + 1)
    if group is None:
        raise QueryError("cannot bind parameters: a sub-SELECT has no WHERE group")
    names: set[str] = set()
    depth = 0
    for token in tokens[select_index + 1:group]:
        if token.kind == "lparen":
            depth += 1
        elif token.kind == "rparen":
            depth -= 1
        elif depth == 0 and token.kind == "star":
            return None, group
        elif depth == 0 and token.kind == "var":
            names.add(token.text[1:])
    return names, group
