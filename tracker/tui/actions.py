"""What the keys do to the selected node: mark, undo, notes, links, the learning path.

Mixed into the app so the keys work the same on every screen (the tree, the
next-up list, the learning path); the selected node is whatever the user
last highlighted anywhere.
"""

from __future__ import annotations

from ..errors import UserError
from ..text import is_safe_url


class NodeActions:
    """Mixed into the app; ``self`` is the ``TrackerApp``."""

    def _selected_or_warn(self) -> str | None:
        if not self.session.loaded:
            self.warn("still loading the graph")
            return None
        if self.selected is None:
            self.warn("select a node first")
        return self.selected

    def action_mark(self, status: str) -> None:
        node_id = self._selected_or_warn()
        if node_id is None:
            return
        if not self.session.markable(node_id):
            self.warn("a topic is tracked through its items: mark those instead")
            return
        at = self.clock()

        def marked(changed: bool) -> None:
            if changed:
                self.progress_signal.publish([node_id])
            else:
                self.warn(f"already {status}")

        self.write(lambda: self.session.mark(node_id, status, at=at), marked)

    def action_undo(self) -> None:
        if not self.session.loaded:
            return

        def undone(changed: list[str]) -> None:
            if not changed:
                self.warn("nothing to undo")
                return
            self.progress_signal.publish(changed)
            title = self.session.graph.nodes[changed[0]].title
            self.notify(f"undone: {title} is {self.session.status(changed[0])} again", markup=False)

        fallback = self.selected
        self.write(lambda: self.session.undo(fallback=fallback), undone)

    def action_open_link(self) -> None:
        node_id = self._selected_or_warn()
        if node_id is not None:
            self.open_link(self.session.view.primary_url(node_id))

    def open_link(self, url: str | None) -> None:
        """Open http(s) links in the browser (never through a shell); refuse anything else."""
        if not url:
            self.warn("this node has no link")
        elif not is_safe_url(url):
            self.warn(f"not opening {url!r}: only http and https links are opened")
        else:
            self.open_url(url.strip())
            self.notify(f"opened {url}", markup=False)

    def action_edit_notes(self) -> None:
        node_id = self._selected_or_warn()
        if node_id is None or node_id not in self.session.graph.nodes:
            return
        try:
            uid, body = self.session.editable_note(node_id)
        except UserError as err:
            self.report(err)
            return
        from .screens.notes import NotesScreen

        self.push_screen(NotesScreen(node_id, uid, body))

    def action_edit_external(self) -> None:
        """Edit the note in $VISUAL/$EDITOR, the app suspended meanwhile."""
        node_id = self._selected_or_warn()
        if node_id is None or node_id not in self.session.graph.nodes:
            return
        from textual.app import SuspendNotSupported

        from ..editor import edit_text

        try:
            uid, body = self.session.editable_note(node_id)
            with self.suspend():
                new_body = edit_text(body)
            if new_body != body:
                self.session.save_note(node_id, uid, new_body)
                self.details_signal.publish(node_id)
        except SuspendNotSupported:
            self.warn("this terminal cannot suspend the app: press e to edit here")
        except UserError as err:
            self.report(err)

    def action_learning_path(self) -> None:
        node_id = self._selected_or_warn()
        if node_id is None or node_id not in self.session.graph.nodes:
            return
        from .screens.learning_path import LearningPathScreen

        self.push_screen(LearningPathScreen(node_id))
