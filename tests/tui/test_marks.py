"""Marking with single keys, undo, and everything that shows progress updating at once."""

from __future__ import annotations

import asyncio

from tests.tui.helpers import loaded, settle, wait_for
from tracker.tui.widgets.topic_tree import TopicTree


def labels_of(tree, node_id):
    return [row.label.plain for row in tree._rows.get(node_id, [])]


def test_mark_keys_and_undo_update_store_tree_and_counters(make_app, store):
    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            tree = app.screen.query_one(TopicTree)
            app.jump_to("classics")
            await wait_for(pilot, lambda: tree.cursor_node is not None and tree.cursor_node.data == "classics")
            await pilot.press("enter")  # open Classics too, so backprop has two rows
            app.jump_to("backprop")
            await wait_for(pilot, lambda: tree.cursor_node.data == "backprop")

            expected = {"i": ("reading", "[~]", 0), "r": ("read", "[x]", 1), "s": ("skipped", "[-]", 1),
                        "u": ("unread", "[ ]", 0)}
            for key, (status, mark, done) in expected.items():
                await pilot.press(key)
                await settle(pilot)
                assert store.statuses()["backprop"] == status
                assert labels_of(tree, "backprop") == [f"{mark} Learning representations by back-propagating "
                                                       f"errors  paper"] * 2
                assert labels_of(tree, "basics") == [f"Basics  {done}/4"]
                assert labels_of(tree, "classics") == [f"Classics  {done}/1"]
                assert labels_of(tree, "course") == [f"Course  {done}/7"]
            await pilot.press("z")
            await settle(pilot)
            assert store.statuses()["backprop"] == "skipped"
            assert labels_of(tree, "basics") == ["Basics  1/4"]
            assert labels_of(tree, "backprop")[0].startswith("[-]")
            history = [(h.from_status, h.to_status, h.is_undo) for h in store.history(["backprop"])]
            assert history[-1] == ("unread", "skipped", True)
            await pilot.press("z", "z")  # queued writes land in order
            await settle(pilot)
            assert store.statuses()["backprop"] == "reading"

    asyncio.run(main())


def test_topics_are_not_marked_and_the_dashboard_follows_marks_at_once(make_app, store):
    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            assert app.selected == "course"
            await pilot.press("r")
            await settle(pilot)
            assert store.statuses() == {}
            assert any("tracked through its items" in n.message for n in app._notifications)
            app.jump_to("perceptron")
            await wait_for(pilot, lambda: app.selected == "perceptron")
            await pilot.press("d")
            await wait_for(pilot, lambda: app.current_mode == "dashboard" and hasattr(app.screen, "figures"))
            overall = app.screen.query_one("#overall")
            assert "0 of 8 done" in str(overall.render())
            await pilot.press("r")
            await settle(pilot)
            assert store.statuses() == {"perceptron": "read"}
            assert "1 of 8 done (12%)" in str(overall.render())
            assert "Streak    1 day" in str(app.screen.query_one("#figures").render())

    asyncio.run(main())
