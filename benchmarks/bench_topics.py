"""The "by topic" tree on the 100k-node benchmark graph: placing every heading, then the first screen's rows.

Run alone with ``python -m benchmarks.bench_topics``. The graph is the five
generated lists plus the shipped canonical topics, with the sections of two
lists mapped onto them by the curated map and the other three lists matched
heading by heading (their "Section N" / "Week N" headings name no subject, so the walk
goes through every heading; ``match_1000_subject_headings_ms`` times the matcher on headings that do).
``open_ms`` is what pressing T costs on a fresh graph: the map placed, the
view built, and the roots with their counters. The goal is under 100 ms.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import yaml

from benchmarks.timing import median_seconds as timed

SHIPPED_MAP = Path(__file__).resolve().parent.parent / "graph_data" / "curated" / "topic-map.yaml"


def graph_with_topic_map():
    from benchmarks.generate_lists import generate
    from tracker.gc_pause import gc_paused
    from tracker.graph.loader import build_graph
    from tracker.graph.schema import LayerFile
    from tracker.ingest.layer import build_layer, list_id_for
    from tracker.ingest.parser import parse_file

    with tempfile.TemporaryDirectory() as tmp, gc_paused():
        layers = []
        for path in generate(Path(tmp) / "src", 100_000):
            parsed = parse_file(path, list_id_for(path))
            layers.append((str(path), LayerFile.model_validate(build_layer(parsed))))
        topics = yaml.safe_load(SHIPPED_MAP.read_text(encoding="utf-8"))["topic_map"]
        for topic in topics:
            topic["headings"], topic["nodes"] = [], []
        sections = [spec.id for _, layer in layers[:2] for spec in layer.nodes
                    if spec.kind == "topic" and spec.title.startswith("Section ")]
        for n, section in enumerate(sections):
            topics[n % len(topics)]["headings"].append(section)
        layers.append(("curated/topic-map.yaml", LayerFile.model_validate({"topic_map": topics})))
        return build_graph(layers), len(sections)


def open_view(base) -> int:
    """What T does: place the map, build the view, count every root row; returns the canonical roots."""
    from tracker.graph.topic_map import TOPIC
    from tracker.tui.topic_view import TopicView

    view = TopicView(base)
    rows = view.roots()
    for row in rows:
        view.counts(row, {})
    return sum(row.startswith(TOPIC) for row in rows)


def cpu_seconds(fn, repeats: int) -> float:
    """Median CPU time of fn() (this process, all threads)."""
    samples = []
    for _ in range(repeats):
        start = time.process_time()
        fn()
        samples.append(time.process_time() - start)
    return sorted(samples)[len(samples) // 2]


def run() -> dict:
    from tracker.graph.topic_map import topic_map

    results: dict = {}
    graph, mapped = graph_with_topic_map()
    results["graph_nodes"] = len(graph.nodes)
    results["headings_mapped_by_curation"] = mapped
    topics = sum(1 for n in graph.nodes.values() if n.is_topic)
    results["list_topics"] = topics
    from tracker.tui.viewmodel import GraphView

    base = GraphView(graph)  # the session's "by list" view, as the tree shows it at start-up: root counters
    for root in base.roots():
        base.counts(root, {})

    def fresh_open() -> int:  # the topic map placed anew each time
        graph.cache.pop("topic_map", None)
        return open_view(base)

    start = time.perf_counter()
    results["canonical_roots"] = fresh_open()
    results["first_open_ms"] = 1000 * (time.perf_counter() - start)
    results["open_ms"] = 1000 * timed(fresh_open, 3)
    results["open_cpu_ms"] = 1000 * cpu_seconds(fresh_open, 3)  # steadier than wall time on a busy machine
    # The matcher's worst case: headings made of subject words, each distinct (nothing skipped, nothing memoised).
    from tracker.graph.topic_map import Matcher

    words = ["Sparse", "Graph", "Memory", "Recurrent", "Scaling", "Diffusion", "Efficient", "Training", "Residual",
             "Attention", "Representations", "Vision", "Optimization", "Kernels", "Regularized", "Generative"]
    headings = [f"{words[i % 16]} {words[i // 16 % 16]} {words[i // 256 % 16]} methods" for i in range(1000)]
    results["match_1000_subject_headings_ms"] = 1000 * timed(lambda: [Matcher(graph.topic_map).best(h)
                                                                       for h in headings], 3)
    view = topic_map(graph)
    results["canonical_items"] = sum(len(view.items(r)) for r in view.roots() if r.startswith("~topic/"))
    results["reopen_ms"] = 1000 * timed(lambda: [len(view.items(r)) for r in view.roots()], 5)
    return results


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:32} {value}")
