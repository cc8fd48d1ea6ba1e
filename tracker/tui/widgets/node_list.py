"""A numbered list of nodes (next up, a learning path): highlighting selects, Enter jumps to the tree."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...cli.render import STATUS_MARKS, STATUS_STYLES
from ..literal import literal


def node_row(session, node_id: str, rank: int) -> Text:
    node = session.graph.nodes[node_id]
    status = session.status(node_id)
    line = Text(f"{rank:>3}. ", style="dim")
    line.append(STATUS_MARKS[status] + " ", style=STATUS_STYLES[status])
    line.append_text(literal(node.title, "bold" if node.kind == "paper" else ""))
    facts = []
    if node.authors:
        facts.append(node.authors[0] + (" et al." if len(node.authors) > 1 else ""))
    if node.year:
        facts.append(str(node.year))
    if facts:
        line.append_text(literal(f" ({', '.join(facts)})", "dim"))
    line.append(f"  {node.kind}", style="cyan")
    cited = len(node.lists)
    if cited > 1:
        line.append(f"  in {cited} lists", style="magenta")
    return line


def _with_notes(line: Text, node_id: str, after: Mapping[str, str] | None,
                below: Mapping[str, str] | None) -> Text:
    if after and node_id in after:
        line.append(f"  {after[node_id]}", style="cyan")
    if below and below.get(node_id):
        line.append("\n       ")
        line.append_text(literal(below[node_id], "dim"))
    return line


class NodeList(OptionList):
    """Options are node ids; the app's selection follows the highlight."""

    _last_index = 0

    def highlighted_node(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None else None

    def show(self, node_ids: list[str], after: Mapping[str, str] | None = None,
             below: Mapping[str, str] | None = None) -> None:
        """``after``: a short note at the end of a row (an estimate); ``below``: a dim second line (its reasons)."""
        highlighted = self.highlighted_option.id if self.highlighted_option is not None else None
        session = self.app.session
        self.clear_options()
        self.add_options([Option(_with_notes(node_row(session, node_id, rank), node_id, after, below), id=node_id)
                          for rank, node_id in enumerate(node_ids, 1)])
        if not node_ids:
            return
        index = node_ids.index(highlighted) if highlighted in node_ids else min(self._last_index, len(node_ids) - 1)
        self.highlighted = index

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._last_index = event.option_index
        self.app.select(event.option.id)

    def on_focus(self) -> None:
        if self.highlighted_option is not None:
            self.app.select(self.highlighted_option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.app.jump_to(event.option.id)
