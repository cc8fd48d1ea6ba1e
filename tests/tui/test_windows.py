"""Several windows on one database: marks made elsewhere show up, undo keeps to this window's marks,
and a note edited in two places keeps both versions.

The other window is a real process on the same SQLite file. This test process
reads the file only through sqlite3 connections while the app runs: opening
it any other way (``open()``, or ``open_store``'s header check) and closing it
drops every SQLite lock the process holds on it (POSIX locks are per
process), and the other process would then remove the WAL under the app.
"""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.tui.helpers import loaded, settle, wait_for
from tracker.tui.screens.confirm import ConfirmScreen
from tracker.tui.screens.notes import NotesScreen
from tracker.tui.widgets.node_details import NodeDetails
from tracker.tui.widgets.topic_tree import TopicTree

TRACKER = str(Path(sys.executable).parent / "tracker")


def tracker(graph_dir, db_path, *args: str) -> None:
    """The real command line, in its own process (another "window" on the same file)."""
    subprocess.run([TRACKER, *args, "--graph-data", str(graph_dir), "--db", str(db_path)], check=True,
                   capture_output=True, timeout=60)


def elsewhere(db_path, code: str) -> None:
    """Python run against the store in its own process: ``store`` is an open Store."""
    program = f"from tracker.store import open_store\nwith open_store({str(db_path)!r}) as store:\n    {code}\n"
    subprocess.run([sys.executable, "-c", program], check=True, capture_output=True, timeout=60)


def rows(db_path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def statuses(db_path) -> dict[str, str]:
    return dict(rows(db_path, "SELECT node_id, status FROM progress"))


def notes(db_path, node_id: str) -> list[str]:
    return [b for (b,) in rows(db_path, f"SELECT body FROM notes WHERE node_id = '{node_id}' ORDER BY id")]


def labels_of(tree, node_id):
    return [row.label.plain for row in tree._rows.get(node_id, [])]


def test_marks_and_notes_made_by_another_process_show_up(make_app, graph_dir, db_path):
    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            tree = app.screen.query_one(TopicTree)
            app.jump_to("perceptron")
            await wait_for(pilot, lambda: app.selected == "perceptron")
            await settle(pilot)
            assert labels_of(tree, "basics") == ["Basics  0/4"]
            tracker(graph_dir, db_path, "mark", "perceptron", "read")
            await wait_for(pilot, lambda: labels_of(tree, "perceptron") == ["[x] The Perceptron  paper"], timeout=10)
            assert labels_of(tree, "basics") == ["Basics  1/4"] and app.session.status("perceptron") == "read"
            details = app.screen.query_one(NodeDetails)
            tracker(graph_dir, db_path, "note", "perceptron", "-m", "written in another window")
            def note_shown() -> bool:
                shown = details.query("#details-notes")
                return bool(shown) and "another window" in shown.first().source

            await wait_for(pilot, note_shown, timeout=10)
            tracker(graph_dir, db_path, "mark", "--undo", "perceptron")
            await wait_for(pilot, lambda: labels_of(tree, "basics") == ["Basics  0/4"], timeout=10)

    asyncio.run(main())


def test_undo_undoes_only_this_windows_marks_and_asks_about_later_changes(make_app, graph_dir, db_path):
    tracker(graph_dir, db_path, "mark", "markup-title", "read")  # from before this window: z leaves it alone

    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            await pilot.press("z")
            await settle(pilot)
            assert statuses(db_path) == {"markup-title": "read"}
            assert any(n.message.startswith("nothing to undo in this window") for n in app._notifications)
            app.jump_to("backprop")
            await wait_for(pilot, lambda: app.selected == "backprop")
            await pilot.press("i")
            await settle(pilot)
            tracker(graph_dir, db_path, "mark", "backprop", "read")  # another window, after ours
            await pilot.press("z")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            question = str(app.screen.query_one("#confirm-question").render())
            assert "you marked it reading here" in question and "changed elsewhere" in question
            assert "to read at" in question and "Set it back to unread" in question
            await pilot.press("n")
            await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
            await settle(pilot)
            assert statuses(db_path)["backprop"] == "read"  # their change stands
            await pilot.press("z")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press("y")
            await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
            await settle(pilot)
            assert statuses(db_path) == {"markup-title": "read", "backprop": "unread"}
            history = rows(db_path, "SELECT from_status, to_status, is_undo FROM status_history "
                                    "WHERE node_id = 'backprop' ORDER BY id")
            assert history == [("unread", "reading", 0), ("reading", "read", 0), ("read", "unread", 0)]
            await pilot.press("z")  # nothing of this window's is left
            await settle(pilot)
            assert statuses(db_path)["markup-title"] == "read"

    asyncio.run(main())


def test_the_note_editor_notices_an_edit_made_elsewhere_and_keeps_both(make_app, graph_dir, db_path):
    tracker(graph_dir, db_path, "note", "backprop", "-m", "old")
    [(uid,)] = rows(db_path, "SELECT uid FROM notes")

    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            app.jump_to("backprop")
            await wait_for(pilot, lambda: app.selected == "backprop")
            await pilot.press("e")
            await wait_for(pilot, lambda: isinstance(app.screen, NotesScreen))
            editor_screen = app.screen
            elsewhere(db_path, f"store.update_note({uid!r}, 'old, edited elsewhere')")  # another window saves first
            await pilot.press(*" and mine")
            await wait_for(pilot, lambda: editor_screen.conflict is not None, timeout=5)
            assert notes(db_path, "backprop") == ["old, edited elsewhere"]  # not written over
            assert editor_screen.query_one("#note-conflict").display
            assert editor_screen.query_one("#note-theirs").text == "old, edited elsewhere"
            assert editor_screen.editor.text == "old and mine"
            await pilot.press(*" more")
            await pilot.pause(0.8)  # autosave waits while the question is open
            assert notes(db_path, "backprop") == ["old, edited elsewhere"]
            await pilot.press("ctrl+b")  # keep both
            await settle(pilot)
            assert notes(db_path, "backprop") == ["old, edited elsewhere", "old and mine more"]
            assert not editor_screen.query_one("#note-conflict").display
            await pilot.press(*"!")
            await wait_for(pilot, lambda: notes(db_path, "backprop")[-1] == "old and mine more!",
                           timeout=5)  # the editor now works on its own note
            mine = rows(db_path, "SELECT uid FROM notes ORDER BY id")[-1][0]
            elsewhere(db_path, f"store.update_note({mine!r}, 'changed again elsewhere')")
            await pilot.press(*"?")
            await wait_for(pilot, lambda: editor_screen.conflict is not None, timeout=5)
            await pilot.press("ctrl+k")  # keep the editor's text over theirs: the user chose
            await settle(pilot)
            assert notes(db_path, "backprop") == ["old, edited elsewhere", "old and mine more!?"]
            elsewhere(db_path, f"store.update_note({mine!r}, 'and once more')")
            await pilot.press(*".")
            await wait_for(pilot, lambda: editor_screen.conflict is not None, timeout=5)
            await pilot.press("escape")  # leaving with the question open keeps both
            await wait_for(pilot, lambda: not isinstance(app.screen, NotesScreen))
            assert notes(db_path, "backprop") == ["old, edited elsewhere", "and once more",
                                                                   "old and mine more!?."]

    asyncio.run(main())


def test_the_open_note_editor_follows_or_asks_without_waiting_for_a_save(make_app, graph_dir, db_path):
    tracker(graph_dir, db_path, "note", "backprop", "-m", "old")
    [(uid,)] = rows(db_path, "SELECT uid FROM notes")

    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            app.jump_to("backprop")
            await wait_for(pilot, lambda: app.selected == "backprop")
            await pilot.press("e")
            await wait_for(pilot, lambda: isinstance(app.screen, NotesScreen))
            editor_screen = app.screen
            elsewhere(db_path, f"store.update_note({uid!r}, 'new from elsewhere')")
            # nothing typed here: the editor follows the other window
            await wait_for(pilot, lambda: editor_screen.editor.text == "new from elsewhere", timeout=10)
            assert editor_screen.conflict is None
            await pilot.press(*" and mine")
            await wait_for(pilot, lambda: notes(db_path, "backprop") == ["new from elsewhere and mine"], timeout=5)
            await pilot.press(*" unsaved")
            elsewhere(db_path, f"store.update_note({uid!r}, 'edited again elsewhere')")
            await wait_for(pilot, lambda: editor_screen.conflict is not None, timeout=10)  # asked at once
            assert notes(db_path, "backprop") == ["edited again elsewhere"]
            await pilot.press("ctrl+t")  # keep theirs
            await settle(pilot)
            assert editor_screen.editor.text == "edited again elsewhere" and editor_screen.conflict is None
            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, NotesScreen))
            assert notes(db_path, "backprop") == ["edited again elsewhere"]

    asyncio.run(main())
