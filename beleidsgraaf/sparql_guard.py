"""What a public SPARQL endpoint refuses: updates, and federated SERVICE calls or LOAD
that would make the server fetch from the network on a user's behalf (unless enabled)."""

from __future__ import annotations

import os
import re

from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

from .errors import QueryError
from .rdflib_sparql import RDFLIB_SPARQL_LOCK


class UpdateRefused(QueryError):
    """A SPARQL Update sent to the read-only query service."""


class NetworkAccessRefused(QueryError):
    """A query that would make the server contact another host."""


def network_allowed() -> bool:
    return os.environ.get("BELEIDSGRAAF_ALLOW_SERVICE", "").lower() in {"1", "true", "yes"}


def check_query(text: str) -> None:
    """Raise if `text` is an update, or a query using SERVICE while that is not enabled.

    Queries rdflib cannot parse are left to the engine, which reports the syntax error
    with its position; a SERVICE keyword in them is still refused.
    """
    try:
        with RDFLIB_SPARQL_LOCK:
            tree = parseQuery(text)
    except ParseException:
        tree = None
    if tree is None:
        if _is_update(text):
            raise UpdateRefused("SPARQL Update is not accepted here: this endpoint is read-only. "
                                "Change data by editing data/ and running 'beleidsgraaf build'.")
        if not network_allowed() and re.search(r"\bSERVICE\b", _strip_strings_and_comments(text), re.IGNORECASE):
            raise NetworkAccessRefused(_service_message())
        return
    if not network_allowed() and _contains(tree, "ServiceGraphPattern"):
        raise NetworkAccessRefused(_service_message())


def _service_message() -> str:
    return ("SERVICE (federated query) is disabled: this endpoint does not contact other hosts. "
            "An operator can enable it with BELEIDSGRAAF_ALLOW_SERVICE=1.")


def _is_update(text: str) -> bool:
    try:
        with RDFLIB_SPARQL_LOCK:
            parseUpdate(text)
        return True
    except ParseException:
        return False


def _contains(node, name: str) -> bool:
    if getattr(node, "name", None) == name:
        return True
    if isinstance(node, ParseResults):
        return any(_contains(child, name) for child in node)
    if isinstance(node, dict):
        return any(_contains(child, name) for child in node.values())
    if isinstance(node, (list, tuple)):
        return any(_contains(child, name) for child in node)
    return False


def _strip_strings_and_comments(text: str) -> str:
    text = re.sub(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', '""', text)
    text = re.sub(r"<[^<>\s]*>", "<>", text)
    return re.sub(r"#[^\n]*", "", text)
