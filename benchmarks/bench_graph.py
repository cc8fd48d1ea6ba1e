"""Import scaling (parse + merge + graph build) and query latency on large generated graphs."""

from __future__ import annotations

import tempfile
import time
import tracemalloc
from pathlib import Path

from benchmarks.generate_lists import generate
from benchmarks.timing import median_seconds as timed
from tracker.gc_pause import gc_paused
from tracker.graph import queries
from tracker.graph.loader import build_graph, load_graph
from tracker.graph.schema import LayerFile
from tracker.ingest.layer import build_layer, layer_yaml, list_id_for
from tracker.ingest.parser import parse_file

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "reading_lists"


def import_lists(paths: list[Path], out: Path):
    """The whole import path: parse each list, build its layer, write YAML, load the merged graph."""
    out.mkdir(parents=True, exist_ok=True)
    for path in paths:
        parsed = parse_file(path, list_id_for(path))
        (out / f"{parsed.list_id}.yaml").write_text(layer_yaml(build_layer(parsed)), encoding="utf-8")
    return load_graph(out)


def parse_merge_build(paths: list[Path]):
    """Parse + merge + graph build in memory (validated by the same schema), without the YAML files.

    Like `tracker import`, it runs with the cyclic garbage collector paused.
    """
    with gc_paused():
        return _parse_merge_build(paths)


def _parse_merge_build(paths: list[Path]):
    layers = []
    for path in paths:
        parsed = parse_file(path, list_id_for(path))
        layers.append((str(path), LayerFile.model_validate(build_layer(parsed))))
    return build_graph(layers)


def peak_mb(fn) -> float:
    """Peak resident memory of fn run in a fresh process would be ideal; tracemalloc bounds Python's share."""
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20




def run() -> dict:
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if SHARED.is_dir():
            shared = sorted(SHARED.glob("*.md"))
            results["shared_lists_import_s"] = timed(lambda: import_lists(shared, tmp / "shared"), 5)
        for size in (1_000, 10_000, 100_000):
            lists = generate(tmp / f"src{size}", size)
            repeats = 3 if size < 100_000 else 1
            results[f"import_{size}_s"] = timed(lambda: parse_merge_build(lists), repeats)
            results[f"import_{size}_peak_mb"] = peak_mb(lambda: parse_merge_build(lists))
            if size <= 10_000:
                results[f"import_{size}_with_yaml_files_s"] = timed(lambda: import_lists(lists, tmp / f"out{size}"), 1)
        results["import_100k_over_10k"] = results["import_100000_s"] / results["import_10000_s"]
        graph = parse_merge_build(generate(tmp / "q", 100_000))
        # The deepest target: an item of the last week, which needs every earlier week first.
        weeks = [n for n in graph.nodes.values() if n.is_topic and n.title.startswith("Week ")]
        last_week = max(weeks, key=lambda n: int(n.title.split()[1])).id
        deep = queries.items_under(graph, last_week)[-1]
        results["graph_nodes"] = len(graph.nodes)
        # First call after loading: builds the per-graph indexes (a fresh CLI process pays this once).
        graph.cache.clear()
        for name, query in (("next", lambda: queries.ready(graph, {}, limit=10)),
                            ("path", lambda: queries.learning_path(graph, deep, {})),
                            ("search", lambda: queries.search(graph, "residual attention", 20))):
            start = time.perf_counter()
            query()
            results[f"query_{name}_first_call_ms"] = 1000 * (time.perf_counter() - start)
        results["query_next_ms"] = 1000 * timed(lambda: queries.ready(graph, {}, limit=10), 3)
        results["query_path_ms"] = 1000 * timed(lambda: queries.learning_path(graph, deep, {}), 3)
        results["query_path_steps"] = len(queries.learning_path(graph, deep, {}))
        results["query_search_ms"] = 1000 * timed(lambda: queries.search(graph, "residual attention", 20), 3)
    return results


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:32} {value:10.3f}")
