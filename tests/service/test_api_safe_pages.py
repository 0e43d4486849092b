"""Pages that cannot be turned against their reader (issue 14): only http(s) IRIs and our own
paths become links in SPARQL results and validation reports; other IRIs (javascript:,
data:, ...) are shown as text. Also TriG at /validate."""

from __future__ import annotations

import re

import pytest

from test_api_validate import INVALID_TTL, PREFIXES, SOURCE_MESSAGE, post
from tests.support import ROOT

ATTACKS = ["javascript:alert(document.domain)//", "JaVaScRiPt:alert(1)", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
           "vbscript:msgbox(1)"]


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


@pytest.mark.parametrize("iri", ATTACKS)
def test_sparql_html_results_never_link_a_script_iri(client, iri):
    r = client.get("/sparql", params={"format": "html", "query": f"SELECT ?x WHERE {{ VALUES ?x {{ <{iri}> }} }}"})
    assert r.status_code == 200
    assert not [h for h in hrefs(r.text) if h.lower().startswith(("javascript:", "data:", "vbscript:"))]
    assert '<span class="iri">' in r.text  # still shown, as text


def test_sparql_html_results_still_link_http_iris(client):
    r = client.get("/sparql", params={"format": "html",
                                      "query": "SELECT ?x WHERE { VALUES ?x { <https://example.org/a> } }"})
    assert 'href="https://example.org/a"' in r.text


@pytest.mark.slow
@pytest.mark.parametrize("iri", ATTACKS[:2])
def test_validation_report_never_links_a_script_iri(client, iri):
    data = PREFIXES + f'<{iri}> a bg:Action ; skos:prefLabel "Aanval"@nl .\n'
    r = client.post("/validate", files={"file": ("plan.ttl", data.encode(), "text/turtle")},
                    headers={"Accept": "text/html"})
    assert r.status_code == 200 and "Aanval" in r.text
    assert not [h for h in hrefs(r.text) if h.lower().startswith(("javascript:", "data:"))]


@pytest.mark.slow
def test_trig_is_validated_like_turtle(client):
    trig = PREFIXES + "t:g {\n" + INVALID_TTL[len(PREFIXES):] + "}\n"
    r = post(client, trig, "application/trig")
    assert r.status_code == 200, r.text
    assert r.json()["conforms"] is False
    assert SOURCE_MESSAGE in json_messages(r.json())
    form = client.post("/validate", data={"text": trig, "format": "trig"}, headers={"Accept": "application/json"})
    assert form.status_code == 200 and form.json()["conforms"] is False


def json_messages(report: dict) -> str:
    return " ".join(str(result) for result in report["results"])


# -- security headers on every response ----------------------------------------------------------

@pytest.mark.parametrize("method, path, kwargs", [
    ("GET", "/", {}), ("GET", "/sparql", {"headers": {"Accept": "text/turtle"}}),
    ("GET", "/sparql", {"params": {"query": "ASK {}"}, "headers": {"Accept": "application/sparql-results+json"}}),
    ("GET", "/nergens", {}), ("GET", "/static/style.css", {}), ("HEAD", "/dataset", {}),
    ("PUT", "/sparql", {}), ("GET", "/openapi.json", {}), ("GET", "/docs", {}),
    ("POST", "/validate", {"content": b"<a> <b> .", "headers": {"Content-Type": "text/turtle"}}),
])
def test_every_response_carries_the_security_headers(client, method, path, kwargs):
    assert_security_headers(client.request(method, path, **kwargs))


def assert_security_headers(r) -> None:
    csp = {d.split()[0]: d.split()[1:] for d in r.headers["content-security-policy"].split("; ")}
    assert csp["script-src"] == ["'self'"]  # no inline script, no other origin, anywhere
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert all(not source.startswith(("http:", "https:")) and source != "*"
               for sources in csp.values() for source in sources)
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"


SECRET = "kapot in /srv/beleidsgraaf/geheim.py regel 12"


@pytest.fixture(scope="module")
def failing_client():
    """An app from the factory with one route that fails as a bug would: an unhandled error.
    Starlette answers it from its outermost middleware, outside the one adding the headers."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from beleidsgraaf.backends.oxigraph_store import Store

    app = create_app(Store.in_memory())

    def broken():
        raise RuntimeError(SECRET)

    app.add_api_route("/kapot", broken)
    with TestClient(app, raise_server_exceptions=False) as failing:
        yield failing


@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_an_unhandled_error_carries_the_security_headers_and_no_traceback(failing_client, accept):
    r = failing_client.get("/kapot", headers={"Accept": accept})
    assert r.status_code == 500
    assert_security_headers(r)
    assert r.headers["content-type"].startswith(accept)
    assert "Er ging iets mis aan onze kant" in r.text
    for internal in (SECRET, "Traceback", "RuntimeError", "broken"):
        assert internal not in r.text


def test_inline_styles_only_on_the_viewer_pages(client):
    assert "'unsafe-inline'" not in client.get("/sparql", headers={"Accept": "text/html"}).headers[
        "content-security-policy"]
    assert "style-src 'self' 'unsafe-inline'" in client.get("/redoc").headers["content-security-policy"]


def test_no_template_holds_inline_script_style_or_handlers():
    from pathlib import Path

    templates = ROOT / "api" / "templates"
    for template in templates.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), f"{template.name}: inline <script>"
        assert not re.search(r"<style\b|\sstyle=", text), f"{template.name}: inline style"
        assert not re.search(r"\son[a-z]+\s*=", text), f"{template.name}: inline event handler"
        assert "javascript:" not in text.lower(), template.name


def test_docs_load_no_asset_from_a_cdn(client):
    for path in ("/docs", "/redoc"):
        page = client.get(path).text
        sources = re.findall(r'(?:src|href)="([^"]+)"', page)
        assert sources and all(s.startswith("/") for s in sources), (path, sources)
        for source in sources:
            assert client.get(source).status_code == 200, source
