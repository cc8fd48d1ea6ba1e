"""What the test suite and the demos cost: wall time of ``make test`` and of every default demo.

Slow by nature (the demos' budget is 60 s each). ``TRACKER_BENCH_QUICK=1``
times the ``--quick`` demos instead and skips the suite.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from tracker.impl_meta import discover

REPO = Path(__file__).resolve().parent.parent


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wall(cmd: list[str], timeout: float) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system, all descendants) and exit code of one command."""
    start, cpu = time.perf_counter(), _children_cpu()
    try:
        code = subprocess.run(cmd, cwd=REPO, capture_output=True, timeout=timeout).returncode
    except subprocess.TimeoutExpired:
        code = -1
    return time.perf_counter() - start, _children_cpu() - cpu, code


def run() -> dict:
    quick = os.environ.get("TRACKER_BENCH_QUICK") == "1"
    results: dict = {}
    over_budget = []
    for slug in discover():
        cmd = [sys.executable, "-m", f"implementations.{slug}.demo", "--device", "cpu"] + (["--quick"] if quick else [])
        seconds, cpu, code = wall(cmd, timeout=600)
        results[f"demo_{slug}_s"] = seconds
        results[f"demo_{slug}_cpu_s"] = cpu
        results[f"demo_{slug}_exit"] = code
        if seconds > 60 and not quick:
            over_budget.append(slug)
    results["demos_over_60s"] = ",".join(over_budget) or "none"
    if not quick:
        seconds, cpu, code = wall(["make", "test"], timeout=3600)
        results["make_test_s"], results["make_test_cpu_s"], results["make_test_exit"] = seconds, cpu, code
    return results


if __name__ == "__main__":
    for key, value in run().items():
        print(key, value)
