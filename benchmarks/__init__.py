"""Benchmarks of the market model (run ``python -m benchmarks.bench_model``)."""
