"""The benchmark and load test as instruments: they run end to end at a tiny size and write
reports of the right shape, and the pieces they rely on measure what they claim. (These
are not timed tests: no number here is compared with a target.)"""

from __future__ import annotations

import importlib.util
import json

import pytest

from bench import report as bench_report
from bench.measure import Policy, TimedOut, run_repeated
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
    targets = ("store", "oxigraph", "http") + (("peer",) if HAS_PEER else ())
    for name, q in queries.items():
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
