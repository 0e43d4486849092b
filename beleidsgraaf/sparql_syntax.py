"""Readable messages for malformed SPARQL: where (line, column and the text there), what
the parser expected, and the usual causes (an undeclared prefix, a query cut off).

Oxigraph reports a syntax error as "error at LINE:COLUMN: expected one of ..." with a list
that mixes keywords, punctuation, Unicode character classes and, for some errors that are
not about syntax, a sentence; this module turns that into one line a researcher can act on.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Iterator

from .errors import QueryError
from .input_guards import not_utf8

ERROR_AT = re.compile(r"error at (\d+):(\d+): expected (.*)", re.DOTALL)
_EXPECTED_ITEM = re.compile(r'"(?:[^"\\]|\\.)*"|\[(?:\'[^\']*\'|[^\]\'])*\]|[^,]+')
_STRINGS_AND_COMMENTS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"'
                                   r"|'(?:\\.|[^'\\\n])*'|<[^<>\s\"{}|^`\\]*>|#[^\n]*")
_PREFIX_DECL = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)
_PREFIX_USE = re.compile(r"(?<![\w?$:.\-])([A-Za-z][\w.-]*)?:(?=[\w%\\]|\s|$)")
MAX_EXPECTED = 8


def decode_query(data: bytes) -> str:
    """Query text from bytes: UTF-8, with or without a byte-order mark."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column, problem = not_utf8(data, exc)
        raise QueryError(f"the query is {problem} (line {line}, column {column})") from None


@contextmanager
def explained_syntax_errors(text: str) -> Iterator[None]:
    """Re-raise the engine's syntax error for `text` with a message that says what to fix."""
    try:
        yield
    except QueryError as exc:
        better = explain(text, str(exc))
        if better is None:
            raise
        raise QueryError(better) from None


def explain(text: str, engine_message: str) -> str | None:
    """A message for the engine's syntax error, or None when it is not one."""
    match = ERROR_AT.search(engine_message)
    if not match:
        return None
    line, column = int(match.group(1)), int(match.group(2))
    return _prefix_problem(text) or _form_problem(text) or _positioned(text, line, column, match.group(3))


def _prefix_problem(text: str) -> str | None:
    if _open_string(text):
        return None  # the rest of the text cannot be told apart from the string
    undeclared = undeclared_prefixes(text)
    return _prefix_message(text, undeclared[0]) if undeclared else None


def _positioned(text: str, line: int, column: int, expected: str) -> str:
    keywords, notes = _expected(expected)
    if notes:
        iri_hint = ('; an IRI in <...> cannot hold spaces or any of < > " { } | ^ ` \\'
                    if "IRI" in " ".join(notes) else "")
        return (f"malformed SPARQL query at line {line}, column {column}{_near(text, line, column)}: "
                f"{'; '.join(notes)}{iri_hint}")
    engine_position = (line, column)
    if _at_end(text, line, column):
        if _incomplete(text):
            return (f"malformed SPARQL query at line {line}, column {column} (at the end of the query): the query "
                    "stops before it is complete: check that every {, ( and quote is closed")
        # Oxigraph reports the furthest point it reached; rdflib's parser names the token it balked at.
        line, column = _rdflib_position(text) or (line, column)
    where = f"malformed SPARQL query at line {line}, column {column}{_near(text, line, column)}"
    what = ""
    if keywords and (line, column) == engine_position:
        what = "expected " + ", ".join(keywords[:MAX_EXPECTED]) + (", …" if len(keywords) > MAX_EXPECTED else "")
    hint = "check the SPARQL syntax at that point (https://www.w3.org/TR/sparql11-query/)"
    if "'\"'" in keywords and _open_string(text):
        hint = 'a string is not closed: a "..." string ends on the line it starts (use """...""" for more lines)'
    return f"{where}: {what + '; ' if what else ''}{hint}"


def _without_comments_and_strings(text: str) -> str:
    return _STRINGS_AND_COMMENTS.sub(lambda m: " " * len(m.group()), text)


def _open_string(text: str) -> bool:
    code = _without_comments_and_strings(text)
    return '"' in code or "'" in code


def _incomplete(text: str) -> bool:
    """Whether brackets or a string are left open (a query cut off or missing a brace)."""
    code = _without_comments_and_strings(text)
    return code.count("{") > code.count("}") or code.count("(") > code.count(")") or _open_string(text)


def _rdflib_position(text: str) -> tuple[int, int] | None:
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    from .rdflib_sparql import RDFLIB_SPARQL_LOCK

    try:
        with RDFLIB_SPARQL_LOCK:  # uncontended in a query worker, which runs one query at a time
            parseQuery(text)
    except ParseException as exc:
        return exc.lineno, exc.col
    except Exception:  # rdflib may fail in other ways on odd input; then we have no second opinion
        return None
    return None


def undeclared_prefixes(text: str) -> list[str]:
    """Prefixes used in prefixed names (ex:thing) without a PREFIX declaration, in order."""
    code = _without_comments_and_strings(text)
    declared = {m.group(1) or "" for m in _PREFIX_DECL.finditer(code)}
    code = _PREFIX_DECL.sub(lambda m: " " * len(m.group()), code)
    found: list[str] = []
    for m in _PREFIX_USE.finditer(code):
        prefix = m.group(1) or ""
        if prefix not in declared and prefix not in found:
            found.append(prefix)
    return found


_PROLOGUE = re.compile(r"\s*(?:(?:PREFIX\s+[\w.-]*:\s*|BASE\s+)<[^>]*>\s*)*", re.IGNORECASE)
_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")


def _form_problem(text: str) -> str | None:
    """A message when the query does not start with a query form after its prologue."""
    code = _STRINGS_AND_COMMENTS.sub(lambda m: " " * len(m.group()) if m.group().startswith("#") else m.group(),
                                     text)
    body = code[_PROLOGUE.match(code).end():]
    if re.match(r"[A-Za-z]*", body).group().upper() in _FORMS:
        return None
    found = f"found '{body.split()[0][:30]}'" if body.strip() else "found nothing"
    return (f"malformed SPARQL query: after the PREFIX and BASE declarations a query starts with SELECT, "
            f"CONSTRUCT, DESCRIBE or ASK; {found}")


def _prefix_message(text: str, prefix: str) -> str:
    from .namespaces import PREFIXES  # the project's own prefixes, to suggest the right IRI

    code = _without_comments_and_strings(text)
    first = next(m for m in _PREFIX_USE.finditer(code) if (m.group(1) or "") == prefix)
    line = text.count("\n", 0, first.start()) + 1
    namespace = PREFIXES.get(prefix, "...")
    return (f"malformed SPARQL query at line {line}: prefix '{prefix}:' is used but not declared; "
            f"add 'PREFIX {prefix}: <{namespace}>' at the top of the query")


def _expected(listing: str) -> tuple[list[str], list[str]]:
    """(keywords and punctuation, sentences) from Oxigraph's list of expected tokens."""
    listing = listing.removeprefix("one of ").strip()
    keywords: list[str] = []
    notes: list[str] = []
    for raw in (m.group().strip() for m in _EXPECTED_ITEM.finditer(listing)):
        if not raw or raw == "[_]":
            continue
        if raw.startswith('"'):
            keywords.append("'" + raw[1:-1].replace('\\"', '"').replace("\\\\", "\\") + "'")
        elif raw.startswith("["):
            kind = "a name" if "'A'" in raw else "a digit" if "'0'" in raw else None
            if kind and kind not in keywords:
                keywords.append(kind)
        elif " " in raw and raw[0].isupper() and raw.lower() != raw:
            notes.append(raw)
        elif raw.isupper() or raw.replace("_", "").isalpha():
            keywords.append(raw)
    return keywords, notes


def _line_text(text: str, line: int) -> str | None:
    lines = text.split("\n")
    return lines[line - 1] if 0 < line <= len(lines) else None


def _at_end(text: str, line: int, column: int) -> bool:
    rest_lines = text.split("\n")[line:] if line > 0 else []
    current = _line_text(text, line)
    return current is not None and not current[column - 1:].strip() and not "".join(rest_lines).strip()


def _near(text: str, line: int, column: int) -> str:
    current = _line_text(text, line)
    if current is None:
        return ""
    snippet = current[column - 1: column - 1 + 20].strip()
    return f" near '{snippet}'" if snippet else ""
