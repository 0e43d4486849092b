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


# -- web API -------------------------------------------------------------------------------

REGIOVISIE = "regiovisie-bw-mo-2024-2026"
GOAL_1 = f"https://w3id.org/beleidsgraaf/id/doel/{REGIOVISIE}/doelstelling-1"


@pytest.fixture(scope="session")
def built_store_path(tmp_path_factory):
    """The shipped data bulk-loaded into an on-disk store, as `beleidsgraaf build` writes it."""
    from beleidsgraaf.store import build_store

    path = tmp_path_factory.mktemp("store") / "store"
    build_store(path)
    return path


@pytest.fixture(scope="session")
def api_store(built_store_path):
    """The store the web-service tests run against: the shipped data on disk, with queries
    in worker processes under the default limits, as `beleidsgraaf serve` runs it."""
    from beleidsgraaf.workers import PooledStore, QueryLimits

    store = PooledStore(built_store_path, QueryLimits())
    yield store
    store.close()


@pytest.fixture(scope="session")
def api_app(api_store):
    from api.app import create_app

    return create_app(api_store)


@pytest.fixture(scope="session")
def client(api_app):
    from fastapi.testclient import TestClient

    with TestClient(api_app) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def live_base_url(api_app):
    """The app served by a real uvicorn on a free loopback port, for HTTP clients and browsers."""
    from live_server import running

    with running(api_app) as base_url:
        yield base_url
