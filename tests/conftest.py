"""Shared fixtures: the shipped graph (rdflib) and store (Oxigraph), and a canned-query runner."""

from __future__ import annotations

import pytest

from beleidsgraaf.dataset import shipped_graph as load_shipped_graph
from beleidsgraaf.queries import registry
from beleidsgraaf.results import rows_as_dicts
from beleidsgraaf.store import Store


@pytest.fixture(scope="session")
def shipped_graph():
    """Ontology plus all shipped data as one rdflib Graph."""
    return load_shipped_graph()


@pytest.fixture(scope="session")
def shipped_store():
    return Store.shipped()


@pytest.fixture(scope="session")
def run_query(shipped_store):
    """run_query(name, **params) -> list of {variable: plain value or None}."""

    def run(name: str, **params):
        query = registry().get(name)
        result = shipped_store.query(query.sparql, substitutions=query.bind(params))
        return rows_as_dicts(result)

    return run
