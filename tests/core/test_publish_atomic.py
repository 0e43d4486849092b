"""A writer killed at any moment leaves the old or the new published graph, complete: never
a mix, never a half-written file. Tested by killing (SIGKILL) processes mid-write: a loop
of raw version writes, and a real `beleidsgraaf serve` while it takes a PUT."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import urllib.request

import pytest

from beleidsgraaf.processes import free_port
from beleidsgraaf.published import PublishedArea
from tests.support import EXAMPLE

GRAPH = "https://w3id.org/beleidsgraaf/graph/voorbeeld/groot"
TRIPLES = 40_000  # large enough that one version takes a while to write

WRITER = textwrap.dedent(f"""
    import sys
    import pyoxigraph as ox
    from beleidsgraaf.published import PublishedArea

    area = PublishedArea(sys.argv[1])
    graph = ox.NamedNode({GRAPH!r})

    def version(tag):
        return [ox.Quad(ox.NamedNode(f"urn:s:{{i}}"), ox.NamedNode("urn:p"), ox.Literal(tag), graph)
                for i in range({TRIPLES})]

    contents = {{"A": version("A"), "B": version("B")}}
    number = 0
    print("ready", flush=True)
    while True:
        with area.writing():
            current = area.current({GRAPH!r})
            number = current.number + 1 if current else 1
            tag = "A" if number % 2 else "B"
            area.write_version({GRAPH!r}, contents[tag], f"# version {{number}} {{tag}}\\n".encode(), number)
""")


def consistent_state(area: PublishedArea) -> tuple[int, str] | None:
    current = area.current(GRAPH)
    if current is None:
        return None
    quads = area.read(GRAPH)
    tags = {q.object.value for q in quads}
    assert len(quads) == TRIPLES and len(tags) == 1, "a mix of two versions, or a cut-off file"
    tag = tags.pop()
    assert tag == ("A" if current.number % 2 else "B"), "the data is not the version `current` names"
    assert area.provenance(GRAPH, current.number) == f"# version {current.number} {tag}\n".encode()
    return current.number, tag


@pytest.mark.slow
def test_killed_writer_leaves_a_whole_version(tmp_path):
    root = tmp_path / "published"
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    seen, kills = set(), 0
    # Kills at varied moments; on a loaded machine one version takes longer, so the delays grow.
    for delay in (0.3, 0.45, 0.6, 0.75, 0.9, 1.1, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0):
        if seen == {"A", "B"} and kills >= 6:
            break
        kills += 1
        process = subprocess.Popen([sys.executable, str(script), str(root)], stdout=subprocess.PIPE)
        assert process.stdout.readline().strip() == b"ready"
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        state = consistent_state(PublishedArea(root))
        if state:
            seen.add(state[1])
    # The writer did write (both versions turned up), so the kills did land mid-loop.
    assert seen == {"A", "B"}


@pytest.mark.slow
def test_server_killed_during_put_leaves_old_or_new_graph(tmp_path):
    pytest.importorskip("uvicorn")
    root = tmp_path / "published"
    port = free_port()
    env = dict(os.environ, BELEIDSGRAAF_PUBLISHED=str(root), BELEIDSGRAAF_WRITE_TOKEN="t",
               BELEIDSGRAAF_MAX_UPLOAD_BYTES=str(64 * 1024 * 1024))
    plan = (EXAMPLE / "plan-voorbeeldstad.ttl").read_bytes()
    graph = "https://w3id.org/beleidsgraaf/graph/voorbeeld/plan"
    # A second version: the same plan with many extra labels, so the write takes a moment.
    extra = b"".join(b'<https://w3id.org/beleidsgraaf/id/voorbeeld/doel-1> '
                     b'<http://www.w3.org/2004/02/skos/core#altLabel> "label %d"@nl .\n' % i for i in range(3000))
    server = subprocess.Popen([sys.executable, "-m", "beleidsgraaf.cli", "serve", "--memory", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_until_up(port)
        assert _put(port, graph, plan) == 201
        for attempt in range(3):
            import threading

            thread = threading.Thread(target=lambda: _put(port, graph, plan + extra), daemon=True)
            thread.start()
            time.sleep(0.5 + 0.4 * attempt)
            server.send_signal(signal.SIGKILL)
            server.wait()
            area = PublishedArea(root)
            current = area.current(graph)
            quads = area.read(graph)
            labels = sum(1 for q in quads if q.predicate.value.endswith("altLabel"))
            assert labels in (0, 3000), f"a mix: {labels} of the 3000 new labels"
            assert area.provenance(graph, current.number) is not None
            server = subprocess.Popen([sys.executable, "-m", "beleidsgraaf.cli", "serve", "--memory", "--port",
                                       str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _wait_until_up(port)
    finally:
        server.kill()
        server.wait()


def _put(port: int, graph: str, body: bytes) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/store?graph={graph}", data=body, method="PUT",
                                     headers={"Content-Type": "text/turtle", "Authorization": "Bearer t"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return -1


def _wait_until_up(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/store", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not start")
