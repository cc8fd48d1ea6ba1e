"""Spaced review at 100,000 cards: the due query, the due counts, and the forgetting heatmap.

Run alone with ``python -m benchmarks.bench_review``; ``run()`` returns the
figures for the benchmark harness. The goal is under 100 ms for the due query
and for the heatmap (every card's retrievability read in one scan, then
averaged over 100 topics of 1,000 items each).
"""

from __future__ import annotations

import os
import random
import tempfile
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from benchmarks.timing import median_seconds

CARDS = 100_000
TOPICS = 100
NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


def filled_store(folder: str):
    from tracker.store import open_store
    from tracker.store.tables import ReviewCard

    store = open_store(os.path.join(folder, "review.db"))
    rng = random.Random(0)
    rows = []
    for i in range(CARDS):
        last = NOW - timedelta(days=rng.uniform(0, 60))
        stability = rng.uniform(0.5, 100)
        rows.append({"node_id": f"n{i:06d}", "active": rng.random() > 0.02, "state": 2, "step": None,
                     "stability": stability, "difficulty": 5.0, "due": last + timedelta(days=stability),
                     "last_review": last, "added_at": last, "updated_at": last})
    with store.connection(write=True) as conn:
        conn.execute(sa.insert(ReviewCard.__table__), rows)
    return store


def run() -> dict:
    from tracker.review import cards
    from tracker.review.heatmap import topic_recall

    with tempfile.TemporaryDirectory() as folder:
        store = filled_store(folder)
        members = {f"t{t}": [f"n{i:06d}" for i in range(t, CARDS, TOPICS)] for t in range(TOPICS)}
        due = cards.due(store, NOW)
        heat = topic_recall(members, members.__getitem__, cards.retrievabilities(store, NOW))
        figures = {
            "cards": CARDS,
            "due_now": len(due),
            "due_query_ms": 1000 * median_seconds(lambda: cards.due(store, NOW), repeats=7, warmup=1),
            "due_counts_ms": 1000 * median_seconds(lambda: cards.due_counts(store, NOW), repeats=7, warmup=1),
            "heatmap_ms": 1000 * median_seconds(
                lambda: topic_recall(members, members.__getitem__, cards.retrievabilities(store, NOW)),
                repeats=7, warmup=1),
            "heatmap_topics": len(heat),
            "load_average_1m": os.getloadavg()[0],
        }
        store.close()
    return figures


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:20} {value:.4g}" if isinstance(value, float) else f"{key:20} {value}")
