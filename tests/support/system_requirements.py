"""What the full suite needs beyond pip (a JRE, Debian's chromium, Virtuoso Open Source).

Where one is missing a test is skipped on a developer's machine, so the quick loop still
works, but fails in CI (`CI=true`, as `.ci/run` sets it): CI installs all of them, so a skip
there would hide a broken install step."""

from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(available: bool, reason: str) -> None:
    """Skip (locally) or fail (in CI) when a system package the test needs is missing."""
    if available:
        return
    if in_ci():
        pytest.fail(f"{reason} -- CI installs it (.ci/run), so this test must run there")
    pytest.skip(reason)
