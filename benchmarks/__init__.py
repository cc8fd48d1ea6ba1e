"""Benchmarks: each module exposes ``run() -> dict`` and runs alone with ``python -m benchmarks.<name>``."""
