"""A build that is killed at the worst moment (SIGKILL while it writes the new store)
leaves the previous store intact and servable, and the next build cleans up after it."""

from __future__ import annotations

import pytest

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from beleidsgraaf.backends.oxigraph_store import Store
from beleidsgraaf.backends.pooled import PooledStore
from beleidsgraaf.workers import QueryLimits
from tests.support import ROOT



def _build(env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "beleidsgraaf.cli", "build", "--skip-validation"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _versions(store: Path) -> set[Path]:
    return {p for p in store.parent.glob(f"{store.name}-*") if p.is_dir()}


def _kill_while_writing(store: Path, env) -> bool:
    """Start a build and SIGKILL it as soon as its new store folder appears, before the swap."""
    known = _versions(store)
    link_before = os.readlink(store)
    build = _build(env)
    try:
        while build.poll() is None:
            if _versions(store) - known:
                os.kill(build.pid, signal.SIGKILL)
                build.wait()
                return os.readlink(store) == link_before
            time.sleep(0.001)
        return False  # it finished before we caught it writing; try again
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()


@pytest.mark.slow
def test_sigkill_mid_build_leaves_previous_store_servable(tmp_path):
    store = tmp_path / "store"
    env = dict(os.environ, BELEIDSGRAAF_STORE=str(store))
    assert _build(env).wait() == 0
    first = os.readlink(store)
    expected = len(Store.open(store))

    assert any(_kill_while_writing(store, env) for _ in range(10)), "never caught a build mid-write"
    assert os.readlink(store) == first
    left_over = _versions(store) - {store.parent / first}
    assert left_over, "the killed build left its half-written folder (the next build removes it)"

    served = PooledStore(store, QueryLimits(workers=1))
    try:
        assert len(served) == expected
        count = served.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert int(next(iter(count))["n"].value) == expected
    finally:
        served.close()

    assert _build(env).wait() == 0
    assert os.readlink(store) != first
    remaining = _versions(store)
    assert remaining == {store.resolve(), store.parent / first}, "killed leftovers are cleaned up, previous kept"
