"""Benchmarks of issue 7: `python -m bench` (make bench) and the datasets it runs on."""
