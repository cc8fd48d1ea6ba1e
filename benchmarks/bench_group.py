"""A study group: mark latency and the ``tracker group`` view, 20 members x 1,000 progress rows, SQLite and PostgreSQL.

The PostgreSQL figures come from a throwaway cluster started from the system
binaries (``tests/pg/cluster.py``); without them only SQLite is measured.
Figures are medians and 99th percentiles measured in one run, so SQLite and
PostgreSQL can be compared as a ratio.

Run alone with ``python -m benchmarks.bench_group``.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

MEMBERS = 20
ITEMS = 1_000
TOPICS = 10
MARKS = 300  # single marks timed per backend


def _graph(folder: Path):
    from tracker.graph.loader import load_graph

    lines = ["nodes:"]
    for t in range(TOPICS):
        lines.append(f"  - {{id: topic-{t}, kind: topic, title: Topic {t}}}")
    for i in range(ITEMS):
        lines.append(f"  - {{id: item-{i:04d}, kind: paper, title: Paper {i}, topics: [topic-{i % TOPICS}]}}")
    layer = folder / "graph"
    layer.mkdir()
    (layer / "g.yaml").write_text("\n".join(lines) + "\n")
    return load_graph([layer])


def _fill(store) -> None:
    ids = [f"item-{i:04d}" for i in range(ITEMS)]
    for m in range(MEMBERS):
        member = store.as_member(f"member{m:02d}")
        member.mark(ids[: ITEMS * (m + 1) // MEMBERS], "read")  # members at different points
        member.mark(ids[ITEMS * (m + 1) // MEMBERS:], "reading")


def _measure(open_one, tg) -> dict[str, float]:
    from tracker.group_view import group_summary, node_group

    with open_one() as store:
        _fill(store)
        me = store.as_member("member00")
        latencies = []
        for i in range(MARKS):
            start = time.perf_counter()
            me.mark(f"item-{i % ITEMS:04d}", ("skipped", "read")[i % 2])
            latencies.append(time.perf_counter() - start)
        group_times, node_times = [], []
        for _ in range(5):
            start = time.perf_counter()
            summary = group_summary(tg, me)
            group_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            node_group(tg, me, "item-0500")
            node_times.append(time.perf_counter() - start)
        assert len(summary) == MEMBERS
    latencies.sort()
    return {"mark_p50_ms": 1000 * statistics.median(latencies),
            "mark_p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
            "group_ms": 1000 * statistics.median(group_times),
            "group_node_ms": 1000 * statistics.median(node_times)}


def run() -> dict:
    from tracker.store import open_store

    figures: dict[str, float | str] = {"members": MEMBERS, "progress_rows": MEMBERS * ITEMS}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        tg = _graph(root)
        for key, value in _measure(lambda: open_store(root / "group.db", member="member00"), tg).items():
            figures[f"sqlite_{key}"] = value
        server = _postgres(root, tg)
        figures.update(server)
        for key in ("mark_p50_ms", "mark_p99_ms", "group_ms"):
            if f"postgresql_{key}" in server:
                figures[f"postgresql_over_sqlite_{key}"] = server[f"postgresql_{key}"] / figures[f"sqlite_{key}"]
    figures["load_average_1m"] = os.getloadavg()[0]
    return figures


def _postgres(root: Path, tg) -> dict:
    from tests.pg.cluster import Cluster, find_binaries
    from tracker.store import open_store

    binaries = find_binaries()
    if binaries is None:
        return {"postgresql": "skipped: no initdb/pg_ctl"}
    os.chmod(root, 0o755)
    cluster = Cluster(root / "pg", binaries)
    cluster.start()
    try:
        cluster.wait_ready()
        cluster.admin("CREATE DATABASE bench")
        return {f"postgresql_{k}": v for k, v in _measure(lambda: open_store(cluster.url(database="bench")), tg).items()}
    finally:
        cluster.stop()


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:40} {value}")
