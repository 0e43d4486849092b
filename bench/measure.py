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
    runs = _Runs(policy)
    while runs.wants_more():
        runs.once(once)
    return runs.m


def run_interleaved(onces: dict[str, Callable[[float], tuple[int | None, float | None]]],
                    policies: dict[str, Policy], leader: str | None = None) -> dict[str, Measurement]:
    """Like `run_repeated` for several targets of one query, taking turns in the order
    given, so a burst or drift of load on the machine (two shared cores) hits them alike
    instead of spoiling one target's samples. Each turn is a warm-up run, not counted, then
    a counted one, as `run_repeated` measures a target that has just answered: without it,
    a target whose processes went idle while the others ran pays their wake-up in every
    sample (about 1 ms per process hop here), which is not what it adds to the engine. A
    slow run needs no warm-up (the first run's rule, `warmup_keep_s`). Each target keeps
    its own policy and stops on its own (repeat, budget, timeout, error); when the
    `leader` times out, the others stop too (they run the same engine on the same data)."""
    runs = {name: _Runs(policies[name]) for name in onces}
    while active := [name for name, r in runs.items() if r.wants_more()]:
        for name in active:
            runs[name].warm(onces[name])
            runs[name].once(onces[name])
            if name == leader and runs[name].m.timed_out:
                return {name: r.m for name, r in runs.items()}
    return {name: r.m for name, r in runs.items()}


class _Runs:
    """The state of `run_repeated` for one target, a run at a time."""

    def __init__(self, policy: Policy):
        self.policy = policy
        self.m = Measurement(timeout_s=policy.timeout_s)
        self.total = 0.0
        self.first = True
        self.stopped = False
        self.last_s = 0.0

    def wants_more(self) -> bool:
        return not self.stopped and len(self.m.samples) < self.policy.repeat and \
            (self.first or self.total < self.policy.budget_s)

    def warm(self, once: Callable[[float], tuple[int | None, float | None]]) -> None:
        """An uncounted run before a counted one, unless the counted one is the first run
        (a warm-up itself) or the last run was slow. A time limit hit here ends the target
        as in a counted run; another failure is met again, and reported, by the counted run."""
        if self.first or self.last_s >= self.policy.warmup_keep_s:
            return
        try:
            once(self.policy.timeout_s)
        except TimedOut:
            self.m.timed_out, self.stopped = True, True
        except Exception:  # noqa: BLE001 - see above
            pass

    def once(self, once: Callable[[float], tuple[int | None, float | None]]) -> None:
        if self.stopped:
            return
        started = time.perf_counter()
        try:
            rows, measured = once(self.policy.timeout_s)
        except TimedOut:
            self.m.timed_out, self.stopped = True, True
            return
        except Exception as exc:  # noqa: BLE001 - the target's failure is a result to report
            self.m.error, self.stopped = f"{type(exc).__name__}: {exc}"[:300], True
            return
        elapsed = measured if measured is not None else time.perf_counter() - started
        self.last_s = elapsed
        if self.first:
            self.m.rows = rows
            self.first = False
            if elapsed < self.policy.warmup_keep_s:
                return
        self.m.samples.append(elapsed)
        self.total += elapsed


def skipped_after_timeout(smaller_size: int, timeout_s: float | None) -> Measurement:
    return Measurement(timeout_s=timeout_s, skipped=f"timed out at {smaller_size}x; not run at larger sizes")
