"""Editing one node's notes in a markdown text area, saved as you type.

Saves run in a thread (a locked database must not stall typing) after a
short pause in typing, on Ctrl+S and Esc, and once more, synchronously, when
the screen goes away for any reason, the app quitting included: no keystroke
is lost. A lock serialises saves, so the first one creates the note and the
rest update it.
"""

from __future__ import annotations

import threading
from importlib.util import find_spec

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Static, TextArea
from textual.worker import Worker, WorkerState

from ...errors import UserError
from ..bindings import NOTES_BINDINGS
from ..literal import literal

AUTOSAVE_DELAY_S = 0.5


def markdown_highlighting() -> bool:
    """TextArea highlights markdown only with tree-sitter and its markdown grammar installed."""
    return find_spec("tree_sitter") is not None and find_spec("tree_sitter_markdown") is not None


class NotesScreen(Screen):
    BINDINGS = NOTES_BINDINGS
    TITLE = "Notes"

    def __init__(self, node_id: str, uid: str | None, body: str) -> None:
        super().__init__()
        self.node_id = node_id
        self.uid = uid
        self.saved_body = body
        self._timer: Timer | None = None
        self._save_lock = threading.Lock()

    def compose(self) -> ComposeResult:
        session = self.app.session
        yield Header()
        heading = Text("Notes on ", style="dim")
        heading.append_text(literal(session.view.title(self.node_id), "bold"))
        yield Static(heading, classes="screen-heading")
        if markdown_highlighting():
            editor = TextArea.code_editor(self.saved_body, language="markdown", soft_wrap=True, id="note-editor")
            mode = "markdown"
        else:
            editor = TextArea(self.saved_body, soft_wrap=True, id="note-editor")
            mode = "plain text (markdown highlighting needs tree-sitter: pip install 'textual[syntax]')"
        self._editor = editor  # kept: on unmount the widget is already out of the DOM, its text is not
        yield editor
        yield Static(Text(f"Saved as you type · {mode} · Esc returns", style="dim"), id="note-status",
                     classes="hint")
        yield Footer()

    @property
    def editor(self) -> TextArea:
        return self._editor

    def on_mount(self) -> None:
        self.editor.focus()
        self.editor.move_cursor(self.editor.document.end)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(AUTOSAVE_DELAY_S, self.save_soon)

    def save_now(self, body: str) -> bool:
        """Write ``body`` unless already saved; True if it was written. Safe from any thread."""
        with self._save_lock:
            if body == self.saved_body:
                return False
            self.uid = self.app.session.save_note(self.node_id, self.uid, body)
            self.saved_body = body
            return True

    def save_soon(self) -> None:
        """Save in a worker thread; the result comes back as a worker state change."""
        if self.editor.text != self.saved_body:
            body = self.editor.text
            self.run_worker(lambda: self.save_now(body), thread=True, group="notes", exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "notes":
            return
        if event.state == WorkerState.SUCCESS and event.worker.result:
            self.app.details_signal.publish(self.node_id)
        elif event.state == WorkerState.ERROR:
            self.app.report(event.worker.error)

    def _save_before_leaving(self) -> bool:
        try:
            if self.save_now(self.editor.text):
                self.app.details_signal.publish(self.node_id)
        except UserError as err:
            self.app.report(err)
            return False
        return True

    def action_save(self) -> None:
        self.save_soon()

    def action_close(self) -> None:
        if self._save_before_leaving():
            self.dismiss()

    def on_unmount(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._save_before_leaving()
