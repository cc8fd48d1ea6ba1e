"""The run panel: the selected node's demo or tests, live, and every past run.

Drawn from a ``RunState``: the app's current run (``app.run_state``, kept
current by ``app.run_signal``, so the panel can be opened mid-run and catch
up) or a past run reopened from the history table below (its log tail,
curves and verdict as the store kept them). ``v`` overlays the highlighted
past run's curves on the shown run's, each labelled with its run number.
The log keeps pytest's colours (``ansi_line``: SGR colours only, never markup).
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, ProgressBar, RichLog, Static

from ...errors import UserError
from ...figures import claim_figures, format_figure, test_counts
from ..bindings import RUN_PANEL_BINDINGS
from ..literal import ansi_line, literal
from ..runs import LOG_LINES, RunState
from ..widgets.metrics_plot import MetricsPlot

PLOT_REFRESH_S = 0.25
PLOT_MIN_HEIGHT = 34  # below this many rows the plot hides and the log keeps its room
HISTORY_LIMIT = 100
IDLE_TEXT = ("No run yet. Select an item with an implementation, then press x (quick demo), "
             "X (full demo) or t (tests); c cancels.")
OUTCOME_STYLE = {"passed": "bold green", "running": "bold yellow"}


def outcome_text(outcome: str) -> Text:
    return Text(outcome, style=OUTCOME_STYLE.get(outcome, "bold red"))


def figure_cell(run) -> str:
    """The history's claim column: the measured figure against its threshold, or the test counts."""
    if run.kind == "test":
        return test_counts(run.tests) if run.tests else ""
    if run.measured is None and run.threshold is None:
        return ""
    return f"{format_figure(run.measured)} / {format_figure(run.threshold)}"


def duration(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{seconds:.1f}s"


class RunPanelScreen(Screen):
    TITLE = "Runs"
    BINDINGS = RUN_PANEL_BINDINGS
    DEFAULT_CSS = """
    RunPanelScreen #run-history { height: 9; border: round $primary 50%; }
    RunPanelScreen #run-history-note { height: auto; color: $text-muted; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="run-heading", classes="screen-heading")
        yield Static(id="run-command", classes="hint")
        yield ProgressBar(id="run-progress", show_eta=False)
        yield MetricsPlot(id="run-plot")
        yield RichLog(id="run-log", max_lines=LOG_LINES, markup=False, highlight=False, wrap=False)
        yield Static(id="run-verdict", classes="screen-heading")
        yield Static(id="run-history-note")
        table = DataTable(id="run-history", cursor_type="row", zebra_stripes=True)
        table.border_title = "History · enter opens · v compares"
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self._plot_pending = False
        self.shown: RunState | None = self.app.run_state
        self.compared: RunState | None = None
        self.history: dict[int, object] = {}
        table = self.query_one(DataTable)
        table.add_columns("run", "started", "implementation", "kind", "outcome", "claim / tests", "time")
        self.app.run_signal.subscribe(self, self._on_run)
        self.render_state(self.shown)
        self.load_history()
        table.focus()

    # history ---------------------------------------------------------------------------
    @work(thread=True, group="run-history", exclusive=True, exit_on_error=False)
    def load_history(self) -> None:
        """Read the stored runs off the UI thread (the store may be opening, or locked by another writer)."""
        try:
            runs = self.app.session.store.runs(limit=HISTORY_LIMIT)
        except UserError as err:
            self.app.call_from_thread(self._history_failed, str(err))
            return
        self.app.call_from_thread(self._show_history, runs)

    def _history_failed(self, message: str) -> None:
        self.query_one("#run-history-note", Static).update(literal(f"run history unavailable: {message}", "red"))

    def _show_history(self, runs: list) -> None:
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        self.history = {run.id: run for run in runs}
        for run in runs:
            seconds = (run.ended_at - run.started_at).total_seconds() if run.ended_at else None
            table.add_row(
                f"#{run.id}", run.started_at.astimezone().strftime("%Y-%m-%d %H:%M"), literal(run.slug),
                run.kind, outcome_text(run.outcome), literal(figure_cell(run)),
                duration(seconds) if seconds is not None else "", key=str(run.id))
        if runs:
            table.move_cursor(row=min(keep, len(runs) - 1))
        table.display = bool(runs)
        note = self.query_one("#run-history-note", Static)
        note.update("" if runs else "No runs stored yet.")
        note.display = not runs
        if self.shown is None and runs:  # after a restart: show the latest run, not "No run yet"
            self._open(runs[0])

    def _highlighted(self):
        table = self.query_one(DataTable)
        if not self.history or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        return self.history.get(int(key))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        run = self.history.get(int(event.row_key.value))
        if run is not None:
            self._open(run)

    def _open(self, run) -> None:
        live = self.app.run_state
        if live is not None and live.result is not None and live.result.run_id == run.id:
            self.shown = live  # this session's run: its full log, not just the stored tail
        else:
            self.shown = RunState.from_record(run)
        self.compared = None
        self.render_state(self.shown)
        self.refresh_bindings()

    def action_compare_runs(self) -> None:
        run = self._highlighted()
        if run is None or self.shown is None:
            return
        self.compared = RunState.from_record(run)
        self._draw_plot()
        self._verdict(self.shown)
        self.refresh_bindings()

    def action_show_current_run(self) -> None:
        """Escape: drop a comparison first; then go back from a past run to this session's run."""
        if self.compared is not None:
            self.compared = None
            self._draw_plot()
            self._verdict(self.shown)
        elif self.app.run_state is not None:
            self.shown = self.app.run_state
            self.render_state(self.shown)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "compare_runs":
            run = self._highlighted()
            return run is not None and self.shown is not None and run.id != self.shown.run_id
        if action == "show_current_run":
            return self.compared is not None or (
                self.app.run_state is not None and self.shown is not self.app.run_state)
        return True

    # drawing -----------------------------------------------------------------------------
    def render_state(self, state: RunState | None) -> None:
        """Draw everything from scratch (on mount, when a run starts, when a past run is opened)."""
        log = self.query_one(RichLog)
        log.clear()
        if state is None:
            self.query_one("#run-heading", Static).update(Text(IDLE_TEXT, style="dim"))
            self.query_one("#run-command", Static).update("")
            self.query_one("#run-progress", ProgressBar).update(total=None, progress=0)
            self.query_one(MetricsPlot).draw({})
            self.query_one("#run-verdict", Static).update("")
            return
        self._heading(state)
        self._fit_plot()
        command = " ".join(state.command[1:]) if state.command else "(the stored tail of its output)"
        self.query_one("#run-command", Static).update(literal(command))
        for line in state.log:
            log.write(ansi_line(line))
        self._progress(state)
        self._draw_plot()
        self._verdict(state)

    def on_resize(self) -> None:
        self._fit_plot()

    def _fit_plot(self) -> None:
        """The plot shows for demos when there is room; tests report no metrics, and a short
        terminal gives its rows to the log (the history shrinks to four rows too)."""
        state = self.shown
        tall = self.size.height >= PLOT_MIN_HEIGHT
        self.query_one(MetricsPlot).display = state is not None and state.kind == "demo" and tall
        self.query_one(DataTable).styles.height = 9 if tall else 7

    def _on_run(self, event: tuple[str, RunState, str]) -> None:
        kind, state, text = event
        if kind == "new":
            self.shown, self.compared = state, None
            self.render_state(state)
            self.refresh_bindings()
            return
        if state is not self.shown:  # a past run is shown: the live one carries on in the background
            if kind == "end":
                self.load_history()
            return
        if kind == "log":
            self.query_one(RichLog).write(ansi_line(text))
        elif kind in ("start", "progress", "test"):  # protocol events
            self._progress(state)
            if kind == "test":
                self._verdict(state)
            else:
                self._schedule_plot()
        elif kind == "claim":
            self._verdict(state)
        elif kind == "end":
            self._heading(state)
            self._progress(state)
            self._draw_plot()
            self._verdict(state)
            self.load_history()
            self.refresh_bindings()

    def _schedule_plot(self) -> None:
        if not self._plot_pending:
            self._plot_pending = True

            def draw() -> None:
                self._plot_pending = False
                self._draw_plot()

            self.set_timer(PLOT_REFRESH_S, draw)

    def _draw_plot(self) -> None:
        state, other = self.shown, self.compared
        if state is None:
            self.query_one(MetricsPlot).draw({})
            return
        if other is None:
            self.query_one(MetricsPlot).draw(state.metrics)
            return
        mine = state.run_id if state.run_id is not None else "now"
        curves = {f"#{mine} {k}": v for k, v in state.metrics.items()}
        curves.update({f"#{other.run_id} {k}": v for k, v in other.metrics.items()})
        self.query_one(MetricsPlot).draw(curves)

    def _heading(self, state: RunState) -> None:
        heading = Text()
        if state.past:
            heading.append(f"run #{state.run_id} · ", style="bold")
        heading.append(state.slug, style="bold")
        heading.append(f" · {state.label} · ")
        session = self.app.session
        title = session.view.title(state.node_id) if session.loaded else state.node_id
        heading.append_text(literal(title))
        if state.past:
            heading.append(f" · {state.started_at.astimezone():%Y-%m-%d %H:%M}", style="dim")
        if state.error:
            heading.append("  could not run", style="bold red")
        elif state.result is None:
            heading.append("  running…", style="bold yellow")
        else:
            heading.append("  ").append_text(outcome_text(state.result.outcome))
        self.query_one("#run-heading", Static).update(heading)

    def _progress(self, state: RunState) -> None:
        bar = self.query_one("#run-progress", ProgressBar)
        if state.total:
            bar.update(total=state.total, progress=state.step)
        elif state.result is not None:
            bar.update(total=1, progress=1 if state.result.outcome == "passed" else 0)
        else:
            bar.update(total=None)

    def _verdict(self, state: RunState) -> None:
        lines = []
        claim = state.claim
        if claim:
            reproduced = bool(claim.get("reproduced"))
            line = Text("Claim    ", style="bold")
            line.append_text(literal(str(claim.get("text", ""))))
            line.append(f"  {claim_figures(claim)}: ", style="dim")
            line.append("REPRODUCED" if reproduced else "NOT REPRODUCED",
                        style="bold green" if reproduced else "bold red")
            lines.append(line)
        if state.kind == "test" and (state.test_counts or state.result is not None):
            line = Text("Tests    ", style="bold")
            failed = bool(state.test_counts.get("failed") or state.test_counts.get("error"))
            line.append(test_counts(state.test_counts), style="red" if failed else "green")
            broken = [name for name, outcome in state.tests if outcome in ("failed", "error")]
            if broken:
                line.append("  failed: ", style="dim").append_text(literal(", ".join(broken[:3])))
                if len(broken) > 3:
                    line.append(f" +{len(broken) - 3} more", style="dim")
            lines.append(line)
        result = state.result
        if state.error:
            lines.append(Text("Outcome  ", style="bold") + literal(state.error, "red"))
        elif result is not None:
            line = Text("Outcome  ", style="bold")
            line.append_text(outcome_text(result.outcome))
            code = "" if result.exit_code is None else f"  exit code {result.exit_code}"
            line.append(f"{code}  {duration(result.seconds)}", style="dim")
            if result.run_id is not None:
                line.append(f"  run #{result.run_id}", style="dim")
            if getattr(result, "record_error", ""):
                line.append("  (only the outcome was recorded)", style="yellow")
            lines.append(line)
        if self.compared is not None:
            other = self.compared
            line = Text("Compare  ", style="bold")
            line.append(f"curves of run #{other.run_id} ({other.slug} {other.label}, ")
            line.append_text(outcome_text(other.result.outcome if other.result else "?"))
            line.append(") drawn with this run's; escape drops them", style="dim")
            lines.append(line)
        self.query_one("#run-verdict", Static).update(Text("\n").join(lines))
