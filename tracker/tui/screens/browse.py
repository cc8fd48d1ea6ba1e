"""The browse screen: the topic tree on the left, the highlighted node's details beside it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, Tree

from ..bindings import BROWSE_BINDINGS, NODE_BINDINGS
from ..widgets.node_details import NodeDetails
from ..widgets.topic_tree import TopicTree
from ..footer_order import FooterOrder


class BrowseScreen(FooterOrder, Screen):
    BINDINGS = NODE_BINDINGS + BROWSE_BINDINGS
    TITLE = "Browse"

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="browse"):
            yield TopicTree(id="topics")
            yield NodeDetails(id="details")
        yield Footer(show_command_palette=False)  # / opens it, and the footer needs the room

    def highlighted_node(self) -> str | None:
        """The tree's cursor row now (the node keys act on it, whichever pane has focus)."""
        trees = self.query(TopicTree)
        if not trees or trees.first().filter is None:
            return None
        row = trees.first().cursor_node
        return row.data if row is not None else None

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
        app.ready_signal.subscribe(self, self._ready)  # first load, and reloads after an import
        if app.session.loaded:
            self._ready(None)
        else:
            self.tree.loading = True
        self.call_after_refresh(app.first_paint)

    def _ready(self, _: None) -> None:
        tree = self.tree
        tree.loading = False
        if self.app.load_error:
            tree.border_subtitle = "the graph did not load"
            return
        self.app.restore_tree(tree)  # the first time: the open topics, filter and row of the last run
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

    def action_pick_kind(self) -> None:
        from .kind_picker import KindPicker

        tree = self.tree
        if tree.filter is None:
            return

        def picked(kind: str | None) -> None:
            from dataclasses import replace

            if kind is None or tree.filter is None:
                return
            tree.populate(replace(tree.filter, kind=kind or None))
            self.app.notify(f"showing {kind or 'every kind'}", markup=False)

        self.app.push_screen(KindPicker(self.app.session.view.kinds(), tree.filter.kind), picked)

    def action_toggle_by_topic(self) -> None:
        """T: the tree by canonical topic across lists, or one root per list; the highlighted node stays in sight."""
        tree = self.tree
        if tree.filter is None:
            return
        row = tree.cursor_node
        at = row.data if row is not None else None
        tree.by_topic = not tree.by_topic
        self.details.view = tree.view if tree.by_topic else None
        tree.border_title = "Topics by topic" if tree.by_topic else "Topics"
        tree.populate()
        if at is not None and at in self.app.session.graph.nodes:
            tree.reveal(at)
        elif tree.root.children:
            self.call_after_refresh(tree.move_cursor, tree.root.children[0])
        self.call_after_refresh(self._show_cursor)  # the row under the cursor changed, maybe not the line
        self.app.notify("by topic: one topic map across lists (T: by list)" if tree.by_topic
                        else "by list: one root per reading list (T: by topic)", markup=False)

    def _show_cursor(self) -> None:
        row = self.tree.cursor_node
        if row is not None and row.data is not None:
            self.app.select(row.data)
            self.details.show(row.data)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("toggle_done", "pick_kind", "toggle_by_topic", "toggle_select", "bulk_mark"):
            return True if self.app.session.loaded else None
        return True

    def action_toggle_select(self) -> None:
        if self.tree.filter is not None:
            self.app.toggle_select(self.tree)

    def action_bulk_mark(self) -> None:
        if self.tree.filter is not None:
            self.app.bulk_mark(self.tree)

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
