"""How many heavy requests of one kind run at once, so that one kind of user cannot starve
the others. SHACL validation runs in this process and cannot be interrupted: a burst of
uploads queues briefly or is turned away. Ad-hoc SPARQL may hold all but one of the query
workers: however many research queries run, a canned query or an entity page still finds a
worker. Past the wait, a request gets 503 + Retry-After instead of piling up."""

from __future__ import annotations

import asyncio
import math
import threading
from contextlib import asynccontextmanager, contextmanager

from beleidsgraaf.errors import ServiceBusy
from beleidsgraaf.settings import Settings


class Slots:
    """`count` places; taken from async code (`taken`) or from worker threads (`held`)."""

    def __init__(self, count: int, wait: float, what: str):
        self.count, self.wait, self.what = count, wait, what
        self._async = asyncio.Semaphore(count)
        self._threads = threading.BoundedSemaphore(count)

    @classmethod
    def for_validation(cls, cfg: Settings) -> "Slots":
        return cls(cfg.validation_slots, cfg.queue_wait, "validations")

    @classmethod
    def for_adhoc_queries(cls, cfg: Settings) -> "Slots":
        return cls(cfg.adhoc_query_slots, cfg.queue_wait, "ad-hoc SPARQL queries")

    @asynccontextmanager
    async def taken(self):
        try:
            await asyncio.wait_for(self._async.acquire(), timeout=self.wait)
        except TimeoutError:
            raise self._busy() from None
        try:
            yield
        finally:
            self._async.release()

    @contextmanager
    def held(self):
        if not self._threads.acquire(timeout=self.wait):
            raise self._busy()
        try:
            yield
        finally:
            self._threads.release()

    def _busy(self) -> ServiceBusy:
        return ServiceBusy(retry_after=max(1, math.ceil(self.wait)), busy=f"all {self.count} places for {self.what}")
