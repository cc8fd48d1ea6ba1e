"""Every key binding, each with an id so a user's keymap.toml can move it.

Kept in one place so the help screen, the keymap loader and the README's
key table see the same list the app and screens use.

One key scheme: the arrow keys move (Left and Right fold and unfold the
tree, as in every tree widget), Enter opens, and letters are commands; no
half-vim letters. Keys that act on the highlighted node sit on the screens
that show nodes, ahead of the app's own keys, so the footer lists them
first and leaves them out where no node is shown.
"""

from __future__ import annotations

from textual.binding import Binding

MARK = Binding.Group("Mark")
RUN = Binding.Group("Run")

APP_BINDINGS = [
    Binding("c", "cancel_run", "Cancel run", id="cancel_run"),  # first of these: shown only during a run
    Binding("z", "undo", "Undo", id="undo"),
    Binding("b", "show_mode('browse')", "Browse", id="show_browse"),
    Binding("n", "show_mode('next')", "Next", id="show_next"),
    Binding("d", "show_mode('dashboard')", "Stats", id="show_dashboard"),
    Binding("l", "show_mode('run')", "Runs", id="show_runs"),
    Binding("w", "review", "Review", id="review"),
    Binding("N", "notes_list", "Notes", show=False, id="notes_list"),  # every note, recent first
    Binding("left_square_bracket", "history_back", "Back", key_display="[", show=False, id="history_back"),
    Binding("right_square_bracket", "history_forward", "Forward", key_display="]", show=False,
            id="history_forward"),
    Binding("slash", "search", "Search", key_display="/", id="search"),  # ctrl+p stays the palette key too
    Binding("question_mark", "help", "Help", key_display="?", id="help"),
    Binding("q", "quit", "Quit", id="quit"),
]

# On every screen that shows nodes (browse, next up, the learning path); "app." runs them on the app.
NODE_BINDINGS = [
    Binding("r", "app.mark('read')", "Read", id="mark_read", group=MARK),
    Binding("i", "app.mark('reading')", "Reading", id="mark_reading", group=MARK),
    Binding("s", "app.mark('skipped')", "Skip", id="mark_skipped", group=MARK),
    Binding("u", "app.mark('unread')", "Unread", id="mark_unread", group=MARK),
    Binding("e", "app.edit_notes", "Note", id="edit_notes"),
    Binding("E", "app.edit_external", "Note in $EDITOR", show=False, id="edit_external"),
    Binding("o", "app.open_link", "Open", id="open_link"),
    Binding("p", "app.learning_path", "Path", id="learning_path"),
    Binding("x", "app.run('demo', True)", "Quick demo", id="run_demo_quick", group=RUN),
    Binding("X", "app.run('demo', False)", "Full demo", id="run_demo", group=RUN),
    Binding("t", "app.run('test')", "Tests", id="run_tests", group=RUN),
    Binding("a", "app.review_add", "Review later", show=False, id="review_add"),  # the toast after r names it
    Binding("G", "app.local_graph", "Local graph", show=False, id="local_graph"),
    Binding("O", "app.flip_role", "Core/optional", show=False, id="flip_role"),  # its toast says what changed
]

BROWSE_BINDINGS = [
    Binding("f", "toggle_done", "Hide done", id="filter_done"),
    Binding("K", "pick_kind", "Kinds", id="filter_kind"),
    Binding("T", "toggle_by_topic", "By topic", show=False, id="tree_by_topic"),  # the palette names it too
    # priority: the tree's own space (fold/unfold, also on Enter and the arrows) must not take it first
    Binding("space", "toggle_select", "Select", show=False, id="toggle_select", priority=True),
    Binding("M", "bulk_mark", "Bulk mark", show=False, id="bulk_mark"),
]

TREE_BINDINGS = [
    Binding("left", "fold", "Fold, or go to the parent", show=False, id="tree_fold"),
    Binding("right", "unfold", "Unfold, or go to the first child", show=False, id="tree_unfold"),
]

NOTES_BINDINGS = [
    Binding("escape", "close", "Done", id="close_notes", priority=True),  # the code editor would take escape first
    Binding("ctrl+s", "save", "Save", id="save_notes"),
    Binding("ctrl+g", "toggle_shared", "Share", id="share_note"),  # private by default; the group sees shared ones
]

CONFLICT_BINDINGS = [
    Binding("ctrl+k", "keep_mine", "Keep mine", id="conflict_keep_mine", priority=True),
    Binding("ctrl+t", "keep_theirs", "Keep theirs", id="conflict_keep_theirs", priority=True),
    Binding("ctrl+b", "keep_both", "Keep both", id="conflict_keep_both", priority=True),
]

PATH_BINDINGS = [
    Binding("escape", "dismiss", "Close", id="close_path"),
    Binding("h", "toggle_optional", "Optional steps", show=False, id="path_optional"),  # the heading names it
]

LOCAL_GRAPH_BINDINGS = [Binding("escape", "dismiss", "Close", id="close_local_graph")]

RUN_PANEL_BINDINGS = [  # enter on a history row reopens that run (the table's own key)
    Binding("v", "compare_runs", "Compare", id="run_compare"),
    Binding("escape", "show_current_run", "Current run", id="run_current"),
]

HELP_BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close", id="close_help")]

PICKER_BINDINGS = [Binding("escape", "dismiss", "Close", id="close_picker")]

CONFIRM_BINDINGS = [
    Binding("y", "answer(True)", "Yes", id="confirm_yes"),
    Binding("n,escape", "answer(False)", "No", id="confirm_no"),
]

REVIEW_BINDINGS = [
    Binding("space,enter", "reveal", "Show answer", id="review_reveal"),
    Binding("1", "rate(1)", "Again", id="review_again"),
    Binding("2", "rate(2)", "Hard", id="review_hard"),
    Binding("3", "rate(3)", "Good", id="review_good"),
    Binding("4", "rate(4)", "Easy", id="review_easy"),
    Binding("u", "undo_rating", "Undo rating", id="review_undo"),
    Binding("escape", "dismiss", "Close", id="close_review"),
]

PLAN_BINDINGS = [Binding("escape", "dismiss", "Close", id="close_plan")]

NOTES_LIST_BINDINGS = [Binding("escape", "dismiss", "Close", id="close_notes_list")]

# (section, bindings) as the help screen and the README list them.
SECTIONS = [
    ("On a highlighted node", NODE_BINDINGS), ("Everywhere", APP_BINDINGS), ("Browse", BROWSE_BINDINGS),
    ("Topic tree", TREE_BINDINGS), ("Notes editor", NOTES_BINDINGS), ("Note changed elsewhere", CONFLICT_BINDINGS),
    ("Learning path", PATH_BINDINGS), ("Local graph", LOCAL_GRAPH_BINDINGS), ("Run panel", RUN_PANEL_BINDINGS),
    ("Kind picker", PICKER_BINDINGS),
    ("Questions", CONFIRM_BINDINGS), ("Review", REVIEW_BINDINGS), ("Weekly plan", PLAN_BINDINGS),
    ("Notes list", NOTES_LIST_BINDINGS),
    ("This help", HELP_BINDINGS),
]
ALL_BINDINGS = [b for _, bindings in SECTIONS for b in bindings]
BINDING_IDS = {b.id for b in ALL_BINDINGS if b.id}
