"""Restart where you were (open topics, highlighted row, filter, mode) and back/forward through jumps."""

from __future__ import annotations

import asyncio
import json

from tests.tui.helpers import loaded, row_labels, wait_for
from tracker.tui.screens.browse import BrowseScreen
from tracker.tui.screens.learning_path import LearningPathScreen
from tracker.tui.view_state import load_state, state_path
from tracker.tui.widgets.topic_tree import TopicTree


def browse_tree(app) -> TopicTree:
    return app._browse_tree


def cursor(app) -> str | None:
    tree = browse_tree(app)
    row = tree.cursor_node if tree is not None else None
    return row.data if row is not None else None


async def shown(pilot) -> None:
    """Loaded and the browse tree filled (whichever mode is in front)."""
    app = pilot.app
    await wait_for(pilot, lambda: app.session.loaded and browse_tree(app) is not None
                   and bool(browse_tree(app).root.children))
    await pilot.pause(0.2)


def test_a_restart_reopens_the_same_topics_row_filter_and_mode(make_app):
    async def first():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            app.jump_to("transformer")  # opens Course and Advanced
            tree = app.screen.query_one(TopicTree)
            await wait_for(pilot, lambda: cursor(app) == "transformer")
            await pilot.press("f")  # hide done
            await wait_for(pilot, lambda: tree.filter.hide_done)
            await pilot.press("n")
            await wait_for(pilot, lambda: app.current_mode == "next")
            await pilot.press("q")

    async def second():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await shown(pilot)
            await wait_for(pilot, lambda: app.current_mode == "next")
            tree = browse_tree(app)
            await wait_for(pilot, lambda: cursor(app) == "transformer")
            assert tree.filter.hide_done and tree.border_subtitle == "hiding read/skipped"
            assert row_labels(tree)[:5] == ["Course  0/7", "  Basics  0/4", "  Advanced  0/3",
                                            "    [ ] Attention Is All You Need  paper",
                                            "    [ ] A demo that never ends  code"]
            await pilot.press("b")
            await wait_for(pilot, lambda: isinstance(app.screen, BrowseScreen))
            assert app.selected == "transformer"

    asyncio.run(first())
    saved = json.loads(state_path().read_text())
    assert saved["mode"] == "next" and saved["cursor"] == ["course", "advanced", "transformer"]
    assert saved["open"] == [["course"], ["course", "advanced"]] and saved["hide_done"] is True
    asyncio.run(second())


def test_the_tree_by_topic_is_remembered_too(make_app):
    async def run(first: bool):
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await shown(pilot)
            tree = browse_tree(app)
            if first:
                await pilot.press("T")
                await wait_for(pilot, lambda: tree.by_topic)
                app.jump_to("transformer")
                await wait_for(pilot, lambda: cursor(app) == "transformer")
                return tree.path_of(tree.cursor_node)
            await wait_for(pilot, lambda: cursor(app) == "transformer")
            assert tree.by_topic and tree.border_title == "Topics by topic"
            return tree.path_of(tree.cursor_node)

    before = asyncio.run(run(True))
    assert load_state().by_topic is True
    assert asyncio.run(run(False)) == before


def test_remembered_nodes_that_vanished_are_skipped(make_app):
    state_path().parent.mkdir(parents=True, exist_ok=True)
    state_path().write_text(json.dumps({
        "mode": "dashboard", "kind": "no-such-kind", "future-key": 1,
        "open": [["course"], ["course", "basics"], ["gone-root", "x"], "not a path"],
        "cursor": ["course", "basics", "gone-paper"],
    }))

    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await shown(pilot)
            await wait_for(pilot, lambda: app.current_mode == "dashboard")
            tree = browse_tree(app)
            await wait_for(pilot, lambda: cursor(app) == "basics")  # the nearest row still there
            assert tree.filter.kind is None  # a kind no item has any more is dropped
            assert row_labels(tree)[:3] == ["Course  0/7", "  Basics  0/4", "    [ ] The Perceptron  paper"]
            await pilot.press("q")

    asyncio.run(main())
    assert json.loads(state_path().read_text())["future-key"] == 1  # what it does not know it keeps


def test_a_row_that_moved_is_found_where_it_is_now_and_a_broken_file_is_no_state(make_app):
    state_path().parent.mkdir(parents=True, exist_ok=True)
    state_path().write_text(json.dumps({"open": [["course"]], "cursor": ["course", "classics", "perceptron"]}))

    async def moved():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await shown(pilot)
            await wait_for(pilot, lambda: cursor(app) == "perceptron")
            assert browse_tree(app).path_of(browse_tree(app).cursor_node) == ("course", "basics", "perceptron")

    asyncio.run(moved())
    state_path().write_text("{not json")
    assert load_state().mode == "browse"

    async def broken():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            assert app.current_mode == "browse" and cursor(app) == "course"

    asyncio.run(broken())


def test_back_and_forward_go_through_jumps_like_a_browser(make_app):
    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            assert cursor(app) == "course"
            app.jump_to("transformer")  # as a search result does
            await wait_for(pilot, lambda: cursor(app) == "transformer")
            await pilot.press("p")  # its learning path: Enter on a step jumps there
            await wait_for(pilot, lambda: isinstance(app.screen, LearningPathScreen))
            await pilot.pause()
            assert app.selected == "perceptron"
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, BrowseScreen) and cursor(app) == "perceptron")

            for key, expected in (("[", "transformer"), ("[", "course"), ("]", "transformer"),
                                  ("]", "perceptron")):
                await pilot.press(key)
                await wait_for(pilot, lambda: cursor(app) == expected)
            await pilot.press("]")  # nothing ahead: it says so and stays
            await pilot.pause(0.2)
            assert cursor(app) == "perceptron"
            assert [n.message for n in app._notifications][-1].startswith("nothing to go forward to")

            await pilot.press("[")
            await wait_for(pilot, lambda: cursor(app) == "transformer")
            await pilot.press("down")  # moved by hand: that row is where forward will return after a back
            await wait_for(pilot, lambda: cursor(app) == "hanging")
            await pilot.press("[")
            await wait_for(pilot, lambda: cursor(app) == "course")
            await pilot.press("]")
            await wait_for(pilot, lambda: cursor(app) == "hanging")

            # a new jump from here drops what was ahead
            app.jump_to("lonely")
            await wait_for(pilot, lambda: cursor(app) == "lonely")
            assert app.jumps.entries == ["course", "hanging", "lonely"]
            await pilot.press("[")
            await wait_for(pilot, lambda: cursor(app) == "hanging")
            await pilot.press("q")

    async def after_a_restart():  # the history is kept: back and forward carry on where they were
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await shown(pilot)
            await wait_for(pilot, lambda: cursor(app) == "hanging")
            assert app.jumps.entries == ["course", "hanging", "lonely"] and app.jumps.index == 1
            await pilot.press("]")
            await wait_for(pilot, lambda: cursor(app) == "lonely")
            await pilot.press("[", "[")
            await wait_for(pilot, lambda: cursor(app) == "course")

    asyncio.run(main())
    asyncio.run(after_a_restart())
