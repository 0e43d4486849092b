"""What a public SPARQL endpoint refuses before the engine runs a query: updates, federated
SERVICE calls (unless enabled), and nesting deeper than the engine's parser can take.

This runs inside the query workers (and in-process stores), never on the server's own
threads: it reads user input, so it runs under the workers' time and memory limits.

SERVICE is found by the engine's own grammar, not by a pattern: every occurrence of the
letters S-E-R-V-I-C-E (in any case, or written as \\u escapes, which SPARQL resolves before
parsing) is changed into a word that is no keyword, and Oxigraph parses the result. In a
string, IRI, comment, prefixed name or variable the change keeps the query valid; where
SERVICE is the keyword, the changed query no longer parses, and the original is refused.
No string, comment, escape or prefix trick can make both parsers disagree, because there
is one parser. The mutated query runs on an empty store and holds no SERVICE, so nothing
leaves the process; the workers have no network anyway (see sandbox.py).

This module is imported by every worker process: it must stay light (no rdflib).
"""

from __future__ import annotations

import re
from functools import lru_cache

import pyoxigraph as ox

from .backends.values import tokenize
from .errors import QueryError

# Query texts up to this size that passed the checks are remembered (256 of them), so a
# worker checks the text of a canned or page query once, not on every request.
REMEMBERED_TEXT = 20_000
MAX_NESTING = 200  # brackets deep; Oxigraph's recursive parser overflows its stack in the thousands
UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
PROLOGUE_KEYWORDS = {"PREFIX", "BASE", "VERSION"}
OPENING, CLOSING = "{([", "})]"


class UpdateRefused(QueryError):
    """A SPARQL Update sent to the read-only query service."""


class NetworkAccessRefused(QueryError):
    """A query that would make the server contact another host."""


class NestingTooDeep(QueryError):
    """Brackets nested deeper than the parser can take."""


def _letter(c: str) -> str:
    upper, lower = ord(c.upper()), ord(c.lower())  # for S, E, R, V, I, C both are plain digits in hex
    return f"(?:[{c.upper()}{c.lower()}]|\\\\u00(?:{upper:02X}|{lower:02X})|\\\\U000000(?:{upper:02X}|{lower:02X}))"


# "service" in any case, each letter possibly a \uXXXX or \UXXXXXXXX escape, which SPARQL
# resolves before it parses.
SERVICE_LETTERS = re.compile("".join(_letter(c) for c in "SERVICE"))
HARMLESS = "SERVICX"


def network_allowed() -> bool:
    from .settings import current_settings  # not at import: the query workers stay light

    return current_settings().allow_service


def check_query(text: str, *, allow_service: bool | None = None) -> None:
    """Raise if `text` nests too deeply, is an update, or uses SERVICE while that is disabled
    (`allow_service`, by default the ALLOW_SERVICE setting in use)."""
    allowed = network_allowed() if allow_service is None else allow_service
    if len(text) <= REMEMBERED_TEXT:
        _check_remembered(text, allowed)  # canned and page queries repeat their text
    else:
        _check(text, allowed)


@lru_cache(maxsize=256)
def _check_remembered(text: str, allow_service: bool) -> None:
    """`_check`, remembered for texts that passed (a refusal raises, so it is not kept)."""
    _check(text, allow_service)


def _check(text: str, allow_service: bool) -> None:
    tokens = tokenize(text)
    _check_nesting(text, tokens)
    if _first_keyword(tokens) in UPDATE_KEYWORDS:
        raise UpdateRefused("SPARQL Update is not accepted here: this endpoint is read-only. "
                            "Change data by editing data/ and running 'beleidsgraaf build'.")
    if not allow_service and uses_service(text):
        raise NetworkAccessRefused(_service_message())


def uses_service(text: str) -> bool:
    """Whether SERVICE is a keyword of `text`, as Oxigraph parses it."""
    if not SERVICE_LETTERS.search(text):
        return False
    return not _parses(SERVICE_LETTERS.sub(HARMLESS, text))


def _parses(text: str) -> bool:
    try:
        result = ox.Store().query(text)  # empty store: SELECT and CONSTRUCT are lazy, ASK finds nothing
    except SyntaxError:
        return False
    except (RuntimeError, ValueError, OSError):
        return True  # parsed; failed while running on nothing
    del result
    return True


def _check_nesting(text: str, tokens) -> None:
    depth = 0
    for token in tokens:
        if token.text in OPENING or token.text == "<<":
            depth += 1
            if depth > MAX_NESTING:
                line = text.count("\n", 0, token.start) + 1
                column = token.start - (text.rfind("\n", 0, token.start) + 1) + 1
                raise NestingTooDeep(
                    f"the query nests brackets more than {MAX_NESTING} deep (line {line}, column {column}): "
                    "flatten it: join groups { } that need no nesting, and drop parentheses around "
                    "single terms")
        elif token.text in CLOSING or token.text == ">>":
            depth = max(0, depth - 1)


def _first_keyword(tokens) -> str:
    """The first keyword after the prologue (PREFIX, BASE and VERSION declarations)."""
    for token in tokens:
        if token.kind in ("iri", "string") or token.keyword in PROLOGUE_KEYWORDS or token.text.endswith(":"):
            continue
        return token.keyword
    return ""


def _service_message() -> str:
    return ("SERVICE (federated query) is disabled: this endpoint does not contact other hosts. "
            "An operator can enable it with BELEIDSGRAAF_ALLOW_SERVICE=1.")
