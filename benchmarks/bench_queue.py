"""The what-now queue and the path with reasons on the 100k-node benchmark graph.

Warm means the graph's per-graph indexes exist (a CLI process or a TUI load
builds them once: ``*_first_call_ms``). The queue figure counts every ready
item (the true "N ready, showing 50") and keeps a page of 50 with reasons;
it is taken with nothing read, and half-way through the course (the first
half of the weeks read) with 100 core/optional flips. The path figure is
the walk to the last item of the last week with its trace, estimates and
the reason and chain of every step (``path_walk_warm_ms``: the walk alone;
``path_reasons_of_a_screen_ms``: the reasons of the first 50 steps). Goal:
both under 50 ms warm. Run alone
with ``python -m benchmarks.bench_queue``.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from benchmarks.bench_graph import parse_merge_build
from benchmarks.generate_lists import generate
from benchmarks.timing import median_seconds
from tracker.graph import queries
from tracker.graph.path import learning_path
from tracker.graph.queue import what_now

PAGE = 50
FLIPS = 100


def _path_with_reasons(graph, target: str, progress: dict, roles: dict) -> int:
    lp = learning_path(graph, target, progress, roles)
    return sum(1 for why in lp.explained() if why.reason)


def run() -> dict:
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        graph = parse_merge_build(generate(Path(tmp) / "lists", 100_000))
    graph.cache.clear()
    weeks = sorted((n for n in graph.nodes.values() if n.is_topic and n.title.startswith("Week ")),
                   key=lambda n: int(n.title.split()[1]))
    deep = queries.items_under(graph, weeks[-1].id)[-1]
    results["graph_nodes"] = len(graph.nodes)

    start = time.perf_counter()
    first = what_now(graph, {}, limit=PAGE)
    results["queue_first_call_ms"] = 1000 * (time.perf_counter() - start)
    results["queue_ready_count"] = first.ready
    results["queue_warm_ms"] = 1000 * median_seconds(lambda: what_now(graph, {}, limit=PAGE), 5)

    halfway = {i: "read" for w in weeks[: len(weeks) // 2] for i in queries.items_under(graph, w.id)}
    units = [n for n in graph.nodes if graph.is_unit(n)]
    roles = {n: ("optional" if k % 2 else "core") for k, n in enumerate(units[:: max(len(units) // FLIPS, 1)][:FLIPS])}
    mid = what_now(graph, halfway, limit=PAGE, roles=roles)
    results["queue_halfway_ready_count"] = mid.ready
    results["queue_halfway_with_flips_warm_ms"] = 1000 * median_seconds(
        lambda: what_now(graph, halfway, limit=PAGE, roles=roles), 5)

    start = time.perf_counter()
    results["path_steps"] = _path_with_reasons(graph, deep, {}, {})
    results["path_with_reasons_first_call_ms"] = 1000 * (time.perf_counter() - start)
    results["path_with_reasons_warm_ms"] = 1000 * median_seconds(lambda: _path_with_reasons(graph, deep, {}, {}), 5)
    results["path_walk_warm_ms"] = 1000 * median_seconds(lambda: learning_path(graph, deep, {}), 5)  # no reasons
    shown = learning_path(graph, deep, {})
    results["path_reasons_of_a_screen_ms"] = 1000 * median_seconds(lambda: [shown.why(s) for s in shown.steps[:PAGE]], 5)
    results["path_halfway_steps"] = _path_with_reasons(graph, deep, halfway, roles)
    results["path_halfway_with_reasons_warm_ms"] = 1000 * median_seconds(
        lambda: _path_with_reasons(graph, deep, halfway, roles), 5)
    return results


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:40} {value:12.4g}" if isinstance(value, float) else f"{key:40} {value}")
