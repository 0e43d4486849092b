"""Made-up data for scale tests and benchmarks: a deterministic synthetic dataset shaped like
the shipped one (synth), and deliberately broken copies of a graph (faults). Nothing here is
used when the service runs."""
