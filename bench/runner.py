"""One benchmark run: for each size, the same data and the same queries against every
target, one request at a time (the machine has two cores; nothing else of ours runs
alongside); our own targets take turns on each query, the peer runs afterwards."""

from __future__ import annotations

import statistics
import time
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from pathlib import Path

from .sizes import PreparedData, prepare
from .http import HttpTarget
from .inprocess import InProcessRunner
from .measure import Measurement, Policy, run_interleaved, skipped_after_timeout
from .servers import OurServer, PeerServer
from .shacl import measure_validation
from .workload import PAGES, BenchQuery, all_queries

TARGETS = ("store", "oxigraph", "http", "http_uncached", "peer")
HTTP_TARGETS = {"http", "http_uncached"}
# The second server of the "http_uncached" cell: its answer cache keeps nothing, so every
# sample of a canned query is evaluated (on the first server, "http", the samples after the
# warm-up run are answers from the cache).
UNCACHED_ENV = {"BELEIDSGRAAF_QUERY_CACHE_MB": "0"}


@dataclass
class Settings:
    sizes: list[int]
    repeat: int = 20
    budget_s: float = 10.0
    timeout_s: float = 30.0
    peer: bool = True
    peer_repeat: int = 3
    peer_budget_s: float = 20.0
    peer_timeout_s: float = 30.0
    shacl: bool = True
    shacl_timeout_s: float = 300.0
    shacl_reference_max_size: int = 30
    cold_starts: int = 3
    uncached_sizes: list[int] = field(default_factory=lambda: [1])
    queries: set[str] | None = None
    serve_args: list[str] = field(default_factory=list)
    cache: Path = Path("build/bench")
    rebuild: bool = False

    def policy(self, target: str) -> Policy:
        if target == "peer":
            return Policy(repeat=self.peer_repeat, budget_s=self.peer_budget_s, timeout_s=self.peer_timeout_s)
        return Policy(repeat=self.repeat, budget_s=self.budget_s, timeout_s=self.timeout_s)

    def as_dict(self) -> dict:
        return {"sizes": self.sizes, "repeat": self.repeat, "budget_s": self.budget_s, "timeout_s": self.timeout_s,
                "peer": self.peer, "peer_repeat": self.peer_repeat, "peer_budget_s": self.peer_budget_s,
                "peer_timeout_s": self.peer_timeout_s, "shacl": self.shacl, "shacl_timeout_s": self.shacl_timeout_s,
                "shacl_reference_max_size": self.shacl_reference_max_size,
                "cold_starts": self.cold_starts, "uncached_sizes": self.uncached_sizes, "serve_args": self.serve_args,
                "queries": sorted(self.queries) if self.queries else None}


class Run:
    def __init__(self, settings: Settings, log=print):
        self.s = settings
        self.log = log
        self.queries = all_queries(settings.queries)
        # (target, query) -> the size at which it timed out: not re-run at larger sizes.
        self.timed_out_at: dict[tuple[str, str], int] = {}
        self.shacl_timed_out_at: int | None = None

    def run(self) -> dict:
        sizes = {}
        for size in sorted(self.s.sizes):
            started = time.perf_counter()
            self.log(f"{size}x:")
            sizes[str(size)] = self.one_size(size)
            sizes[str(size)]["wall_s"] = round(time.perf_counter() - started, 1)
            self.log(f"{size}x done in {sizes[str(size)]['wall_s']:.0f} s")
        return sizes

    def one_size(self, size: int) -> dict:
        data = prepare(size, self.s.cache, rebuild=self.s.rebuild, log=self.log)
        self.log(f"  {data.quads} quads; build {data.meta['build_s']} s (measured {data.meta['built_at']})")
        entry: dict = {"quads": data.quads, "municipalities": data.municipalities, "build": data.meta,
                       "queries": {q.name: {"kind": q.kind, "tags": list(q.tags)} for q in self.queries},
                       "phase_s": {}}
        phases = [("cold_start", lambda: self._cold_starts(data, entry)),
                  ("ours", lambda: self._ours(data, entry))]
        if self.s.peer:
            phases.append(("peer", lambda: self._peer(data, entry)))
        if self.s.shacl:
            phases.append(("shacl", lambda: entry.__setitem__("shacl", self._shacl(data))))
        for name, phase in phases:
            started = time.perf_counter()
            phase()
            entry["phase_s"][name] = round(time.perf_counter() - started, 1)
        return entry

    # -- targets ---------------------------------------------------------------------------

    def _measure_together(self, query: BenchQuery, size: int, onces: dict) -> dict[str, dict]:
        """`query` on each target of `onces` (name -> one run per call), the targets taking
        turns (measure.run_interleaved) so the machine's load hits them alike; a target that
        need not run (see `_skipped`) is reported as skipped."""
        results = {target: self._skipped(target, query) for target in onces}
        to_run = {target: once for target, once in onces.items() if results[target] is None}
        measured = run_interleaved(to_run, {t: self.s.policy(t) for t in to_run}, leader="store")
        leader = measured.get("store")
        for target, m in measured.items():
            if leader is not None and leader.timed_out and target != "store" and not m.samples and not m.error:
                # Same engine, same data: bare pyoxigraph and the service cannot be faster than the
                # engine itself; running them would only burn another time limit each.
                m = Measurement(timeout_s=self.s.policy(target).timeout_s,
                                skipped=f"the engine (our Store in-process) timed out at {size}x; not run")
            elif m.timed_out:
                self.timed_out_at[(target, query.name)] = size
            results[target] = m
        for target in onces:
            self.log(f"    {target:13} {query.name:42} {_short(results[target])}")
        return {target: m.as_dict() for target, m in results.items()}

    def _skipped(self, target: str, query: BenchQuery) -> Measurement | None:
        smaller = self.timed_out_at.get((target, query.name))
        engine_timeout = self.timed_out_at.get(("store", query.name)) if target in {"oxigraph"} | HTTP_TARGETS \
            else None
        if query.index_backed and target not in HTTP_TARGETS:
            return Measurement(skipped="answered by the service's search index; measured over HTTP only")
        if smaller is not None:
            return skipped_after_timeout(smaller, self.s.policy(target).timeout_s)
        if engine_timeout is not None:
            return Measurement(timeout_s=self.s.policy(target).timeout_s,
                               skipped=f"the engine (our Store in-process) timed out at {engine_timeout}x; not run")
        return None

    def _cold_starts(self, data: PreparedData, entry: dict) -> None:
        cold = []
        for _ in range(max(1, self.s.cold_starts)):
            with OurServer(data.store_path, data.folder / "serve.log", self.s.serve_args) as server:
                cold.append(round(server.start(), 3))
        entry["cold_start_s"] = cold
        self.log(f"  serve cold start {cold} s")

    def _ours(self, data: PreparedData, entry: dict) -> None:
        """Our Store and bare pyoxigraph in-process and our server over HTTP, one query at a
        time on all of them, so a change in the machine's load hits them alike. At the
        uncached sizes a second server with its answer cache off also answers each canned
        query (the "http_uncached" cell)."""
        uncached = data.size in self.s.uncached_sizes
        self.log("  our Store and bare pyoxigraph in-process, beleidsgraaf serve over HTTP"
                 + (" (also with BELEIDSGRAAF_QUERY_CACHE_MB=0)" if uncached else ""))
        with ExitStack() as stack:
            worker = stack.enter_context(InProcessRunner(data.store_path))
            server = stack.enter_context(OurServer(data.store_path, data.folder / "serve.log", self.s.serve_args))
            server.start()
            target = stack.enter_context(closing(HttpTarget(server.base_url, on_timeout=server.restart)))
            target_uncached = None
            if uncached:
                uncached_server = stack.enter_context(OurServer(
                    data.store_path, data.folder / "serve-uncached.log", self.s.serve_args, env=UNCACHED_ENV))
                uncached_server.start()
                target_uncached = stack.enter_context(closing(HttpTarget(
                    uncached_server.base_url, on_timeout=uncached_server.restart)))
            for q in self.queries:
                onces = {"store": worker.once_for(q.name, "store"), "oxigraph": worker.once_for(q.name, "oxigraph"),
                         "http": target.once_for(q.our_request())}
                if target_uncached is not None and q.kind == "canned":
                    onces["http_uncached"] = target_uncached.once_for(q.our_request())
                entry["queries"][q.name].update(self._measure_together(q, data.size, onces))
            entry["pages"] = {}
            for page in PAGES:
                m = target.measure(("GET", page.path, {"params": page.params}), self.s.policy("http"))
                entry["pages"][page.name] = m.as_dict()
                self.log(f"    {'http':13} {page.name:42} {_short(m)}")
            entry["memory_serve"] = server.memory()
        self.log(f"  serve memory after the queries: {entry['memory_serve']}")

    def _peer(self, data: PreparedData, entry: dict) -> None:
        nquads = data.nquads(self.log)
        self.log("  peer: rdflib-endpoint loading the data")
        with PeerServer(nquads, data.folder / "peer.log") as peer:
            entry["peer_load"] = peer.start()
            entry["memory_peer_loaded"] = peer.memory()
            self.log(f"  peer loaded {entry['peer_load']}; {entry['memory_peer_loaded']}")
            target = HttpTarget(peer.base_url, on_timeout=peer.restart)
            try:
                for q in self.queries:
                    entry["queries"][q.name].update(
                        self._measure_together(q, data.size, {"peer": target.once_for(q.peer_request())}))
                entry["memory_peer"] = peer.memory()
            finally:
                target.close()

    def _shacl(self, data: PreparedData) -> dict:
        if self.shacl_timed_out_at is not None:
            return {"skipped": f"timed out at {self.shacl_timed_out_at}x; not run at larger sizes",
                    "timeout_s": self.s.shacl_timeout_s}
        self.log(f"  SHACL validation of {data.quads} quads (limit {self.s.shacl_timeout_s:.0f} s)")
        result = measure_validation(data.data_paths(), self.s.shacl_timeout_s, size=data.size,
                                    reference_max_size=self.s.shacl_reference_max_size)
        if result.get("timed_out"):
            self.shacl_timed_out_at = data.size
        self.log(f"  SHACL: {result}")
        return result


def _short(m: Measurement) -> str:
    if m.skipped:
        return f"skipped ({m.skipped})"
    if m.timed_out:
        return f">{m.timeout_s:.0f} s (timeout)"
    if m.error:
        return f"error: {m.error[:100]}"
    if not m.samples:
        return "no samples"
    return f"p50 {1000 * m.p(0.5):9.1f} ms  p99 {1000 * m.p(0.99):9.1f} ms  n={len(m.samples)} rows={m.rows}"


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None
