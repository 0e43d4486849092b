"""schemathesis over the app's own OpenAPI document, in process (ASGI) on the shipped
data: requests generated from every operation's declared parameters and bodies never get
a 5xx, and every answer has a declared status code, a declared content type and, for JSON,
a body that matches its declared schema."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_headers_conformance
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]
# A handful of generated requests per operation keeps the run to seconds; the 21 canned-query
# operations share one implementation, and tests/test_canned_query_parameters.py goes deeper.
EXAMPLES_PER_OPERATION = 5


@pytest.fixture(scope="session")
def api_schema(api_app):
    return schemathesis.openapi.from_asgi("/openapi.json", api_app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case):
    case.call_and_validate(checks=CHECKS)


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
