"""Queries in worker processes, so that the limits on them hold.

Oxigraph cannot interrupt a running query from another thread: a cartesian product or an
unbounded property path would hold a server thread (and a core) until it finishes, however
long that takes. Each query therefore runs in one of a small pool of worker processes that
each open the on-disk store read-only. The server waits for the answer at most `timeout`
seconds; past that it kills the worker, which really stops the work, starts a fresh worker
in the background and answers with a clear error. The pool size caps how many queries run
at once; a request that finds no free worker within `queue_wait` seconds is turned away
(503 with Retry-After) instead of piling up. Results come back capped at `max_rows`.

This module is imported by every worker process: it must stay light (no rdflib, no API).
"""

from __future__ import annotations

import io
import json
import math
import os
import queue
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from multiprocessing.connection import Connection
from typing import Iterator, Mapping

import pyoxigraph as ox

from .backends.oxigraph_options import query_options
from .errors import QueryError, QueryTimeout, ResultTooLarge, ServiceBusy

ENV_TIMEOUT = "BELEIDSGRAAF_QUERY_TIMEOUT"
ENV_MAX_ROWS = "BELEIDSGRAAF_MAX_RESULT_ROWS"
ENV_WORKERS = "BELEIDSGRAAF_QUERY_WORKERS"
ENV_QUEUE_WAIT = "BELEIDSGRAAF_QUEUE_WAIT"


@dataclass(frozen=True)
class QueryLimits:
    """How much one query may take. Every field has an environment variable (see README)."""

    timeout: float = 10.0  # seconds a query may run before its worker is killed
    max_rows: int = 100_000  # solutions or triples one answer may hold
    workers: int = field(default_factory=lambda: max(2, os.cpu_count() or 2))  # queries at once
    queue_wait: float = 5.0  # seconds a request may wait for a free worker before a 503

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "QueryLimits":
        defaults = cls()
        return cls(
            timeout=positive_setting(environ, ENV_TIMEOUT, defaults.timeout, float),
            max_rows=positive_setting(environ, ENV_MAX_ROWS, defaults.max_rows, int),
            workers=positive_setting(environ, ENV_WORKERS, defaults.workers, int),
            queue_wait=positive_setting(environ, ENV_QUEUE_WAIT, defaults.queue_wait, float),
        )


def positive_setting(environ: Mapping[str, str], name: str, default, kind):
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or not value > 0 or (isinstance(value, float) and math.isinf(value)):
        raise QueryError(f"environment variable {name}={raw!r}: give a positive "
                         f"{'whole number' if kind is int else 'number'} (default {default})")
    return value


# -- the worker process ----------------------------------------------------------------------

def _worker_main(conn, store_path: str) -> None:
    """Answer query requests from `conn` until the pipe closes."""
    store = ox.Store.read_only(store_path)
    conn.send(("ready", os.getpid()))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(_answer(store, *request))


def _answer(store: ox.Store, sparql: str, options: dict, max_rows: int) -> tuple:
    try:
        result = store.query(sparql, **query_options(sparql, **options))
        if isinstance(result, ox.QueryBoolean):
            return ("boolean", bool(result))
        if isinstance(result, ox.QueryTriples):
            triples = _capped(result, max_rows, "triples")
            return ("graph", ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
        return ("solutions", _tsv_results(result, max_rows))
    except SyntaxError as exc:
        return ("error", "syntax", str(exc.args[0] if exc.args else exc))
    except _TooLarge as exc:
        return ("error", "too-large", str(exc))
    except (RuntimeError, ValueError, OSError) as exc:
        return ("error", "evaluation", str(exc))


class _TooLarge(Exception):
    pass


def _capped(items: Iterator, max_rows: int, noun: str) -> list:
    taken = []
    for item in items:
        if len(taken) == max_rows:
            raise _TooLarge(f"the answer holds more than {max_rows} {noun}")
        taken.append(item)
    return taken


class _TsvRows(io.RawIOBase):
    """Collects Oxigraph's TSV serialisation of a SELECT result and stops it once it holds
    more than `max_rows` rows. Oxigraph writes one line per row (tabs and newlines inside
    terms are escaped) after one header line, so counting lines counts rows, in Rust's
    buffered chunks, without a Python object per term."""

    def __init__(self, max_rows: int):
        super().__init__()
        self.chunks: list[bytes] = []
        self.lines = 0
        self.max_rows = max_rows

    def writable(self) -> bool:
        return True

    def write(self, chunk) -> int:
        chunk = bytes(chunk)
        self.lines += chunk.count(b"\n")
        if self.lines > self.max_rows + 1:
            raise _TooLarge(f"the answer holds more than {self.max_rows} rows")
        self.chunks.append(chunk)
        return len(chunk)


def _tsv_results(solutions: ox.QuerySolutions, max_rows: int) -> bytes:
    """The solutions as SPARQL 1.1 TSV, which the server parses back into a real
    ox.QuerySolutions. TSV keeps every term exactly (N-Triples syntax) and is written by
    Oxigraph itself: several times faster than building JSON term by term in Python."""
    rows = _TsvRows(max_rows)
    solutions.serialize(rows, format=ox.QueryResultsFormat.TSV)
    return b"".join(rows.chunks)


# -- the server side ---------------------------------------------------------------------------

class _Worker:
    """One worker: a plain `python -m beleidsgraaf.workers` child, talking pickles over a
    socket pair. (multiprocessing's spawn would re-import the server's __main__, and fork
    is unsafe in a threaded server.)"""

    def __init__(self, store_path: str):
        ours, theirs = socket.socketpair()
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [str(Path(__file__).resolve().parent.parent)] + [p for p in sys.path if p]))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "beleidsgraaf.workers", str(theirs.fileno()), store_path],
            pass_fds=[theirs.fileno()], env=env, stdin=subprocess.DEVNULL, close_fds=True)
        theirs.close()
        self.conn = Connection(ours.detach())

    def wait_ready(self, timeout: float) -> bool:
        try:
            return self.conn.poll(timeout) and self.conn.recv()[0] == "ready"
        except (EOFError, OSError):
            return False

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self.conn.close()


class QueryPool:
    """A fixed number of worker processes over one on-disk store."""

    START_TIMEOUT = 60.0

    def __init__(self, store_path: Path, limits: QueryLimits | None = None):
        self.limits = limits or QueryLimits.from_env()
        # The resolved version folder: a later build swaps the link, not what we serve.
        self.store_path = str(Path(store_path).resolve())
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        starting = [self._spawn() for _ in range(self.limits.workers)]
        for worker in starting:
            self._admit(worker)

    # -- public ---------------------------------------------------------------------------

    def query(self, sparql: str, *, substitutions: Mapping[str, object] | None = None,
              default_graph_uris: list[str] | None = None, named_graph_uris: list[str] | None = None):
        options = {"substitutions": dict(substitutions or {}),
                   "default_graph_uris": list(default_graph_uris or []),
                   "named_graph_uris": list(named_graph_uris or [])}
        query_options(sparql, **options)  # a bad graph IRI is the caller's error, said here
        worker = self._checkout()
        try:
            worker.conn.send((sparql, options, self.limits.max_rows))
            if not worker.conn.poll(self.limits.timeout):
                self._replace(worker)
                raise QueryTimeout(self.limits.timeout, ENV_TIMEOUT)
            reply = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            raise QueryError("the query stopped its worker process (probably out of memory); "
                             "narrow the query down or add a LIMIT") from None
        self._idle.put(worker)
        return _result_from(reply, self.limits.max_rows)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()

    def worker_pids(self) -> list[int]:
        with self._lock:
            return [w.process.pid for w in self._all]

    # -- workers --------------------------------------------------------------------------

    def _spawn(self) -> _Worker:
        worker = _Worker(self.store_path)
        with self._lock:
            self._all.add(worker)
        return worker

    def _admit(self, worker: _Worker) -> None:
        if worker.wait_ready(self.START_TIMEOUT):
            self._idle.put(worker)
            return
        self._forget(worker)
        raise QueryError(f"cannot start a query worker on the store at {self.store_path}; "
                         "run 'beleidsgraaf build' and try again")

    def _checkout(self) -> _Worker:
        try:
            return self._idle.get(timeout=self.limits.queue_wait)
        except queue.Empty:
            raise ServiceBusy(retry_after=max(1, math.ceil(self.limits.queue_wait)),
                              busy=f"all {self.limits.workers} query workers") from None

    def _replace(self, worker: _Worker) -> None:
        """Kill `worker` (stopping whatever it runs) and start a new one in the background,
        so the request that hit the limit is answered at once."""
        self._forget(worker)
        if self._closed:
            return

        def restart() -> None:
            fresh = self._spawn()
            if fresh.wait_ready(self.START_TIMEOUT) and not self._closed:
                self._idle.put(fresh)
            else:
                self._forget(fresh)

        threading.Thread(target=restart, name="beleidsgraaf-worker-restart", daemon=True).start()

    def _forget(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.kill()


def _result_from(reply: tuple, max_rows: int):
    from .results import Triples  # server side only: keeps rdflib out of the workers

    kind = reply[0]
    if kind == "solutions":
        return ox.parse_query_results(reply[1], format=ox.QueryResultsFormat.TSV)
    if kind == "boolean":
        return ox.parse_query_results(json.dumps({"head": {}, "boolean": reply[1]}).encode(),
                                      format=ox.QueryResultsFormat.JSON)
    if kind == "graph":
        return Triples(quad.triple for quad in ox.parse(reply[1], format=ox.RdfFormat.N_TRIPLES))
    _, error, message = reply
    if error == "too-large":
        raise ResultTooLarge(max_rows, ENV_MAX_ROWS)
    if error == "syntax":
        raise QueryError(f"malformed SPARQL query: {message}")
    raise QueryError(f"cannot evaluate SPARQL query: {message}")



class PooledStore:
    """An on-disk store whose queries run in the worker pool. Dumps, graph lists and counts
    stream from a read-only handle in this process: they are bounded by the data, not by
    what a user writes."""

    def __init__(self, store_path: Path, limits: QueryLimits | None = None):
        from .store import Store

        self.link = Path(store_path)  # a build or a published write swaps the version it names
        self.limits = limits
        resolved = self.link.resolve()
        self.pool = QueryPool(resolved, limits)
        self._local = Store.open(resolved)

    def reopen(self) -> None:
        """Serve the store version the link names now (after a published write). New
        queries go to fresh workers at once; the old workers finish what they run and stop."""
        from .store import Store

        resolved = self.link.resolve()
        old = self.pool
        self.pool, self._local = QueryPool(resolved, self.limits), Store.open(resolved)
        grace = threading.Timer(old.limits.timeout + 1, old.close)
        grace.daemon = True
        grace.start()

    def query(self, sparql: str, **options):
        return self.pool.query(sparql, **options)

    def quads(self, graph: str | None = None):
        return self._local.quads(graph)

    def named_graphs(self) -> list[str]:
        return self._local.named_graphs()

    def __len__(self) -> int:
        return len(self._local)

    def close(self) -> None:
        self.pool.close()


if __name__ == "__main__":
    _worker_main(Connection(int(sys.argv[1])), sys.argv[2])
