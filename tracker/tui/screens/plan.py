"""The weekly plan as a view: what to read, review and run each week, replanned when anything is marked.

The same plan as ``tracker plan`` (``tracker.review.plan``), for the hours
per week kept in the settings file (``plan_hours``, default 5) over four
weeks. A week over its budget says so in red. Titles are plain ``Text``.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from ...review import cards
from ...review.plan import build_plan
from ...review.plan_format import task_text, week_heading
from ..bindings import PLAN_BINDINGS
from ..settings import load_settings

WEEKS = 4
DEFAULT_HOURS = 5.0


def plan_hours() -> float:
    hours = load_settings().get("plan_hours", DEFAULT_HOURS)
    return float(hours) if isinstance(hours, (int, float)) and 0 < hours <= 168 else DEFAULT_HOURS


class PlanScreen(Screen):
    BINDINGS = PLAN_BINDINGS
    TITLE = "Weekly plan"

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static(id="plan")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.app.progress_signal.subscribe(self, lambda _: self.replan())
        self.replan()

    def replan(self) -> None:
        session, app = self.app.session, self.app
        today = app.today()
        start = today - timedelta(days=today.weekday())
        horizon = datetime.combine(start + timedelta(weeks=WEEKS), time()).astimezone()
        slugs = {n.implementation for n in session.graph.nodes.values() if n.implementation}
        hours = plan_hours()
        self.weeks = build_plan(session.graph, session.progress, hours, WEEKS,
                                due=cards.due(session.store, horizon), passed=session.store.implemented(slugs),
                                start=start)
        text = Text(f"{hours:g} hours a week (plan_hours in the settings file); `tracker plan` writes it "
                    "as markdown or a calendar\n", style="dim")
        for week in self.weeks:
            text.append("\n" + week_heading(week) + "\n", style="bold red" if week.over_budget else "bold")
            for task in week.tasks:
                text.append("  [ ] " + task_text(session.graph, task) + "\n")
            if not week.tasks:
                text.append("  nothing planned\n", style="dim")
        self.query_one("#plan", Static).update(text)
