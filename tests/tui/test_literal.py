"""Titles, authors and notes from reading lists are shown exactly as typed: no markup, no escapes."""

from __future__ import annotations

import asyncio

from tests.tui.helpers import loaded, screen_text, settle, wait_for
from tracker.tui.literal import ansi_line, escape_markup, literal
from tracker.tui.widgets.node_details import NodeDetails


def test_helpers_neutralise_markup_and_control_sequences():
    assert literal("[bold red]x[/]").plain == "[bold red]x[/]" and literal("[bold red]x[/]").spans == []
    assert literal("a\x1b[31mb\x1b[0m\x07c").plain == "abc"
    assert escape_markup("[i]M[/i]") == r"\[i]M\[/i]"
    coloured = ansi_line("\x1b[32mPASSED\x1b[0m \x1b[2J\x1b]0;owned\x07done\x08")
    assert coloured.plain == "PASSED done"
    assert [(span.start, span.end, span.style.color.name) for span in coloured.spans] == [(0, 6, "color(2)")]


def test_markup_and_ansi_titles_render_literally_everywhere(make_app, store):
    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            app.jump_to("markup-title")
            details = app.screen.query_one(NodeDetails)
            await wait_for(pilot, lambda: details.node_id == "markup-title")
            await pilot.press("r")
            await settle(pilot)
            await pilot.press("z")  # the undo notification names the item
            await settle(pilot)
            shown = screen_text(app)
            assert shown.count("[bold red]x[/] not markup") >= 2  # the tree row and the details title
            assert "[i]Mallory[/i]" in shown  # authors too
            undo_note = [n for n in app._notifications if n.message.startswith("undone")][-1]
            assert undo_note.message == "undone: [bold red]x[/] not markup is unread again" and not undo_note.markup
            assert "Escape red title" in shown and "\x1b" not in shown
            assert store.statuses() == {"markup-title": "unread"}

    asyncio.run(main())
