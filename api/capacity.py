"""How many CPU-heavy requests of one kind run at once. SHACL validation runs in this
process and cannot be interrupted, so a burst of uploads must queue (briefly) or be turned
away with 503 + Retry-After rather than starve the queries and pages of other users."""

from __future__ import annotations

import asyncio
import math
import os
from contextlib import asynccontextmanager

from beleidsgraaf.errors import ServiceBusy
from beleidsgraaf.workers import ENV_QUEUE_WAIT, QueryLimits, positive_setting

ENV_MAX_VALIDATIONS = "BELEIDSGRAAF_MAX_VALIDATIONS"


class Slots:
    def __init__(self, count: int, wait: float, what: str):
        self.count, self.wait, self.what = count, wait, what
        self._semaphore = asyncio.Semaphore(count)

    @classmethod
    def for_validation(cls, environ=os.environ) -> "Slots":
        count = positive_setting(environ, ENV_MAX_VALIDATIONS, os.cpu_count() or 2, int)
        return cls(count, QueryLimits.from_env(environ).queue_wait, "validations")

    @asynccontextmanager
    async def taken(self):
        try:
            await asyncio.wait_for(self._semaphore.acquire(), timeout=self.wait)
        except TimeoutError:
            raise ServiceBusy(retry_after=max(1, math.ceil(self.wait)),
                              busy=f"all {self.count} places for {self.what}") from None
        try:
            yield
        finally:
            self._semaphore.release()
