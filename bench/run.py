"""A first benchmark (groundwork for the performance issue): canned-query latency in-process
and over HTTP, entity pages, SHACL validation time and store build/open time, on the shipped
graph and on synthetic graphs of growing size. It measures and reports; it asserts nothing.

    python bench/run.py [--sizes 1,30] [--repeat 30] [--out docs/performance-raw.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
import uvicorn

from api.app import create_app
from beleidsgraaf.pipeline import read_user_graph
from beleidsgraaf.queries import registry
from beleidsgraaf.rdfio import read_file
from beleidsgraaf.store import Store, build_store
from beleidsgraaf.synth import generate
from beleidsgraaf.validation import validate_graph

ENTITY = "/id/doel/regiovisie-bw-mo-2024-2026/doelstelling-1.html"


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"p50_ms": round(1000 * statistics.median(ordered), 3),
            "p99_ms": round(1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 3)}


def timed(fn, repeat: int) -> dict[str, float]:
    fn()  # warm-up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return percentiles(samples)


def canned_in_process(store: Store, repeat: int) -> dict:
    out = {}
    for query in registry():
        values = {p.name: "zorg" for p in query.parameters if p.required and p.type.name == "string"}
        substitutions = query.bind(values)
        out[query.name] = timed(lambda: list(store.query(query.sparql, substitutions=substitutions)), repeat)
    return out


def serve_in_thread(store: Store) -> tuple[str, uvicorn.Server, threading.Thread]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    return f"http://127.0.0.1:{port}", server, thread


def over_http(base: str, repeat: int) -> dict:
    out = {}
    with httpx.Client(base_url=base, timeout=60) as client:
        for query in registry():
            params = {p.name: "zorg" for p in query.parameters if p.required and p.type.name == "string"}
            out[f"queries/{query.name}"] = timed(
                lambda: client.get(f"/queries/{query.name}", params=params,
                                   headers={"Accept": "application/sparql-results+json"}).raise_for_status(), repeat)
        out["entity-page"] = timed(lambda: client.get(ENTITY).raise_for_status(), repeat)
    return out


def synthetic_store(size: int, workdir: Path) -> tuple[Store, int, float, float]:
    """Shipped data plus `size - 1` synthetic municipalities, on disk; build and open times."""
    folder = workdir / f"synth-{size}"
    extra: list[ox.Quad] = []
    if size > 1:
        generate(size - 1, folder)
        for file in sorted(folder.glob("*.nt")):
            graph = ox.NamedNode(f"https://w3id.org/beleidsgraaf/graph/synth/{file.stem}")
            extra.extend(ox.Quad(q.subject, q.predicate, q.object, graph) for q in read_file(file))
    target = workdir / f"store-{size}" / "store"
    started = time.perf_counter()
    build_store(target)
    store = Store.open(target, read_only=False)
    store.add_quads(extra)
    store.flush()
    del store
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    store = Store.open(target)
    open_s = time.perf_counter() - started
    return store, len(store), build_s, open_s


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,30", help="graph sizes as multiples of the shipped graph")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--out", type=Path, default=Path("docs/performance-raw.json"))
    args = parser.parse_args(argv)
    report = {"machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                          "pyoxigraph": ox.__version__, "platform": platform.platform()}, "sizes": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            store, quads, build_s, open_s = synthetic_store(size, Path(tmp))
            started = time.perf_counter()
            validation = validate_graph(read_user_graph([Path("data")])) if size == 1 else None
            entry = {"quads": quads, "build_s": round(build_s, 3), "open_s": round(open_s, 4),
                     "in_process": canned_in_process(store, args.repeat)}
            if validation is not None:
                entry["shacl_shipped_s"] = round(time.perf_counter() - started, 3)
            base, server, thread = serve_in_thread(store)
            entry["http"] = over_http(base, args.repeat)
            server.should_exit = True
            thread.join(timeout=5)
            report["sizes"][str(size)] = entry
            print(f"{size}x: {quads} quads, build {build_s:.2f} s, open {open_s * 1000:.1f} ms", file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
