"""Benchmarks: scripts that print (``python -m bench.bench_app``, ``make bench``)."""
