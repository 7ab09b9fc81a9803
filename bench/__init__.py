"""Benchmarks run by `make bench` (bench/run.py). See docs/benchmarks.md."""
