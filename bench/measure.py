"""Timing samples and what they say: percentiles, timeouts as lower bounds, and the
repetition policy that keeps slow queries from eating the run."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable


@dataclass(frozen=True)
class Policy:
    """How often to run one query against one target.

    The first run is a warm-up and is discarded when it is fast; a slow first run (over
    `warmup_keep_s`) counts as a sample, since caches hardly matter then. Runs stop after
    `repeat` samples or once the samples add up to `budget_s`, whichever comes first; a
    single run longer than `timeout_s` is abandoned and reported as a lower bound."""

    repeat: int = 20
    budget_s: float = 10.0
    timeout_s: float = 60.0
    warmup_keep_s: float = 1.0


@dataclass
class Measurement:
    samples: list[float] = field(default_factory=list)   # seconds
    timed_out: bool = False
    timeout_s: float | None = None
    error: str | None = None
    rows: int | None = None
    skipped: str | None = None                            # why it was not run (e.g. timed out at a smaller size)

    @property
    def ok(self) -> bool:
        return not self.timed_out and self.error is None and self.skipped is None and bool(self.samples)

    def p(self, q: float) -> float | None:
        """The q-quantile in seconds (nearest rank): with 20 samples p99 is the slowest."""
        if not self.samples:
            return None
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(q * len(ordered)) - 1)]

    @property
    def lower_bound_s(self) -> float | None:
        """For a timeout: the time we know it takes at least."""
        return self.timeout_s if self.timed_out or (self.skipped and self.timeout_s) else None

    def as_dict(self) -> dict:
        out: dict = {"n": len(self.samples)}
        if self.samples:
            out["p50_ms"] = round(1000 * self.p(0.5), 3)
            out["p99_ms"] = round(1000 * self.p(0.99), 3)
            out["min_ms"] = round(1000 * min(self.samples), 3)
        if self.rows is not None:
            out["rows"] = self.rows
        if self.timed_out:
            out["timeout_s"] = self.timeout_s
        if self.error:
            out["error"] = self.error
        if self.skipped:
            out["skipped"] = self.skipped
            if self.timeout_s:
                out["timeout_s"] = self.timeout_s
        return out


class TimedOut(Exception):
    pass


def run_repeated(once: Callable[[float], tuple[int | None, float | None]], policy: Policy) -> Measurement:
    """Call `once(timeout_s)` according to the policy. It returns (row count, seconds) where
    seconds may be None to use the wall-clock time of the call; it raises TimedOut, or any
    other exception for an error of the target."""
    m = Measurement(timeout_s=policy.timeout_s)
    total = 0.0
    first = True
    while len(m.samples) < policy.repeat and (first or total < policy.budget_s):
        started = time.perf_counter()
        try:
            rows, measured = once(policy.timeout_s)
        except TimedOut:
            m.timed_out = True
            return m
        except Exception as exc:  # noqa: BLE001 - the target's failure is a result to report
            m.error = f"{type(exc).__name__}: {exc}"[:300]
            return m
        elapsed = measured if measured is not None else time.perf_counter() - started
        if first:
            m.rows = rows
            first = False
            if elapsed < policy.warmup_keep_s:
                continue
        m.samples.append(elapsed)
        total += elapsed
    return m


def skipped_after_timeout(smaller_size: int, timeout_s: float | None) -> Measurement:
    return Measurement(timeout_s=timeout_s, skipped=f"timed out at {smaller_size}x; not run at larger sizes")
