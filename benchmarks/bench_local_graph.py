"""The local graph view (G) on the 100k-node benchmark graph: the neighbourhood and its drawn rows.

Warm means the graph's per-graph indexes exist (the TUI builds them once per
load, the first G pays for them: ``*_first_call_ms``). The figure covers what
the screen does on G: ``neighbourhood`` (two hops each way, bounded) and
``rows`` (every label, with status marks and topic counters), for an item
deep in the last week, an item made to be required by 5,000 others (the
per-hop bound keeps its drawing small), and a week topic. Goal: under 50 ms
warm. Run alone with ``python -m benchmarks.bench_local_graph``.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from benchmarks.bench_graph import parse_merge_build
from benchmarks.generate_lists import generate
from benchmarks.timing import median_seconds
from tracker.graph import queries
from tracker.graph.model import REQUIRES
from tracker.graph.neighbourhood import neighbourhood
from tracker.tui.viewmodel import GraphView
from tracker.tui.widgets.local_graph import rows


class _Session:
    """What the rows read of the TUI's session: the view, the graph and progress (all unread here)."""

    def __init__(self, graph) -> None:
        self.view = GraphView(graph)
        self.graph = graph
        self.progress: dict[str, str] = {}

    def status(self, node_id: str) -> str:
        return self.progress.get(node_id, "unread")


HUB_DEPENDENTS = 5_000  # requires edges added into one item: the bound, not the graph, must set the cost


def run() -> dict:
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        graph = parse_merge_build(generate(Path(tmp) / "lists", 100_000))
    weeks = sorted((n for n in graph.nodes.values() if n.is_topic and n.title.startswith("Week ")),
                   key=lambda n: int(n.title.split()[1]))
    deep = queries.items_under(graph, weeks[-1].id)[-1]
    hub = queries.items_under(graph, weeks[0].id)[0]
    others = [n for n in graph.nodes if graph.is_unit(n) and n != hub][:HUB_DEPENDENTS]
    for node_id in others:
        graph.graph.add_edge(node_id, hub, kind=REQUIRES, reason="benchmark: one of 5,000 dependents")
    results["graph_nodes"] = len(graph.nodes)
    results["hub_dependents"] = len(others)

    graph.cache.clear()
    session = _Session(graph)  # what the TUI has built before any G: the view and the tree's root counters
    for root in session.view.roots():
        session.view.counts(root, session.progress)
    for name, node_id in (("deep_item", deep), ("hub", hub), ("week", weeks[len(weeks) // 2].id)):
        def draw(node_id=node_id):
            return rows(session, neighbourhood(graph, node_id))

        start = time.perf_counter()
        drawn = draw()
        results[f"{name}_first_call_ms"] = 1000 * (time.perf_counter() - start)
        results[f"{name}_warm_ms"] = 1000 * median_seconds(draw, repeats=7, warmup=1)
        results[f"{name}_rows"] = len(drawn)
    return results


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:32} {value:10.3f}")
