"""Starting and stopping servers on loopback: a free port, waiting until a server answers, and
stopping a child process. One place for what the tests (a live uvicorn, a private Virtuoso,
a killed `serve`) and the benchmark (`serve` and its peer) all need, so a fix to one (a
deadline, a server that dies while starting) reaches all of them."""

from __future__ import annotations

import socket
import subprocess
import time
from typing import Callable

LOOPBACK = "127.0.0.1"


def free_port(host: str = LOOPBACK) -> int:
    """A port nothing listens on right now (the OS picks it; free until someone binds it)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def wait_until_ready(ready: Callable[[], bool], *, deadline_s: float, what: str,
                     process: subprocess.Popen | None = None, interval_s: float = 0.05,
                     explain: Callable[[], str] = lambda: "") -> float:
    """Call ready() until it returns True; the seconds that took. Raises RuntimeError naming
    `what` when the deadline passes or when `process` exits first (no point waiting for a
    server that is gone); explain() adds what is known, e.g. the end of its log."""
    started = time.perf_counter()
    while time.perf_counter() - started < deadline_s:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode} before it was ready{_more(explain)}")
        if ready():
            return time.perf_counter() - started
        time.sleep(interval_s)
    raise RuntimeError(f"{what} was not ready within {deadline_s:.0f} s{_more(explain)}")


def stop_process(process: subprocess.Popen, timeout_s: float = 10) -> None:
    """SIGTERM (a server's chance to shut down cleanly), then SIGKILL after timeout_s."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _more(explain: Callable[[], str]) -> str:
    text = explain()
    return f":\n{text}" if text else ""
