"""In-process timings: our Store and bare pyoxigraph on the same on-disk store, in a worker
process so that a query past its time limit can be stopped (pyoxigraph cannot be
interrupted from another thread) without losing the benchmark.

A run is the query plus serializing the whole result the way the web service does (SPARQL
JSON for solutions, N-Triples for graphs; pyoxigraph's serializers, no Python object per
row), so "HTTP minus bare pyoxigraph" is what the service adds.

The worker (`python -m bench.inprocess STORE`) reads one JSON command per line,
{"query": name, "engine": "store" | "oxigraph", "count": bool}, runs that query once, and
answers {"rows": n or null, "seconds": s} or {"error": "..."}.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

from .measure import TimedOut

ENGINES = ("store", "oxigraph")
REPO = Path(__file__).resolve().parent.parent


def serialize_ours(result) -> bytes:
    """As the API does it (beleidsgraaf.results)."""
    import pyoxigraph as ox

    from beleidsgraaf.results import is_graph_result, serialize_solutions, serialize_triples

    if is_graph_result(result):
        return serialize_triples(result, ox.RdfFormat.N_TRIPLES)
    return serialize_solutions(result, ox.QueryResultsFormat.JSON)


def serialize_bare(result) -> bytes:
    import pyoxigraph as ox

    if isinstance(result, ox.QueryTriples):
        return result.serialize(format=ox.RdfFormat.N_TRIPLES)
    return result.serialize(format=ox.QueryResultsFormat.JSON)


def count_rows(body: bytes) -> int:
    if body.lstrip().startswith(b"{"):
        parsed = json.loads(body)
        return 1 if "boolean" in parsed else len(parsed["results"]["bindings"])
    return sum(1 for line in body.splitlines() if line.strip())


def worker(store_path: str) -> int:
    import pyoxigraph as ox

    from beleidsgraaf.backends import open_store

    from .workload import all_queries

    queries = {q.name: q for q in all_queries()}
    ours = open_store(Path(store_path))  # the on-disk store, queried in this process
    bare = ox.Store.read_only(store_path)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        query = queries[command["query"]]
        started = time.perf_counter()
        try:
            if command["engine"] == "store":
                body = serialize_ours(ours.query(query.sparql, substitutions=query.substitutions))
            else:
                body = serialize_bare(bare.query(query.sparql, use_default_graph_as_union=True,
                                                 substitutions={ox.Variable(k): v for k, v in query.substitutions.items()}))
            seconds = time.perf_counter() - started
            answer = {"rows": count_rows(body) if command.get("count") else None, "seconds": seconds}
        except Exception as exc:  # noqa: BLE001 - reported to the parent as the query's result
            answer = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        print(json.dumps(answer), flush=True)
    return 0


class InProcessRunner:
    """The parent side: starts the worker, sends queries, stops a worker that overruns."""

    def __init__(self, store_path: Path, log=print):
        self.store_path = Path(store_path)
        self.log = log
        self._proc: subprocess.Popen | None = None
        self._lines: queue.Queue = queue.Queue()

    def __enter__(self) -> "InProcessRunner":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _start(self) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
        self._proc = subprocess.Popen([sys.executable, "-m", "bench.inprocess", str(self.store_path)], cwd=REPO,
                                      env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self._lines = queue.Queue()
        threading.Thread(target=self._read, args=(self._proc, self._lines), daemon=True).start()
        ready = self._lines.get(timeout=120)
        if ready is None:
            raise RuntimeError(f"the in-process worker for {self.store_path} did not start")

    @staticmethod
    def _read(proc: subprocess.Popen, lines: queue.Queue) -> None:
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
            self._proc = None

    def once(self, name: str, engine: str, timeout_s: float, count: bool = False) -> tuple[int | None, float]:
        if self._proc is None:
            self._start()
        self._proc.stdin.write(json.dumps({"query": name, "engine": engine, "count": count}) + "\n")
        self._proc.stdin.flush()
        try:
            line = self._lines.get(timeout=timeout_s)
        except queue.Empty:
            self.stop()  # the only way to stop a running pyoxigraph query
            raise TimedOut() from None
        if line is None:
            self.stop()
            raise RuntimeError("the in-process worker died")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return answer["rows"], answer["seconds"]

    def once_for(self, name: str, engine: str):
        """One run of `name` on `engine` per call, counting the rows on the first."""
        calls = {"n": 0}

        def once(timeout_s: float):
            calls["n"] += 1
            return self.once(name, engine, timeout_s, count=calls["n"] == 1)

        return once


if __name__ == "__main__":
    sys.exit(worker(sys.argv[1]))
