"""SHACL validation time of the whole graph at each size.

When bench/shacl_compare.py is in the tree (pyshacl against an alternative validator) its
`compare(paths, timeout_s=...)` is used: it returns a dict with the validators' seconds,
conformance and result counts. Otherwise this times `beleidsgraaf validate` on the shipped
data plus the synthetic files, as a user would run it, stopped at the time limit."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(r"(conforms|does not conform): (\d+) violations, (\d+) warnings, (\d+) info")


def compare_module():
    try:
        from . import shacl_compare  # written by the SHACL work; optional here
    except ImportError:
        return None
    return shacl_compare if hasattr(shacl_compare, "compare") else None


def measure_validation(paths: list[Path], timeout_s: float) -> dict:
    module = compare_module()
    if module is not None:
        started = time.perf_counter()
        result = module.compare(paths, timeout_s=timeout_s)
        return {"tool": "bench/shacl_compare.py", "wall_s": round(time.perf_counter() - started, 3), **result}
    return time_validate_command(paths, timeout_s)


def time_validate_command(paths: list[Path], timeout_s: float) -> dict:
    command = [sys.executable, "-m", "beleidsgraaf.cli", "validate", *map(str, paths)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in [str(REPO), os.environ.get("PYTHONPATH")] if p)}
    out: dict = {"tool": "beleidsgraaf validate (pyshacl)", "command": "beleidsgraaf validate " +
                 " ".join(os.path.relpath(p, REPO) for p in paths)}
    started = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return {**out, "timed_out": True, "timeout_s": timeout_s}
    out["seconds"] = round(time.perf_counter() - started, 3)
    match = SUMMARY.search(done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "")
    if done.returncode not in (0, 1) or not match:
        return {**out, "error": f"exit {done.returncode}: {done.stderr.strip()[-300:]}"}
    out.update(conforms=match.group(1) == "conforms", violations=int(match.group(2)), warnings=int(match.group(3)),
               info=int(match.group(4)))
    return out
