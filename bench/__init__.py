"""The benchmark of issue 7 and the load test of issue 8 (`beleidsgraaf bench`): measuring
instruments, separate from the tests. See bench/cli.py for the options and
docs/performance.md for the latest report."""
