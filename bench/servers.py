"""Servers under test, each a subprocess on loopback: `beleidsgraaf serve` on a built store,
and the peer (bench/peer_server.py). Cold start, restarts after a timeout, and the memory
of the whole process tree (the service may run worker processes)."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from beleidsgraaf import processes
from beleidsgraaf.processes import LOOPBACK, free_port, stop_process
from beleidsgraaf.formats import RESULTS_JSON, SPARQL_QUERY

REPO = Path(__file__).resolve().parent.parent
HOST = LOOPBACK
PROBE = "ASK {}"


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {**os.environ, **(extra or {}),
            "PYTHONPATH": os.pathsep.join(p for p in [str(REPO), os.environ.get("PYTHONPATH")] if p)}


def tree_memory(pid: int) -> dict:
    """Resident memory of a process and all its descendants: RSS added up (counts shared
    pages once per process) and PSS added up (shares them out: the honest total)."""
    import psutil

    root = psutil.Process(pid)
    procs = [root] + root.children(recursive=True)
    rss = pss = 0
    for p in procs:
        try:
            info = p.memory_full_info()
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return {"processes": len(procs), "rss_mb": round(rss / 2**20, 1), "pss_mb": round(pss / 2**20, 1)}


def wait_until_ready(base_url: str, proc: subprocess.Popen, deadline_s: float, path: str = "/sparql",
                     method: str = "GET") -> float:
    """Poll an ASK query until it answers 200; the seconds that took."""
    with httpx.Client(timeout=5) as client:
        def answers() -> bool:
            try:
                if method == "GET":
                    response = client.get(base_url + path, params={"query": PROBE},
                                          headers={"Accept": RESULTS_JSON})
                else:
                    response = client.post(base_url + path, content=PROBE.encode(),
                                           headers={"Accept": RESULTS_JSON, "Content-Type": SPARQL_QUERY})
            except httpx.TransportError:
                return False
            return response.status_code == 200

        return processes.wait_until_ready(answers, deadline_s=deadline_s, what=f"the server at {base_url}",
                                            process=proc, interval_s=0.01)


class OurServer:
    """`beleidsgraaf serve --store DIR` as a subprocess; start() returns the cold start:
    from process start until the first successful SPARQL answer. `env` adds settings
    (BELEIDSGRAAF_* variables) to the ones this process has."""

    def __init__(self, store_path: Path, log_path: Path, extra_args: list[str] | None = None,
                 env: dict[str, str] | None = None):
        self.store_path = Path(store_path)
        self.log_path = Path(log_path)
        self.extra_args = list(extra_args or [])
        self.env = dict(env or {})
        self.port = free_port()
        self.base_url = f"http://{HOST}:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> float:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "beleidsgraaf.cli", "serve", "--store", str(self.store_path), "--host", HOST,
             "--port", str(self.port), *self.extra_args], cwd=REPO, env=_env(self.env), stdout=log, stderr=log,
            stdin=subprocess.DEVNULL)
        log.close()
        try:
            wait_until_ready(self.base_url, self.proc, deadline_s=300)
        except RuntimeError as exc:
            self.stop()
            raise RuntimeError(f"{exc}; see {self.log_path}") from None
        return time.perf_counter() - started

    def restart(self) -> float:
        self.stop()
        return self.start()

    def memory(self) -> dict:
        return tree_memory(self.proc.pid)

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc)
            self.proc = None

    def __enter__(self) -> "OurServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class PeerServer:
    """rdflib-endpoint on the same data (see bench/peer_server.py)."""

    def __init__(self, nquads: Path, log_path: Path):
        self.nquads = Path(nquads)
        self.log_path = Path(log_path)
        self.port = free_port()
        self.base_url = f"http://{HOST}:{self.port}"
        self.proc: subprocess.Popen | None = None
        self._lines: queue.Queue = queue.Queue()
        self.loaded: dict = {}

    def start(self, load_deadline_s: float = 3600) -> dict:
        """Load the data and serve; {"loaded": quads, "load_s": s, "rss_mb": m, "ready_s": s}."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        started = time.perf_counter()
        self.proc = subprocess.Popen([sys.executable, "-m", "bench.peer_server", str(self.nquads), "--port",
                                      str(self.port)], cwd=REPO, env=_env(), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=log, text=True, bufsize=1)
        log.close()
        threading.Thread(target=self._read, daemon=True).start()
        self.loaded = self._message("loaded", load_deadline_s)
        self._serving()
        self.loaded["ready_s"] = round(time.perf_counter() - started, 3)
        return self.loaded

    def _read(self) -> None:
        for line in self.proc.stdout:
            self._lines.put(json.loads(line))
        self._lines.put(None)

    def _message(self, key: str, deadline_s: float) -> dict:
        try:
            message = self._lines.get(timeout=deadline_s)
        except queue.Empty:
            self.stop()
            raise RuntimeError(f"the peer sent no '{key}' within {deadline_s:.0f} s; see {self.log_path}") from None
        if message is None or key not in message:
            self.stop()
            raise RuntimeError(f"the peer stopped (expected '{key}'); see {self.log_path}")
        return message

    def _serving(self) -> None:
        self._message("serving", 60)
        wait_until_ready(self.base_url, self.proc, deadline_s=120, method="POST")

    def restart(self) -> None:
        """A fresh serving process (the old one may still be busy with an abandoned query)."""
        self.proc.stdin.write("restart\n")
        self.proc.stdin.flush()
        self._serving()

    def memory(self) -> dict:
        return tree_memory(self.proc.pid)

    def stop(self) -> None:
        if self.proc is not None:
            try:
                self.proc.stdin.write("stop\n")
                self.proc.stdin.flush()
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired, ValueError):
                self.proc.kill()
                self.proc.wait()
            self.proc = None

    def __enter__(self) -> "PeerServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
