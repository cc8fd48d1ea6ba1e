"""The two ways every benchmark times things: a function in process, a command in a new process."""

from __future__ import annotations

import resource
import statistics
import subprocess
import time


def median_seconds(fn, repeats: int = 5, warmup: int = 0) -> float:
    """Median wall time of fn() over ``repeats`` runs, after ``warmup`` untimed ones."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def command_seconds(cmd: list[str], repeats: int = 7, env=None, check: bool = False) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds (user+sys) of a command; CPU time drifts less under load."""
    samples, cpu = [], []
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=check, env=env)
        samples.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(samples), statistics.median(cpu)
