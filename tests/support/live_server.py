"""A FastAPI app served by a real uvicorn on a free loopback port, for as long as needed."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import uvicorn

from api.longurl import LongUrlProtocol
from beleidsgraaf.processes import LOOPBACK, free_port, wait_until_ready


@contextmanager
def running(app, *, startup_timeout: float = 10.0, log_level: str = "warning"):
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host=LOOPBACK, port=port, log_level=log_level,
                                          http=LongUrlProtocol))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until_ready(lambda: server.started, deadline_s=startup_timeout, what="uvicorn")
    try:
        yield f"http://{LOOPBACK}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)
