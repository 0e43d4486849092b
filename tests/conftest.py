"""Shared fixtures: the shipped graph (rdflib) and store (Oxigraph), a canned-query runner, the
store backends and a loopback listener that catches outbound requests."""

from __future__ import annotations

import contextlib
import socket
import threading

import pytest

from beleidsgraaf.shipped import shipped_graph as load_shipped_graph
from beleidsgraaf.queries import registry
from beleidsgraaf.results import rows_as_dicts
from beleidsgraaf.backends.oxigraph_store import Store
from beleidsgraaf.search_index import SearchIndex
from tests.support import BACKENDS


# Fixtures that make every test using them slow (the quick tier, `-m "not slow"`, skips those
# tests): starting what they start costs seconds to tens of seconds, once per session.
SLOW_FIXTURES = {
    "virtuoso": "starts a private Virtuoso and loads the shipped data into it",
    "bench_run": "runs the benchmark and the load test end to end",
}


def pytest_collection_modifyitems(items):
    for item in items:
        if any(name in SLOW_FIXTURES for name in item.fixturenames):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def shipped_graph():
    """Ontology plus all shipped data as one rdflib Graph."""
    return load_shipped_graph()


@pytest.fixture(scope="session")
def shipped_store():
    return Store.shipped()


@pytest.fixture(scope="session")
def shipped_index(shipped_store):
    """The search index of the shipped store (what the search queries find with)."""
    return SearchIndex.temporary(shipped_store)


@pytest.fixture(scope="session")
def run_query(shipped_store, shipped_index):
    """run_query(name, **params) -> list of {variable: plain value or None}."""

    def run(name: str, **params):
        # A paged query: the page asked for; a search query: the index's matches.
        sparql, substitutions = registry().get(name).prepare(params, finder=shipped_index.find)
        return rows_as_dicts(shipped_store.query(sparql, substitutions=substitutions))

    return run


@pytest.fixture(scope="session")
def run_all_pages(run_query):
    """run_all_pages(name, page_size, **params) -> the rows of every page of a paged query."""

    def run(name: str, page_size: int = 7, **params):
        rows, offset = [], 0
        while True:
            page = run_query(name, limit=str(page_size), offset=str(offset), **params)
            if not page:
                return rows
            rows.extend(page)
            offset += page_size

    return run


# -- settings --------------------------------------------------------------------------------

@pytest.fixture()
def settings_for_test():
    """`settings_for_test(published=..., write_token=...)`: settings built from the defaults
    (not the environment) with these fields, in use for the rest of the test (for library
    code that takes no settings argument) and returned, to pass to create_app and the like."""
    from beleidsgraaf.settings import load_settings, settings_in_use

    with contextlib.ExitStack() as stack:
        yield lambda **fields: stack.enter_context(settings_in_use(load_settings({}).replaced(**fields)))


# -- web API -------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def built_store_path(tmp_path_factory):
    """The shipped data bulk-loaded into an on-disk store, as `beleidsgraaf build` writes it."""
    from beleidsgraaf.backends.oxigraph_store import build_store

    path = tmp_path_factory.mktemp("store") / "store"
    build_store(path)
    return path


@pytest.fixture(scope="session")
def api_store(built_store_path):
    """The store the web-service tests run against: the shipped data on disk, with queries
    in worker processes under the default limits, as `beleidsgraaf serve` runs it, but with
    two workers whatever the machine (one for pages, one for research queries: the
    smallest pool that still has both kinds), so a many-core machine does not start one
    per core for the tests."""
    from beleidsgraaf.backends import open_store
    from beleidsgraaf.workers import QueryLimits

    store = open_store(built_store_path, limits=QueryLimits(workers=2))
    yield store
    store.close()


@pytest.fixture(scope="session")
def api_app(api_store, built_store_path):
    from api.app import create_app
    from api.serve import stored_search_index

    # The search index that `build` wrote beside the store, as `serve` opens it.
    return create_app(api_store, search_index=stored_search_index(built_store_path))


@pytest.fixture(scope="session")
def client(api_app):
    from fastapi.testclient import TestClient

    with TestClient(api_app) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def live_base_url(api_app):
    """The app served by a real uvicorn on a free loopback port, for HTTP clients and browsers."""
    from tests.support.live_server import running

    with running(api_app) as base_url:
        yield base_url


# -- store backends --------------------------------------------------------------------------

@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    """A private Virtuoso on loopback holding the shipped data, loaded by `build --target`.
    Skipped where Virtuoso is not installed, except in CI, where that is a failure."""
    import os
    import time

    from beleidsgraaf.cli import main as cli_main
    from tests.support.virtuoso_server import start_virtuoso, virtuoso_binaries

    from tests.support.system_requirements import require

    require(virtuoso_binaries() is not None,
            "Virtuoso Open Source is not installed (virtuoso-t, isql-vt): "
            "apt-get install virtuoso-opensource, as .ci/run does")
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    saved = {k: os.environ.get(k) for k in server.loader_environment()}
    try:
        os.environ.update(server.loader_environment())
        started = time.perf_counter()
        # Validation of the shipped data is tested elsewhere; here it would only cost time.
        assert cli_main(["build", "--target", server.query_url, "--skip-validation"]) == 0
        server.load_seconds = time.perf_counter() - started
    except BaseException:
        server.stop()
        raise
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    print(f"\nVirtuoso started in {server.started_in:.1f} s, shipped data loaded in {server.load_seconds:.1f} s")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def rdflib_store():
    from beleidsgraaf.backends import open_store

    return open_store("rdflib")


@pytest.fixture(scope="session")
def virtuoso_store(virtuoso):
    from beleidsgraaf.backends import open_store

    return open_store(virtuoso.query_url)


@pytest.fixture(scope="session", params=[pytest.param(name, marks=pytest.mark.slow) if name == "virtuoso" else name
                                         for name in BACKENDS])  # Virtuoso: see SLOW_FIXTURES
def backend(request):
    """(name, store) for each backend, holding the shipped data."""
    fixture = {"oxigraph": "shipped_store", "rdflib": "rdflib_store", "virtuoso": "virtuoso_store"}[request.param]
    return request.param, request.getfixturevalue(fixture)


# -- outbound requests -------------------------------------------------------------------------


@pytest.fixture()
def listener():
    """A TCP listener on loopback that records every connection it receives."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    hits: list[bytes] = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(0.5)
                try:
                    hits.append(conn.recv(1024))
                except OSError:
                    hits.append(b"")

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", hits
    stop.set()
    thread.join(timeout=2)
    server.close()
