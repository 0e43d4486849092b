"""The on-disk Oxigraph store as the service uses it: every query runs in the worker pool
(beleidsgraaf.workers: killable processes with time, memory and row limits), while dumps,
graph lists and counts read a handle in this process."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from ..workers import QueryLimits, QueryPool


class PooledStore:
    """An on-disk store whose queries run in the worker pool. Dumps, graph lists and counts
    stream from a read-only handle in this process: they are bounded by the data, not by
    what a user writes. Canned and page queries (everything but `query_adhoc`, which
    the SPARQL endpoint uses) are answered from the cache when they can be."""

    def __init__(self, store_path: Path, limits: QueryLimits | None = None, *, wait: bool = True):
        """Without `wait`, the workers are still starting on return: call `wait_started`
        before the first query."""
        from ..versions import hold_version

        self.link = Path(store_path)  # a build or a published write swaps the version it names
        self.limits = limits
        resolved = self.link.resolve()
        self.version = resolved
        self._checked_at, self._newer = 0.0, False
        self._hold = hold_version(resolved)  # a later build keeps this version while we serve it
        self.pool = QueryPool(resolved, limits, wait=wait)  # first: the workers start while we go on
        from .oxigraph_store import Store

        self._local = Store.open(resolved)

    def wait_started(self) -> None:
        self.pool.wait_started()

    def reopen(self) -> None:
        """Serve the store version the link names now (after a published write). New
        queries go to fresh workers at once; the old workers finish what they run and stop."""
        from .oxigraph_store import Store

        from ..versions import hold_version, release

        resolved = self.link.resolve()
        old_pool, old_hold = self.pool, self._hold
        self._hold = hold_version(resolved)
        self.pool, self._local = QueryPool(resolved, self.limits), Store.open(resolved)
        self.version, self._checked_at = resolved, 0.0

        def retire() -> None:  # after the old workers' last possible answer
            old_pool.close()
            release(old_hold)

        grace = threading.Timer(old_pool.limits.timeout + 1, retire)
        grace.daemon = True
        grace.start()

    @property
    def folder(self) -> Path:
        """The store version served (its search index lies there)."""
        return self.version

    def query(self, sparql: str, **options):
        return self.pool.query(sparql, **options)

    def query_serialized(self, sparql: str, media: str, **options) -> bytes:
        return self.pool.query_serialized(sparql, media, **options)

    def cached_serialized(self, sparql: str, media: str, **options) -> bytes | None:
        return self.pool.cached_serialized(sparql, media, **options)

    def query_adhoc(self, sparql: str, **options):
        """A user's own query (the SPARQL endpoint): not cached, and never in the last idle worker."""
        return self.pool.query(sparql, adhoc=True, **options)

    def newer_build(self) -> bool:
        """Whether `beleidsgraaf build` has made a newer version than the one served (looked
        up at most once a second: every answer asks)."""
        now = time.monotonic()
        if now - self._checked_at > 1.0:
            self._checked_at = now
            self._newer = self.link.resolve() != self.version
        return self._newer

    def quads(self, graph: str | None = None):
        return self._local.quads(graph)

    def named_graphs(self) -> list[str]:
        return self._local.named_graphs()

    def __len__(self) -> int:
        return len(self._local)

    def close(self) -> None:
        from ..versions import release

        self.pool.close()
        release(self._hold)
