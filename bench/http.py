"""Timings over HTTP: one keep-alive connection per server, the whole response body read,
the server restarted after a request it did not answer in time (so an abandoned query does
not slow down the next ones).

The client is Python's http.client, which SPARQLWrapper and urllib use underneath: the
lightest keep-alive client at hand, so the figures are the server's and not the client's
(httpx spent about 0.5 ms more per request, and more on large answers, on this machine)."""

from __future__ import annotations

import http.client
import json
import socket
import time
from typing import Callable
from urllib.parse import urlencode, urlsplit

from beleidsgraaf.formats import N_QUADS, N_TRIPLES, RESULTS_JSON

from .measure import Measurement, Policy, TimedOut, run_repeated


def count_rows(content_type: str, body: bytes) -> int | None:
    kind = content_type.split(";")[0].strip()
    if kind == RESULTS_JSON:
        parsed = json.loads(body)
        return 1 if "boolean" in parsed else len(parsed["results"]["bindings"])
    if kind in (N_TRIPLES, N_QUADS):  # a triple or quad per line
        return sum(1 for line in body.splitlines() if line.strip())
    return None


def target_path(path: str, params: dict | None) -> str:
    """The request target: the path with its query parameters, as httpx would send them."""
    return path + ("?" + urlencode(params, doseq=True) if params else "")


class HttpTarget:
    def __init__(self, base_url: str, on_timeout: Callable[[], None]):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.on_timeout = on_timeout
        self.connection = self._connect()

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port)

    def close(self) -> None:
        self.connection.close()

    def once(self, method: str, path: str, kwargs: dict, timeout_s: float, want_rows: bool,
             retried: bool = False) -> tuple[int | None, float]:
        target = target_path(path, kwargs.get("params"))
        body, headers = kwargs.get("content"), kwargs.get("headers") or {}
        self.connection.timeout = timeout_s
        if self.connection.sock is not None:
            self.connection.sock.settimeout(timeout_s)
        started = time.perf_counter()
        try:
            self.connection.request(method, target, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (socket.timeout, TimeoutError):
            self.on_timeout()
            self._reconnect()  # its connection went with the old server
            raise TimedOut() from None
        except (http.client.HTTPException, ConnectionError) as exc:
            self._reconnect()
            if retried:
                raise RuntimeError(f"no answer from {self.host}:{self.port}: {exc}") from None
            # The server closed the kept-alive connection (say, after an error): once more.
            return self.once(method, path, kwargs, timeout_s, want_rows, retried=True)
        seconds = time.perf_counter() - started
        if response.status >= 400:
            raise RuntimeError(f"HTTP {response.status}: {content[:200].decode('utf-8', 'replace')}")
        rows = count_rows(response.getheader("content-type", ""), content) if want_rows else None
        return rows, seconds

    def _reconnect(self) -> None:
        self.connection.close()
        self.connection = self._connect()

    def once_for(self, request: tuple[str, str, dict]):
        """One run of `request` per call, counting the rows on the first."""
        method, path, kwargs = request
        calls = {"n": 0}

        def once(timeout_s: float):
            calls["n"] += 1
            return self.once(method, path, kwargs, timeout_s, want_rows=calls["n"] == 1)

        return once

    def measure(self, request: tuple[str, str, dict], policy: Policy) -> Measurement:
        return run_repeated(self.once_for(request), policy)
