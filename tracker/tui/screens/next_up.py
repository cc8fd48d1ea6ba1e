"""Next up: unread items whose prerequisites are all done, ranked as ``tracker next`` ranks them."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from ..bindings import NODE_BINDINGS
from ..widgets.node_list import NodeList
from ..footer_order import FooterOrder

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
        yield Static("Enter shows the item in the tree; r/i/s/u mark it here.", classes="hint")
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
        ids = session.ready(limit=LIMIT)
        heading = Text("Ready to read", style="bold")
        heading.append(f"  {len(ids)} item{'s' if len(ids) != 1 else ''} whose prerequisites are done"
                       + (f" (first {LIMIT})" if len(ids) == LIMIT else ""), style="dim")
        if not ids:
            heading = Text("Nothing is ready: everything is read, or waiting on a prerequisite.", style="dim")
        self.query_one("#next-heading", Static).update(heading)
        self.query_one(NodeList).show(ids)
