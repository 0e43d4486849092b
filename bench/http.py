"""Timings over HTTP: one keep-alive client per server, the whole response body read, the
server restarted after a request it did not answer in time (so an abandoned query does not
slow down the next ones)."""

from __future__ import annotations

import json
import time
from typing import Callable

import httpx

from beleidsgraaf.formats import N_QUADS, N_TRIPLES, RESULTS_JSON

from .measure import Measurement, Policy, TimedOut, run_repeated


def count_rows(response: httpx.Response) -> int | None:
    kind = response.headers.get("content-type", "").split(";")[0].strip()
    if kind == RESULTS_JSON:
        body = json.loads(response.content)
        return 1 if "boolean" in body else len(body["results"]["bindings"])
    if kind in (N_TRIPLES, N_QUADS):  # a triple or quad per line
        return sum(1 for line in response.content.splitlines() if line.strip())
    return None


class HttpTarget:
    def __init__(self, base_url: str, on_timeout: Callable[[], None]):
        self.base_url = base_url
        self.on_timeout = on_timeout
        self.client = httpx.Client(base_url=base_url)

    def close(self) -> None:
        self.client.close()

    def once(self, method: str, path: str, kwargs: dict, timeout_s: float, want_rows: bool) -> tuple[int | None, float]:
        started = time.perf_counter()
        try:
            response = self.client.request(method, path, timeout=timeout_s, **kwargs)
        except httpx.TimeoutException:
            self.on_timeout()
            self.client.close()  # its connection went with the old server
            self.client = httpx.Client(base_url=self.base_url)
            raise TimedOut() from None
        seconds = time.perf_counter() - started
        if response.status_code >= 400:
            raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
        return (count_rows(response) if want_rows else None), seconds

    def measure(self, request: tuple[str, str, dict], policy: Policy) -> Measurement:
        method, path, kwargs = request
        calls = {"n": 0}

        def once(timeout_s: float):
            calls["n"] += 1
            return self.once(method, path, kwargs, timeout_s, want_rows=calls["n"] == 1)

        return run_repeated(once, policy)
