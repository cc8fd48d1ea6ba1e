"""Store trouble is a notification, never a crash, and never a frozen screen."""

from __future__ import annotations

import asyncio
import sqlite3

from textual import events

import tracker.store.engine as engine
from tests.tui.helpers import loaded, settle, wait_for
from tracker.tui.widgets.topic_tree import TopicTree


def test_a_locked_database_is_reported_while_the_ui_stays_live(make_app, db_path, monkeypatch, store):
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_S", 1)

    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            app.jump_to("perceptron")
            tree = app.screen.query_one(TopicTree)
            await wait_for(pilot, lambda: tree.cursor_node is not None and tree.cursor_node.data == "perceptron")
            blocker = sqlite3.connect(db_path, isolation_level=None)
            blocker.execute("BEGIN EXCLUSIVE")  # another process holding the write lock
            try:
                await pilot.press("r")
                await pilot.press("down")  # handled while the write waits for the lock
                assert tree.cursor_node.data == "backprop" and app.selected == "backprop"
                await settle(pilot)
            finally:
                blocker.rollback()
                blocker.close()
            errors = [n.message for n in app._notifications if n.severity == "error"]
            assert any("database is locked" in message for message in errors), errors
            assert store.statuses() == {}
            assert tree._rows["perceptron"][0].label.plain.startswith("[ ]")

    asyncio.run(main())


def test_a_graph_that_does_not_load_is_a_notification(make_app, graph_dir):
    (graph_dir / "broken.yaml").write_text("nodes:\n  - id: Not A Slug\n")

    async def main():
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: bool(app.load_error))
            assert "invalid graph data" in app.load_error
            assert any(n.title == "cannot load the graph" for n in app._notifications)
            await pilot.press("r", "n")  # nothing to act on, nothing crashes
            await wait_for(pilot, lambda: app.current_mode == "next")
            assert "the graph did not load" in str(app.screen.query_one("#next-heading").render())
            await pilot.press("d", "l", "b")
            await pilot.pause()
            assert app.is_running

    asyncio.run(main())


def test_keys_typed_after_quit_do_nothing(make_app, store):
    async def main():
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await loaded(pilot)
            app.jump_to("perceptron")
            await wait_for(pilot, lambda: app.selected == "perceptron")
            for char in "question_mark":  # queued at once: "q", then unread, notes, skip, next up...
                app.post_message(events.Key(char, char))
            await pilot.pause()
        return app

    app = asyncio.run(main())
    assert app.return_code == 0
    assert store.statuses() == {} and store.notes() == []


def test_a_requirement_dropped_at_load_is_a_warning_notification(make_app, graph_dir):
    (graph_dir / "plan.yaml").write_text(
        "nodes:\n"
        "  - {id: wa, kind: topic, title: Week A}\n"
        "  - {id: wb, kind: topic, title: Week B, requires: [{id: wa, reason: order}]}\n"
        "  - {id: pa, kind: paper, title: Paper in A, topics: [wa], requires: [{id: pb, reason: uses it}]}\n"
        "  - {id: pb, kind: paper, title: Paper in B, topics: [wb]}\n")

    async def main():
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await loaded(pilot)
            warnings = [n.message for n in app._notifications if n.severity == "warning"]
            assert any("ignoring 'pa' requires 'pb'" in message for message in warnings), warnings
            assert not app.load_error

    asyncio.run(main())
