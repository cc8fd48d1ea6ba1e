"""What the keys do to the highlighted node: mark, undo, notes, links, the learning path.

Mixed into the app. The node is ``app.selected``: the row highlighted now on
the screen in front (the tree, the next-up list, the learning path), read
synchronously when the key is handled. Where no node is shown (the
dashboard, the run panel) these keys are off and out of the footer.
"""

from __future__ import annotations

from textual import work

from ..errors import UserError
from ..text import is_safe_url
from .literal import local_date
from .session import BatchMark

NODE_ACTIONS = ("mark", "edit_notes", "edit_external", "open_link", "learning_path", "run", "review_add",
                "local_graph", "flip_role")


class NodeActions:
    """Mixed into the app; ``self`` is the ``TrackerApp``."""

    def node_action_allowed(self, action: str, node_id: str | None) -> bool | None:
        """For ``check_action``: False hides the key (nothing selected here), None shows it disabled."""
        if not self.session.loaded or node_id is None:
            return False
        graph = self.session.graph
        if node_id not in graph.nodes:  # the "not filed under a topic" group
            return None if action == "mark" else False
        if action == "mark":
            return True if self.session.markable(node_id) else None
        if action == "open_link":
            return True if self.session.view.primary_url(node_id) else None
        if action == "run":
            return bool(graph.nodes[node_id].implementation)
        if action in ("review_add", "flip_role"):
            return True if self.session.markable(node_id) else None
        return True

    def _title(self, node_id: str) -> str:
        return self.session.view.title(node_id)

    def _shown_node(self) -> str | None:
        """The highlighted node, or None with a word why (the palette's commands reach here from anywhere)."""
        node_id = self.selected
        if node_id is None and self.session.loaded:
            self.warn("no node is highlighted here: pick one in the tree, next up or a learning path")
        return node_id if node_id is not None and node_id in self.session.graph.nodes else None

    def action_mark(self, status: str) -> None:
        node_id = self._shown_node()  # read now: a highlight message still queued must not decide the row
        if node_id is None:
            return
        if not self.session.markable(node_id):
            self.warn("a topic is tracked through its items: mark those instead")
            return
        at = self.clock()
        title = self._title(node_id)

        def marked(change) -> None:
            if change is None:
                self.warn(f"{title} is already {status}")
                return
            self.progress_signal.publish([node_id])
            self.refresh_bindings()
            offer = self.review_offer(node_id) if status == "read" else None
            if offer:  # its own toast, so the mark's toast still says only what the mark did
                self.notify(offer, markup=False, timeout=6)
            self.notify(f"{title} → {status}   (z undoes)", markup=False, timeout=4)

        self.write(lambda: self.session.mark(node_id, status, at=at), marked)

    def action_undo(self) -> None:
        if not self.session.loaded:
            return
        self.write(self.session.undo, self._undone)

    def _undone(self, result) -> None:
        self.refresh_bindings()
        if result.mark is None:
            self.warn("nothing to undo in this window (tracker mark --undo ID undoes any change)")
            return
        if isinstance(result.mark, BatchMark):  # a bulk mark: undone as one (continuity.py)
            self.batch_undone(result)
            return
        mark = result.mark
        title = self._title(mark.node_id) if mark.node_id in self.session.graph.nodes else mark.node_id
        if result.since is not None:
            since = result.since
            from .screens.confirm import ConfirmScreen

            question = (f"{title}: you marked it {mark.to_status} here, but since then it was changed elsewhere "
                        f"(another window or tracker mark) to {since.to_status} at {local_date(since.at)} "
                        f"{since.at.astimezone():%H:%M}.\n\nSet it back to {mark.from_status}, "
                        f"as it was before your mark?")

            def answered(yes: bool | None) -> None:
                if yes:
                    self.write(lambda: self.session.undo(anyway=True), self._undone)
                else:
                    self.notify(f"kept {title} as {since.to_status}", markup=False)

            self.push_screen(ConfirmScreen(question, yes="Set it back", no="Keep it"), answered)
            return
        if result.changed:
            self.progress_signal.publish([mark.node_id])
        self.notify(f"undone: {title} is {self.session.status(mark.node_id)} again", markup=False)

    def action_open_link(self) -> None:
        node_id = self._shown_node()
        if node_id is not None:
            self.open_link(self.session.view.primary_url(node_id))

    def open_link(self, url: str | None) -> None:
        """Open http(s) links in the browser (never through a shell); refuse anything else."""
        if not url:
            self.warn("this node has no link")
        elif not is_safe_url(url):
            self.warn(f"not opening {url!r}: only http and https links are opened")
        else:
            self._open_in_browser(url.strip())

    @work(thread=True, group="browser", exit_on_error=False)
    def _open_in_browser(self, url: str) -> None:
        from .browser import open_in_browser

        opened = open_in_browser(url)
        self.call_from_thread(self._link_opened, url, opened)

    def _link_opened(self, url: str, opened: bool) -> None:
        if opened:
            self.notify(f"opened {url}", markup=False)
            return
        self.copy_to_clipboard(url)  # OSC 52: most terminals put it on the clipboard, over SSH too
        self.notify(f"no web browser found here: copied the link to the clipboard\n{url}", markup=False,
                    severity="warning", timeout=8)

    def action_edit_notes(self) -> None:
        node_id = self._shown_node()
        if node_id is None:
            return
        try:
            note = self.session.editable_note(node_id)
        except UserError as err:
            self.report(err)
            return
        from .screens.notes import NotesScreen

        self.push_screen(NotesScreen(note))

    def action_edit_external(self) -> None:
        """Edit the note in $VISUAL/$EDITOR, the app suspended meanwhile; a note changed elsewhere meanwhile
        opens the in-app editor with both versions."""
        node_id = self._shown_node()
        if node_id is None:
            return
        from textual.app import SuspendNotSupported

        from ..editor import edit_text
        from ..store.api import NoteConflict

        try:
            note = self.session.editable_note(node_id)
            with self.suspend():
                new_body = edit_text(note.body)
            if new_body != note.body:
                self.session.save_note(note, new_body)
                self.details_signal.publish(node_id)
        except SuspendNotSupported:
            self.warn("this terminal cannot suspend the app: press e to edit here")
        except NoteConflict as conflict:
            from .screens.notes import NotesScreen

            self.push_screen(NotesScreen(note, conflict=conflict))
        except UserError as err:
            self.report(err)

    def action_flip_role(self) -> None:
        """O: core (gates what follows, on paths) or optional (a helpful extra); twice is back as the list says."""
        node_id = self._shown_node()
        if node_id is None:
            return
        if not self.session.markable(node_id):
            self.warn("a topic is core or optional through its items: flip those instead")
            return
        from .queue_view import flip_role

        title = self._title(node_id)

        def flipped(optional: bool) -> None:
            self.progress_signal.publish([node_id])  # the queue and any open path redraw
            what = ("optional: it no longer gates what follows, and paths leave it out" if optional
                    else "core: what follows waits for it, and paths include it")
            self.notify(f"{title} is {what}   (O flips it back)", markup=False, timeout=5)

        self.write(lambda: flip_role(self.session, node_id), flipped)

    def action_learning_path(self) -> None:
        node_id = self._shown_node()
        if node_id is None:
            return
        from .screens.learning_path import LearningPathScreen

        self.push_screen(LearningPathScreen(node_id))
