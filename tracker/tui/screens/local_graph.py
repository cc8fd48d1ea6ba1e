"""The local graph of one node: its neighbourhood two hops each way, Enter jumps, G re-centres."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, Tree

from ...graph.neighbourhood import neighbourhood
from ..bindings import LOCAL_GRAPH_BINDINGS, NODE_BINDINGS
from ..footer_order import FooterOrder
from ..literal import literal
from ..widgets.local_graph import LocalGraph


class LocalGraphScreen(FooterOrder, Screen):
    """A full screen like the learning path: the node keys (marks, notes, path) work on its rows."""

    BINDINGS = NODE_BINDINGS + LOCAL_GRAPH_BINDINGS
    TITLE = "Local graph"

    def __init__(self, centre: str) -> None:
        super().__init__()
        self.centre = centre

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="local-graph-heading", classes="screen-heading")
        yield LocalGraph(id="local-graph")
        yield Static("Enter jumps to a node in the tree · G centres the graph on it · r/i/s/u mark it · Esc closes",
                     classes="hint")
        yield Footer(show_command_palette=False)

    @property
    def graph_view(self) -> LocalGraph:
        return self.query_one(LocalGraph)

    def highlighted_node(self) -> str | None:
        return self.graph_view.highlighted_node()

    def on_mount(self) -> None:
        self.app.progress_signal.subscribe(self, lambda _: self.graph_view.relabel())
        self.centre_on(self.centre)
        self.graph_view.focus()

    def centre_on(self, node_id: str) -> None:
        session = self.app.session
        if node_id not in session.graph.nodes:
            return
        self.centre = node_id
        around = neighbourhood(session.graph, node_id)
        heading = Text("Local graph of ", style="dim")
        heading.append_text(literal(session.view.title(node_id), "bold"))
        heading.append(f"  {around.size - 1} neighbours within two hops", style="dim")
        self.query_one("#local-graph-heading", Static).update(heading)
        self.graph_view.show(around)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        self.app.select(event.node.data)

    def on_tree_node_selected(self, event: Tree.NodeSelected[str]) -> None:
        event.stop()
        if event.node.data is not None:
            self.app.jump_to(event.node.data)
