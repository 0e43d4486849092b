"""No dead internal links: a crawl from the home page through every internal link of the
running app (test client), failing on any 4xx or 5xx. Bounded: at most PER_KIND pages of
each kind of link (same path pattern and parameter names), so every kind is visited while
the crawl stays within seconds, and at most MAX_PAGES in all."""

from __future__ import annotations

import pytest

import html
import re
from collections import Counter, deque
from urllib.parse import parse_qsl, urldefrag, urlsplit

PER_KIND = 15
MAX_PAGES = 2500
LINK = re.compile(r'''(?:href|src|action)\s*=\s*["']([^"']+)["']''')
READABLE = ("text/html", "image/svg+xml")


def kind_of(url: str) -> tuple:
    """Pages of one kind: /id/actie/<doc>/<n> all alike, one kind per parameter-name set."""
    parts = urlsplit(url)
    segments = parts.path.strip("/").split("/")
    shape = tuple(segments[:2]) + (len(segments), parts.path.rsplit(".", 1)[-1] if "." in segments[-1] else "")
    return shape, tuple(sorted(name for name, _ in parse_qsl(parts.query, keep_blank_values=True)))


def internal_links(page: str) -> set[str]:
    links = set()
    for raw in LINK.findall(page):
        url, _ = urldefrag(html.unescape(raw))
        if url.startswith("/") and not url.startswith("//"):
            links.add(url)
    return links


@pytest.mark.slow
def test_no_internal_link_is_dead(client):
    queue, seen, per_kind, dead = deque(["/"]), {"/"}, Counter(), []
    visited = 0
    while queue and visited < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url, headers={"Accept": "text/html,*/*;q=0.8"}, follow_redirects=True)
        visited += 1
        if response.status_code >= 400:
            dead.append((url, response.status_code, response.text[:120]))
            continue
        if not response.headers.get("content-type", "").startswith(READABLE):
            continue
        for link in sorted(internal_links(response.text) - seen):
            seen.add(link)
            kind = kind_of(link)
            if per_kind[kind] < PER_KIND:
                per_kind[kind] += 1
                queue.append(link)
    assert not dead, f"{len(dead)} dead internal links (of {visited} visited): {dead[:10]}"
    assert visited > 300, f"the crawl saw only {visited} pages: links are not being found"
    visited_kinds = {k[0][:2] for k in per_kind}
    for expected in [("id", "doel"), ("id", "actie"), ("klassen",), ("queries",), ("zoeken",), ("dataset",)]:
        assert any(k[:len(expected)] == expected for k in visited_kinds), f"never reached {expected}"
