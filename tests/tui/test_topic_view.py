"""The tree "by topic" (T): canonical topics across lists beside "by list", with the same counters."""

from __future__ import annotations

import asyncio

from tests.tui.helpers import at, loaded, row_labels, settle, wait_for
from tracker.tui.widgets.node_details import NodeDetails
from tracker.tui.widgets.topic_tree import TopicTree

TOPIC_MAP = """\
topic_map:
  - id: foundations
    title: Foundations
    headings: [basics]
  - id: attention
    title: Attention and Transformers
    nodes: [transformer]
"""


def test_by_topic_groups_headings_under_canonical_topics_and_counts_like_by_list(make_app, store, graph_dir):
    (graph_dir / "topic-map.yaml").write_text(TOPIC_MAP, encoding="utf-8")
    store.mark("perceptron", "read", at=at(1))

    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            tree = app.screen.query_one(TopicTree)
            assert row_labels(tree) == ["Course  1/7", "Not filed under a topic  0/1"]
            await pilot.press("T")
            await wait_for(pilot, lambda: tree.by_topic and row_labels(tree)[0].startswith("Foundations"))
            # Basics moved to Foundations; what is left of the course stays under its own root.
            assert row_labels(tree) == ["Foundations  1/4", "Attention and Transformers  0/1", "Course  0/4",
                                        "Not filed under a topic  0/1"]
            assert tree.border_title == "Topics by topic"
            await wait_for(pilot, lambda: tree.cursor_node is not None and tree.cursor_node.data == "~topic/foundations")
            details = app.screen.query_one(NodeDetails)
            await wait_for(pilot, lambda: details.node_id == "~topic/foundations")
            assert "Foundations" in str(details.query_one("#details-title").render())
            assert "1/4" in str(details.query_one("#details-facts").render())

            await pilot.press("enter")  # open Foundations: the list's heading, with everything under it
            await wait_for(pilot, lambda: len(row_labels(tree)) > 4)
            assert row_labels(tree)[1] == "  Basics · Course  1/4"  # a heading says which list it is from
            app.jump_to("backprop")  # jumping (search, relations) reveals the node in this view
            await wait_for(pilot, lambda: tree.cursor_node is not None and tree.cursor_node.data == "backprop")
            await pilot.press("r")
            await settle(pilot)
            await wait_for(pilot, lambda: row_labels(tree)[0] == "Foundations  2/4")
            # backprop is under Classics too, which stayed with the course: that counter moved as well.
            assert "Course  1/4" in row_labels(tree)

            await pilot.press("T")
            await wait_for(pilot, lambda: not tree.by_topic and row_labels(tree)[0].startswith("Course"))
            assert row_labels(tree)[0] == "Course  2/7"
            assert tree.cursor_node.data == "backprop"  # the highlighted node stays in sight
            assert tree.border_title == "Topics"

    asyncio.run(main())


def test_by_topic_without_a_topic_map_is_the_lists_themselves(make_app):
    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            tree = app.screen.query_one(TopicTree)
            await pilot.press("T")
            await wait_for(pilot, lambda: tree.by_topic)
            await pilot.pause()
            assert row_labels(tree) == ["Course  0/7", "Not filed under a topic  0/1"]

    asyncio.run(main())
