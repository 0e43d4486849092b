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
import re
import select
import socket
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from multiprocessing.connection import Connection
from typing import Iterator, Mapping

import pyoxigraph as ox

from . import replies
from .backends.oxigraph_options import graph_names, query_options
from .formats import WORKER_RESULTS_FORMATS as ANSWER_FORMATS, bare
from .errors import QueryError, QueryOutOfMemory, QueryTimeout, ResultTooLarge, ServiceBusy

# The settings (beleidsgraaf/settings.py) that error messages name; this module stays light,
# so it names them here instead of importing the settings.
ENV_TIMEOUT = "BELEIDSGRAAF_QUERY_TIMEOUT"
ENV_MAX_ROWS = "BELEIDSGRAAF_MAX_RESULT_ROWS"
ENV_WORKER_MEMORY = "BELEIDSGRAAF_WORKER_MEMORY_MB"


@dataclass(frozen=True)
class QueryLimits:
    """How much one query may take; from the settings (`from_settings`), documented there."""

    timeout: float = 10.0  # seconds a query may run before its worker is killed
    max_rows: int = 100_000  # solutions or triples one answer may hold
    workers: int = field(default_factory=lambda: max(2, os.cpu_count() or 2))  # queries at once
    queue_wait: float = 5.0  # seconds a request may wait for a free worker before a 503
    memory_mb: int = 2048  # address space of one worker; past it the worker is replaced
    cache_mb: float = 64.0  # answers of canned and page queries kept per store version; 0: none
    allow_service: bool = False  # workers may contact other hosts (SERVICE)

    @classmethod
    def from_settings(cls, cfg) -> "QueryLimits":
        return cls(timeout=cfg.query_timeout, max_rows=cfg.max_result_rows, workers=cfg.query_workers,
                   queue_wait=cfg.queue_wait, memory_mb=cfg.worker_memory_mb, cache_mb=cfg.query_cache_mb,
                   allow_service=cfg.allow_service)


def _limits_in_use() -> QueryLimits:
    from .settings import current_settings  # the server side only: workers stay light

    return QueryLimits.from_settings(current_settings())


# -- the worker process ----------------------------------------------------------------------

def _worker_main(conn, store_path: str, memory_mb: int, niceness: int, allow_service: bool) -> None:
    """Confine this process, then answer query requests from `conn` until the pipe closes.
    Its limits come from the server's arguments, not from the environment."""
    if niceness:
        os.nice(niceness)  # research workers yield the cores to the page workers
    from .sandbox import confine, limit_memory
    from .versions import hold_version

    # Before any user input, and before RocksDB starts threads (unshare needs a single thread).
    if allow_service:
        limit_memory(memory_mb)
        isolated = False
    else:
        isolated = confine(memory_mb)
    hold_version(Path(store_path))  # this store version is not deleted while we live
    store = ox.Store.read_only(store_path)
    conn.send_bytes(replies.encode("ready", os.getpid(), isolated))
    while True:
        try:
            request = conn.recv()  # from the server, which is trusted; replies are never pickles
        except (EOFError, OSError):
            return
        reply = _answer(store, *request, allow_service=allow_service)
        conn.send_bytes(_encoded(reply))
        if reply[:2] == ("error", "memory"):
            return  # the heap may be in a poor state: the server starts a fresh worker


def _encoded(reply: tuple) -> bytes:
    """A reply as the server reads it (replies.py): a serialised answer goes in the body."""
    if reply[0] in BODY_KINDS:
        return replies.encode(reply[0], body=reply[1])
    if reply[0] == "answer":
        return replies.encode("answer", reply[1], body=reply[2])
    return replies.encode(*reply)


def _decoded(data: bytes) -> tuple:
    """The reply tuple from a worker's bytes; BadReply if they are anything else (say, a
    pickle a subverted worker sends in the hope that the server unpickles it)."""
    fields, body = replies.decode(data, REPLY_KINDS)
    if fields[0] in BODY_KINDS:
        return (fields[0], body)
    if fields[0] == "answer":
        if len(fields) != 2 or fields[1] not in ANSWER_FORMATS:
            raise replies.BadReply("an answer reply without a format this server asks for")
        return (fields[0], fields[1], body)
    if fields[0] == "boolean" and (len(fields) != 2 or not isinstance(fields[1], bool)):
        raise replies.BadReply("a boolean reply without its value")
    if fields[0] == "error" and (len(fields) != 3 or not all(isinstance(f, str) for f in fields[1:])):
        raise replies.BadReply("an error reply without its kind and message")
    if fields[0] == "shape" and (len(fields) < 3 or fields[1] not in ("SELECT", "ASK", "GRAPH")
                                 or not isinstance(fields[2], bool)
                                 or not all(isinstance(f, str) for f in fields[3:])):
        raise replies.BadReply("a shape reply without its form")
    return fields


BODY_KINDS = {"solutions", "graph"}
REPLY_KINDS = frozenset({"ready", "boolean", "error", "shape", "answer"} | BODY_KINDS)


def _answer(store: ox.Store, sparql: str, options: dict, max_rows: int, *, allow_service: bool) -> tuple:
    from .sparql_guard import NetworkAccessRefused, UpdateRefused, check_query

    options = dict(options)
    shape_only = options.pop("shape_only", False)
    answer_format = options.pop("answer_format", None)
    try:
        check_query(sparql, allow_service=allow_service)
        result = store.query(sparql, **query_options(sparql, **options))
        if shape_only:
            return _shape(sparql, result)
        if isinstance(result, ox.QueryBoolean):
            return ("boolean", bool(result))
        if isinstance(result, ox.QueryTriples):
            triples = _capped(result, max_rows, "triples")
            return ("graph", ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
        if answer_format in ANSWER_FORMATS:
            return ("answer", answer_format, _serialized_rows(result, answer_format, max_rows))
        return ("solutions", _serialized_rows(result, "tsv", max_rows))
    except UpdateRefused as exc:
        return ("error", "update", str(exc))
    except NetworkAccessRefused as exc:
        return ("error", "service", str(exc))
    except QueryError as exc:  # nesting too deep, a bad graph IRI or parameter
        return ("error", "query", str(exc))
    except SyntaxError as exc:
        return ("error", "query", _explained(sparql, str(exc.args[0] if exc.args else exc)))
    except _TooLarge as exc:
        return ("error", "too-large", str(exc))
    except MemoryError:
        return ("error", "memory", "")
    except (RuntimeError, ValueError, OSError) as exc:
        return ("error", "evaluation", _without_remote_text(str(exc)))


def _shape(sparql: str, result) -> tuple:
    """What a backend other than Oxigraph needs to know of a query it runs itself: its
    result form, whether it names its own dataset (FROM), and (SELECT) its variables in
    Oxigraph's order. Nothing is evaluated: SELECT and CONSTRUCT results are lazy."""
    from .backends.values import has_dataset_clause

    own_dataset = has_dataset_clause(sparql)
    if isinstance(result, ox.QueryBoolean):
        return ("shape", "ASK", own_dataset)
    if isinstance(result, ox.QuerySolutions):
        return ("shape", "SELECT", own_dataset, *(v.value for v in result.variables))
    return ("shape", "GRAPH", own_dataset)


def _explained(sparql: str, message: str) -> str:
    from .sparql_syntax import explain

    try:
        return explain(sparql, message) or f"malformed SPARQL query: {message}"
    except RecursionError:
        return f"malformed SPARQL query: {message}"


def _without_remote_text(message: str) -> str:
    """The engine's message, unless it could carry what another host answered."""
    lowered = message.lower()
    if any(word in lowered for word in ("service", "http", "connection", "tcp", "dns")):
        return "the query failed while contacting another host, which this endpoint does not do"
    return message[:500]


class _TooLarge(Exception):
    pass


def _capped(items: Iterator, max_rows: int, noun: str) -> list:
    taken = []
    for item in items:
        if len(taken) == max_rows:
            raise _TooLarge(f"the answer holds more than {max_rows} {noun}")
        taken.append(item)
    return taken


class _CountedRows(io.RawIOBase):
    """Collects Oxigraph's serialisation of a SELECT result and stops it once it holds
    more than `max_rows` rows, without a Python object per term. Counting costs time in
    proportion to the bytes (1.4 µs per kB per mark), so it is done only as far as needed,
    in three steps:

    1. While the bytes so far are too few to hold more than `max_rows` rows (each row has
       at least `MIN_ROW_BYTES` of its own), nothing is counted.
    2. Then one byte each row holds at least once of its own (`BOUND`) is counted: a
       single-byte count, several times faster than the marks, and never below the rows.
    3. Once that bound passes `max_rows`, the rows are counted by their marks, in Rust's
       buffered chunks (a mark split between two chunks is counted once):
       - TSV: a line per row (tabs and newlines inside terms are escaped) after a header;
       - XML: a `<result>` per row (a `<` inside a term is escaped);
       - JSON: a row that binds something starts with `[{"` or `,{"`, which cannot occur
         inside a string (a `"` there is escaped) nor elsewhere in Oxigraph's compact
         output. A row binding nothing (`{}`) is not counted here: `_json_rows` counts
         exactly when the answer may hold one (`exact`)."""

    MARKS = {"tsv": (b"\n",), "xml": (b"<result>",), "json": (b'[{"', b',{"')}
    HEADER_LINES = {"tsv": 1, "xml": 0, "json": 0}
    MIN_ROW_BYTES = {"tsv": 1, "xml": len(b"<result>"), "json": len(b"{}")}
    BOUND = {"tsv": b"\n", "xml": b"<", "json": b"{"}

    def __init__(self, answer_format: str, max_rows: int):
        super().__init__()
        self.chunks: list[bytes] = []
        self.format = answer_format
        self.marks = self.MARKS[answer_format]
        self.max_rows = max_rows
        self.size = 0  # bytes so far
        self.bound: int | None = None  # at least the rows so far, once counted (step 2)
        self.rows: int | None = None  # the rows so far by their marks, once counted (step 3)
        self._keep = len(self.marks[0]) - 1
        self._tail = b""

    @property
    def exact(self) -> bool:
        return self.rows is not None

    def writable(self) -> bool:
        return True

    def write(self, chunk) -> int:
        chunk = bytes(chunk)
        self.chunks.append(chunk)
        self.size += len(chunk)
        if self.rows is not None:
            self._count_marks(chunk)
        elif self.bound is not None:
            self.bound += chunk.count(self.BOUND[self.format])
        elif self.size > self.max_rows * self.MIN_ROW_BYTES[self.format]:
            self.bound = sum(c.count(self.BOUND[self.format]) for c in self.chunks)
        if self.rows is None and self.bound is not None and self.bound > self.max_rows:
            self.rows = -self.HEADER_LINES[self.format]
            self._count_marks(b"".join(self.chunks))
        return len(chunk)

    def _count_marks(self, chunk: bytes) -> None:
        # The marks of a format are of one length n: the last n - 1 bytes of a chunk cannot
        # hold a whole mark, and are looked at again with the next chunk.
        window = self._tail + chunk
        self.rows += sum(window.count(mark) for mark in self.marks)
        self._tail = window[-self._keep:] if self._keep else b""
        if self.rows > self.max_rows:
            raise _TooLarge(f"the answer holds more than {self.max_rows} rows")


def _serialized_rows(solutions: ox.QuerySolutions, answer_format: str, max_rows: int) -> bytes:
    """The solutions in `answer_format` (Oxigraph's own serialiser: several times faster
    than building them term by term in Python), at most `max_rows` of them. TSV keeps
    every term exactly (N-Triples syntax), for the server to read back as terms."""
    rows = _CountedRows(answer_format, max_rows)
    solutions.serialize(rows, format=ANSWER_FORMATS[answer_format])
    body = b"".join(rows.chunks)
    if answer_format == "json" and rows.exact and b"{}" in body and _json_rows(body) > max_rows:
        raise _TooLarge(f"the answer holds more than {max_rows} rows")
    return body


JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')


def _json_rows(body: bytes) -> int:
    """The exact number of rows of Oxigraph's SPARQL JSON: with every string cut down to
    `"`, each row, empty or not, starts with `[{` or `,{`."""
    skeleton = JSON_STRING.sub(b'"', body)
    return skeleton.count(b"[{") + skeleton.count(b",{")


# -- the server side ---------------------------------------------------------------------------

class _Worker:
    """One worker: a plain `python -m beleidsgraaf.workers` child over a socket pair. The
    server sends it pickled requests; it answers in the plain format of replies.py, never
    in pickles. (multiprocessing's spawn would re-import the server's __main__, and fork
    is unsafe in a threaded server.)"""

    def __init__(self, store_path: str, limits: QueryLimits, pages: bool):
        self.pages = pages  # kept for canned queries and pages; else it also takes ad-hoc queries
        ours, theirs = socket.socketpair()
        for end in (ours, theirs):
            _widen(end)
        from .sandbox import child_environment

        env = child_environment()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "beleidsgraaf.workers", str(theirs.fileno()), store_path, str(limits.memory_mb),
             "0" if pages else str(RESEARCH_NICENESS), "1" if limits.allow_service else "0"],
            pass_fds=[theirs.fileno()], env=env, stdin=subprocess.DEVNULL, close_fds=True)
        theirs.close()
        self.attach(Connection(ours.detach()))
        self.isolated = False  # whether the worker has no network (told when it is ready)

    def attach(self, conn: Connection) -> None:
        """Talk to the worker over `conn`."""
        self.conn = conn
        # Made once: Connection.poll builds and tears down a selector on every call.
        self._poller = select.poll()
        self._poller.register(conn.fileno(), select.POLLIN)

    def answered(self, timeout: float) -> bool:
        """Whether the worker has written (or closed its end) within `timeout` seconds."""
        return bool(self._poller.poll(max(0, math.ceil(timeout * 1000))))

    def wait_ready(self, timeout: float) -> bool:
        try:
            if not self.answered(timeout):
                return False
            message = _decoded(self.conn.recv_bytes())
        except (EOFError, OSError, replies.BadReply):
            return False
        self.isolated = len(message) == 3 and message[2] is True
        return message[0] == "ready"

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self.conn.close()


# Socket buffers for a worker's pipe: an answer up to this size is written in one go, so the
# worker need not wait, a chunk at a time, for the server to read (816 kB: 0.3 instead of
# 0.7-0.9 ms here). The kernel caps it at net.core.wmem_max / rmem_max; memory is taken
# only as bytes wait in the buffer.
PIPE_BUFFER_BYTES = 4 * 1024 * 1024


def _widen(end: socket.socket) -> None:
    end.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, PIPE_BUFFER_BYTES)
    end.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, PIPE_BUFFER_BYTES)


class QueryPool:
    """A fixed number of worker processes over one on-disk store."""

    START_TIMEOUT = 60.0
    RESTART_PAUSE = 1.0  # seconds between attempts to start a replacement that failed

    def __init__(self, store_path: Path, limits: QueryLimits | None = None, *, wait: bool = True):
        """Start the workers. With `wait` (the default) return once they are ready; without,
        return at once and call `wait_started` before the first query (the server imports
        the web framework meanwhile)."""
        self.limits = limits or _limits_in_use()
        # The resolved version folder: a later build swaps the link, not what we serve.
        self.store_path = str(Path(store_path).resolve())
        self.cache = AnswerCache(int(self.limits.cache_mb * 1024 * 1024))
        self._idle: list[_Worker] = []
        self._changed = threading.Condition()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        # One worker is kept for canned queries and pages (at normal priority); the others
        # take ad-hoc queries too, at a lower CPU priority, so a research query that burns
        # its cores until its time limit slows the pages as little as the kernel allows.
        page_workers = 1 if self.limits.workers > 1 else self.limits.workers
        self._starting = [self._spawn(pages=i < page_workers) for i in range(self.limits.workers)]
        self.network_isolated = False  # known once the workers say they are ready
        if wait:
            self.wait_started()

    def wait_started(self) -> None:
        """Wait until the workers the pool started with are ready; QueryError if one cannot start."""
        starting, self._starting = self._starting, []
        for worker in starting:
            self._admit(worker)
        if starting:
            self.network_isolated = all(w.isolated for w in starting)

    # -- public ---------------------------------------------------------------------------

    def query(self, sparql: str, *, substitutions: Mapping[str, object] | None = None,
              default_graph_uris: list[str] | None = None, named_graph_uris: list[str] | None = None,
              base_iri: str | None = None, adhoc: bool = False, media: str | None = None):
        """Parse and run `sparql` in a worker. The server only ships the text: checking,
        parsing and evaluating all happen under the worker's limits. A canned or page query
        (not `adhoc`) may be answered from the cache and may take the last idle worker.
        With `media` (a SPARQL results type the worker writes: JSON, XML, TSV) a SELECT
        answer comes back as those bytes, a `results.Serialized`, not to be read here."""
        options = _query_options(substitutions, default_graph_uris, named_graph_uris, base_iri, media)
        cache = not adhoc and self.cache.enabled
        key = AnswerCache.key(sparql, options) if cache else None
        reply = self.cache.get(key) if cache else None
        if reply is None:
            reply = self._ask_worker((sparql, options, self.limits.max_rows), adhoc)
            if cache and reply[0] != "error":
                self.cache.put(key, reply)
        return _result_from(reply, self.limits)

    def query_serialized(self, sparql: str, media: str, *, substitutions: Mapping[str, object] | None = None) -> bytes:
        """A canned or page query's answer as bytes in the machine format `media`, written
        by the worker when it can, and kept in the cache per format: asked again, it costs
        neither a worker nor a serialiser."""
        from .results import serialize_result  # server side only

        key = self._serialized_key(sparql, media, substitutions) if self.cache.enabled else None
        cached = self.cache.get(key) if key else None
        if cached is not None:
            return cached[1]
        options = _query_options(substitutions, media=media)
        result = _result_from(self._ask_worker((sparql, options, self.limits.max_rows), False), self.limits)
        try:
            body = serialize_result(result, media)
        finally:
            del result  # Oxigraph results must be dropped on the thread that made them
        if key:
            self.cache.put(key, ("serialized", body))
        return body

    def cached_serialized(self, sparql: str, media: str, *,
                          substitutions: Mapping[str, object] | None = None) -> bytes | None:
        """The answer in `media` if the cache holds it, else None (nothing is run)."""
        if not self.cache.enabled:
            return None
        reply = self.cache.get(self._serialized_key(sparql, media, substitutions))
        return reply[1] if reply is not None else None

    @staticmethod
    def _serialized_key(sparql: str, media: str, substitutions: Mapping[str, object] | None) -> tuple:
        return AnswerCache.key(sparql, _query_options(substitutions)) + (media,)

    def shape(self, sparql: str, *, substitutions: Mapping[str, object] | None = None,
              base_iri: str | None = None) -> tuple[str, bool, tuple[str, ...]]:
        """Check and parse `sparql` in a worker without evaluating it (for backends that
        run queries themselves): (form, whether it has FROM, SELECT variables). Raises the
        same errors as `query`."""
        options = {"substitutions": {k: v for k, v in (substitutions or {}).items() if v is not None},
                   "default_graph_uris": [], "named_graph_uris": [], "base_iri": base_iri, "shape_only": True}
        reply = self._ask_worker((sparql, options, self.limits.max_rows), adhoc=False)
        if reply[0] == "shape":
            return reply[1], reply[2], tuple(reply[3:])
        if reply[0] == "error":
            _result_from(reply, self.limits)  # raises the error the worker reported
        raise QueryError("the syntax worker gave an answer this server does not accept; try again")

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

    def _ask_worker(self, request: tuple, adhoc: bool) -> tuple:
        worker = self._checkout(adhoc)
        try:
            worker.conn.send(request)
            if not worker.answered(self.limits.timeout):
                self._replace(worker)
                raise QueryTimeout(self.limits.timeout, ENV_TIMEOUT, retry_after=RETRY_AFTER)
            reply = _decoded(worker.conn.recv_bytes())
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            raise QueryOutOfMemory(self.limits.memory_mb, ENV_WORKER_MEMORY, retry_after=RETRY_AFTER) from None
        except replies.BadReply:
            self._replace(worker)  # a worker that says anything else is not trusted again
            raise QueryError("the query worker gave an answer this server does not accept; "
                             "it has been replaced, try again") from None
        if reply[:2] == ("error", "memory"):
            self._replace(worker)  # it has quit after saying so
        else:
            self._release(worker)
        return reply

    def _spawn(self, pages: bool) -> _Worker:
        worker = _Worker(self.store_path, self.limits, pages)
        with self._lock:
            self._all.add(worker)
        return worker

    def _admit(self, worker: _Worker) -> None:
        if worker.wait_ready(self.START_TIMEOUT):
            self._release(worker)
            return
        self._forget(worker)
        raise QueryError(f"cannot start a query worker on the store at {self.store_path}; "
                         "run 'beleidsgraaf build' and try again")

    def _checkout(self, adhoc: bool) -> _Worker:
        """An idle worker: for an ad-hoc query one that is not kept for pages (if the pool has
        more than one); for a canned query or page the page worker first, else any. Ad-hoc
        queries thus never hold every worker, also while workers they stopped restart."""
        deadline = time.monotonic() + self.limits.queue_wait
        with self._changed:
            while True:
                self._replace_dead_idle()
                worker = self._eligible(adhoc)
                if worker is not None:
                    self._idle.remove(worker)
                    return worker
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ServiceBusy(retry_after=max(1, math.ceil(self.limits.queue_wait)),
                                      busy=f"all {self.limits.workers} query workers")
                self._changed.wait(left)

    def _eligible(self, adhoc: bool) -> _Worker | None:
        if adhoc and self.limits.workers > 1:
            return next((w for w in self._idle if not w.pages), None)
        return next((w for w in self._idle if w.pages), None) or next(iter(self._idle), None)

    def _replace_dead_idle(self) -> None:
        """Workers killed from outside while idle (by an operator, the OOM killer) are
        replaced at once instead of waiting for their turn."""
        for worker in [w for w in self._idle if w.process.poll() is not None]:
            self._idle.remove(worker)
            self._replace(worker)

    def _release(self, worker: _Worker) -> None:
        with self._changed:
            self._idle.append(worker)
            self._changed.notify_all()

    def _replace(self, worker: _Worker) -> None:
        """Kill `worker` (stopping whatever it runs) and start a new one in the background,
        so the request that hit the limit is answered at once. A replacement that fails to
        start is tried again until one runs: the pool never shrinks."""
        self._forget(worker)
        if self._closed:
            return

        def restart() -> None:
            while not self._closed:
                fresh = self._spawn(pages=worker.pages)
                if fresh.wait_ready(self.START_TIMEOUT) and not self._closed:
                    self._release(fresh)
                    return
                self._forget(fresh)
                time.sleep(self.RESTART_PAUSE)

        threading.Thread(target=restart, name="beleidsgraaf-worker-restart", daemon=True).start()

    def _forget(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.kill()


def _query_options(substitutions: Mapping[str, object] | None = None, default_graph_uris: list[str] | None = None,
                   named_graph_uris: list[str] | None = None, base_iri: str | None = None,
                   media: str | None = None) -> dict:
    """A query's options as a worker receives them; a bad graph IRI is the caller's error,
    said here. `media`, when the worker can write SELECT answers in it, becomes their format."""
    options = {"substitutions": dict(substitutions or {}), "default_graph_uris": list(default_graph_uris or []),
               "named_graph_uris": list(named_graph_uris or []), "base_iri": base_iri}
    graph_names(options["default_graph_uris"], "default-graph-uri")
    graph_names(options["named_graph_uris"], "named-graph-uri")
    answer_format = answer_format_for(media)
    if answer_format is not None:
        options["answer_format"] = answer_format
    return options


def answer_format_for(media: str | None) -> str | None:
    """The short name (ANSWER_FORMATS) of the SPARQL results type `media`, if a worker writes it."""
    return next((name for name, fmt in ANSWER_FORMATS.items() if fmt.media_type == bare(media or "")), None)


RETRY_AFTER = 2  # seconds: a replacement worker is ready well within this
RESEARCH_NICENESS = 10


class AnswerCache:
    """Answers (as the workers send them) of canned and page queries, least recently used
    first out once they hold more than `max_bytes`. One cache belongs to one pool, and so
    to one store version: a store version never changes, so an answer never goes stale."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes  # 0: keeps nothing (BELEIDSGRAAF_QUERY_CACHE_MB=0)
        self.size = 0
        self._answers: OrderedDict[tuple, tuple] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(sparql: str, options: dict) -> tuple:
        substitutions = tuple(sorted((name, str(value)) for name, value in options["substitutions"].items()))
        return (sparql, substitutions, tuple(options["default_graph_uris"]), tuple(options["named_graph_uris"]),
                options.get("base_iri"), options.get("answer_format"))

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def get(self, key: tuple) -> tuple | None:
        with self._lock:
            reply = self._answers.get(key)
            if reply is not None:
                self._answers.move_to_end(key)
            return reply

    def put(self, key: tuple, reply: tuple) -> None:
        size = _reply_size(key, reply)
        if size > self.max_bytes // 4:
            return  # one huge answer would push out everything else
        with self._lock:
            if key in self._answers:
                return
            self._answers[key] = reply
            self.size += size
            while self.size > self.max_bytes:
                old_key, old_reply = self._answers.popitem(last=False)
                self.size -= _reply_size(old_key, old_reply)


def _reply_size(key: tuple, reply: tuple) -> int:
    body = reply[1]
    return len(key[0]) + (len(body) if isinstance(body, (bytes, str)) else 8) + 200


def _result_from(reply: tuple, limits: QueryLimits):
    from .results import Serialized, Triples  # server side only: keeps rdflib out of the workers
    from .sparql_guard import NetworkAccessRefused, UpdateRefused

    kind = reply[0]
    if kind == "answer":
        return Serialized(ANSWER_FORMATS[reply[1]].media_type, reply[2])
    if kind == "solutions":
        return ox.parse_query_results(reply[1], format=ox.QueryResultsFormat.TSV)
    if kind == "boolean":
        return ox.parse_query_results(json.dumps({"head": {}, "boolean": reply[1]}).encode(),
                                      format=ox.QueryResultsFormat.JSON)
    if kind == "graph":
        return Triples(quad.triple for quad in ox.parse(reply[1], format=ox.RdfFormat.N_TRIPLES))
    _, error, message = reply
    if error == "too-large":
        raise ResultTooLarge(limits.max_rows, ENV_MAX_ROWS)
    if error == "memory":
        raise QueryOutOfMemory(limits.memory_mb, ENV_WORKER_MEMORY, retry_after=RETRY_AFTER)
    if error == "update":
        raise UpdateRefused(message)
    if error == "service":
        raise NetworkAccessRefused(message)
    if error == "query":
        raise QueryError(message)
    raise QueryError(f"cannot evaluate SPARQL query: {message}")


if __name__ == "__main__":
    _worker_main(Connection(int(sys.argv[1])), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1")
