"""Every view counts the same items and the same done: the tree, `tracker topics` and `tracker stats`.

One definition (``tracker.graph.membership``) of what an item of a topic is
(nested topics, an item filed under two topics, a concept, a concept with
resources under it) and of done (read; skipped apart). The totals are
computed three ways, through the real TUI tree and the real CLI, and must
be equal.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re

import pytest

from tests.tui.helpers import at, loaded, wait_for
from tracker.cli.context import Context
from tracker.graph import membership
from tracker.tui.widgets.topic_tree import TopicTree

GRAPH = r'''
list: {id: study, title: Study, file: study.md}
nodes:
  - {id: study, kind: topic, title: Study}
  - {id: week-1, kind: topic, title: Week 1, topics: [study]}
  - {id: week-2, kind: topic, title: Week 2, topics: [study], requires: [{id: week-1, reason: order}]}
  - {id: deep, kind: topic, title: Deeper, topics: [week-2]}
  - {id: concept, kind: topic, title: A concept with nothing under it, topics: [week-1]}
  - {id: cnn, kind: topic, title: CNNs, topics: [week-2]}
  - {id: a, kind: paper, title: A, topics: [week-1]}
  - {id: b, kind: paper, title: B, topics: [week-1, week-2]}
  - {id: c, kind: article, title: C, topics: [deep]}
  - {id: d, kind: video, title: D, topics: [deep, cnn]}
  - {id: e, kind: paper, title: E, topics: [cnn]}
  - {id: loose, kind: book, title: Filed nowhere}
'''
PROGRESS = {"a": "read", "b": "skipped", "concept": "read", "c": "reading", "d": "read", "loose": "read"}


@pytest.fixture
def study_dir(tmp_path):
    folder = tmp_path / "study-graph"
    folder.mkdir()
    (folder / "study.yaml").write_text(GRAPH, encoding="utf-8")
    return folder


@pytest.fixture
def marked(db_path, store):
    for node_id, status in PROGRESS.items():
        store.mark(node_id, status, at=at(10))


def tree_counts(rows: list[str]) -> dict[str, tuple[int, int, int]]:
    """Title -> (read, total, skipped) from the tree's topic rows."""
    out = {}
    for row in rows:
        found = re.fullmatch(r"\s*(.+?)  (\d+)/(\d+)(?: \+(\d+) skipped)?", row)
        if found:
            out[found[1]] = (int(found[2]), int(found[3]), int(found[4] or 0))
    return out


def cli_topics(cli, graph: str, db: str) -> dict[str, tuple[int, int, int]]:
    code, out, _ = cli("topics", "--graph-data", graph, "--db", db, "--json")
    assert code == 0
    found = {}

    def walk(entry):
        found[entry["title"]] = (entry["read"], entry["items"], entry["skipped"])
        assert entry["done"] == entry["read"]  # done means read
        for child in entry["children"]:
            walk(child)

    for root in json.loads(out):
        walk(root)
    return found


def cli_stats(cli, graph: str, db: str) -> tuple[dict, dict[str, tuple[int, int, int]]]:
    code, out, _ = cli("stats", "--graph-data", graph, "--db", db, "--json")
    assert code == 0
    data = json.loads(out)
    found = {}

    def walk(entry):
        found[entry["title"]] = (entry["read"], entry["total"], entry["skipped"])
        for child in entry["children"]:
            walk(child)

    for root in data["topics"]:
        walk(root)
    return data["totals"], found


def test_tree_topics_and_stats_count_the_same_items_and_done(study_dir, db_path, marked, cli, impl_root):
    ctx = Context(argparse.Namespace(graph_data=str(study_dir), db=str(db_path), json=False))
    tg = ctx.graph
    # the definition, spelled out on this graph
    assert sorted(membership.items_of(tg, "study")) == ["a", "b", "c", "concept", "d", "e"]  # b and d once each
    assert "cnn" not in membership.all_items(tg) and "concept" in membership.all_items(tg)
    expected = {"Study": (3, 6, 1), "Week 1": (2, 3, 1), "Week 2": (1, 4, 1), "Deeper": (1, 2, 0),
                "CNNs": (1, 2, 0)}

    topics = cli_topics(cli, str(study_dir), str(db_path))
    totals, stats = cli_stats(cli, str(study_dir), str(db_path))
    assert topics == expected
    assert {t: stats[t] for t in ("Study", "Week 1", "Week 2")} == {t: expected[t] for t in ("Study", "Week 1",
                                                                                            "Week 2")}
    assert set(stats) == {"Study", "Week 1", "Week 2"}  # stats shows two levels; a concept is no topic
    assert totals == {"read": 4, "reading": 1, "skipped": 1, "total": 7}  # the unfiled book too
    assert membership.tally(membership.all_items(tg), PROGRESS).as_dict() == totals

    from tracker.tui.app import TrackerApp

    async def main():
        app = TrackerApp(ctx, implementations_root=impl_root, clock=lambda: at(14))
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            tree = app.screen.query_one(TopicTree)
            for node_id in ("deep", "cnn"):  # opens every topic above them too
                app.jump_to(node_id)
                await wait_for(pilot, lambda: app.selected == node_id)
            from tests.tui.helpers import row_labels

            shown = tree_counts(row_labels(tree))
            assert {t: shown[t] for t in expected} == expected
            assert shown["Not filed under a topic"] == (1, 1, 0)
            await pilot.press("d")
            await wait_for(pilot, lambda: hasattr(app.screen, "figures"))
            assert app.screen.figures["totals"] == totals
            assert "4 of 7 read (57%)" in str(app.screen.query_one("#overall").render())

    asyncio.run(main())


def test_the_shipped_graph_agrees_with_itself(cli, db_path, store):
    """The lists that disagreed (1/213 vs 1/197, 0/130 vs 0/92 vs 0/91) give one figure per topic."""
    ctx = Context(argparse.Namespace(graph_data=None, db=str(db_path), json=False))
    tg = ctx.graph
    items = membership.all_items(tg)
    for status, item in zip(["read", "skipped", "reading", "read"], items[::50]):
        store.mark(item, status, at=at(10))
    progress = store.statuses()
    code, out, _ = cli("topics", "--db", str(db_path), "--json")
    code2, out2, _ = cli("stats", "--db", str(db_path), "--json")
    assert code == code2 == 0
    by_id = {}

    def walk(entry, key):
        by_id.setdefault(entry["id"], []).append((entry["read"], entry[key], entry["skipped"]))
        for child in entry["children"]:
            walk(child, key)

    for root in json.loads(out):
        walk(root, "items")
    stats = json.loads(out2)
    for root in stats["topics"]:
        walk(root, "total")
    assert len([t for t, seen in by_id.items() if len(seen) == 2]) >= 5  # roots and their topics
    for topic_id, seen in by_id.items():
        tally = membership.topic_tally(tg, topic_id, progress)
        assert set(seen) == {(tally.read, tally.total, tally.skipped)}, topic_id
    assert stats["totals"] == membership.tally(items, progress).as_dict()
