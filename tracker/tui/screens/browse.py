"""The browse screen: the topic tree on the left, the highlighted node's details beside it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, Tree

from ..bindings import BROWSE_BINDINGS
from ..widgets.node_details import NodeDetails
from ..widgets.topic_tree import TopicTree


class BrowseScreen(Screen):
    BINDINGS = BROWSE_BINDINGS
    TITLE = "Browse"

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="browse"):
            yield TopicTree(id="topics")
            yield NodeDetails(id="details")
        yield Footer()

    @property
    def tree(self) -> TopicTree:
        return self.query_one(TopicTree)

    @property
    def details(self) -> NodeDetails:
        return self.query_one(NodeDetails)

    def on_mount(self) -> None:
        self.tree.border_title = "Topics"
        app = self.app
        app.progress_signal.subscribe(self, self._progress_changed)
        app.details_signal.subscribe(self, self._details_changed)
        if app.session.loaded:
            self._ready(None)
        else:
            self.tree.loading = True
            app.ready_signal.subscribe(self, self._ready)
        self.call_after_refresh(app.first_paint)

    def _ready(self, _: None) -> None:
        tree = self.tree
        tree.loading = False
        if self.app.load_error:
            tree.border_subtitle = "the graph did not load"
            return
        tree.populate()
        tree.focus()
        self.call_after_refresh(self._highlight_first)

    def _highlight_first(self) -> None:
        tree = self.tree
        if tree.cursor_node is None and tree.root.children:
            tree.move_cursor(tree.root.children[0])

    def on_screen_resume(self) -> None:
        node = self.tree.cursor_node if self.app.session.loaded else None
        if node is not None and node.data is not None:
            self.app.select(node.data)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        node_id = event.node.data
        if node_id is not None:
            self.app.select(node_id)
            self.details.show(node_id)

    def _progress_changed(self, node_ids: list[str]) -> None:
        self.tree.progress_changed(node_ids)
        if self.details.node_id is not None:
            self.details.show(self.details.node_id)

    def _details_changed(self, node_id: str) -> None:
        if self.details.node_id is not None:
            self.details.show(self.details.node_id)

    # filters -----------------------------------------------------------------------
    def action_toggle_done(self) -> None:
        from dataclasses import replace

        tree = self.tree
        if tree.filter is not None:
            tree.populate(replace(tree.filter, hide_done=not tree.filter.hide_done))

    def action_cycle_kind(self) -> None:
        from dataclasses import replace

        tree = self.tree
        if tree.filter is None:
            return
        kinds = [None, *self.app.session.view.kinds()]
        following = kinds[(kinds.index(tree.filter.kind) + 1) % len(kinds)] if tree.filter.kind in kinds else None
        tree.populate(replace(tree.filter, kind=following))
        self.app.notify(f"showing {following or 'every kind'}", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("toggle_done", "cycle_kind"):
            return True if self.app.session.loaded else None
        return True

    def reveal(self, node_id: str) -> None:
        """Put the tree's cursor on a node, clearing the filter if it hides the node."""
        tree = self.tree
        if tree.filter is None:
            return
        if not tree.reveal(node_id):
            from ..viewmodel import Filter

            if tree.filter.active:
                tree.populate(Filter())
                self.app.notify("filters cleared to show the node", markup=False)
            tree.reveal(node_id)
        tree.focus()
        self.details.show(node_id)
