"""A database two members share: the details pane says who read it, the dashboard lists the group."""

from __future__ import annotations

import asyncio

from tests.tui.helpers import at, loaded, wait_for
from tracker.tui.widgets.node_details import NodeDetails
from tracker.store import open_store


def test_details_and_dashboard_show_the_group(make_app, db_path, monkeypatch):
    with open_store(db_path, member="ana") as ana:
        ana.mark(["perceptron", "backprop"], "read", at=at(10))
    with open_store(db_path, member="[bold]eve[/bold]") as eve:  # a member name is untrusted text too
        eve.mark("perceptron", "reading", at=at(11))
    monkeypatch.setenv("TRACKER_MEMBER", "cy")

    async def main():
        app = make_app()
        async with app.run_test(size=(140, 45)) as pilot:
            await loaded(pilot)
            app.jump_to("perceptron")
            details = app.screen.query_one(NodeDetails)
            await wait_for(pilot, lambda: details.node_id == "perceptron")
            facts = str(details.query_one("#details-facts").render())
            assert "group    read by 1 of 3 (ana); reading now: [bold]eve[/bold]" in facts
            await pilot.press("d")
            await wait_for(pilot, lambda: app.current_mode == "dashboard" and hasattr(app.screen, "figures"))
            group = str(app.screen.query_one("#group").render())
            assert app.screen.query_one("#group").display
            lines = group.splitlines()
            assert lines[0].startswith("[bold]eve[/bold]") and "read 0/" in lines[0]
            assert lines[1].startswith("ana") and "read 2/" in lines[1]
            assert lines[2].startswith("cy") and "read 0/" in lines[2]

    asyncio.run(main())


def test_a_solo_learner_sees_no_group(make_app, store):
    store.mark("perceptron", "read", at=at(10))

    async def main():
        app = make_app()
        async with app.run_test(size=(140, 45)) as pilot:
            await loaded(pilot)
            assert app.session.details("perceptron").group is None
            await pilot.press("d")
            await wait_for(pilot, lambda: app.current_mode == "dashboard" and hasattr(app.screen, "figures"))
            assert not app.screen.query_one("#group").display

    asyncio.run(main())


def test_the_note_editor_shares_and_unshares_a_note(make_app, db_path):
    async def main():
        app = make_app()
        async with app.run_test(size=(140, 45)) as pilot:
            await loaded(pilot)
            app.jump_to("perceptron")
            details = app.screen.query_one(NodeDetails)
            await wait_for(pilot, lambda: details.node_id == "perceptron")
            await pilot.press("e")
            await wait_for(pilot, lambda: app.screen.__class__.__name__ == "NotesScreen")
            assert "private" in str(app.screen.query_one("#note-status").render())
            await pilot.press(*"ask me")
            await pilot.press("ctrl+g")
            assert "shared with your study group" in str(app.screen.query_one("#note-status").render())
            with open_store(db_path) as store:
                assert [(n.body, n.shared) for n in store.notes()] == [("ask me", True)]
            await pilot.press("ctrl+g")
            with open_store(db_path) as store:
                assert [(n.body, n.shared) for n in store.notes()] == [("ask me", False)]
            await pilot.press("escape")

    asyncio.run(main())
