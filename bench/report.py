"""The benchmark's output: docs/performance-raw.json (every number, the machine, package
versions, date and commit), docs/performance.md (tables, targets, the load test) and a
log-log plot of latency against graph size.

The Markdown is generated from the JSON alone, so a load-test run can refresh its section
without re-running the benchmark. Hand-written analysis between the NOTES markers in
performance.md is kept across re-runs."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import time
from importlib import metadata
from pathlib import Path

from .targets import evaluate

REPO = Path(__file__).resolve().parent.parent
MD, RAW, PLOT = "performance.md", "performance-raw.json", "performance-latency.png"
NOTES_START, NOTES_END = "<!-- NOTES: kept when the benchmark rewrites this file -->", "<!-- /NOTES -->"
PACKAGES = ("pyoxigraph", "rdflib", "rdflib-endpoint", "pyshacl", "pyrudof", "fastapi", "starlette", "uvicorn",
            "httpx", "psutil", "matplotlib")
TARGET_NAMES = {"store": "our Store in-process", "oxigraph": "bare pyoxigraph in-process",
                "http": "us over HTTP (beleidsgraaf serve)",
                "http_uncached": "us over HTTP, answer cache off (BELEIDSGRAAF_QUERY_CACHE_MB=0)",
                "peer": "peer over HTTP (rdflib-endpoint)"}


# -- environment -----------------------------------------------------------------------------

def machine() -> dict:
    import psutil

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cores": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1), "cpu_model": cpu,
            "platform": platform.platform(), "python": platform.python_version(),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def packages() -> dict:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def git_state() -> dict:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    return {"commit": git("rev-parse", "HEAD") or None, "branch": git("rev-parse", "--abbrev-ref", "HEAD") or None,
            "dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}


def header(command: str, settings: dict) -> dict:
    return {"schema": 1, "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "command": command,
            "git": git_state(), "machine": machine(), "packages": packages(), "settings": settings}


# -- reading and writing -----------------------------------------------------------------------

def load_existing(out_dir: Path) -> dict:
    path = Path(out_dir) / RAW
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write(report: dict, out_dir: Path) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    report["targets"] = evaluate(report)
    written = [out_dir / RAW]
    (out_dir / RAW).write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    plot = write_plot(report, out_dir / PLOT)
    if plot:
        written.append(plot)
    md = out_dir / MD
    notes = _existing_notes(md)
    md.write_text(render(report, plot_name=PLOT if plot else None, notes=notes), encoding="utf-8")
    written.append(md)
    return written


def _existing_notes(md: Path) -> str:
    try:
        text = md.read_text(encoding="utf-8")
    except OSError:
        return ""
    if NOTES_START in text and NOTES_END in text:
        return text.split(NOTES_START, 1)[1].split(NOTES_END, 1)[0].strip("\n")
    return ""


# -- numbers -------------------------------------------------------------------------------

def cell_milliseconds(cell: dict | None) -> tuple[float | None, bool]:
    """(p50 in ms, is a lower bound) of one measurement; (None, False) for an error."""
    if not cell:
        return None, False
    if cell.get("n"):
        return cell["p50_ms"], False
    if cell.get("timeout_s"):
        return 1000 * cell["timeout_s"], True
    return None, False


def summary_series(entry: dict, target: str) -> dict | None:
    """Median and worst p50 over the canned queries (timeouts count as the time limit)."""
    values = [cell_milliseconds(q.get(target)) for q in entry["queries"].values() if q["kind"] == "canned"]
    values = [(v, bound) for v, bound in values if v is not None]
    if not values:
        return None
    ordered = sorted(values)
    med = statistics.median(v for v, _ in ordered)
    worst, worst_bound = ordered[-1]
    # Only a lower bound at or below the median can move it: the true value of one above it
    # is higher still, which leaves the median where it is.
    return {"median_ms": med, "median_is_lower_bound": any(b and v <= med for v, b in ordered),
            "worst_ms": worst, "worst_is_lower_bound": worst_bound, "queries": len(values)}


def write_plot(report: dict, path: Path) -> Path | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    sizes = sorted(report.get("sizes", {}).items(), key=lambda kv: int(kv[0]))
    if not sizes:
        return None
    fig, ax = plt.subplots(figsize=(8, 7), dpi=110)
    colours = {"http": "tab:blue", "http_uncached": "tab:cyan", "store": "tab:green", "oxigraph": "tab:gray",
               "peer": "tab:red"}
    for target, colour in colours.items():
        points = [(entry["quads"], summary_series(entry, target)) for _, entry in sizes]
        points = [(x, s) for x, s in points if s]
        if not points:
            continue
        xs = [x for x, _ in points]
        ax.plot(xs, [s["median_ms"] for _, s in points], "-o", color=colour,
                label=f"{TARGET_NAMES[target]}: median over canned queries")
        ax.plot(xs, [s["worst_ms"] for _, s in points], "--", color=colour, alpha=0.6,
                label=f"{TARGET_NAMES[target]}: slowest canned query")
        for x, s in points:
            for key in ("median", "worst"):
                if s[f"{key}_is_lower_bound"]:
                    ax.plot([x], [s[f"{key}_ms"]], marker="^", markersize=11, color=colour, markerfacecolor="none")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("graph size (quads)")
    ax.set_ylabel("latency p50 (ms)")
    ax.set_title("Canned-query latency against graph size (open triangle: time limit hit, a lower bound)",
                 fontsize=9)
    ax.grid(True, which="both", alpha=0.3)
    fig.legend(fontsize=7, loc="lower center", ncol=2, frameon=False)
    fig.tight_layout(rect=(0, 0.16, 1, 1))
    fig.savefig(path)
    plt.close(fig)
    return path


# -- Markdown ------------------------------------------------------------------------------

def ms(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 1000:
        return f"{value / 1000:.1f} s" if value < 100_000 else f"{value / 1000:.0f} s"
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def duration(value: float | None) -> str:
    """Milliseconds with their unit."""
    text = ms(value)
    return text if value is None or value >= 1000 else f"{text} ms"


def fmt_cell(cell: dict | None, notes: list[str], what: str, p: str = "p50_ms") -> str:
    if not cell:
        return "-"
    if cell.get("n"):
        return ms(cell[p])
    if cell.get("skipped"):
        # Not run: after a time limit (a lower bound), or not runnable on this target (the
        # canned queries answered by the search index have no Store or Oxigraph time).
        return f"> {cell['timeout_s']:.0f} s*" if cell.get("timeout_s") else "-"
    if cell.get("timeout_s"):
        return f"> {cell['timeout_s']:.0f} s"
    if cell.get("error"):
        notes.append(f"{what}: {cell['error']}")
        return f"error ({len(notes)})"
    return "-"


def ratio(peer: dict | None, ours: dict | None) -> str:
    ours_ms, ours_bound = cell_milliseconds(ours)
    peer_ms, peer_bound = cell_milliseconds(peer)
    if ours_ms is None or peer_ms is None or ours_bound:
        return "-"
    value = peer_ms / ours_ms
    text = f"{value:.1f}x" if value < 10 else f"{value:.0f}x"
    return (">= " if peer_bound else "") + text


def rows_note(q: dict) -> str:
    ours = (q.get("http") or {}).get("rows", (q.get("store") or {}).get("rows"))
    peer = (q.get("peer") or {}).get("rows")
    if ours is not None and peer is not None and ours != peer:
        return f" (peer: {peer} rows)"
    return ""


def render(report: dict, *, plot_name: str | None, notes: str = "") -> str:
    lines = ["# Performance", ""]
    lines += ["Generated by the benchmark (`bench/`); do not edit by hand except between the NOTES markers "
              "at the end. Raw numbers: [performance-raw.json](performance-raw.json).", ""]
    m, g, s = report["machine"], report["git"], report.get("settings", {})
    lines += [f"- Command: `{report['command']}`",
              f"- Run: {report['generated_at']}, commit {(g.get('commit') or '?')[:12]}"
              f"{' (with uncommitted changes)' if g.get('dirty') else ''}, took "
              f"{report.get('duration_s', 0) / 60:.1f} min",
              f"- Machine: {m['cores']} cores ({m['cpu_model']}), {m['memory_gb']} GB, {m['platform']}, Python "
              f"{m['python']}; load average at start {m['load_average']}",
              "- Packages: " + ", ".join(f"{k} {v}" for k, v in report["packages"].items() if v), ""]
    if m["load_average"] and m["load_average"][0] > (m["cores"] or 1):
        lines += ["**The machine was busy during this run (load average above the core count): the numbers are "
                  "noisy and slower than on a quiet machine.**", ""]
    lines += _targets(report) + _overview(report)
    if plot_name:
        lines += ["## Latency against graph size", "", f"![latency against graph size]({plot_name})", "",
                  "Median and slowest p50 over the canned queries, per target; log-log. An open triangle marks a "
                  "value that includes a time limit (the true value is higher).", ""]
    for size, entry in sorted(report.get("sizes", {}).items(), key=lambda kv: int(kv[0])):
        lines += _size_table(size, entry, s)
    lines += _load_section(report.get("load"))
    lines += _method(s)
    lines += ["## Notes", "", NOTES_START, notes or "(Analysis of missed targets, with profiles, goes here.)",
              NOTES_END, ""]
    return "\n".join(lines)


def _targets(report: dict) -> list[str]:
    lines = ["## Targets", "", "| target | measured | status |", "|---|---|---|"]
    for t in report.get("targets", []):
        mark = {"met": "met", "missed": "**missed**"}.get(t["status"], t["status"])
        lines.append(f"| {t['target']} | {t['measured']} | {mark} |")
    return lines + [""]


def _overview(report: dict) -> list[str]:
    lines = ["## Sizes, build, start, memory, validation", "",
             "| size | quads | build (bulk load) | serve cold start | serve memory (PSS / RSS) | peer load | "
             "peer memory (PSS) | SHACL validation |", "|---|---|---|---|---|---|---|---|"]
    for size, e in sorted(report.get("sizes", {}).items(), key=lambda kv: int(kv[0])):
        cold = e.get("cold_start_s") or []
        mem = e.get("memory_serve") or {}
        peer = e.get("peer_load") or {}
        peer_mem = e.get("memory_peer") or e.get("memory_peer_loaded") or {}
        cold_text = f"{statistics.median(cold):.2f} s (of {len(cold)})" if cold else "-"
        mem_text = f"{mem['pss_mb']:.0f} / {mem['rss_mb']:.0f} MB" if mem else "-"
        peer_text = f"{peer['load_s']:.1f} s" if peer else "-"
        peer_mem_text = f"{peer_mem['pss_mb']:.0f} MB" if peer_mem else "-"
        lines.append(f"| {size}x | {e['quads']:,} | {e['build']['build_s']:.1f} s | {cold_text} | {mem_text} | "
                     f"{peer_text} | {peer_mem_text} | {_shacl_text(e.get('shacl'))} |")
    lines += ["", "Build: `beleidsgraaf build --skip-validation --extra <synthetic files>` (wall clock, measured when "
              "the cached store was built, see the JSON). Cold start: process start until the first SPARQL answer. "
              "Memory: resident memory of the serving process and its children after the query run; PSS shares "
              "pages between processes out, RSS counts them once per process.", ""]
    return lines


def _shacl_text(shacl: dict | None) -> str:
    if not shacl:
        return "-"
    if shacl.get("skipped"):
        if not shacl.get("timeout_s"):
            return shacl["skipped"]
        return f"> {shacl['timeout_s']:.0f} s* ({shacl.get('tool', 'validate')})"
    if shacl.get("timed_out"):
        return f"> {shacl['timeout_s']:.0f} s ({shacl.get('tool')})"
    validators = shacl.get("validators")
    if isinstance(validators, dict):
        def one(name: str, v: dict) -> str:
            if v.get("seconds") is not None:
                verdict = "conforms" if v.get("conforms") else "does not conform"
                same = {True: ", same report as pyshacl", False: ", report differs from pyshacl"}.get(
                    v.get("same_as_pyshacl"), "") if name != "pyshacl" else ""
                return f"{name} {v['seconds']:.1f} s ({verdict}, {v.get('results')} results{same})"
            if v.get("timed_out"):
                return f"{name} > {v['timeout_s']:.0f} s"
            return f"{name}: {v.get('error', '-')}"

        return "; ".join(one(name, v) for name, v in validators.items()) or shacl.get("skipped", "-")
    if shacl.get("seconds") is not None:
        verdict = "conforms" if shacl.get("conforms") else f"{shacl.get('violations')} violations"
        return f"{shacl['seconds']:.1f} s ({shacl['tool']}; {verdict}, {shacl.get('warnings', 0)} warnings)"
    return shacl.get("error", "-")


def overhead(http: dict | None, ox_: dict | None) -> str:
    """p50 over HTTP minus bare pyoxigraph's p50, when both were measured."""
    if (http or {}).get("n") and (ox_ or {}).get("n"):
        return f"{http['p50_ms'] - ox_['p50_ms']:.1f}"
    return "-"


def _size_table(size: str, e: dict, settings: dict) -> list[str]:
    notes: list[str] = []
    uncached = any("http_uncached" in q for q in e["queries"].values())
    lines = [f"## {size}x: {e['quads']:,} quads", "",
             "p50 / p99 in ms unless marked. Store: our `Store.query` in-process; Oxigraph: bare `pyoxigraph.Store` "
             "on the same store folder with the same substitutions; HTTP: `beleidsgraaf serve` (canned queries at "
             "`/queries/NAME`, ad-hoc ones as SPARQL POST) with its answer cache on, as deployed: the first "
             "(warm-up) run of a canned query caches its answer, so the samples after it are cached answers (ad-hoc "
             "`/sparql` answers are never cached); peer: rdflib-endpoint over HTTP with the same data, parameters "
             "bound by a VALUES block. HTTP - Oxigraph: the p50 the service adds to the engine."
             + (" HTTP uncached: canned queries against a second `beleidsgraaf serve` with "
                "`BELEIDSGRAAF_QUERY_CACHE_MB=0`, so every sample is evaluated; uncached - Oxigraph: the p50 "
                "the service adds to the engine without its cache." if uncached else "")
             + " Canned queries answered by the service's search index have no Store and Oxigraph times: an engine "
               "alone cannot run them, so they are measured over HTTP only.", ""]
    if uncached:
        lines += ["| query | rows | Store | Oxigraph | HTTP | HTTP - Oxigraph | HTTP uncached | uncached - Oxigraph | "
                  "peer | peer / HTTP |", "|---|---|---|---|---|---|---|---|---|---|"]
    else:
        lines += ["| query | rows | Store | Oxigraph | HTTP | HTTP - Oxigraph | peer | peer / HTTP |",
                  "|---|---|---|---|---|---|---|---|"]
    for name, q in e["queries"].items():
        store, ox_, http, bare, peer = (q.get(k) for k in ("store", "oxigraph", "http", "http_uncached", "peer"))
        rows = (http or {}).get("rows", (store or {}).get("rows", "-"))
        label = f"`{name}`" + (" (ad hoc)" if q["kind"] == "adhoc" else "")
        uncached_cells = (f" {fmt_cell(bare, notes, name + ' (uncached)')} / {fmt_cell(bare, [], name, 'p99_ms')} | "
                          f"{overhead(bare, ox_)} |" if bare else " - | - |") if uncached else ""
        lines.append(f"| {label} | {rows}{rows_note(q)} | {fmt_cell(store, notes, name)} / "
                     f"{fmt_cell(store, [], name, 'p99_ms')} | {fmt_cell(ox_, notes, name)} | "
                     f"{fmt_cell(http, notes, name)} / {fmt_cell(http, [], name, 'p99_ms')} | "
                     f"{overhead(http, ox_)} |{uncached_cells} "
                     f"{fmt_cell(peer, notes, name + ' (peer)')} | {ratio(peer, http)} |")
    for name, page in (e.get("pages") or {}).items():
        lines.append(f"| page: {name} | - | - | - | {fmt_cell(page, notes, name)} / "
                     f"{fmt_cell(page, [], name, 'p99_ms')} | - |{' - | - |' if uncached else ''} - | - |")
    lines.append("")
    if any("*" in line for line in lines):
        lines += ["\\* not run: it reached the time limit at a smaller size, or (Oxigraph, HTTP) our Store "
                  "in-process reached it at this size: the same engine on the same data.", ""]
    for i, note in enumerate(notes, 1):
        lines.append(f"({i}) {note}  ")
    samples = [c["n"] for q in e["queries"].values()
               for c in (q.get(t) for t in ("store", "oxigraph", "http", "http_uncached")) if c and c.get("n")]
    lines += ["", f"Samples per cell: up to {settings.get('repeat')} (peer {settings.get('peer_repeat')}), fewer "
              f"when the samples of one query add up to {settings.get('budget_s')} s (peer "
              f"{settings.get('peer_budget_s')} s); time limit per request {settings.get('timeout_s')} s (peer "
              f"{settings.get('peer_timeout_s')} s). Fewest samples of a measured cell of ours in this table: "
              f"{min(samples) if samples else '-'}.", ""]
    if e.get("wall_s"):
        phases = ", ".join(f"{name.replace('_', '-')} {seconds / 60:.1f}" for name, seconds in e.get("phase_s", {}).items())
        lines += [f"This size took {e['wall_s'] / 60:.1f} min of the run" + (f" ({phases} min)" if phases else "")
                  + ".", ""]
    return lines


def _load_section(load: dict | None) -> list[str]:
    lines = ["## Load", ""]
    if not load:
        return lines + ["Not measured yet: `beleidsgraaf bench --load-only`.", ""]
    lines += [f"`{load['command']}` on {load['generated_at']}: {load['clients']} concurrent clients for "
              f"{load['duration_s']:.0f} s against `beleidsgraaf serve` on the {load['size']}x store "
              f"({load['quads']:,} quads), loopback. Throughput {load['throughput_rps']:.1f} requests/s "
              f"({load['requests']} requests); errors: {load['errors']['total']}.", "",
              "| request kind | requests | share | p50 ms | p99 ms | max ms | errors |", "|---|---|---|---|---|---|---|"]
    for kind, k in load["kinds"].items():
        lines.append(f"| {kind} | {k['requests']} | {k['share']:.0%} | {ms(k.get('p50_ms'))} | {ms(k.get('p99_ms'))} "
                     f"| {ms(k.get('max_ms'))} | {k['errors']} |")
    lines.append("")
    if load["errors"]["total"]:
        lines += ["Errors by cause: " + ", ".join(f"{cause} {n}" for cause, n in load["errors"]["by_cause"].items()),
                  ""]
    slowest = sorted((load.get("queries") or {}).items(), key=lambda kv: -(kv[1]["p50_ms"] or 0))[:8]
    if slowest:
        lines += ["Slowest queries under load (p50, requests, errors): " + "; ".join(
            f"`{name}` {duration(q['p50_ms'])} ({q['requests']}, {q['errors']})" for name, q in slowest) + ".", ""]
    if load.get("deliberate"):
        lines += [f"Deliberately bad requests (malformed SPARQL, unparseable upload), answered as expected: "
                  f"{load['deliberate']['as_expected']} of {load['deliberate']['sent']}.", ""]
    mem = load.get("memory_serve")
    if mem:
        lines += [f"Server memory after the load: PSS {mem['pss_mb']:.0f} MB, RSS {mem['rss_mb']:.0f} MB in "
                  f"{mem['processes']} process(es).", ""]
    return lines


def _method(settings: dict) -> list[str]:
    return ["## Method", "",
            "- Data: size N is the shipped graph plus N - 1 synthetic municipalities from `beleidsgraaf synth` "
            "(one synthetic municipality is about as large as the shipped graph; see beleidsgraaf/synthetic/synth.py). "
            "Generated data and built stores are cached in build/bench/ by size and code version.",
            "- Every target gets the same queries on the same store: each canned query in queries/ with its "
            "example parameters (defaults; `search` with text=zorg) and the ad-hoc research queries in "
            "bench/queries/ (aggregations, property paths, OPTIONAL-heavy, regex and text filters).",
            "- One request at a time. In-process runs happen in a worker process (a run is the query plus "
            "serializing its whole result as SPARQL JSON or N-Triples, as the service does); HTTP runs go to a "
            "server subprocess on 127.0.0.1 through one keep-alive connection of Python's http.client (what "
            "SPARQLWrapper uses underneath; httpx cost about 0.5 ms more per request) and read the whole "
            "response. Our three "
            "targets are measured query by query, taking turns (in each round, in the order Store, Oxigraph, HTTP, "
            "HTTP uncached, a target answers once uncounted, to be as warm as after its own previous answer, and "
            "once counted; a run over 1 s needs no warm-up), so a burst or drift of load on the machine hits them "
            "alike; "
            "the peer runs afterwards, alone. At the sizes given by `--uncached-sizes` (default 1x) a second "
            "server with its answer cache off (`BELEIDSGRAAF_QUERY_CACHE_MB=0`) is up alongside and answers each "
            "canned query in the same rounds (column HTTP uncached): the first server's samples of a canned "
            "query are cached answers, the second's are evaluated every time.",
            "- The first run of each query is a warm-up and is not counted unless it takes more than 1 s. A request "
            "past the time limit is abandoned and the server (or worker) restarted; the value is a lower bound. "
            "Such a query is not run again at larger sizes on that target, nor on bare Oxigraph and over HTTP at "
            "the size where our Store timed out in-process (marked *).",
            "- p99 is the nearest-rank 99th percentile: with fewer than 100 samples it is the slowest sample.",
            "- Peer rows that differ from ours are marked: the peer (rdflib) then gives a different answer, "
            "so its time is for different work.",
            ""]
