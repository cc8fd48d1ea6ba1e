"""Notes: the markdown editor saves as you type and on exit; notes show literally; $EDITOR."""

from __future__ import annotations

import asyncio
import sys

from tests.tui.helpers import loaded, screen_text, wait_for
from tracker.editor import edit_text
from tracker.tui.screens.notes import NotesScreen
from tracker.tui.widgets.node_details import NodeDetails


def test_notes_autosave_after_a_pause_and_render_literally(make_app, store):
    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            app.jump_to("perceptron")
            await wait_for(pilot, lambda: app.selected == "perceptron")
            await pilot.press("e")
            await wait_for(pilot, lambda: isinstance(app.screen, NotesScreen))
            await pilot.press(*"# Idea", "enter", *"[red]not markup[/] *emph*")
            body = "# Idea\n[red]not markup[/] *emph*"
            await wait_for(pilot, lambda: [n.body for n in store.notes(["perceptron"])] == [body], timeout=5)
            await pilot.press("escape")
            details = app.screen.query_one(NodeDetails)
            notes = details.query_one("#details-notes")
            await wait_for(pilot, lambda: "not markup" in notes.source)
            assert notes.source == body
            await pilot.pause(0.2)
            shown = screen_text(app)
            assert "[red]not markup[/] emph" in shown and "# Idea" not in shown  # markdown, not markup

    asyncio.run(main())


def test_no_keystroke_is_lost_when_the_app_quits_mid_edit(make_app, store):
    store.add_note("backprop", "old")

    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            app.jump_to("backprop")
            await wait_for(pilot, lambda: app.selected == "backprop")
            await pilot.press("e")
            await wait_for(pilot, lambda: isinstance(app.screen, NotesScreen))
            assert app.screen.editor.text == "old"
            await pilot.press(*" and new")
            await pilot.press("ctrl+q")  # quits well inside the autosave delay

    asyncio.run(main())
    assert [n.body for n in store.notes(["backprop"])] == ["old and new"]


def test_external_editor_round_trip_and_headless_refusal(make_app, tmp_path, monkeypatch, store):
    editor = tmp_path / "fake_editor.py"
    seen = tmp_path / "seen.txt"
    editor.write_text(f"import shutil, sys\np = sys.argv[1]\nshutil.copy(p, {str(seen)!r})\n"
                      "open(p, 'a').write('edited\\n')\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    monkeypatch.delenv("VISUAL", raising=False)
    assert edit_text("body") == "body\nedited\n"
    assert seen.read_text() == "body\n"  # the temporary file ends with a newline, as editors expect
    assert edit_text("two\nlines\n") == "two\nlines\nedited\n" and seen.read_text() == "two\nlines\n"
    untouched = tmp_path / "untouched.py"
    untouched.write_text("")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {untouched}")
    assert edit_text("body") == "body"  # only the newline the file needed: the text comes back unchanged

    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            await pilot.press("E")
            assert any("cannot suspend" in n.message for n in app._notifications)
            assert store.notes() == []

    asyncio.run(main())
