"""Debian's chromium driven through Playwright, for the browser tests: launched headless with
nothing of its own reaching the network, and screenshots kept in test-artifacts/."""

from __future__ import annotations

from pathlib import Path

from tests.support import ROOT
from tests.support.system_requirements import require

ARTIFACTS = ROOT / "test-artifacts"

CHROMIUM = Path("/usr/bin/chromium")  # Debian's chromium, driven through Playwright
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def require_chromium() -> None:
    require(CHROMIUM.exists(), "Debian chromium is not installed at /usr/bin/chromium: "
                               "apt-get install chromium, as .ci/run does")


def launch_chromium(playwright):
    """Debian's chromium, headless, with nothing of its own reaching the network."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def shot(page, name: str) -> None:
    """A full-page screenshot test-artifacts/NAME.png, for a person to look at after a run."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
