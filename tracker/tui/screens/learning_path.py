"""The learning path to the selected node: each step with its reason, done steps folded, the total time.

``h`` shows or hides the optional steps (a week's helpful videos and posts).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from ...graph.estimates import format_minutes
from ..bindings import NODE_BINDINGS, PATH_BINDINGS
from ..footer_order import FooterOrder
from ..literal import literal
from ..queue_view import path
from ..widgets.node_list import NodeList

DONE_SHOWN = 4  # titles on the folded "done" line


class LearningPathScreen(FooterOrder, Screen):
    """A full screen, not a modal one: the app's mark keys must keep working on the steps."""

    BINDINGS = NODE_BINDINGS + PATH_BINDINGS
    TITLE = "Learning path"

    def highlighted_node(self) -> str | None:
        return self.query_one(NodeList).highlighted_node()

    def __init__(self, target: str) -> None:
        super().__init__()
        self.target = target
        self.optional = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="path-heading", classes="screen-heading")
        yield Static(id="path-done", classes="hint")
        yield NodeList(id="path-steps")
        yield Static("Enter shows a step in the tree · r/i/s/u mark it · h optional steps · Esc closes",
                     classes="hint")
        yield Footer(show_command_palette=False)  # / opens it, and the footer needs the room

    def on_mount(self) -> None:
        # The path is fixed when opened (or h pressed), so steps marked meanwhile stay with their new status.
        self.plan = path(self.app.session, self.target, self.optional)
        self.app.progress_signal.subscribe(self, lambda _: self.refresh_plan())
        self.refresh_plan()
        self.query_one(NodeList).focus()

    @property
    def steps(self) -> list[str]:
        return self.plan.steps

    def action_toggle_optional(self) -> None:
        self.optional = not self.optional
        self.plan = path(self.app.session, self.target, self.optional)
        self.refresh_plan()
        shown = "shown" if self.optional else "hidden"
        self.notify(f"optional steps {shown} (h {'hides' if self.optional else 'shows'} them)", timeout=3)

    def refresh_plan(self) -> None:
        session, plan = self.app.session, self.plan
        done_now = sum(session.status(i) in ("read", "skipped") for i in plan.steps)
        heading = Text("Learning path to ", style="dim")
        heading.append_text(literal(session.view.title(self.target), "bold"))
        count = len(plan.steps)
        heading.append(f"  {count} step{'s' if count != 1 else ''}, about {format_minutes(plan.total_minutes)}"
                       f", {done_now} done", style="dim")
        if plan.hidden_optional and not self.optional:
            heading.append(f" · {len(plan.hidden_optional)} optional hidden (h shows them)", style="dim")
        elif self.optional:
            heading.append(" · optional steps shown (h hides them)", style="dim")
        self.query_one("#path-heading", Static).update(heading)
        folded = Text()
        if plan.done:
            titles = [session.view.title(i) for i in plan.done[:DONE_SHOWN]]
            more = f" and {len(plan.done) - DONE_SHOWN} more" if len(plan.done) > DONE_SHOWN else ""
            folded = literal(f"✓ {len(plan.done)} done before: {' · '.join(titles)}{more}", "green")
        self.query_one("#path-done", Static).update(folded)
        self.query_one("#path-done", Static).display = bool(plan.done)
        below = {}
        for i, why in zip(plan.steps, plan.explained()):
            text = why.reason
            if why.needed_by:
                text += f" — for {session.view.title(why.needed_by)}"
            if why.via:
                text += f", via {why.via}"
            below[i] = text
        self.query_one(NodeList).show(plan.steps, after={i: format_minutes(m) for i, m in plan.minutes.items()},
                                      below=below)
