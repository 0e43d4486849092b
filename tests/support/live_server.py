"""A FastAPI app served by a real uvicorn on a free loopback port, for as long as needed."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager

import uvicorn

from api.longurl import LongUrlH11Protocol


@contextmanager
def running(app, *, startup_timeout: float = 10.0):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                          http=LongUrlH11Protocol))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + startup_timeout
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)
