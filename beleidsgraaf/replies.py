"""The plain format in which confined workers answer the server.

A worker runs user input (a query, an upload); whatever it sends back must not be able to
make the server run code. Pickle could: unpickling calls any importable function the bytes
name. So a reply is one line of JSON (a list of strings, numbers, booleans and null, which
JSON cannot turn into anything else) and, after the newline, an optional body of raw bytes
(a serialised answer such as TSV results or N-Triples). The server parses the body with a
parser for that format, never as Python objects, or, for a SELECT answer written in the
format the client asked for (SPARQL JSON or XML), passes it on unread: bytes it only
forwards cannot make it run anything either.

This module is imported by every worker process: it must stay light.
"""

from __future__ import annotations

import json

PRIMITIVES = (str, int, float, bool, type(None))


class BadReply(Exception):
    """Bytes from a worker that are not a reply in this format."""


def encode(*fields, body: bytes = b"") -> bytes:
    """`fields` (primitive values) as a JSON line, then `body`."""
    if not all(isinstance(f, PRIMITIVES) for f in fields):
        raise TypeError(f"reply fields must be primitive values, not {[type(f).__name__ for f in fields]}")
    # One join: the body may be hundreds of kB, and `a + b + c` would copy it twice.
    return b"".join((json.dumps(list(fields), ensure_ascii=True).encode("ascii"), b"\n", body))


def decode(data: bytes, kinds: frozenset[str] | set[str]) -> tuple[tuple, bytes]:
    """(fields, body) of a reply whose first field is one of `kinds`; BadReply otherwise."""
    head, newline, body = bytes(data).partition(b"\n")
    if not newline:
        raise BadReply("a worker reply without its header line")
    try:
        fields = json.loads(head.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        raise BadReply("a worker reply whose header is not JSON") from None
    if (not isinstance(fields, list) or not fields or fields[0] not in kinds
            or not all(isinstance(f, PRIMITIVES) for f in fields)):
        raise BadReply("a worker reply of an unknown kind")
    return tuple(fields), body
