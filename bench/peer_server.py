"""The peer: rdflib-endpoint (rdflib + FastAPI) serving an N-Quads file on loopback, set up
the way its own `rdflib-endpoint serve` command does (an rdflib Dataset with the union of
the named graphs as default graph, SparqlEndpoint, uvicorn).

rdflib-endpoint answers a query on its event loop and cannot stop it, so after a query runs
past the benchmark's time limit the server is useless until the query ends. Reloading the
data takes minutes at 342x, so this launcher loads it once and serves from a forked child;
"restart" on stdin replaces the child with a fresh fork of the loaded process.

    python -m bench.peer_server DATA.nq --port P
stdout (JSON lines): {"loaded": quads, "load_s": s, "rss_mb": m}, then {"serving": pid}
after start and every restart. stdin: "restart" or "stop" (or end of input).
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import os
import resource
import signal
import sys
import time

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """The serving child must not outlive the launcher (Linux)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        pass


def _serve_child(app, host: str, port: int) -> None:
    import uvicorn

    _die_with_parent()
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        os._exit(0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", help="N-Quads file")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    if not args.host.startswith("127.") and args.host not in {"localhost", "::1"}:
        parser.error("the peer serves on loopback only")
    _die_with_parent()

    from rdflib import Dataset
    from rdflib_endpoint import SparqlEndpoint

    started = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(args.data, format="nquads")
    load_s = time.perf_counter() - started
    app = SparqlEndpoint(graph=dataset, path="/sparql")
    gc.collect()
    gc.freeze()  # keep the garbage collector from copying the shared pages into every child
    print(json.dumps({"loaded": len(dataset), "load_s": round(load_s, 3),
                      "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}), flush=True)

    child = 0
    try:
        while True:
            child = os.fork()
            if child == 0:
                _serve_child(app, args.host, args.port)
            print(json.dumps({"serving": child}), flush=True)
            command = sys.stdin.readline().strip()
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)
            child = 0
            if command != "restart":
                return 0
    finally:
        if child:
            os.kill(child, signal.SIGKILL)


if __name__ == "__main__":
    sys.exit(main())
