"""The progress store: CLI mark cost vs interpreter start, mark latency, stats at 100k rows, two writers.

Run alone with ``python -m benchmarks.bench_store``; ``run()`` returns the
figures for the benchmark harness.
"""

from __future__ import annotations

import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from argparse import Namespace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import networkx as nx

from benchmarks.timing import command_seconds, median_seconds

ITEMS = 100_000
TOPICS, SUBTOPICS = 20, 5
LISTS = 4
SMALL_GRAPH = """nodes:
  - {id: basics, kind: topic, title: Basics}
  - {id: alexnet, kind: paper, title: AlexNet, topics: [basics]}
"""
WRITER = """
import sys, time
from tracker.store import open_store
path, tag, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = open_store(path)
print("ready", flush=True)
sys.stdin.readline()
for i in range(count):
    store.mark(f"{tag}-{i % 20}", ("reading", "read")[(i // 20) % 2])
    store.add_note(f"{tag}-{i % 20}", f"note {i}")
print("done", flush=True)
"""


def _wall(cmd: list[str], env: dict[str, str], repeats: int) -> float:
    return command_seconds(cmd, repeats, env, check=True)[0]


def cli_mark_vs_startup(tmp: Path, repeats: int = 5) -> dict[str, float]:
    """Wall time of ``tracker mark`` against a bare interpreter and a bare import of the CLI."""
    graph = tmp / "small"
    graph.mkdir()
    (graph / "g.yaml").write_text(SMALL_GRAPH)
    env = dict(os.environ, TRACKER_DATA_DIR=str(tmp / "data"))
    db = str(tmp / "cli.db")
    options = ["--graph-data", str(graph), "--db", db]

    def mark(status: str) -> list[str]:
        return [sys.executable, "-m", "tracker.cli.main", "mark", "alexnet", status, *options]

    subprocess.run(mark("read"), env=env, check=True, capture_output=True)  # create and migrate once
    python = _wall([sys.executable, "-c", "pass"], env, repeats)
    imports = _wall([sys.executable, "-c", "import tracker.cli.main, tracker.store.api"], env, repeats)
    samples = []
    for i in range(repeats):
        start = time.perf_counter()
        subprocess.run(mark(("unread", "read")[i % 2]), env=env, check=True, capture_output=True)
        samples.append(time.perf_counter() - start)
    cli = statistics.median(samples)
    return {"python_startup_s": python, "cli_imports_s": imports, "cli_mark_s": cli}


def mark_latency(tmp: Path, count: int = 1000) -> dict[str, float]:
    """In-process ``Store.mark``: one transaction each, every one a real change."""
    from tracker.store import open_store

    with open_store(tmp / "latency.db") as store:
        samples = []
        for i in range(count):
            start = time.perf_counter()
            store.mark(f"n{i % 50}", ("reading", "read")[(i // 50) % 2])
            samples.append(time.perf_counter() - start)
    samples.sort()
    return {"mark_p50_ms": 1000 * samples[len(samples) // 2], "mark_p99_ms": 1000 * samples[int(len(samples) * 0.99)]}


def big_graph(items: int = ITEMS):
    """A topic graph built in memory (loading 100k nodes from YAML would measure the loader instead)."""
    from tracker.graph.model import PART_OF, Node, SourceRef, TopicGraph

    nodes: dict[str, Node] = {}
    graph = nx.DiGraph()
    subtopics = []
    for t in range(TOPICS):
        nodes[f"t{t}"] = Node(id=f"t{t}", kind="topic", title=f"Topic {t}")
        for s in range(SUBTOPICS):
            sub = f"t{t}-{s}"
            nodes[sub] = Node(id=sub, kind="topic", title=f"Topic {t}.{s}", topics=[f"t{t}"])
            graph.add_edge(sub, f"t{t}", kind=PART_OF)
            subtopics.append(sub)
    for i in range(items):
        node_id, topic = f"paper-{i}", subtopics[i % len(subtopics)]
        nodes[node_id] = Node(id=node_id, kind="paper", title=f"Paper {i}", topics=[topic],
                              sources=[SourceRef(f"list{i % LISTS}.md", i, i)])
        graph.add_edge(node_id, topic, kind=PART_OF)
    lists = {f"list{k}": {"id": f"list{k}", "title": f"List {k}", "file": f"list{k}.md"} for k in range(LISTS)}
    return TopicGraph(nodes, graph, {}, {}, lists)


def fill(store, items: int = ITEMS) -> None:
    """100k statuses, 100k status changes (a year of reads) and 100k notes, in one transaction."""
    import sqlalchemy as sa

    from tracker.store.tables import Note, Progress, StatusChange

    rng = random.Random(0)
    now = datetime.now(timezone.utc)
    progress, history, notes = [], [], []
    for i in range(items):
        status = rng.choice(("read", "read", "reading", "skipped", "unread"))
        at = now - timedelta(minutes=rng.randrange(365 * 24 * 60))
        progress.append({"node_id": f"paper-{i}", "status": status, "started_at": at, "finished_at": None,
                         "updated_at": at})
        history.append({"node_id": f"paper-{i}", "at": at, "from_status": "unread", "to_status": status,
                        "is_undo": False, "undone_at": None})
        notes.append({"uid": f"uid-{i}", "node_id": f"paper-{i}", "body": f"note {i} " + "x" * 200,
                      "created_at": at, "updated_at": at})
    with store.session(write=True) as s:
        for table, rows in ((Progress, progress), (StatusChange, history), (Note, notes)):
            s.execute(sa.insert(table), rows)




def timed(fn, repeats: int = 3) -> float:
    return median_seconds(fn, repeats)


def stats_at_scale(tmp: Path) -> dict[str, float]:
    from rich.console import Console

    from tracker.cli.commands_store import cmd_stats
    from tracker.cli.context import Context
    from tracker.store import open_store
    from tracker.store.stats import summary

    tg = big_graph()
    db = tmp / "big.db"
    with open_store(db) as store:
        fill(store)
        figures = {
            "stats_store_queries_s": timed(lambda: (store.status_totals(), store.note_count(),
                                                    store.read_times(since=datetime.now(timezone.utc)
                                                                     - timedelta(weeks=8)))),
            "statuses_100k_s": timed(store.statuses),
            "stats_summary_s": timed(lambda: summary(tg, store, store.statuses())),
        }

    def whole_command() -> None:
        ctx = Context(Namespace(db=str(db), graph_data=None, json=False))
        ctx.__dict__["graph"] = tg  # the graph load is measured by the graph benchmark
        ctx.__dict__["console"] = Console(file=io.StringIO(), width=100)
        cmd_stats(ctx)
        ctx.store.close()

    figures["stats_command_s"] = timed(whole_command)
    return figures


def concurrent_writers(tmp: Path, count: int = 1000) -> dict[str, float]:
    """Two processes, each ``count`` marks and ``count`` notes, one transaction per write."""
    from tracker.store import open_store

    db = tmp / "shared.db"
    open_store(db).close()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(db), tag, str(count)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for tag in ("a", "b")]
    for proc in procs:
        proc.stdout.readline()
    start = time.perf_counter()
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    for proc in procs:
        proc.communicate()
    seconds = time.perf_counter() - start
    with open_store(db) as store:
        lost = 4 * count - len(store.history()) - store.note_count()
    return {"two_writers_s": seconds, "two_writers_writes_per_s": 4 * count / seconds, "two_writers_lost": lost}


def calibration() -> float:
    """Seconds for a fixed pure-Python loop (about 0.1 s on an idle core): divides out machine load."""
    table = {i: i for i in range(1_000_000)}
    start = time.perf_counter()
    sum(table.get(i, 0) for i in range(1_000_000))
    return time.perf_counter() - start


def run() -> dict:
    results: dict = {"calibration_s": calibration()}
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        results.update(cli_mark_vs_startup(tmp))
        results.update(mark_latency(tmp))
        results["cli_mark_db_share"] = results["mark_p50_ms"] / 1000 / results["cli_mark_s"]
        results.update(stats_at_scale(tmp))
        results.update(concurrent_writers(tmp))
    return results


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:32} {value:10.4f}")
