"""Next up: what you are reading, then what is ready, each with why it is there (as ``tracker next``)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from ..bindings import NODE_BINDINGS
from ..footer_order import FooterOrder
from ..queue_view import queue
from ..widgets.node_list import NodeList

LIMIT = 50


class NextUpScreen(FooterOrder, Screen):
    BINDINGS = NODE_BINDINGS
    TITLE = "Next up"

    def highlighted_node(self) -> str | None:
        return self.query_one(NodeList).highlighted_node()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="next-heading", classes="screen-heading")
        yield NodeList(id="ready")
        yield Static("Enter shows the item in the tree · r/i/s/u mark it · O makes it core or optional",
                     classes="hint")
        yield Footer(show_command_palette=False)  # / opens it, and the footer needs the room

    def on_mount(self) -> None:
        app = self.app
        app.progress_signal.subscribe(self, lambda _: self.refresh_list())
        app.ready_signal.subscribe(self, lambda _: self.refresh_list())  # first load, and reloads after an import
        self.refresh_list()
        self.query_one(NodeList).focus()

    def on_screen_resume(self) -> None:
        if self.app.session.loaded:
            self.refresh_list()

    def refresh_list(self) -> None:
        session = self.app.session
        if not session.loaded:
            waiting = "Nothing to show: the graph did not load." if self.app.load_error else "Loading…"
            self.query_one("#next-heading", Static).update(Text(waiting, style="dim"))
            return
        found = queue(session, LIMIT)
        heading = Text("Next up", style="bold")
        heading.append(f"  {found.summary()}", style="dim")
        if not found.rows:
            heading = Text("Nothing is ready: everything is read, or waiting on a prerequisite.", style="dim")
        self.query_one("#next-heading", Static).update(heading)
        self.query_one(NodeList).show([r.node_id for r in found.rows],
                                      below={r.node_id: " · ".join(r.reasons) for r in found.rows})
