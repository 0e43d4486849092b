"""A policy officer's walk through the site in a real browser (Debian chromium via
Playwright): home > search > doelstelling 1 > one of its actions > the quote, then a data
steward's invalid upload on /validate. Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest

from tests.support import GOAL_1
from tests.support.browser import launch_chromium, require_chromium, shot

GOAL_PATH = GOAL_1.replace("https://w3id.org/beleidsgraaf", "")
INVALID_TTL = b"""@prefix bg: <https://w3id.org/beleidsgraaf/def#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/beleidsgraaf/id/test/a1> a bg:Action ; skos:prefLabel "Actie zonder bron"@nl .
"""

pytestmark = [pytest.mark.browser]


@pytest.fixture(scope="module", autouse=True)
def chromium_installed():
    require_chromium()


@pytest.fixture(scope="module")
def base_url(live_base_url):
    return live_base_url


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        context = browser.new_context(locale="nl-NL")
        yield context.new_page()
        browser.close()


@pytest.mark.slow
def test_browse_from_home_to_a_quote_and_validate(page, base_url, tmp_path):
    page.set_default_timeout(10_000)
    page.goto(base_url + "/")
    assert page.locator("html").get_attribute("lang") == "nl"
    shot(page, "1-home")

    page.fill("#zoek-home", "zelfstandig")
    page.click("form.big button[type=submit]")
    page.wait_for_url("**/zoeken?q=zelfstandig")
    shot(page, "2-zoeken")

    page.click(f'ol.hits a[href="{GOAL_PATH}"]')
    page.wait_for_url(f"**{GOAL_PATH}.html")  # via the 303 to the HTML description
    assert "zelfstandig" in page.locator("h1").inner_text()
    shot(page, "3-doelstelling-1")

    # Doelstelling 1 is served by a strand or directly by actions; reach an action either way.
    actions = page.locator('section.incoming a[href^="/id/actie/"]')
    if actions.count() == 0:
        page.locator('section.incoming a[href^="/id/actielijn/"]').first.click()
        page.wait_for_url("**/id/actielijn/**")
        actions = page.locator('section.incoming a[href^="/id/actie/"]')
    actions.first.click()
    page.wait_for_url("**/id/actie/**")
    quote = page.locator("figure.quote blockquote").first
    assert quote.is_visible() and len(quote.inner_text()) > 10
    assert page.locator("nav.breadcrumbs a").first.get_attribute("href").startswith("/id/document/")
    shot(page, "4-actie-met-citaat")

    upload = tmp_path / "ongeldig.ttl"
    upload.write_bytes(INVALID_TTL)
    page.goto(base_url + "/validate")
    page.set_input_files("#file", str(upload))
    page.click("form.validate button[type=submit]")
    page.wait_for_selector("p.summary-line")
    assert "Voldoet niet" in page.locator("p.summary-line").inner_text()
    assert "Bron ontbreekt of is geen beleidsdocument" in page.locator("main").inner_text()
    shot(page, "5-validatierapport")


@pytest.mark.slow
def test_find_tactus_by_typing_and_run_its_query_by_name(page, base_url):
    """Issue 17: a policy officer types "tactus" in the search box, picks Tactus from the
    suggestions, goes on to something Tactus takes part in, and runs "Wat een organisatie
    doet" by picking Tactus from the form's suggestions (no IRI typed anywhere)."""
    page.set_default_timeout(10_000)
    page.goto(base_url + "/")
    page.locator("#zoek-home").press_sequentially("tactus", delay=40)
    suggestion = page.locator("ul.suggestions li", has_text="Tactus").first
    suggestion.wait_for()
    assert "organisatie" in suggestion.inner_text()
    shot(page, "6-suggesties-tactus")
    page.locator("ul.suggestions li").filter(has=page.locator("span", has_text="Tactus")).filter(
        has_not_text="Preventiespreekuur").first.click()
    page.wait_for_url("**/id/organisatie/tactus**")
    assert page.locator("h1").inner_text().startswith("Tactus")
    shot(page, "7-tactus")

    # What Tactus takes part in, under a relation read from Tactus's side ("levert").
    delivers = page.locator("section.incoming dt", has_text="levert")
    assert delivers.count() == 1
    page.locator('section.incoming a[href="/id/voorziening/preventiespreekuur-tactus"]').click()
    page.wait_for_url("**/id/voorziening/preventiespreekuur-tactus**")
    assert "Preventiespreekuur" in page.locator("h1").inner_text()
    shot(page, "8-preventiespreekuur")

    page.goto(base_url + "/queries/actions-for-organisation?format=html")
    box = page.locator("#p-organisation")
    box.fill("")
    box.press_sequentially("tact", delay=40)
    page.locator("ul.suggestions li", has_text="organisatie").first.wait_for()
    page.locator("ul.suggestions li").filter(has=page.locator("span", has_text="Tactus")).filter(
        has_not_text="Preventiespreekuur").first.click()
    assert page.locator('input[type=hidden][name="organisation"]').input_value().endswith("/organisatie/tactus")
    page.click("form.params button[type=submit]")
    page.wait_for_url("**organisation=https*tactus**")
    table = page.locator("table.results")
    assert "Preventiespreekuur (Tactus)" in table.inner_text()
    assert table.locator('a[href="/id/voorziening/preventiespreekuur-tactus"]').count() >= 1
    shot(page, "9-wat-tactus-doet")
