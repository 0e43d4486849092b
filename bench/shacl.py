"""SHACL validation time of the whole graph at each size.

When bench/shacl_compare.py is in the tree (pyshacl, the reference, against the project's
chosen engine, with a check that both give the same report) its `measure(paths, repeat,
engines)` is used, in a subprocess so that the time limit holds: all engines together
first (that also compares the reports); if that runs out of time, each engine other than
pyshacl alone, so a slow reference cannot hide the chosen engine's time. pyshacl, the
reference, only runs up to `reference_max_size` (the targets compare them at 1x and 30x; at
342x it would take hours).

Without it, this times `beleidsgraaf validate` on the shipped data plus the synthetic files,
as a user would run it, stopped at the time limit.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(r"(conforms|does not conform): (\d+) violations?, (\d+) warnings?, (\d+) info")
REFERENCE = "pyshacl"


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in [str(REPO), os.environ.get("PYTHONPATH")] if p)}


def compare_module():
    try:
        from . import shacl_compare  # the SHACL engine comparison; optional here
    except ImportError:
        return None
    return shacl_compare if hasattr(shacl_compare, "measure") and hasattr(shacl_compare, "available_engines") \
        else None


def measure_validation(paths: list[Path], timeout_s: float, size: int = 1, reference_max_size: int = 30) -> dict:
    module = compare_module()
    if module is None:
        return time_validate_command(paths, timeout_s)
    engines = module.available_engines()
    if size > reference_max_size:
        engines = [e for e in engines if e != REFERENCE]
    out: dict = {"tool": "bench/shacl_compare.py", "validators": {}}
    if not engines:
        return {**out, "skipped": f"only the reference ({REFERENCE}) is installed; it runs up to "
                                  f"{reference_max_size}x", "timeout_s": None}
    together = _compare(engines, paths, timeout_s)
    if together is not None:
        out["validators"] = together
        return out
    for engine in engines:
        if engine != REFERENCE:
            alone = _compare([engine], paths, timeout_s)
            out["validators"][engine] = alone[engine] if alone else {"timed_out": True, "timeout_s": timeout_s}
    if REFERENCE in engines:
        out["validators"][REFERENCE] = {"timed_out": True, "timeout_s": timeout_s}
    return out


def _compare(engines: list[str], paths: list[Path], timeout_s: float) -> dict | None:
    """{engine: {seconds, cpu_s, conforms, results, same_as_pyshacl?}} or None on timeout."""
    command = [sys.executable, "-m", "bench.shacl"]
    for engine in engines:
        command += ["--engine", engine]
    command += [str(p) for p in paths]
    try:
        done = subprocess.run(command, cwd=REPO, env=_env(), capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        return {e: {"error": done.stderr.strip()[-300:]} for e in engines}
    measured = json.loads(done.stdout)["engines"]
    return {engine: {"seconds": m["wall_s"]["median"], "cpu_s": m.get("cpu_s", {}).get("median"),
                     "conforms": m.get("conforms"), "results": m.get("results"),
                     **({"same_as_pyshacl": m["same_as_pyshacl"]} if "same_as_pyshacl" in m else {})}
            for engine, m in measured.items()}


def time_validate_command(paths: list[Path], timeout_s: float) -> dict:
    # The files alone (validation with the shipped data is the default) and the English summary.
    command = [sys.executable, "-m", "beleidsgraaf.cli", "validate", "--alone", "--lang", "en", *map(str, paths)]
    out: dict = {"tool": "beleidsgraaf validate", "command": "beleidsgraaf validate " +
                 " ".join(os.path.relpath(p, REPO) for p in paths)}
    started = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=REPO, env=_env(), capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return {**out, "timed_out": True, "timeout_s": timeout_s}
    out["seconds"] = round(time.perf_counter() - started, 3)
    match = SUMMARY.search(done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "")
    if done.returncode not in (0, 1) or not match:
        return {**out, "error": f"exit {done.returncode}: {done.stderr.strip()[-300:]}"}
    out.update(conforms=match.group(1) == "conforms", violations=int(match.group(2)), warnings=int(match.group(3)),
               info=int(match.group(4)))
    return out


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.shacl --engine E ... PATH...`: shacl_compare.measure as JSON."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.shacl")
    parser.add_argument("--engine", action="append", required=True)
    parser.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args(argv)
    module = compare_module()
    print(json.dumps(module.measure(args.paths, repeat=1, engines=args.engine)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
