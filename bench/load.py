"""Load test: many concurrent clients against `beleidsgraaf serve` on a built store,
for a fixed time, on loopback only; it stops by itself.

Each client (asyncio + httpx, its own keep-alive connection) sends, until the time is up, a
random mix of canned queries (with their example parameters), ad-hoc SPARQL (the research
queries of bench/queries/), entity pages of random entities and /validate uploads of a
small Turtle plan, plus a few deliberately bad requests (malformed SPARQL, unparseable
Turtle) that must get a 400. Everything else that is not 2xx is an error, as are timeouts
and connection errors. Reported: throughput, p50/p99 per request kind, errors by cause.

    beleidsgraaf bench --load-only [--load-size 30 --load-clients 50 --load-duration 60]
    python -m bench.load --size 30 --clients 50 --duration 60 --out docs/
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from beleidsgraaf.formats import JSON, RESULTS_JSON, SPARQL_QUERY, TURTLE
from beleidsgraaf.queries import parse_query_file

from .sizes import prepare
from .servers import HOST, OurServer
from .workload import adhoc_queries, canned_queries

HERE = Path(__file__).resolve().parent
ENTITY_SAMPLE = HERE / "queries" / "load" / "entity-sample.rq"
SMALL_PLAN = HERE / "data" / "small-plan.ttl"
ID_PREFIX = "https://w3id.org/beleidsgraaf/id/"
# Share of each request kind in the mix.
MIX = {"canned": 0.45, "entity-page": 0.25, "sparql": 0.18, "validate": 0.10, "deliberate-bad": 0.02}


@dataclass(frozen=True)
class Request:
    kind: str
    method: str
    path: str
    kwargs: dict = field(default_factory=dict)
    expect: int | None = None      # a deliberate error: the status it must get
    name: str | None = None        # the query, for the per-query breakdown


@dataclass
class Outcome:
    kind: str
    name: str | None
    seconds: float
    status: int | None
    cause: str | None               # None when the answer was what we wanted


def build_mix(entities: list[str], rng: random.Random) -> dict[str, list[Request]]:
    canned = [Request("canned", *q.our_request(), name=q.name) for q in canned_queries()]
    sparql = [Request("sparql", *q.our_request(), name=q.name) for q in adhoc_queries()]
    pages = [Request("entity-page", "GET", "/id/" + iri[len(ID_PREFIX):] + ".html") for iri in entities]
    plan = SMALL_PLAN.read_bytes()
    validate = [Request("validate", "POST", "/validate", {"content": plan, "headers": {
        "Content-Type": TURTLE, "Accept": JSON}})]
    bad = [Request("deliberate-bad", "POST", "/sparql", {"content": b"SELECT ?x WHERE { ?x ", "headers": {
               "Content-Type": SPARQL_QUERY, "Accept": RESULTS_JSON}}, expect=400),
           Request("deliberate-bad", "POST", "/validate", {"content": b"@prefix bg: <broken", "headers": {
               "Content-Type": TURTLE, "Accept": JSON}}, expect=400)]
    return {"canned": canned, "entity-page": pages, "sparql": sparql, "validate": validate, "deliberate-bad": bad}


def sample_entities(base_url: str, count: int, seed: int) -> list[str]:
    query = parse_query_file(ENTITY_SAMPLE).sparql
    response = httpx.post(base_url + "/sparql", content=query.encode(), timeout=120,
                          headers={"Content-Type": SPARQL_QUERY, "Accept": RESULTS_JSON})
    response.raise_for_status()
    iris = sorted(b["entity"]["value"] for b in response.json()["results"]["bindings"])
    return random.Random(seed).sample(iris, min(count, len(iris)))


async def client(base_url: str, mix: dict[str, list[Request]], deadline: float, timeout_s: float,
                 rng: random.Random, outcomes: list[Outcome]) -> None:
    kinds, weights = list(MIX), list(MIX.values())
    async with httpx.AsyncClient(base_url=base_url, timeout=timeout_s) as http:
        while time.perf_counter() < deadline:
            kind = rng.choices(kinds, weights)[0]
            request = rng.choice(mix[kind])
            started = time.perf_counter()
            status, cause = None, None
            try:
                response = await http.request(request.method, request.path, **request.kwargs)
                status = response.status_code
                if request.expect is not None:
                    cause = None if status == request.expect else f"HTTP {status} (expected {request.expect})"
                elif not 200 <= status < 300:
                    cause = f"HTTP {status}"
            except httpx.TimeoutException:
                cause = "timeout"
            except httpx.TransportError as exc:
                cause = type(exc).__name__
            outcomes.append(Outcome(kind, request.name, time.perf_counter() - started, status, cause))


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def summarise(outcomes: list[Outcome], elapsed_s: float) -> dict:
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_kind[o.kind].append(o)
    kinds = {}
    for kind in MIX:
        group = by_kind.get(kind, [])
        seconds = [o.seconds for o in group]
        kinds[kind] = {"requests": len(group), "share": len(group) / len(outcomes) if outcomes else 0,
                       "errors": sum(1 for o in group if o.cause),
                       "p50_ms": _ms(percentile(seconds, 0.5)), "p99_ms": _ms(percentile(seconds, 0.99)),
                       "max_ms": _ms(max(seconds) if seconds else None)}
    causes = Counter(o.cause for o in outcomes if o.cause)
    deliberate = by_kind.get("deliberate-bad", [])
    by_name: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        if o.name:
            by_name[o.name].append(o)
    queries = {name: {"requests": len(group), "errors": sum(1 for o in group if o.cause),
                      "p50_ms": _ms(percentile([o.seconds for o in group], 0.5)),
                      "max_ms": _ms(max(o.seconds for o in group))} for name, group in sorted(by_name.items())}
    return {"requests": len(outcomes), "elapsed_s": round(elapsed_s, 2),
            "throughput_rps": round(len(outcomes) / elapsed_s, 2) if elapsed_s else 0.0, "kinds": kinds,
            "queries": queries,
            "errors": {"total": sum(causes.values()), "by_cause": dict(causes.most_common())},
            "deliberate": {"sent": len(deliberate), "as_expected": sum(1 for o in deliberate if not o.cause)}}


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(1000 * seconds, 2)


async def drive(base_url: str, mix: dict[str, list[Request]], clients: int, duration_s: float, timeout_s: float,
                seed: int) -> dict:
    outcomes: list[Outcome] = []
    started = time.perf_counter()
    deadline = started + duration_s
    await asyncio.gather(*(client(base_url, mix, deadline, timeout_s, random.Random(seed + i), outcomes)
                           for i in range(clients)))
    return summarise(outcomes, time.perf_counter() - started)


def run_load(size: int, clients: int, duration_s: float, *, cache: Path, timeout_s: float = 30.0, seed: int = 7,
             serve_args: list[str] | None = None, log=print) -> dict:
    """Serve the store of `size` and drive it; the result for the report's "load" key."""
    data = prepare(size, cache, log=log)
    with OurServer(data.store_path, data.folder / "serve-load.log", serve_args) as server:
        assert server.base_url.startswith(f"http://{HOST}:")  # loopback only
        server.start()
        entities = sample_entities(server.base_url, 500, seed)
        mix = build_mix(entities, random.Random(seed))
        log(f"load: {clients} clients for {duration_s:.0f} s against {size}x ({data.quads} quads)")
        result = asyncio.run(drive(server.base_url, mix, clients, duration_s, timeout_s, seed))
        result["memory_serve"] = server.memory()
    result.update(size=size, quads=data.quads, clients=clients, duration_s=duration_s, request_timeout_s=timeout_s,
                  mix=MIX, serve_args=list(serve_args or []), generated_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    log(f"load: {result['requests']} requests, {result['throughput_rps']} req/s, errors {result['errors']}")
    return result


def main(argv: list[str] | None = None) -> int:
    from .report import header, load_existing, write

    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=30)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    parser.add_argument("--out", type=Path, default=Path("docs"))
    parser.add_argument("--cache", type=Path, default=Path("build/bench"))
    args = parser.parse_args(argv)
    result = run_load(args.size, args.clients, args.duration, cache=args.cache, timeout_s=args.timeout)
    result["command"] = "python -m bench.load " + " ".join(argv if argv is not None else sys.argv[1:])
    report = load_existing(args.out) or {**header(result["command"], {}), "sizes": {}}
    report["load"] = result
    write(report, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
