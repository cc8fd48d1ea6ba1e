"""The learning path to the selected node: its unfinished prerequisites in order, then the node."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from ..bindings import NODE_BINDINGS, PATH_BINDINGS
from ..literal import literal
from ..widgets.node_list import NodeList
from ..footer_order import FooterOrder


class LearningPathScreen(FooterOrder, Screen):
    """A full screen, not a modal one: the app's mark keys must keep working on the steps."""

    BINDINGS = NODE_BINDINGS + PATH_BINDINGS
    TITLE = "Learning path"

    def highlighted_node(self) -> str | None:
        return self.query_one(NodeList).highlighted_node()

    def __init__(self, target: str) -> None:
        super().__init__()
        self.target = target

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="path-heading", classes="screen-heading")
        yield NodeList(id="path-steps")
        yield Static("Enter shows a step in the tree · r/i/s/u mark it · Esc closes", classes="hint")
        yield Footer(show_command_palette=False)  # / opens it, and the footer needs the room

    def on_mount(self) -> None:
        # The plan is fixed when opened, so steps marked meanwhile stay visible with their new status.
        self.steps = self.app.session.plan(self.target)
        self.app.progress_signal.subscribe(self, lambda _: self.refresh_plan())
        self.refresh_plan()
        self.query_one(NodeList).focus()

    def refresh_plan(self) -> None:
        session = self.app.session
        plan = self.steps
        done = sum(session.status(i) in ("read", "skipped") for i in plan)
        heading = Text("Learning plan for ", style="dim")
        heading.append_text(literal(session.view.title(self.target), "bold"))
        heading.append(f"  {len(plan)} step{'s' if len(plan) != 1 else ''}, {done} done", style="dim")
        self.query_one("#path-heading", Static).update(heading)
        self.query_one(NodeList).show(plan)
