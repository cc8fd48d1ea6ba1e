"""The topic tree: topics with their progress, then their items with a status mark.

The graph is a DAG, so one item can sit under several topics; it gets a row
under each (``_rows`` keeps them all, so a mark relabels every copy).
Children are added when a topic is first expanded. Filters rebuild the tree
and re-open what was open. A label too long for the pane loses the end of
its title to an ellipsis, never its status mark or its counter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ...cli.render import STATUS_MARKS, STATUS_STYLES
from ..bindings import TREE_BINDINGS
from ..literal import literal
from .counter import counter

if TYPE_CHECKING:
    from ..viewmodel import Filter

Path = tuple[str, ...]


class TopicTree(Tree[str]):
    """Rows carry node ids as data; the app's session answers everything else."""

    BINDINGS = TREE_BINDINGS

    def __init__(self, **kwargs) -> None:
        super().__init__("Topics", **kwargs)
        self.show_root = False
        self.guide_depth = 2
        self.filter: Filter | None = None
        self._rows: dict[str, list[TreeNode[str]]] = {}
        self._filled: set[int] = set()
        self._open: set[Path] = set()
        self._kept: dict[str, tuple[int, int]] = {}  # node id -> cells before and after its title
        self.chosen: set[str] = set()  # items picked with space for a bulk mark (marked "●" on every row)

    @property
    def session(self):
        return self.app.session

    by_topic = False  # the canonical topic map across lists (T), instead of one root per list

    @property
    def view(self):
        """What the rows show: the graph "by list", or "by topic" (``topic_view``); the same counters."""
        if self.by_topic:
            from ..topic_view import topic_view

            return topic_view(self.session)
        return self.session.view

    # labels ---------------------------------------------------------------------
    def label_for(self, node_id: str) -> Text:
        session = self.session
        view = self.view
        if view.is_group(node_id):
            head = Text("")
            title = literal(view.title(node_id), "bold")
            tail = Text("  ").append_text(counter(view.counts(node_id, session.progress)))
            from ..mastery_view import topic_recall
            from ...review.heatmap import shade

            recall = topic_recall(session, node_id, self.app.clock())
            if recall is not None:  # the forgetting heatmap: only where something is in review
                tail.append(f"  recall {recall:.0%}", style=shade(recall))
        else:
            node = session.graph.nodes[node_id]
            status = session.status(node_id)
            head = Text(STATUS_MARKS[status] + " ", style=STATUS_STYLES[status])
            if node_id in self.chosen:
                head = Text.assemble(("● ", "bold magenta"), head)
            title = literal(node.title)
            tail = Text(f"  {node.kind}", style="dim")
        self._kept[node_id] = (head.cell_len, tail.cell_len)
        return Text.assemble(head, title, tail)

    def render_label(self, node: TreeNode[str], base_style, style) -> Text:
        """The label, its title cut with an ellipsis to fit the pane (the mark and counter stay whole)."""
        text = super().render_label(node, base_style, style)
        kept = self._kept.get(node.data) if node.data is not None else None
        depth, row = 0, node
        while row.parent is not None:
            depth, row = depth + 1, row.parent
        room = self.scrollable_content_region.width - self.guide_depth * depth
        if kept is None or room <= 0 or text.cell_len <= room:
            return text
        head, tail = kept  # both plain ASCII (a status mark, a counter or a kind): cells are characters
        start = len(text) - len(node.label) + head
        title_room = room - (text.cell_len - (text[start:len(text) - tail]).cell_len)
        if title_room < 2:
            return text
        title = text[start:len(text) - tail]
        title.truncate(title_room, overflow="ellipsis")
        return Text.assemble(text[:start], title, text[len(text) - tail:])

    def describe(self) -> str:
        """The border's subtitle: the filter, and how many items are selected."""
        parts = [self.filter.describe() if self.filter is not None else "",
                 f"{len(self.chosen)} selected" if self.chosen else ""]
        return ", ".join(p for p in parts if p)

    def toggle_chosen(self, node_id: str) -> bool:
        """Select or unselect an item for a bulk mark; True when it is selected now."""
        self.chosen.symmetric_difference_update({node_id})
        for row in self._rows.get(node_id, []):
            row.set_label(self.label_for(node_id))
        self.border_subtitle = self.describe()
        return node_id in self.chosen

    def clear_chosen(self) -> None:
        was, self.chosen = self.chosen, set()
        for node_id in was:
            for row in self._rows.get(node_id, []):
                row.set_label(self.label_for(node_id))
        self.border_subtitle = self.describe()

    # keys -----------------------------------------------------------------------------
    def action_fold(self) -> None:
        """Left: fold an open topic, else go up to the parent row."""
        row = self.cursor_node
        if row is None:
            return
        if row.allow_expand and row.is_expanded:
            row.collapse()
        elif row.parent is not None and row.parent is not self.root:
            self.move_cursor(row.parent)

    def action_unfold(self) -> None:
        """Right: unfold a folded topic, else go down to its first row."""
        row = self.cursor_node
        if row is None or not row.allow_expand:
            return
        if not row.is_expanded:
            row.expand()
        elif row.children:
            self.move_cursor(row.children[0])

    # building ---------------------------------------------------------------------
    def populate(self, filt: Filter | None = None) -> None:
        """(Re)build from the roots, keeping open topics open and the cursor where it was."""
        from ..viewmodel import Filter

        self.filter = filt or self.filter or Filter()
        was_at = self.path_of(self.cursor_node)
        self.clear()
        self._rows.clear()
        self._filled.clear()
        session = self.session
        for root_id in self.view.roots():
            if self.view.shown(root_id, session.progress, self.filter):
                self._open_saved(self._add(self.root, root_id))
        self.border_subtitle = self.describe()
        if was_at:
            self.call_after_refresh(self._restore_cursor, was_at)

    def _add(self, parent: TreeNode[str], node_id: str) -> TreeNode[str]:
        if self.view.is_group(node_id):
            row = parent.add(self.label_for(node_id), data=node_id, allow_expand=True)
        else:
            row = parent.add_leaf(self.label_for(node_id), data=node_id)
        self._rows.setdefault(node_id, []).append(row)
        return row

    def fill(self, row: TreeNode[str]) -> None:
        """Add a topic row's children (once)."""
        if row.id in self._filled or row.data is None:
            return
        self._filled.add(row.id)
        session = self.session
        for child in self.view.visible_children(row.data, session.progress, self.filter):
            self._add(row, child)

    def _open_saved(self, row: TreeNode[str]) -> None:
        if self.path_of(row) in self._open:
            self.fill(row)
            row.expand()
            for child in row.children:
                if child.allow_expand:
                    self._open_saved(child)

    def path_of(self, row: TreeNode[str] | None) -> Path:
        path: list[str] = []
        while row is not None and row.data is not None:
            path.append(row.data)
            row = row.parent
        return tuple(reversed(path))

    def _row_at(self, path: Path) -> TreeNode[str] | None:
        row = self.root
        for node_id in path:
            match = next((c for c in row.children if c.data == node_id), None)
            if match is None:
                return row if row is not self.root else None
            row = match
        return row

    def _restore_cursor(self, path: Path) -> None:
        row = self._row_at(path)
        if row is not None:
            self.move_cursor(row)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[str]) -> None:
        self.fill(event.node)
        self._open.add(self.path_of(event.node))

    def on_tree_node_collapsed(self, event: Tree.NodeCollapsed[str]) -> None:
        self._open.discard(self.path_of(event.node))

    # updates -------------------------------------------------------------------------
    def progress_changed(self, node_ids: list[str]) -> None:
        """Relabel the changed items and the topics above them (rebuild when a filter may hide them)."""
        if self.filter is not None and self.filter.active:
            self.populate()
            return
        view = self.view
        for node_id in [*node_ids, *view.affected_topics(node_ids)]:
            for row in self._rows.get(node_id, []):
                row.set_label(self.label_for(node_id))

    def reveal(self, node_id: str) -> bool:
        """Open the topics above a node and put the cursor on it; False if the filter hides it."""
        session = self.session
        if not self.view.shown(node_id, session.progress, self.filter):
            return False
        row = self.root
        for topic in [*self.view.path_to(node_id), node_id]:
            self.fill(row)
            if row is not self.root:
                row.expand()
            match = next((c for c in row.children if c.data == topic), None)
            if match is None:
                return False
            row = match
        self.call_after_refresh(self.move_cursor, row)
        return True
