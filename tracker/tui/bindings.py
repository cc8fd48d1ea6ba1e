"""Every key binding, each with an id so a user's keymap.toml can move it.

Kept in one place so the help screen and the keymap loader see the same
list the app and screens use.
"""

from __future__ import annotations

from textual.binding import Binding

APP_BINDINGS = [
    Binding("q", "quit", "Quit", id="quit"),
    Binding("question_mark", "help", "Help", key_display="?", id="help"),
    Binding("slash", "search", "Search", key_display="/", id="search"),  # ctrl+p stays the palette key too
    Binding("b", "show_mode('browse')", "Browse", id="show_browse"),
    Binding("n", "show_mode('next')", "Next up", id="show_next"),
    Binding("d", "show_mode('dashboard')", "Dashboard", id="show_dashboard"),
    Binding("l", "show_mode('run')", "Runs", id="show_runs"),
    Binding("r", "mark('read')", "Read", id="mark_read"),
    Binding("i", "mark('reading')", "Reading", id="mark_reading"),
    Binding("s", "mark('skipped')", "Skip", id="mark_skipped"),
    Binding("u", "mark('unread')", "Unread", id="mark_unread"),
    Binding("z", "undo", "Undo", id="undo"),
    Binding("e", "edit_notes", "Notes", id="edit_notes"),
    Binding("E", "edit_external", "Notes in $EDITOR", show=False, id="edit_external"),
    Binding("o", "open_link", "Open link", id="open_link"),
    Binding("p", "learning_path", "Path", id="learning_path"),
    Binding("x", "run('demo', True)", "Quick demo", id="run_demo_quick"),
    Binding("X", "run('demo', False)", "Full demo", show=False, id="run_demo"),
    Binding("t", "run('test')", "Tests", id="run_tests"),
    Binding("c", "cancel_run", "Cancel run", id="cancel_run"),
]

BROWSE_BINDINGS = [
    Binding("f", "toggle_done", "Hide done", id="filter_done"),
    Binding("k", "cycle_kind", "Kind filter", id="filter_kind"),
]

NOTES_BINDINGS = [
    Binding("escape", "close", "Done", id="close_notes", priority=True),  # the code editor would take escape first
    Binding("ctrl+s", "save", "Save", id="save_notes"),
]

PATH_BINDINGS = [Binding("escape", "dismiss", "Close", id="close_path")]

HELP_BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close", id="close_help")]

ALL_BINDINGS = APP_BINDINGS + BROWSE_BINDINGS + NOTES_BINDINGS + PATH_BINDINGS + HELP_BINDINGS
BINDING_IDS = {b.id for b in ALL_BINDINGS if b.id}
