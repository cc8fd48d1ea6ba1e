"""The run panel: the selected node's demo or tests, live.

Drawn from ``app.run_state`` (so it can be opened mid-run and catch up) and
kept current by ``app.run_signal``. The log keeps pytest's colours
(``ansi_line``: SGR colours only, never markup).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, ProgressBar, RichLog, Static

from ..literal import ansi_line, literal
from ..runs import LOG_LINES, RunState
from ..widgets.metrics_plot import MetricsPlot

PLOT_REFRESH_S = 0.25
IDLE_TEXT = ("No run yet. Select an item with an implementation, then press x (quick demo), "
             "X (full demo) or t (tests); c cancels.")


class RunPanelScreen(Screen):
    TITLE = "Runs"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="run-heading", classes="screen-heading")
        yield Static(id="run-command", classes="hint")
        yield ProgressBar(id="run-progress", show_eta=False)
        yield MetricsPlot(id="run-plot")
        yield RichLog(id="run-log", max_lines=LOG_LINES, markup=False, highlight=False, wrap=False)
        yield Static(id="run-verdict", classes="screen-heading")
        yield Footer()

    def on_mount(self) -> None:
        self._plot_pending = False
        self.app.run_signal.subscribe(self, self._on_run)
        self.render_state(self.app.run_state)

    def render_state(self, state: RunState | None) -> None:
        """Draw everything from scratch (on mount, and when a new run starts)."""
        log = self.query_one(RichLog)
        log.clear()
        if state is None:
            self.query_one("#run-heading", Static).update(Text(IDLE_TEXT, style="dim"))
            self.query_one("#run-progress", ProgressBar).update(total=None, progress=0)
            self.query_one(MetricsPlot).draw({})
            return
        self._heading(state)
        self.query_one(MetricsPlot).display = state.kind == "demo"  # tests report no metrics
        self.query_one("#run-command", Static).update(literal(" ".join(state.command[1:])))
        for line in state.log:
            log.write(ansi_line(line))
        self._progress(state)
        self.query_one(MetricsPlot).draw(state.metrics)
        self._verdict(state)

    def _on_run(self, event: tuple[str, RunState, str]) -> None:
        kind, state, text = event
        if kind == "new":
            self.render_state(state)
        elif kind == "log":
            self.query_one(RichLog).write(ansi_line(text))
        elif kind in ("start", "progress"):  # protocol events
            self._progress(state)
            self._schedule_plot(state)
        elif kind == "claim":
            self._verdict(state)
        elif kind == "end":
            self._heading(state)
            self._progress(state)
            self.query_one(MetricsPlot).draw(state.metrics)
            self._verdict(state)

    def _schedule_plot(self, state: RunState) -> None:
        if not self._plot_pending:
            self._plot_pending = True

            def draw() -> None:
                self._plot_pending = False
                self.query_one(MetricsPlot).draw(state.metrics)

            self.set_timer(PLOT_REFRESH_S, draw)

    def _heading(self, state: RunState) -> None:
        heading = Text.assemble((state.slug, "bold"), f" · {state.label} · ")
        heading.append_text(literal(self.app.session.view.title(state.node_id)))
        if state.error:
            heading.append("  could not run", style="bold red")
        elif state.result is None:
            heading.append("  running…", style="bold yellow")
        else:
            outcome = state.result.outcome
            heading.append(f"  {outcome}", style="bold green" if outcome == "passed" else "bold red")
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
            line.append(f"  measured {claim.get('measured')} vs {claim.get('threshold')}: ", style="dim")
            line.append("REPRODUCED" if reproduced else "NOT REPRODUCED",
                        style="bold green" if reproduced else "bold red")
            lines.append(line)
        result = state.result
        if state.error:
            lines.append(Text("Outcome  ", style="bold") + literal(state.error, "red"))
        elif result is not None:
            line = Text("Outcome  ", style="bold")
            line.append(result.outcome, style="bold green" if result.outcome == "passed" else "bold red")
            line.append(f"  exit code {result.exit_code}  {result.seconds:.1f} s", style="dim")
            if result.run_id is not None:
                line.append(f"  run #{result.run_id}", style="dim")
            lines.append(line)
        self.query_one("#run-verdict", Static).update(Text("\n").join(lines))
