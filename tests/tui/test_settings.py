"""Themes are remembered; a user keymap moves bindings by id; the help screen lists them."""

from __future__ import annotations

import asyncio
import json
import re

from tests.tui.helpers import loaded, screen_text, settle, wait_for
from tracker.tui.screens.help import HelpScreen
from tracker.tui.settings import keymap_path, settings_path


def test_chosen_theme_is_saved_and_restored(make_app):
    async def first():
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await loaded(pilot)
            assert app.theme == "textual-dark"
            app.theme = "nord"
            await pilot.pause()

    async def second():
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await loaded(pilot)
            assert app.theme == "nord"

    asyncio.run(first())
    assert json.loads(settings_path().read_text()) == {"theme": "nord"}
    asyncio.run(second())


def table_text(table) -> str:
    import io

    from rich.console import Console

    console = Console(width=100, file=io.StringIO(), record=True)
    console.print(table)
    return console.export_text()


def test_user_keymap_remaps_by_binding_id_and_reports_unknown_ids(make_app, store):
    keymap_path().parent.mkdir(parents=True, exist_ok=True)
    keymap_path().write_text('mark_read = "R"\nmark_teleport = "t"\n')

    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            assert any("unknown binding id 'mark_teleport'" in n.message for n in app._notifications)
            app.jump_to("perceptron")
            await wait_for(pilot, lambda: app.selected == "perceptron")
            await pilot.press("r")
            await settle(pilot)
            assert store.statuses() == {}
            await pilot.press("R")
            await settle(pilot)
            assert store.statuses() == {"perceptron": "read"}
            footer = screen_text(app).splitlines()[-1]
            assert footer.lstrip().startswith("R i s u Mark")  # the footer follows the keymap
            await pilot.press("question_mark")
            await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
            help_text = table_text(app.screen._table())
            assert re.search(r"\bR +Read +mark_read\b", help_text)
            assert re.search(r"\besc, \?, q +Close +close_help\b", help_text)
            assert re.search(r"\bf +Hide done +filter_done\b", help_text)
            hint = " ".join(str(app.screen.query_one(".hint").render()).split())
            assert keymap_path().name in hint and "keymap" in hint
            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen))

    asyncio.run(main())
