"""The local graph drawn as a tree: the node at the root, what it requires above, what needs it below.

Two hops each way (``tracker.graph.neighbourhood``), each row with its
status mark in the status colour, its kind, the edge's reason and the topic
it comes through ("via Week 3"). Only the neighbourhood is drawn, so a node
of a 100k-node graph draws as fast as one of a small graph. Every title and
reason is list text, shown literally. Enter on a row jumps to that node.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ...cli.render import STATUS_MARKS, STATUS_STYLES
from ...graph.neighbourhood import Neighbour, Neighbourhood
from ..literal import literal
from .counter import counter


@dataclass(frozen=True)
class Row:
    depth: int  # 0 the centre, 1 a side's heading, 2 a neighbour, 3 its neighbour
    label: Text
    node_id: str | None  # None for headings and "n more" rows


def node_label(session, node_id: str, reason: str = "", via: str | None = None) -> Text:
    """A node's row: status (or a topic's counter), title, kind, then why it is here."""
    view = session.view
    node = session.graph.nodes[node_id]
    if view.is_group(node_id):
        line = literal(node.title, "bold")
        line.append("  ").append_text(counter(view.counts(node_id, session.progress)))
        line.append("  topic", style="dim")
    else:
        status = session.status(node_id)
        line = Text(STATUS_MARKS[status] + " ", style=STATUS_STYLES[status])
        line.append_text(literal(node.title, STATUS_STYLES[status]))
        line.append(f"  {node.kind}", style="dim")
    if reason:
        line.append("  — ", style="dim").append_text(literal(reason, "dim italic"))
    if via is not None:
        line.append_text(literal(f"  (via {view.title(via)})", "dim"))
    return line


def rows(session, around: Neighbourhood) -> list[Row]:
    """Every row to draw, in order (plain data: the benchmark times this without a screen)."""
    out = [Row(0, node_label(session, around.centre), around.centre)]
    for heading, side, more in (("requires (read these first)", around.requires, around.more_requires),
                                ("needed by (these wait for it)", around.needed_by, around.more_needed_by)):
        out.append(Row(1, Text(f"{heading}  {len(side) + more}", style="bold cyan"), None))
        if not side:
            out.append(Row(2, Text("nothing", style="dim"), None))
        for near in side:
            out.extend(_near(session, near))
        if more:
            out.append(Row(2, Text(f"… and {more} more", style="dim"), None))
    return out


def _near(session, near: Neighbour) -> list[Row]:
    out = [Row(2, node_label(session, near.node_id, near.reason, near.via), near.node_id)]
    out += [Row(3, node_label(session, far.node_id, far.reason, far.via), far.node_id) for far in near.next_hop]
    if near.more:
        out.append(Row(3, Text(f"… and {near.more} more", style="dim"), None))
    return out


class LocalGraph(Tree[str]):
    """Rows carry node ids (None for headings); the screen asks the session for everything else."""

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.auto_expand = False  # Enter jumps; the rows are always open
        self.guide_depth = 3
        self.around: Neighbourhood | None = None

    def show(self, around: Neighbourhood) -> None:
        """Draw a neighbourhood, the cursor on its centre."""
        self.around = around
        self.clear()
        drawn = rows(self.app.session, around)
        self.root.set_label(drawn[0].label)
        self.root.data = drawn[0].node_id
        parents: dict[int, TreeNode[str]] = {0: self.root}
        for row in drawn[1:]:
            parent = parents[row.depth - 1]
            node = parent.add(row.label, data=row.node_id, expand=True, allow_expand=False)
            parents[row.depth] = node
        self.root.expand_all()
        self.move_cursor(self.root)

    def relabel(self) -> None:
        """Statuses changed: redraw the same neighbourhood, the cursor kept on its row."""
        if self.around is None:
            return
        line = self.cursor_line
        self.show(self.around)
        self.call_after_refresh(lambda: setattr(self, "cursor_line", line))

    def highlighted_node(self) -> str | None:
        row = self.cursor_node
        return row.data if row is not None else None
