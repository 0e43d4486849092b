"""SHACL validation time of pyshacl (the reference) against rudof (the project's default
engine), in one run and on the same data, with a check that both give the same report.
It measures and reports; it asserts nothing.

    python -m bench.shacl_compare [--sizes 1,30] [--repeat 3] [--broken 0.02] [--json out.json]
    python -m bench.shacl_compare --pyshacl-options      # pyshacl's own settings, at 1x

A size N is the shipped data plus N - 1 synthetic municipalities (beleidsgraaf synth), as
in bench/run.py. --broken R first breaks a fraction R of the triples (beleidsgraaf.synthetic.faults),
so that the reports being compared hold many results. Times are wall-clock and CPU seconds
of validate_graph on an already parsed graph (the graph's size in triples is reported).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from rdflib import Graph

HOME = Path(__file__).resolve().parent.parent

from beleidsgraaf.synthetic.faults import broken_copy
from beleidsgraaf.pipeline import read_user_graph
from beleidsgraaf.shacl_engine import ENGINES, ReportTriples, result_signature
from beleidsgraaf.synthetic.synth import generate
from beleidsgraaf.validation import ValidationReport, validate_graph

ENGINE_MODULES = {"pyshacl": "pyshacl", "rudof": "pyrudof"}


def available_engines() -> list[str]:
    """The engines whose package is installed (both are optional here)."""
    return [e for e in ENGINES if importlib.util.find_spec(ENGINE_MODULES[e]) is not None]


def as_graph(paths_or_graphs) -> Graph:
    items = paths_or_graphs if isinstance(paths_or_graphs, (list, tuple)) else [paths_or_graphs]
    graph = Graph()
    paths = [Path(p) for p in items if not isinstance(p, Graph)]
    if paths:
        graph += read_user_graph(paths)
    for g in (g for g in items if isinstance(g, Graph)):
        graph += g
    return graph


def measure(paths_or_graphs, repeat: int = 3, engines: list[str] | None = None) -> dict:
    """Validate the same data with each engine `repeat` times. Returns per engine the
    conformance, result counts and seconds, and whether each report equals pyshacl's."""
    data = as_graph(paths_or_graphs)
    out: dict = {"triples": len(data), "engines": {}}
    reports: dict[str, ValidationReport] = {}
    for engine in engines or available_engines():
        walls, cpus = [], []
        for _ in range(max(1, repeat)):
            wall, cpu = time.perf_counter(), time.process_time()
            report = validate_graph(data, engine=engine)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        reports[engine] = report
        out["engines"][engine] = {
            "conforms": report.conforms, "results": len(report.results), "counts": report.counts,
            "wall_s": _stats(walls), "cpu_s": _stats(cpus)}
    if "pyshacl" in reports:
        reference = reports["pyshacl"]
        for engine, report in reports.items():
            entry = out["engines"][engine]
            entry["same_as_pyshacl"] = same_report(reference, report)
            entry["speedup_vs_pyshacl"] = round(out["engines"]["pyshacl"]["wall_s"]["median"]
                                                / entry["wall_s"]["median"], 2)
    return out


def same_report(a: ValidationReport, b: ValidationReport) -> bool:
    """Same conformance, same (focus, path, component, severity) results, same messages."""
    return (a.conforms == b.conforms
            and result_signature(ReportTriples(a.report_triples)) == result_signature(ReportTriples(b.report_triples))
            and _readable(a) == _readable(b))


def _readable(report: ValidationReport) -> list[str]:
    return sorted(json.dumps(asdict(r), sort_keys=True) for r in report.results)


def _stats(samples: list[float]) -> dict:
    return {"median": round(statistics.median(samples), 3), "min": round(min(samples), 3), "runs": len(samples)}


def sized_data(size: int, workdir: Path) -> list[Path]:
    """The shipped data plus `size - 1` synthetic municipalities."""
    paths = [HOME / "data"]
    if size > 1:
        folder = workdir / f"synth-{size}"
        generate(size - 1, folder)
        paths.append(folder)
    return paths


PYSHACL_OPTIONS = {
    "as used (inference none, advanced)": {"inference": "none", "advanced": True},
    "advanced off": {"inference": "none", "advanced": False},
    "advanced off, inplace": {"inference": "none", "advanced": False, "inplace": True},
    "meta_shacl off, js off": {"inference": "none", "advanced": True, "meta_shacl": False, "js": False},
    "iterate_rules": {"inference": "none", "advanced": True, "iterate_rules": True},
    "ontology through ont_graph": {"inference": "none", "advanced": True, "ont_graph": True},
    "inference rdfs": {"inference": "rdfs", "advanced": True},
}


def pyshacl_options(data: Graph, repeat: int = 1) -> dict:
    """pyshacl's own settings, each timed on the same data (ontology merged in as usual)."""
    from pyshacl import validate

    from beleidsgraaf.shipped import ontology_graph, shapes_graph

    out = {}
    for name, options in PYSHACL_OPTIONS.items():
        options = dict(options)
        separate = options.pop("ont_graph", False)
        walls, cpus = [], []
        for _ in range(max(1, repeat)):
            wall, cpu = time.perf_counter(), time.process_time()
            target = data if separate else ontology_graph() + data
            conforms, _, _ = validate(target, shacl_graph=shapes_graph(), allow_warnings=True,
                                      ont_graph=ontology_graph() if separate else None, **options)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        out[name] = {"conforms": conforms, "wall_s": _stats(walls), "cpu_s": _stats(cpus)}
    return out


def machine() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    def v(name):
        try:
            return version(name)
        except PackageNotFoundError:
            return None

    import os
    return {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "pyshacl": v("pyshacl"), "pyrudof": v("pyrudof"), "rdflib": v("rdflib")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,30", help="graph sizes as multiples of the shipped graph")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--broken", type=float, default=0.0, help="fraction of triples to break first")
    parser.add_argument("--engines", default=",".join(available_engines()))
    parser.add_argument("--pyshacl-options", action="store_true", help="time pyshacl's own settings at 1x")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args(argv)
    report: dict = {"machine": machine(), "sizes": {}}
    if args.pyshacl_options:
        report["pyshacl_options"] = pyshacl_options(read_user_graph([HOME / "data"]), args.repeat)
        for name, entry in report["pyshacl_options"].items():
            print(f"pyshacl {name:40s} {entry['wall_s']['median']:8.2f} s (cpu {entry['cpu_s']['median']:.2f} s)",
                  file=sys.stderr)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            for size in (int(s) for s in args.sizes.split(",")):
                data = as_graph(sized_data(size, Path(tmp)))
                if args.broken:
                    data = broken_copy(data, rate=args.broken)
                entry = measure(data, repeat=args.repeat, engines=args.engines.split(","))
                report["sizes"][str(size)] = entry
                for engine, e in entry["engines"].items():
                    print(f"{size}x ({entry['triples']} triples) {engine:8s} median {e['wall_s']['median']:7.2f} s "
                          f"(cpu {e['cpu_s']['median']:.2f} s) conforms={e['conforms']} results={e['results']} "
                          f"same={e.get('same_as_pyshacl')} speedup={e.get('speedup_vs_pyshacl')}", file=sys.stderr)
    text = json.dumps(report, indent=2)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
