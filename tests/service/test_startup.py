"""Serve ready soon (issue 13: "serve ready in 2 s on the 342x store"): what `beleidsgraaf
serve` does before its first SPARQL answer. The server imports no RDF library, SHACL engine
or reasoner to answer a query (rdflib alone is ~0.1 s of the start; it is loaded when a page
needs it: the service description, /dataset, validation); the query workers import neither
the settings (pydantic) nor rdflib, so they are ready while the server imports its web
framework; and `serve` makes the app while the workers start, then waits for them.

Each test runs a fresh interpreter: `sys.modules` of the test process holds everything."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.support import ROOT

# Not needed to answer a SPARQL query; each costs start-up time when imported.
HEAVY_IN_SERVER = ("rdflib", "pyshacl", "pyrudof", "owlready2", "matplotlib", "SPARQLWrapper")
# A query worker reads its limits from its arguments and speaks plain replies (workers.py).
HEAVY_IN_WORKER = HEAVY_IN_SERVER + ("pydantic", "pydantic_settings", "beleidsgraaf.settings", "fastapi",
                                     "yaml", "jinja2")


def _run(script: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", script, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


IMPORT_SERVER = f"""
import json, sys
heavy = lambda: sorted(m for m in {HEAVY_IN_SERVER!r} if m in sys.modules)
import beleidsgraaf.cli, api.serve, uvicorn, api.app, api.longurl, api.access_log  # what `serve` imports before its app
at_start = heavy()
import beleidsgraaf.validation  # needs rdflib: shows the check sees a late import
print(json.dumps([at_start, heavy()]))
"""


def test_the_server_imports_no_rdf_library_or_shacl_engine_to_start():
    at_start, after_validation = _run(IMPORT_SERVER)
    assert at_start == []
    assert "rdflib" in after_validation


WORKER = f"""
import json, sys
import pyoxigraph as ox
import beleidsgraaf.workers as w
from beleidsgraaf import sandbox, versions  # what a worker imports before it says it is ready
store = ox.Store()
store.add(ox.Quad(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/p"), ox.Literal("x")))
options = {{"substitutions": {{}}, "default_graph_uris": [], "named_graph_uris": [], "base_iri": None}}
replies = [w._answer(store, q, options, 10, allow_service=False)[0]
           for q in ("SELECT * WHERE {{ ?s ?p ?o }}", "ASK {{ ?s ?p ?o }}", "CONSTRUCT WHERE {{ ?s ?p ?o }}")]
print(json.dumps([replies, sorted(m for m in {HEAVY_IN_WORKER!r} if m in sys.modules)]))
"""


def test_a_query_worker_answers_without_settings_pydantic_or_rdflib():
    replies, heavy = _run(WORKER)
    assert replies == ["solutions", "boolean", "graph"]
    assert heavy == []


SERVE = f"""
import json, sys
import uvicorn
from fastapi.testclient import TestClient
from beleidsgraaf.cli import main

seen = {{}}

def first_answer(app, **options):  # instead of listening: the first request uvicorn would pass on
    with TestClient(app) as client:
        answer = client.post("/sparql", content="SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT 1",
                             headers={{"Content-Type": "application/sparql-query",
                                       "Accept": "application/sparql-results+json"}})
    seen["status"], seen["rows"] = answer.status_code, len(answer.json()["results"]["bindings"])
    seen["heavy"] = sorted(m for m in {HEAVY_IN_SERVER!r} if m in sys.modules)

uvicorn.run = first_answer
code = main(["serve", "--store", sys.argv[1], "--port", "1"])
print(json.dumps({{"code": code, **seen}}))
"""


def test_serve_answers_its_first_query_without_rdf_library_or_shacl_engine(built_store_path):
    assert _run(SERVE, str(built_store_path)) == {"code": 0, "status": 200, "rows": 1, "heavy": []}


def test_a_pool_started_without_waiting_answers_once_its_workers_are_ready(built_store_path):
    """`serve` makes its app while the workers start (`wait=False`) and waits for them before
    it listens; until then the pool claims no network isolation it has not been told of."""
    from beleidsgraaf.backends.pooled import PooledStore
    from beleidsgraaf.workers import QueryLimits

    store = PooledStore(built_store_path, QueryLimits(workers=1), wait=False)
    try:
        assert store.pool.network_isolated is False and len(store.pool.worker_pids()) == 1
        store.wait_started()
        assert bool(store.query("ASK { ?s ?p ?o }"))
    finally:
        store.close()
