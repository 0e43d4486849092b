"""The benchmark and load test as instruments: they run end to end at a tiny size and write
reports of the right shape, and the pieces they rely on measure what they claim. (These
are not timed tests: no number here is compared with a target.)"""

from __future__ import annotations

import importlib.util
import json

import pytest

from bench import report as bench_report
from bench.measure import Policy, TimedOut, run_interleaved, run_repeated
from bench.workload import adhoc_queries, all_queries, canned_queries
from beleidsgraaf.cli import main as cli_main
from beleidsgraaf.queries import registry

HAS_PEER = importlib.util.find_spec("rdflib_endpoint") is not None
HAS_PLOT = importlib.util.find_spec("matplotlib") is not None
# Cheap at 1x on every target, the peer included, and answered alike by all of them.
QUERIES = "actions-for-goal,indicators-per-goal,tasks-per-law,labels-matching-regex,inferred-links-with-reasons"


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory):
    from bench.cli import main

    root = tmp_path_factory.mktemp("bench")
    out, cache = root / "out", root / "cache"
    argv = ["--sizes", "1", "--repeat", "2", "--cold-starts", "1", "--peer-repeat", "1", "--shacl-timeout", "2",
            "--queries", QUERIES, "--out", str(out), "--cache", str(cache),
            "--load", "--load-size", "1", "--load-clients", "4", "--load-duration", "3"]
    argv.append("--peer" if HAS_PEER else "--no-peer")
    messages: list[str] = []
    assert main(argv, log=messages.append) == 0, "\n".join(messages)
    return out, json.loads((out / "performance-raw.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_bench_writes_raw_numbers_with_machine_and_versions(bench_run):
    _, raw = bench_run
    assert raw["machine"]["cores"] >= 1 and raw["machine"]["memory_gb"] > 0 and raw["machine"]["cpu_model"]
    assert raw["packages"]["pyoxigraph"] and raw["git"]["commit"]
    assert raw["settings"]["sizes"] == [1] and raw["duration_s"] > 0
    entry = raw["sizes"]["1"]
    assert entry["quads"] > 5000 and entry["build"]["build_s"] > 0
    assert len(entry["cold_start_s"]) == 1 and entry["memory_serve"]["pss_mb"] > 0


def test_every_target_answers_every_query_alike(bench_run):
    _, raw = bench_run
    queries = raw["sizes"]["1"]["queries"]
    assert set(queries) == {q.name for q in all_queries(set(QUERIES.split(",")))}
    for name, q in queries.items():
        # At 1x (--uncached-sizes' default) canned queries also ran on the server without an answer cache.
        targets = ("store", "oxigraph", "http") + (("http_uncached",) if q["kind"] == "canned" else ()) \
            + (("peer",) if HAS_PEER else ())
        assert ("http_uncached" in q) == (q["kind"] == "canned"), name
        for target in targets:
            cell = q[target]
            assert cell["n"] >= 1 and cell["p50_ms"] <= cell["p99_ms"], (name, target, cell)
        assert len({q[t]["rows"] for t in targets}) == 1, (name, {t: q[t]["rows"] for t in targets})
    pages = raw["sizes"]["1"]["pages"]
    assert pages["entity-page"]["n"] >= 1 and pages["goal-tree-svg"]["n"] >= 1


def test_shacl_time_or_its_time_limit_is_reported(bench_run):
    _, raw = bench_run
    shacl = raw["sizes"]["1"]["shacl"]
    assert shacl.get("timed_out") or shacl.get("seconds") or shacl.get("validators"), shacl


def test_load_test_reports_throughput_latency_and_errors(bench_run):
    _, raw = bench_run
    load = raw["load"]
    assert load["clients"] == 4 and load["size"] == 1 and load["requests"] > 0 and load["throughput_rps"] > 0
    assert load["errors"]["total"] == 0, load["errors"]
    assert sum(k["requests"] for k in load["kinds"].values()) == load["requests"]
    assert load["deliberate"]["as_expected"] == load["deliberate"]["sent"]


def test_targets_are_judged_and_the_note_is_written(bench_run):
    out, raw = bench_run
    statuses = {t["id"]: t["status"] for t in raw["targets"]}
    assert statuses["cold-start-342x"] == "not measured"  # no 342x in this run
    assert statuses["canned-1x"] in {"met", "missed"} and statuses["entity-page-1x"] in {"met", "missed"}
    text = (out / "performance.md").read_text(encoding="utf-8")
    for heading in ("## Targets", "## Sizes, build, start, memory, validation", "## 1x: ", "## Load", "## Method"):
        assert heading in text
    assert "| HTTP uncached | uncached - Oxigraph |" in text
    assert {statuses[k] for k in ("canned-uncached-overhead-1x", "canned-cached-1x", "adhoc-overhead-1x")} \
        <= {"met", "missed"}
    assert "`actions-for-goal`" in text and bench_report.NOTES_START in text
    assert (out / "performance-latency.png").exists() == HAS_PLOT


def test_hand_written_notes_survive_a_rewrite(bench_run, tmp_path):
    out, raw = bench_run
    md = tmp_path / bench_report.MD
    md.write_text((out / bench_report.MD).read_text(encoding="utf-8").replace(
        "(Analysis of missed targets, with profiles, goes here.)", "goal-tree: the subqueries aggregate first."))
    bench_report.write(raw, tmp_path)
    assert "goal-tree: the subqueries aggregate first." in md.read_text(encoding="utf-8")


def test_bench_command_refuses_bad_sizes(capsys):
    assert cli_main(["bench", "--sizes", "0,30", "--no-peer"]) == 2
    assert "--sizes" in capsys.readouterr().err


# -- the pieces ----------------------------------------------------------------------------

def test_workload_covers_every_canned_query_and_the_research_queries():
    assert {q.name for q in canned_queries()} == set(registry().names())
    tags = {t for q in adhoc_queries() for t in q.tags}
    assert {"aggregation", "property-path", "optional", "regex"} <= tags and len(adhoc_queries()) >= 6


@pytest.mark.slow
def test_portable_binding_gives_the_engine_substitution_answer(shipped_store):
    """The peer gets parameters as VALUES blocks: on one engine that must mean the same as
    the engine's own substitution, for every canned query."""
    for q in canned_queries():
        bound = len(list(shipped_store.query(q.sparql, substitutions=q.substitutions)))
        portable = len(list(shipped_store.query(q.portable_sparql())))
        assert bound == portable, q.name


def test_research_queries_answer_on_the_shipped_graph(shipped_store):
    for q in adhoc_queries():
        assert list(shipped_store.query(q.sparql)), q.name


def test_repetition_policy_counts_warmup_budget_and_timeouts():
    fast = iter([(3, 0.001)] * 100)
    m = run_repeated(lambda timeout: next(fast), Policy(repeat=5, budget_s=10, timeout_s=1))
    assert len(m.samples) == 5 and m.rows == 3 and m.ok  # the fast warm-up is not counted

    slow = iter([(1, 4.0)] * 100)
    m = run_repeated(lambda timeout: next(slow), Policy(repeat=20, budget_s=10, timeout_s=60))
    assert len(m.samples) == 3  # a slow first run counts; stops once 10 s are spent

    def stuck(timeout):
        raise TimedOut()

    m = run_repeated(stuck, Policy(timeout_s=30))
    assert m.timed_out and m.lower_bound_s == 30 and m.as_dict()["timeout_s"] == 30


def test_interleaved_targets_take_turns_and_stop_on_their_own():
    calls = []

    def target(name, seconds, fail_on=None):
        def once(timeout):
            calls.append(name)
            if len(calls) == fail_on:
                raise TimedOut()
            return 7, seconds
        return once

    fast, budget = Policy(repeat=3, budget_s=10, timeout_s=1), Policy(repeat=20, budget_s=5, timeout_s=60)
    measured = run_interleaved({"a": target("a", 0.001), "b": target("b", 2.0)}, {"a": fast, "b": budget})
    # turns: a's first run is a warm-up and every counted run of a has an uncounted one just
    # before it; b's runs are slow, so each counts and none is warmed; b stops at its budget
    assert calls == ["a", "b", "a", "a", "b", "a", "a", "b", "a", "a"]
    assert len(measured["a"].samples) == 3 and measured["a"].rows == 7
    assert len(measured["b"].samples) == 3 and sum(measured["b"].samples) >= 5

    calls.clear()
    measured = run_interleaved({"store": target("store", 0.001, fail_on=3), "http": target("http", 0.001)},
                               {"store": fast, "http": fast}, leader="store")
    assert calls == ["store", "http", "store"]  # the leader timed out: nobody runs on
    assert measured["store"].timed_out and not measured["http"].timed_out and not measured["http"].samples


def test_targets_take_time_limits_as_lower_bounds():
    from bench.targets import evaluate

    def size(http_ms, peer):
        return {"quads": 1, "queries": {"q": {"kind": "canned", "http": {"n": 5, "p50_ms": http_ms, "p99_ms": http_ms},
                                             "oxigraph": {"n": 5, "p50_ms": http_ms - 1, "p99_ms": http_ms},
                                             "peer": peer}}}

    def status(report, key):
        return next(t for t in evaluate(report) if t["id"] == key)

    timed_out = {"n": 0, "timeout_s": 30}
    assert status({"sizes": {"342": size(50, timed_out)}}, "peer-ratio-342x")["status"] == "met"      # >= 600x
    assert status({"sizes": {"342": size(5000, timed_out)}}, "peer-ratio-342x")["status"] == "cannot tell"  # >= 6x
    slow_peer = {"n": 3, "p50_ms": 900, "p99_ms": 900}
    assert status({"sizes": {"342": size(50, slow_peer)}}, "peer-ratio-342x")["status"] == "missed"    # 18x
    result = status({"sizes": {"342": size(50, slow_peer)}}, "canned-342x")
    assert result["status"] == "met" and "50.0 ms" in result["measured"]
    assert status({"sizes": {"342": size(50, slow_peer)}}, "http-overhead-342x")["status"] == "met"


# -- what the service adds at 1x, with and without its answer cache ---------------------------

def _cell(p50_ms: float, rows: int = 3) -> dict:
    return {"n": 10, "p50_ms": p50_ms, "p99_ms": p50_ms + 1, "min_ms": p50_ms, "rows": rows}


INDEX_ONLY = {"n": 0, "skipped": "answered by the service's search index; measured over HTTP only"}


def one_x(*, uncached_ms=4.5, cached_ms=1.5, adhoc_ms=12.5, uncached=True) -> dict:
    """A 1x entry: two canned queries (one answered by the search index, so without
    Store and Oxigraph times) and one ad-hoc query."""
    canned = {"kind": "canned", "tags": [], "store": _cell(3.2), "oxigraph": _cell(3.0), "http": _cell(cached_ms)}
    indexed = {"kind": "canned", "tags": [], "store": INDEX_ONLY, "oxigraph": INDEX_ONLY, "http": _cell(1.0)}
    if uncached:
        canned["http_uncached"] = _cell(uncached_ms)
        indexed["http_uncached"] = _cell(9.0)   # no bare time to compare with: left out
    adhoc = {"kind": "adhoc", "tags": [], "store": _cell(10.5), "oxigraph": _cell(10.0), "http": _cell(adhoc_ms)}
    return {"quads": 9791, "municipalities": 1, "build": {"build_s": 0.7},
            "queries": {"actions-for-goal": canned, "concept": indexed, "adhoc/region-law-coverage": adhoc}}


def judged(entry: dict, key: str) -> dict:
    from bench.targets import evaluate

    return next(t for t in evaluate({"sizes": {"1": entry}}) if t["id"] == key)


def test_uncached_canned_queries_within_2_ms_of_bare_pyoxigraph():
    met = judged(one_x(uncached_ms=4.5), "canned-uncached-overhead-1x")
    assert met["status"] == "met"
    assert "actions-for-goal 1.5 ms" in met["measured"] and "median 1.5 ms over 1 queries" in met["measured"]
    assert "1 without a bare pyoxigraph time left out" in met["measured"]      # concept: search index
    missed = judged(one_x(uncached_ms=5.5), "canned-uncached-overhead-1x")
    assert missed["status"] == "missed" and "2.5 ms" in missed["measured"]
    # The cached server being fast says nothing about the uncached one.
    assert judged(one_x(uncached_ms=5.5, cached_ms=0.5), "canned-uncached-overhead-1x")["status"] == "missed"
    assert judged(one_x(uncached=False), "canned-uncached-overhead-1x")["status"] == "not measured"
    failed = one_x()
    failed["queries"]["actions-for-goal"]["http_uncached"] = {"n": 0, "error": "RuntimeError: HTTP 500"}
    result = judged(failed, "canned-uncached-overhead-1x")
    assert result["status"] == "missed" and "actions-for-goal" in result["measured"]


def test_cached_canned_queries_under_2_ms():
    met = judged(one_x(cached_ms=1.5), "canned-cached-1x")
    assert met["status"] == "met" and "actions-for-goal 1.5 ms" in met["measured"]
    assert judged(one_x(cached_ms=2.0), "canned-cached-1x")["status"] == "missed"     # under, not at
    # Every canned query counts, those answered by the search index too.
    slow_index = one_x()
    slow_index["queries"]["concept"]["http"] = _cell(2.5)
    result = judged(slow_index, "canned-cached-1x")
    assert result["status"] == "missed" and "concept 2.5 ms" in result["measured"]
    assert judged(one_x(uncached_ms=50), "canned-cached-1x")["status"] == "met"       # the uncached column is not used


def test_adhoc_sparql_overhead_within_3_ms_of_bare_pyoxigraph():
    met = judged(one_x(adhoc_ms=12.5), "adhoc-overhead-1x")
    assert met["status"] == "met"
    assert "adhoc/region-law-coverage 2.5 ms" in met["measured"] and "over 1 queries" in met["measured"]
    assert judged(one_x(adhoc_ms=13.5), "adhoc-overhead-1x")["status"] == "missed"
    # Canned queries do not count here, however slow.
    assert judged(one_x(cached_ms=40, uncached_ms=40), "adhoc-overhead-1x")["status"] == "met"
    no_adhoc = one_x()
    del no_adhoc["queries"]["adhoc/region-law-coverage"]
    assert judged(no_adhoc, "adhoc-overhead-1x")["status"] == "not measured"


def test_the_report_shows_the_uncached_column_and_the_new_targets():
    from bench.targets import evaluate

    thirty = {**one_x(uncached=False), "quads": 292212}
    report = {**bench_report.header("beleidsgraaf bench --sizes 1,30", {"repeat": 10}), "duration_s": 60,
              "sizes": {"1": one_x(), "30": thirty}}
    report["targets"] = evaluate(report)
    text = bench_report.render(report, plot_name=None)
    one_table = text.split("## 1x: ", 1)[1].split("\n## ", 1)[0]
    thirty_table = text.split("## 30x: ", 1)[1].split("\n## ", 1)[0]
    assert "| query | rows | Store | Oxigraph | HTTP | HTTP - Oxigraph | HTTP uncached | uncached - Oxigraph | " \
        "peer | peer / HTTP |" in one_table and "BELEIDSGRAAF_QUERY_CACHE_MB=0" in one_table
    row = next(line for line in one_table.splitlines() if line.startswith("| `actions-for-goal`"))
    assert "| 1.5 / 2.5 | -1.5 | 4.5 / 5.5 | 1.5 |" in row
    index_row = next(line for line in one_table.splitlines() if line.startswith("| `concept`"))
    assert "| 9.0 / 10 | - |" in index_row                      # measured, nothing to subtract
    adhoc_row = next(line for line in one_table.splitlines() if line.startswith("| `adhoc/"))
    assert adhoc_row.count("|") == 11 and "| 2.5 | - | - |" in adhoc_row
    assert all(line.count("|") == 11 for line in one_table.splitlines() if line.startswith("| "))
    assert "HTTP uncached" not in thirty_table                  # measured at 1x only
    assert all(line.count("|") == 9 for line in thirty_table.splitlines() if line.startswith("| "))
    targets = text.split("## Targets", 1)[1].split("\n## ", 1)[0]
    assert "| 1x: canned p50 over HTTP, uncached, within 2 ms of bare pyoxigraph | largest: actions-for-goal 1.5 ms" \
        in targets
    assert "| 1x: canned p50 over HTTP, cached, < 2 ms | slowest: actions-for-goal 1.5 ms | met |" in targets
    assert "| 1x: ad-hoc /sparql overhead over bare pyoxigraph <= 3 ms at p50 | largest: adhoc/region-law-coverage" \
        in targets


def test_bench_option_for_the_uncached_sizes():
    from bench.cli import parse_uncached_sizes, parser
    from beleidsgraaf.errors import UserError

    assert parser().parse_args([]).uncached_sizes == "1"
    assert parse_uncached_sizes("1") == [1] and parse_uncached_sizes("30,1") == [1, 30]
    assert parse_uncached_sizes("none") == [] == parse_uncached_sizes("")
    with pytest.raises(UserError, match="--uncached-sizes"):
        parse_uncached_sizes("one")
