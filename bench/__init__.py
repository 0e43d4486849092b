"""`beleidsgraaf bench`: the benchmark (how fast the canned and ad-hoc queries, entity pages,
search, build and SHACL validation are on the shipped data and on synthetic data up to
hundreds of times its size, against a reference endpoint) and the load test (throughput,
latency and errors under many concurrent clients). Measuring instruments, separate from the
tests; nothing in beleidsgraaf or api imports them. See bench/cli.py for the options and
docs/performance.md for the latest report."""
