"""`beleidsgraaf bench`: query, page, build and validation times per graph size, and the load test.

    beleidsgraaf bench --sizes 1,30,342 --repeat 20 --peer --out docs/
    beleidsgraaf bench --load-only                       # refresh only the Load section
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path

from beleidsgraaf.errors import UserError

REPO = Path(__file__).resolve().parent.parent


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="beleidsgraaf bench", description=(
        "Measure canned and ad-hoc queries in-process, over HTTP, against bare pyoxigraph and against "
        "rdflib-endpoint at several graph sizes; build, cold start, memory and SHACL time; write "
        "docs/performance.md, docs/performance-raw.json and a plot. Loopback only."))
    p.add_argument("--sizes", default="1,30,342", help="graph sizes as multiples of the shipped graph (default 1,30,342)")
    p.add_argument("--repeat", type=int, default=20, help="samples per query and target (default 20)")
    p.add_argument("--budget", type=float, default=10.0,
                   help="stop repeating a query once its samples add up to this many seconds (default 10)")
    p.add_argument("--timeout", type=float, default=30.0, help="time limit of one query run, seconds (default 30)")
    p.add_argument("--peer", action=argparse.BooleanOptionalAction, default=True,
                   help="also measure rdflib-endpoint (needs the 'bench' extra; default on)")
    p.add_argument("--peer-repeat", type=int, default=3, help="samples per query for the peer (default 3)")
    p.add_argument("--peer-budget", type=float, default=20.0, help="repeat budget for the peer, seconds (default 20)")
    p.add_argument("--peer-timeout", type=float, default=30.0, help="time limit of one peer request (default 30)")
    p.add_argument("--shacl", action=argparse.BooleanOptionalAction, default=True,
                   help="time SHACL validation of the whole graph at each size (default on)")
    p.add_argument("--shacl-timeout", type=float, default=300.0, help="time limit of one validation (default 300)")
    p.add_argument("--shacl-reference-max-size", type=int, default=30,
                   help="largest size at which pyshacl runs as the reference next to the chosen SHACL engine, when "
                        "bench/shacl_compare.py is there (default 30)")
    p.add_argument("--cold-starts", type=int, default=3, help="serve cold starts to time per size (default 3)")
    p.add_argument("--uncached-sizes", default="1",
                   help="sizes at which canned queries are also measured against a second server with its answer "
                        "cache off (BELEIDSGRAAF_QUERY_CACHE_MB=0), the 'HTTP uncached' column; comma-separated, "
                        "'none' for no such server (default 1)")
    p.add_argument("--queries", help="only these queries (comma-separated names; ad-hoc ones without 'adhoc/')")
    p.add_argument("--serve-arg", action="append", default=[], metavar="ARG",
                   help="extra argument for 'beleidsgraaf serve' (repeatable), e.g. --serve-arg=--workers=2")
    p.add_argument("--out", type=Path, default=REPO / "docs", help="folder for the report (default docs/)")
    p.add_argument("--cache", type=Path, default=REPO / "build" / "bench",
                   help="generated data and built stores (default build/bench/)")
    p.add_argument("--rebuild", action="store_true", help="rebuild the cached stores (re-measures build time)")
    load = p.add_argument_group("load test: concurrent clients against beleidsgraaf serve")
    load.add_argument("--load", action="store_true", help="run the load test after the benchmark")
    load.add_argument("--load-only", action="store_true", help="run only the load test; keep the other results")
    load.add_argument("--load-size", type=int, default=30, help="graph size for the load test (default 30)")
    load.add_argument("--load-clients", type=int, default=50, help="concurrent clients (default 50)")
    load.add_argument("--load-duration", type=float, default=60.0, help="seconds (default 60)")
    load.add_argument("--load-timeout", type=float, default=30.0, help="time limit per request (default 30)")
    return p


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(s) for s in text.split(",") if s.strip()})
    except ValueError:
        raise UserError(f"--sizes '{text}': give whole numbers separated by commas, e.g. 1,30,342") from None
    if not sizes or sizes[0] < 1:
        raise UserError(f"--sizes '{text}': sizes are multiples of the shipped graph, 1 or more")
    return sizes


def parse_uncached_sizes(text: str) -> list[int]:
    if text.strip().lower() in {"", "none"}:
        return []
    try:
        return parse_sizes(text)
    except UserError:
        raise UserError(f"--uncached-sizes '{text}': give sizes separated by commas, e.g. 1, or 'none'") from None


def check_peer_available() -> None:
    try:
        import rdflib_endpoint  # noqa: F401
    except ImportError:
        raise UserError("the peer needs rdflib-endpoint: pip install -e '.[bench]' (or run with --no-peer)") from None


def main(argv: list[str] | None = None, log=None) -> int:
    from .report import header, load_existing, write

    log = log or (lambda message: print(message, file=sys.stderr, flush=True))
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser().parse_args(argv)
    command = "beleidsgraaf bench " + " ".join(shlex.quote(a) for a in argv)
    started = time.perf_counter()
    existing = load_existing(args.out)
    if args.load_only:
        report = existing or {**header(command, {}), "sizes": {}}
    else:
        from .runner import Run, Settings

        sizes = parse_sizes(args.sizes)
        if args.peer:
            check_peer_available()
        settings = Settings(sizes=sizes, repeat=args.repeat, budget_s=args.budget, timeout_s=args.timeout,
                            peer=args.peer, peer_repeat=args.peer_repeat, peer_budget_s=args.peer_budget,
                            peer_timeout_s=args.peer_timeout, shacl=args.shacl, shacl_timeout_s=args.shacl_timeout,
                            shacl_reference_max_size=args.shacl_reference_max_size,
                            cold_starts=args.cold_starts, uncached_sizes=parse_uncached_sizes(args.uncached_sizes),
                            serve_args=args.serve_arg, cache=args.cache,
                            rebuild=args.rebuild,
                            queries={q.strip() for q in args.queries.split(",")} if args.queries else None)
        report = {**header(command, settings.as_dict())}
        report["sizes"] = Run(settings, log).run()
        report["duration_s"] = round(time.perf_counter() - started, 1)
        if existing.get("load"):
            report["load"] = existing["load"]   # kept until the load test runs again
    if args.load or args.load_only:
        from .load import run_load

        load = run_load(args.load_size, args.load_clients, args.load_duration, cache=args.cache,
                        timeout_s=args.load_timeout, serve_args=args.serve_arg, log=log)
        load["command"] = command
        report["load"] = load
    for path in write(report, args.out):
        log(f"wrote {path}")
    log(f"benchmark took {(time.perf_counter() - started) / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
