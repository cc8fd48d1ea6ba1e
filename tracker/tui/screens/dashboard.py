"""The dashboard: overall and per-topic progress, reads per week, the streak, implementations."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Sparkline, Static

from ...errors import UserError
from ..widgets.progress_bars import bar, done_of
from ..widgets.progress_table import progress_table, topic_rows
from ..footer_order import FooterOrder

WEEK_COLUMN = 9
NARROW_WEEK_COLUMN = 7


class DashboardScreen(FooterOrder, Screen):
    TITLE = "Dashboard"

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="dashboard"):
            yield Static(id="overall")
            yield Static(id="figures")
            yield Static(Text.assemble(("Reads per week", "bold"),
                                       ("  items read that are still read, by the week of that read", "dim")),
                         classes="section")
            yield Sparkline([], id="weekly")
            yield Static(id="weeks")
            yield Static(Text("Topics", style="bold"), classes="section")
            yield Static(id="topic-bars")
            yield Static(Text.assemble(("Mastery", "bold"), ("  read · implemented · recalled; colour: mean recall "
                                                              "of the items in review", "dim")), classes="section")
            yield Static(id="mastery")
            yield Static(Text("Reading lists", style="bold"), classes="section")
            yield Static(id="list-bars")
            yield Static(Text.assemble(("Study group", "bold"), ("  each member's read · implemented · recalled, "
                                                                  "all topics", "dim")), classes="section",
                         id="group-heading")
            yield Static(id="group")
        yield Footer(show_command_palette=False)  # / opens it, and the footer needs the room

    def on_mount(self) -> None:
        app = self.app
        self._stale = True
        app.progress_signal.subscribe(self, self._changed)
        app.details_signal.subscribe(self, self._changed)
        app.ready_signal.subscribe(self, self._changed)
        self.refresh_figures()

    def _changed(self, _) -> None:
        self._stale = True
        if self.is_current:
            self.refresh_figures()

    def on_screen_resume(self) -> None:
        if self._stale:
            self.refresh_figures()

    def refresh_figures(self) -> None:
        session = self.app.session
        if not session.loaded:
            waiting = "No figures: the graph did not load." if self.app.load_error else "Loading…"
            self.query_one("#overall", Static).update(Text(waiting, style="dim"))
            return
        try:
            data = session.dashboard(self.app.today())
        except UserError as err:
            self.query_one("#overall", Static).update(Text(f"No figures: {err}", style="red"))
            return
        self._stale = False
        self.figures = data
        totals = data["totals"]
        wide = self.size.width >= 100
        overall = Text("Overall   ", style="bold")
        overall.append_text(bar(done_of(totals), totals["total"], width=40 if wide else 20))
        percent = 100 * done_of(totals) / totals["total"] if totals["total"] else 0
        overall.append(f"  {done_of(totals)} of {totals['total']} read ({percent:.0f}%)", style="cyan")
        overall.append("\n          " if not wide else "   ")
        overall.append(f"{totals['skipped']} skipped · {totals['reading']} reading", style="dim")
        self.query_one("#overall", Static).update(overall)
        streak = data["streak_days"]
        gap = "    " if wide else "\n"
        figures = Text.assemble(
            ("Streak    ", "bold"), (f"{streak} day{'s' if streak != 1 else ''}", "green" if streak else "dim"),
            (f"{gap}Implemented  " if wide else "\nCode      ", "bold"),
            (f"{len(data['implemented'])} of {data['implementations_linked']}", "green"),
            (" linked implementations pass their tests", "dim"),
            (f"{gap}Notes  " if wide else "\nNotes     ", "bold"), (str(data["notes"]), "cyan"))
        self.query_one("#figures", Static).update(figures)
        weeks = data["weekly_reads"]
        column = WEEK_COLUMN if wide else NARROW_WEEK_COLUMN
        sparkline = self.query_one(Sparkline)
        sparkline.data = [w["reads"] for w in weeks]
        sparkline.styles.width = column * len(weeks)  # one labelled column per week, aligned below
        labels = Text("".join(f"{w['week'][-3:]} {w['reads']}".ljust(column) for w in weeks), style="dim")
        labels.append(f"{' ' if wide else chr(10)}{sum(w['reads'] for w in weeks)} reads in {len(weeks)} weeks",
                      style="cyan")
        self.query_one("#weeks", Static).update(labels)
        width = self.size.width - 4
        self.query_one("#topic-bars", Static).update(progress_table(topic_rows(data["topics"]), width))
        from ..mastery_view import dashboard_text

        self.query_one("#mastery", Static).update(dashboard_text(session, data["topics"], self.app.clock()))
        self.query_one("#list-bars", Static).update(
            progress_table([(entry["title"], entry, 0) for entry in data["lists"]], width))
        self._show_group(data.get("group") or [])

    def _show_group(self, members) -> None:
        """Shown only on a database shared by more than one member."""
        from ..literal import literal

        shown = len(members) > 1
        self.query_one("#group-heading").display = self.query_one("#group").display = shown
        if not shown:
            return
        me = self.app.session.store.member
        lines = []
        for m in members:
            t = m.total
            line = literal(m.member.ljust(16), "bold" if m.member == me else "")
            line.append(f"  read {t.read}/{t.items} · implemented {t.implemented}/{t.implementable} · "
                        f"recalled {t.recalled}/{t.in_review}")
            lines.append(line)
        self.query_one("#group", Static).update(Text("\n").join(lines))

    def on_resize(self) -> None:
        if getattr(self, "figures", None) is not None:
            self.refresh_figures()
