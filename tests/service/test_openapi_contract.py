"""schemathesis over the app's own OpenAPI document, in process (ASGI) on the shipped
data, with all of schemathesis's checks: requests generated from every operation's declared
parameters and bodies never get a 5xx; every answer has a declared status code, content
type, headers and, for JSON, a body that matches its declared schema; requests that break
the schema are refused and requests that keep it are accepted; undeclared methods get 405
with a true Allow header.

One exception, by operation: where an input is itself a language (a SPARQL query, an RDF
document), "schema-valid" means only "a string", and a string that is not SPARQL or Turtle
is rightly refused with 400; positive_data_acceptance cannot hold there."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS as REGISTRY
from schemathesis.checks import (content_type_conformance, load_all_checks, not_a_server_error,
                                 positive_data_acceptance, response_headers_conformance)
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

load_all_checks()
ALL_CHECKS = REGISTRY.get_all()
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]
# Operations whose input is a language: any string is schema-valid, only SPARQL / RDF is accepted.
LANGUAGE_INPUTS = {("GET", "/sparql"), ("POST", "/sparql"), ("POST", "/validate")}
# The Graph Store Protocol's ?graph= and ?default are exclusive (OpenAPI cannot say so), and a
# write needs a bearer token the generated requests do not carry: schema-valid requests are
# rightly refused there too (400 for both, 401/405 for a write, 400 for history without graph).
GRAPH_STORE = {"/store", "/store/history", "/store/restore"}
# A handful of generated requests per operation keeps the run to seconds; the 21 canned-query
# operations share one implementation, and tests/service/test_canned_query_parameters.py goes deeper.
EXAMPLES_PER_OPERATION = 5


@pytest.fixture(scope="session")
def api_schema(api_store, built_store_path):
    """The app with writes on: without a configured token every write is a 405, which no
    request can avoid; with one, the generated requests (which carry no token) must get their 401."""
    from api.app import create_app
    from api.serve import stored_search_index
    from beleidsgraaf.settings import load_settings

    writable = create_app(api_store, load_settings({}).replaced(write_token="contract-test-token"),
                          search_index=stored_search_index(built_store_path))
    return schemathesis.openapi.from_asgi("/openapi.json", writable)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case):
    checks = ALL_CHECKS
    if (case.operation.method.upper(), case.operation.path) in LANGUAGE_INPUTS or case.operation.path in GRAPH_STORE:
        checks = [c for c in checks if c is not positive_data_acceptance]
    case.call_and_validate(checks=checks)


def test_all_checks_are_run():
    names = {c.__name__ for c in ALL_CHECKS}
    assert {"negative_data_rejection", "positive_data_acceptance", "unsupported_method",
            "allow_header_conformance", "missing_required_header", "use_after_free"} <= names


def test_error_answers_are_documented_for_every_operation(api_app):
    paths = api_app.openapi()["paths"]
    assert len(paths) >= 30
    for path, operations in paths.items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"400", "404", "406", "422"} <= codes, (method, path, codes)
            if method == "post":
                assert {"413", "415"} <= codes, (method, path, codes)
            error = operation["responses"]["422"]["content"]["application/json"]["schema"]
            assert error["required"] == ["status", "error", "message"], (method, path)


def test_the_contract_check_catches_an_undocumented_answer(api_schema, api_app):
    """The checks can fail: an answer the document does not declare is reported."""
    operation = api_schema["/sparql"]["GET"]
    case = operation.Case(query={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"})
    response = case.call()
    assert response.status_code == 200
    declared = api_app.openapi()["paths"]["/sparql"]["get"]["responses"]
    try:
        declared.pop("200")
        with pytest.raises(BaseException) as failure:  # schemathesis raises a BaseExceptionGroup
            schemathesis.openapi.from_asgi("/openapi.json", api_app)["/sparql"]["GET"].Case(
                query={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"}).call_and_validate(checks=CHECKS)
        found = getattr(failure.value, "exceptions", (failure.value,))
        assert any("Undocumented status code" in str(f) for f in found), found
    finally:
        api_app.openapi_schema = None  # FastAPI rebuilds the document on the next request


def test_every_body_the_store_takes_is_documented(api_app):
    """PUT and POST /store take each RDF format; POST also a multipart/form-data body of
    several documents, which a generated client must be able to send."""
    store = api_app.openapi()["paths"]["/store"]
    put, post = (set(store[m]["requestBody"]["content"]) for m in ("put", "post"))
    assert {"text/turtle", "application/n-triples", "application/ld+json"} <= put
    assert post == put | {"multipart/form-data"}
    parts = store["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert parts["additionalProperties"]["format"] == "binary"
