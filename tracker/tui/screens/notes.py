"""Editing one node's notes in a markdown text area, saved as you type.

Saves run in a thread (a locked database must not stall typing) after a
short pause in typing, on Ctrl+S and Esc, and once more, synchronously, when
the screen goes away for any reason, the app quitting included: no keystroke
is lost. A lock serialises saves, so the first one creates the note and the
rest update it.

Each save replaces only the version the editor last read or wrote (the
store's compare-and-set on ``updated_at``). When another window or the
command line changed the note meanwhile, saving stops and both versions are
shown: keep yours (edited into a merge if you like), keep theirs, or keep
both as two notes. Leaving with the question open keeps both.
"""

from __future__ import annotations

import threading
from importlib.util import find_spec

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.timer import Timer
from textual.containers import Vertical
from textual.widgets import Footer, Header, Static, TextArea
from textual.worker import Worker, WorkerState

from ...errors import UserError
from ...store.api import NoteConflict
from ..bindings import CONFLICT_BINDINGS, NOTES_BINDINGS
from ..literal import literal, local_date
from ..session import EditedNote
from ..footer_order import FooterOrder

AUTOSAVE_DELAY_S = 0.5


def markdown_highlighting() -> bool:
    """TextArea highlights markdown only with tree-sitter and its markdown grammar installed."""
    return find_spec("tree_sitter") is not None and find_spec("tree_sitter_markdown") is not None


class NotesScreen(FooterOrder, Screen):
    BINDINGS = NOTES_BINDINGS + CONFLICT_BINDINGS
    TITLE = "Notes"

    def __init__(self, note: EditedNote, conflict: NoteConflict | None = None) -> None:
        super().__init__()
        self.note = note  # the stored version the editor's text replaces
        self.conflict: NoteConflict | None = None
        self._opened_with = conflict
        self._timer: Timer | None = None
        self._save_lock = threading.Lock()

    @property
    def node_id(self) -> str:
        return self.note.node_id

    @property
    def saved_body(self) -> str:
        return self.note.body

    def compose(self) -> ComposeResult:
        session = self.app.session
        yield Header()
        heading = Text("Notes on ", style="dim")
        heading.append_text(literal(session.view.title(self.node_id), "bold"))
        yield Static(heading, classes="screen-heading")
        body = self._opened_with.mine if self._opened_with is not None else self.note.body
        if markdown_highlighting():
            editor = TextArea.code_editor(body, language="markdown", soft_wrap=True, id="note-editor")
            mode = "markdown"
        else:
            editor = TextArea(body, soft_wrap=True, id="note-editor")
            mode = "plain text (markdown highlighting needs tree-sitter: pip install 'textual[syntax]')"
        self._editor = editor  # kept: on unmount the widget is already out of the DOM, its text is not
        yield editor
        with Vertical(id="note-conflict"):
            yield Static(id="note-conflict-heading")
            yield TextArea("", read_only=True, soft_wrap=True, id="note-theirs")
        self._mode = mode
        yield Static(Text(f"Saved as you type · {mode} · Esc returns", style="dim"), id="note-status",
                     classes="hint")
        yield Footer(show_command_palette=False)  # / opens it, and the footer needs the room

    @property
    def editor(self) -> TextArea:
        return self._editor

    def on_mount(self) -> None:
        self.query_one("#note-conflict").display = False
        self.editor.focus()
        self.editor.move_cursor(self.editor.document.end)
        if self._opened_with is not None:
            self.show_conflict(self._opened_with)
        self.app.details_signal.subscribe(self, self._maybe_changed_elsewhere)
        self._show_sharing()

    def _maybe_changed_elsewhere(self, _node_id: str) -> None:
        """The database changed (the app's watch): if it was this note, follow it or ask, without waiting
        for the next save to find out."""
        note = self.note
        if self.conflict is not None or note.uid is None or not self._save_lock.acquire(blocking=False):
            return  # a save in flight settles it either way
        conflict = None
        try:
            session = self.app.session
            stored = next((n for n in session.store.notes(session.view.stored_ids(self.node_id))
                           if n.uid == note.uid), None)
            if stored is None or stored.updated_at == note.updated_at:
                return
            if self.editor.text == note.body:  # nothing typed since the last save: just show theirs
                self.note = EditedNote(self.node_id, stored.uid, stored.body, stored.updated_at)
                self.editor.text = stored.body
                self.editor.move_cursor(self.editor.document.end)
                self.app.notify("this note was changed elsewhere: the editor shows the new version",
                                markup=False)
            else:
                conflict = NoteConflict(note.uid, self.editor.text, stored, note.updated_at)
        except UserError as err:
            self.app.report(err)
        finally:
            self._save_lock.release()
        if conflict is not None:
            self.show_conflict(conflict)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area is not self.editor:
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(AUTOSAVE_DELAY_S, self.save_soon)

    def save_now(self, body: str) -> bool:
        """Write ``body`` unless already saved; True if it was written. Safe from any thread.

        Raises ``NoteConflict`` when the note changed elsewhere since it was
        read; while that is unresolved nothing is written.
        """
        with self._save_lock:
            if self.conflict is not None or body == self.note.body:
                return False
            self.note = self.app.session.save_note(self.note, body)
            return True

    def save_soon(self) -> None:
        """Save in a worker thread; the result comes back as a worker state change."""
        if self.conflict is None and self.editor.text != self.note.body:
            body = self.editor.text
            self.run_worker(lambda: self.save_now(body), thread=True, group="notes", exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "notes":
            return
        if event.state == WorkerState.SUCCESS and event.worker.result:
            self.app.details_signal.publish(self.node_id)
        elif event.state == WorkerState.ERROR:
            if isinstance(event.worker.error, NoteConflict):
                self.show_conflict(event.worker.error)
            else:
                self.app.report(event.worker.error)

    # a note changed elsewhere ----------------------------------------------------------
    def show_conflict(self, conflict: NoteConflict) -> None:
        """Stop saving and show the other version beside this one; the user picks (or merges by editing)."""
        self.conflict = conflict
        theirs = conflict.theirs
        heading = Text.assemble(
            ("This note was changed elsewhere ", "bold yellow"),
            (f"at {local_date(theirs.updated_at)} {theirs.updated_at.astimezone():%H:%M}", "yellow"),
            (" while you edited it. Nothing is saved until you choose. Their version is below; yours is "
             "above (edit it to merge).", ""))
        self.query_one("#note-conflict-heading", Static).update(heading)
        self.query_one("#note-theirs", TextArea).text = theirs.body
        self.query_one("#note-conflict").display = True
        self.query_one("#note-status", Static).update(Text(
            "ctrl+k keeps the text above · ctrl+t keeps theirs · ctrl+b keeps both (yours as a new note)",
            style="bold"))
        self.refresh_bindings()

    def _resolved(self, message: str) -> None:
        self.conflict = None
        self.query_one("#note-conflict").display = False
        self.query_one("#note-status", Static).update(Text(f"Saved as you type · {self._mode} · Esc returns",
                                                            style="dim"))
        self.refresh_bindings()
        self.app.details_signal.publish(self.node_id)
        self.app.notify(message, markup=False)

    def action_keep_mine(self) -> None:
        conflict = self.conflict
        if conflict is None:
            return
        body = self.editor.text
        theirs = EditedNote(self.node_id, conflict.uid, conflict.theirs.body, conflict.theirs.updated_at)
        try:
            with self._save_lock:
                self.note = self.app.session.save_note(theirs, body)  # over the version just shown, only
        except NoteConflict as again:
            self.show_conflict(again)
            return
        except UserError as err:
            self.app.report(err)
            return
        self._resolved("kept your text over theirs")

    def action_keep_theirs(self) -> None:
        conflict = self.conflict
        if conflict is None:
            return
        with self._save_lock:
            self.note = EditedNote(self.node_id, conflict.uid, conflict.theirs.body, conflict.theirs.updated_at)
        self.editor.text = conflict.theirs.body
        self._resolved("kept their version; your text was discarded")

    def action_keep_both(self) -> None:
        if self.conflict is None:
            return
        if self._keep_both():
            self._resolved("kept both: yours is now a note of its own")

    def _keep_both(self) -> bool:
        """Yours as a new note beside theirs (what leaving an unresolved conflict does)."""
        body = self.editor.text
        try:
            with self._save_lock:
                if body.strip():
                    self.note = self.app.session.add_note(self.node_id, body)
                self.conflict = None
        except UserError as err:
            self.app.report(err)
            return False
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("keep_mine", "keep_theirs", "keep_both"):
            return self.conflict is not None
        return True

    # leaving ---------------------------------------------------------------------------
    def _save_before_leaving(self) -> bool:
        try:
            if self.conflict is not None:
                if not self._keep_both():
                    return False
                self.app.notify("the note had changed elsewhere: kept both versions, yours as a new note",
                                markup=False)
                self.app.details_signal.publish(self.node_id)
                return True
            if self.save_now(self.editor.text):
                self.app.details_signal.publish(self.node_id)
        except NoteConflict as conflict:
            self.show_conflict(conflict)
            return False
        except UserError as err:
            self.app.report(err)
            return False
        return True

    def action_save(self) -> None:
        self.save_soon()

    def action_toggle_shared(self) -> None:
        """Share the note with the study group, or make it private again (saving the text first)."""
        try:
            with self._save_lock:
                if self.conflict is not None:
                    return
                if self.editor.text != self.note.body:
                    self.note = self.app.session.save_note(self.note, self.editor.text)
                self.note = self.app.session.share_note(self.note, not self.note.shared)
        except NoteConflict as conflict:
            self.show_conflict(conflict)
            return
        except UserError as err:
            self.app.report(err)
            return
        self._show_sharing()
        self.app.details_signal.publish(self.node_id)

    def _show_sharing(self) -> None:
        who = "shared with your study group" if self.note.shared else "private"
        self.query_one("#note-status", Static).update(
            Text(f"Saved as you type · {self._mode} · {who} (Ctrl+G changes) · Esc returns", style="dim"))

    def action_close(self) -> None:
        if self._save_before_leaving():
            self.dismiss()

    def on_unmount(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        if self.conflict is None:
            try:
                if self.save_now(self.editor.text):
                    return
            except NoteConflict as conflict:
                self.conflict = conflict  # leaving for good: keep both, below
            except UserError as err:
                self.app.report(err)
                return
        if self.conflict is not None:
            self._keep_both()
