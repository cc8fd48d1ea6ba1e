"""``tracker import`` end to end (parse, identity, validation, YAML written) and warm commands on its result.

Figures:
- ``import_100k_end_to_end_s``: the 100k-item generated lists through ``plan_import`` and ``write``,
  in process, with the phase split (parse, layer, YAML text, validation, graph) measured separately;
- ``import_100k_cli_s``: the same as one ``tracker import`` process (start-up and marking included);
- ``real_<list>_s``: each list of ``../shared/reading_lists_more`` imported alone (the GAN list is 800 KB);
- ``warm_<command>_s``: ``tracker next``, ``show`` and ``topics`` on the 100k-node data folder once its
  graph is cached (goal <= 1 s each).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.generate_lists import generate
from benchmarks.timing import command_seconds
from tracker.gc_pause import gc_paused
from tracker.graph.loader import build_graph, validate_layer_in_memory
from tracker.ingest.importer import plan_import
from tracker.ingest.layer import build_layer, layer_yaml, list_id_for
from tracker.ingest.parser import parse_file

MORE = Path(__file__).resolve().parent.parent.parent / "shared" / "reading_lists_more"
TRACKER = [sys.executable, "-m", "tracker.cli.main"]


def _seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def phases(paths: list[Path]) -> dict:
    """Wall and CPU seconds of each step; CPU time drifts less when the machine is shared."""
    out: dict = {}

    def step(name: str, fn):
        wall, cpu = time.perf_counter(), time.process_time()
        value = fn()
        out[f"phase_{name}_s"] = time.perf_counter() - wall
        out[f"phase_{name}_cpu_s"] = time.process_time() - cpu
        return value

    with gc_paused():
        parsed = step("parse", lambda: [parse_file(p, list_id_for(p)) for p in paths])
        layers = step("layer", lambda: [build_layer(p) for p in parsed])
        texts = step("yaml_text", lambda: [layer_yaml(layer) for layer in layers])
        valid = step("validate", lambda: [(f"{n}.yaml", validate_layer_in_memory(layer, f"{n}.yaml", text))
                                          for n, (layer, text) in enumerate(zip(layers, texts))])
        graph = step("graph", lambda: build_graph(valid))
    out["graph_nodes"] = len(graph.nodes)
    return out


def end_to_end(paths: list[Path], into: Path, empty: Path) -> tuple[float, float]:
    """Wall and CPU seconds of plan_import + write (what ``tracker import`` does after start-up)."""
    cpu = time.process_time()

    def run():
        with gc_paused():
            plan_import(paths, into, [empty], replace=True).write()
    return _seconds(run), time.process_time() - cpu


def run() -> dict:
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        empty = tmp / "shipped"
        empty.mkdir()
        lists = generate(tmp / "src", 100_000)
        results.update(phases(lists))
        results["import_100k_end_to_end_s"], results["import_100k_end_to_end_cpu_s"] = end_to_end(
            lists, tmp / "into", empty)
        env = dict(os.environ, TRACKER_DATA_DIR=str(tmp / "data"), TRACKER_CACHE_DIR=str(tmp / "cache"),
                   TRACKER_GRAPH_DATA=str(empty))
        results["import_100k_cli_s"], results["import_100k_cli_cpu_s"] = command_seconds(TRACKER + ["import", *map(str, lists)], repeats=1, env=env)
        command_seconds(TRACKER + ["topics"], repeats=1, env=env)  # builds the cache once
        some = "Deep Residual Attention Sparse 17"
        for name, args in (("next", ["next", "-n", "5"]), ("show", ["show", some]), ("topics", ["topics"])):
            results[f"warm_{name}_s"], results[f"warm_{name}_cpu_s"] = command_seconds(TRACKER + args, repeats=3,
                                                                                      env=env)
        if MORE.is_dir():
            for path in sorted(MORE.glob("*.md")):
                out = tmp / f"real-{path.stem}"
                results[f"real_{path.stem}_s"], results[f"real_{path.stem}_cpu_s"] = end_to_end([path], out, empty)
    return results


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:32} {value:10.3f}")
