"""Marking with single keys, undo, and everything that shows progress updating at once."""

from __future__ import annotations

import asyncio

from tests.tui.helpers import loaded, settle, wait_for
from tracker.tui.widgets.topic_tree import TopicTree


def labels_of(tree, node_id):
    return [row.label.plain for row in tree._rows.get(node_id, [])]


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


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

            # done means read; a skip is counted apart, never as done
            expected = {"i": ("reading", "[~]", "0/4", "0/1", "0/7"),
                        "r": ("read", "[x]", "1/4", "1/1", "1/7"),
                        "s": ("skipped", "[-]", "0/4 +1 skipped", "0/1 +1 skipped", "0/7 +1 skipped"),
                        "u": ("unread", "[ ]", "0/4", "0/1", "0/7")}
            for key, (status, mark, basics, classics, course) in expected.items():
                await pilot.press(key)
                await settle(pilot)
                assert store.statuses()["backprop"] == status
                assert labels_of(tree, "backprop") == [f"{mark} Learning representations by back-propagating "
                                                       f"errors  paper"] * 2
                assert labels_of(tree, "basics") == [f"Basics  {basics}"]
                assert labels_of(tree, "classics") == [f"Classics  {classics}"]
                assert labels_of(tree, "course") == [f"Course  {course}"]
                # every mark says what it did, naming the item, and how to undo it
                assert messages(app)[-1] == (f"Learning representations by back-propagating errors → {status}"
                                             f"   (z undoes)")
            await pilot.press("z")
            await settle(pilot)
            assert store.statuses()["backprop"] == "skipped"
            assert labels_of(tree, "basics") == ["Basics  0/4 +1 skipped"]
            assert labels_of(tree, "backprop")[0].startswith("[-]")
            history = [(h.from_status, h.to_status, h.is_undo) for h in store.history(["backprop"])]
            assert history[-1] == ("unread", "skipped", True)
            await pilot.press("z", "z")  # queued writes land in order
            await settle(pilot)
            assert store.statuses()["backprop"] == "reading"

    asyncio.run(main())


def test_a_key_right_after_a_cursor_move_marks_the_row_now_highlighted(make_app, store):
    """The highlight message of a move is still queued when the next key is handled: the mark must not wait
    for it (it marked the row just left)."""

    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            tree = app.screen.query_one(TopicTree)
            app.jump_to("perceptron")
            await wait_for(pilot, lambda: tree.cursor_node.data == "perceptron" and app.selected == "perceptron")
            await pilot.pause(0.2)
            tree.action_cursor_down()  # Down, and then, before any message is handled, i
            app.action_mark("reading")
            await settle(pilot)
            assert store.statuses() == {"backprop": "reading"}
            await pilot.press("down", "i")  # the same through the real key path, back to back
            await settle(pilot)
            assert store.statuses() == {"backprop": "reading", "markup-title": "reading"}

    asyncio.run(main())


def test_node_keys_act_only_where_a_node_is_shown(make_app, store):
    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            assert app.selected == "course"
            bindings = app.screen.active_bindings
            assert bindings["r"].enabled is False  # a topic: shown, but off (it is tracked through its items)
            await pilot.press("r")
            await settle(pilot)
            assert store.statuses() == {}
            app.jump_to("perceptron")
            await wait_for(pilot, lambda: app.selected == "perceptron")
            assert app.screen.active_bindings["r"].enabled is True
            assert "x" not in app.screen.active_bindings  # no implementation: no run keys
            await pilot.press("d")
            await wait_for(pilot, lambda: app.current_mode == "dashboard" and hasattr(app.screen, "figures"))
            assert app.selected is None
            # the dashboard shows no node: no mark, note, open, path or run key there, in the footer or not
            for key in "risueEopxXt":
                assert key not in app.screen.active_bindings, key
            await pilot.press("r", "e", "o", "p")
            await settle(pilot)
            assert store.statuses() == {} and app.current_mode == "dashboard" and len(app.screen_stack) == 1
            await pilot.press("b")
            await wait_for(pilot, lambda: app.current_mode == "browse" and app.selected == "perceptron")
            await pilot.press("r")
            await settle(pilot)
            assert store.statuses() == {"perceptron": "read"}
            app.jump_to("backprop")
            await wait_for(pilot, lambda: app.selected == "backprop")
            assert {k for k in "xXt" if k in app.screen.active_bindings} == set("xXt")

    asyncio.run(main())


def test_the_dashboard_follows_marks_at_once(make_app, store):
    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            await pilot.press("d")
            await wait_for(pilot, lambda: app.current_mode == "dashboard" and hasattr(app.screen, "figures"))
            overall = app.screen.query_one("#overall")
            assert "0 of 8 read" in str(overall.render())
            await pilot.press("n")
            await wait_for(pilot, lambda: app.current_mode == "next" and app.selected == "perceptron")
            await pilot.press("r")
            await settle(pilot)
            await pilot.press("d")
            await wait_for(pilot, lambda: app.current_mode == "dashboard")
            await wait_for(pilot, lambda: "1 of 8 read (12%)" in str(overall.render()))
            assert store.statuses() == {"perceptron": "read"}
            assert "Streak    1 day" in str(app.screen.query_one("#figures").render())

    asyncio.run(main())
