"""``make bench``: run every benchmark module in one process run, print a table, write JSON.

Each module exposes ``run() -> dict`` of figures. Modules whose part of the
app is missing are reported as skipped rather than failing the whole run.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
import time
from pathlib import Path

MODULES = ["bench_cli", "bench_graph", "bench_import", "bench_store", "bench_runs", "bench_tui", "bench_impls", "bench_review",
           "bench_group", "bench_local_graph", "bench_suite", "bench_search", "bench_topics", "bench_queue"]
RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> dict:
    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
            "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "load_average_1m": os.getloadavg()[0]}


def main(argv: list[str]) -> int:
    wanted = argv or MODULES
    figures: dict[str, dict] = {"machine": machine()}
    for name in wanted:
        try:
            module = importlib.import_module(f"benchmarks.{name}")
        except ImportError as err:
            figures[name] = {"skipped": str(err)}
            continue
        start = time.perf_counter()
        figures[name] = module.run()
        figures[name]["bench_seconds"] = time.perf_counter() - start
        for key, value in figures[name].items():
            shown = f"{value:12.4g}" if isinstance(value, (int, float)) and not isinstance(value, bool) else f"  {value}"
            print(f"{name:12} {key:40} {shown}", flush=True)
    figures["machine"]["load_average_1m_at_end"] = os.getloadavg()[0]  # other work on the machine skews figures
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "latest.json"
    out.write_text(json.dumps(figures, indent=2, default=str) + "\n")
    print(f"figures written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
