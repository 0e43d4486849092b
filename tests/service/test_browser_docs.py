"""The researcher's pages in a real browser with no network (issue 14): /docs (Swagger UI)
and /redoc load from the service itself and run, every page works under the service's
Content-Security-Policy, and any console error or CSP violation fails the test."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.support import GOAL_1
from tests.support.browser import launch_chromium, require_chromium, shot
from tests.support.system_requirements import require

GOAL_PATH = GOAL_1.replace("https://w3id.org/beleidsgraaf", "")
pytestmark = [pytest.mark.browser]


@pytest.fixture(scope="module", autouse=True)
def chromium_installed():
    require_chromium()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = launch_chromium(pw)
        yield chromium
        chromium.close()


@pytest.fixture
def offline_page(browser, live_base_url):
    """A page that can reach only the service: any other request is aborted and recorded;
    console errors (CSP violations among them) and page errors are recorded too."""
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems: list[str] = []
    own = urlsplit(live_base_url).netloc

    def route(r):
        if urlsplit(r.request.url).netloc == own or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            problems.append(f"outside request: {r.request.url}")
            r.abort()

    context.route("**/*", route)
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.problems = problems
    yield page
    context.close()


@pytest.mark.parametrize("path", ["/", "/zoeken?q=zelfstandig", GOAL_PATH + ".html", "/klassen", "/queries",
                                  "/sparql", "/def", "/dataset", "/validate",
                                  "/sparql?format=html&query=SELECT%20%3Fx%20WHERE%20%7B%20%3Fx%20a%20%3Fc%20%7D%20LIMIT%203"])
@pytest.mark.slow
def test_pages_work_under_the_csp_without_errors(offline_page, live_base_url, path):
    response = offline_page.goto(live_base_url + path)
    assert response.status == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    offline_page.wait_for_load_state("networkidle")
    assert offline_page.problems == []


@pytest.mark.slow
def test_swagger_ui_loads_offline_and_runs_an_operation(offline_page, live_base_url):
    page = offline_page
    page.goto(live_base_url + "/docs")
    page.wait_for_selector(".opblock-tag", timeout=30_000)
    page.locator(".opblock-summary-path", has_text="/queries").first.click()
    page.locator("button.try-out__btn").first.click()
    page.locator("button.execute").first.click()
    status = page.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for(timeout=30_000)
    assert "200" in status.inner_text()
    shot(page, "docs-swagger")
    assert page.problems == []


@pytest.mark.slow
def test_redoc_loads_offline(offline_page, live_base_url):
    page = offline_page
    page.goto(live_base_url + "/redoc")
    # (wait_for_function would evaluate a string, which the CSP rightly forbids)
    page.get_by_text("SPARQL 1.1 query (GET)").first.wait_for(state="attached", timeout=30_000)
    assert "beleidsgraaf" in page.inner_text("body")
    page.wait_for_load_state("networkidle")
    shot(page, "docs-redoc")
    # ReDoc's sidebar logo, hard-wired to cdn.redoc.ly, comes from the service (static/redoc-offline.js).
    logo = page.locator('img[alt="redocly logo"]')
    logo.wait_for(state="attached", timeout=30_000)  # ReDoc renders it after the first paint
    assert logo.count() == 1 and logo.get_attribute("src") == "/static/redoc-logo.svg"
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.problems == []


# -- YASGUI ------------------------------------------------------------------------------------------

@pytest.fixture
def yasgui_installed():
    from api.yasgui import INSTALL, installed

    require(installed(), f"YASGUI is not installed under web/node_modules: run '{INSTALL}', as the README's install command does")


@pytest.mark.slow
def test_yasgui_runs_a_query_and_an_example_offline(yasgui_installed, offline_page, live_base_url):
    page = offline_page
    response = page.goto(live_base_url + "/yasgui")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator(".yasqe .CodeMirror").first.wait_for()
    # The first tab holds our prefixes and runs against this service's /sparql.
    editor_text = page.locator(".yasqe .CodeMirror").first.inner_text()
    assert "PREFIX bg: <https://w3id.org/beleidsgraaf/def#>" in editor_text
    inputs = page.locator(".tabPanel:visible input")
    assert live_base_url + "/sparql" in [inputs.nth(i).input_value() for i in range(inputs.count())]
    page.locator(".tabPanel:visible .yasqe_queryButton").click()
    rows = page.locator(".tabPanel:visible .yasr table.dataTable tbody tr")
    rows.first.wait_for()
    assert rows.count() > 5 and "id:doel/" in rows.first.inner_text()

    page.locator("details.examples summary").click()
    page.locator('[data-example="actions-for-goal"]').click()
    assert "bg:servesStated" in page.locator(".tabPanel:visible .yasqe .CodeMirror").inner_text()
    page.locator(".tabPanel:visible .yasqe_queryButton").click()
    page.locator(".tabPanel:visible .yasr table.dataTable tbody tr").first.wait_for()
    shot(page, "yasgui")
    assert page.problems == []


@pytest.mark.slow
def test_yasgui_results_never_link_a_script_iri(yasgui_installed, offline_page, live_base_url):
    page = offline_page
    run_in_yasgui(page, live_base_url, "SELECT ?x WHERE { VALUES ?x { <javascript:alert(document.domain)//> "
                                       "<https://example.org/a> } }")
    links = page.locator(".tabPanel:visible .yasr table.dataTable a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert "https://example.org/a" in hrefs
    assert not [h for h in hrefs if h and h.lower().startswith("javascript:")]
    assert page.problems == []


CHART_QUERY = ("SELECT ?soort (COUNT(?x) AS ?aantal) WHERE { ?x a ?soort } "
               "GROUP BY ?soort ORDER BY DESC(?aantal) ?soort LIMIT 8")


@pytest.mark.slow
def test_yasgui_draws_a_chart_offline(yasgui_installed, offline_page, live_base_url):
    """The "Grafiek" view draws the numbers of a SELECT answer with the bundled Chart.js:
    the bars are the counts /sparql gives for the same query, and the chart kind switches."""
    import httpx

    from beleidsgraaf.namespaces import PREFIXES

    def compact(iri: str) -> str:
        return next((f"{p}:{iri[len(ns):]}" for p, ns in PREFIXES.items() if iri.startswith(ns)), iri)

    answer = httpx.get(live_base_url + "/sparql", params={"query": CHART_QUERY},
                       headers={"Accept": "application/sparql-results+json"}).json()["results"]["bindings"]
    counts = [int(row["aantal"]["value"]) for row in answer]
    assert len(counts) == 8 and counts == sorted(counts, reverse=True)

    page = offline_page
    run_in_yasgui(page, live_base_url, CHART_QUERY)
    page.locator(".tabPanel:visible .yasr button.select_chart").click()
    canvas = page.locator(".tabPanel:visible .yasr-chart-canvas canvas")
    canvas.wait_for()
    assert canvas.evaluate("c => Chart.getChart(c).data.datasets[0].data") == counts
    assert canvas.evaluate("c => Chart.getChart(c).config.type") == "bar"
    # Labels are the classes, shortened with the service's prefixes as in the table.
    assert canvas.evaluate("c => Chart.getChart(c).data.labels") == [
        compact(row["soort"]["value"]) for row in answer]
    shot(page, "yasgui-chart")
    page.select_option(".tabPanel:visible select.yasr-chart-kind", "pie")
    assert canvas.evaluate("c => Chart.getChart(c).config.type") == "pie"
    assert page.problems == []


def run_in_yasgui(page, base_url: str, query: str) -> None:
    """Open the editor, replace its query with `query`, run it and wait for the result table."""
    page.goto(base_url + "/yasgui")
    page.locator(".yasqe .CodeMirror").first.wait_for()
    page.locator(".yasqe .CodeMirror textarea").first.focus()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(query)
    page.locator(".tabPanel:visible .yasqe_queryButton").click()
    page.locator(".tabPanel:visible .yasr table.dataTable tbody tr").first.wait_for()
