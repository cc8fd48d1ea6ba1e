"""Running an implementation's demo or tests from the TUI, without ever blocking the UI.

The run streams in a thread worker (group ``run``); each output line comes
back as a message, is folded into a ``RunState`` (plain data the run panel
draws from, so the panel can be opened at any time and catch up) and
published on ``app.run_signal``. One run at a time; cancelling or quitting
kills everything the run started (see ``tracker.runner``), and a TUI that is
killed or loses its terminal takes the run along (the supervisor's death
signal); the next start marks that run ``interrupted``.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from textual import work
from textual.message import Message

from ..demo_protocol import curve_label
from ..errors import UserError

LOG_LINES = 5000
MIN_TIMEOUT_S = 600.0


@dataclass
class RunState:
    """What the run panel shows: the command, progress, metric curves, tests, the log and the verdict.

    Curves are keyed by their label (``loss``, or ``plain-56 loss`` for a demo
    that trains several models) and plotted against the step inside their
    series, so two models share one step axis. A past run (``from_record``)
    carries what its row kept: the log's tail, its curves and verdict.
    """

    node_id: str
    slug: str
    kind: str
    label: str
    command: list[str]
    total: int | None = None
    step: int = 0
    series: list[str] = field(default_factory=list)
    current_series: str | None = None
    metrics: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    tests: list[tuple[str, str]] = field(default_factory=list)  # (test id, outcome), in the order they finished
    test_counts: dict[str, int] = field(default_factory=dict)
    log: deque[str] = field(default_factory=lambda: deque(maxlen=LOG_LINES))
    claim: dict[str, Any] | None = None
    result: Any = None  # tracker.runner.RunResult once finished
    error: str = ""
    run_id: int | None = None
    started_at: Any = None  # set for past runs

    @property
    def active(self) -> bool:
        return self.result is None and not self.error

    @property
    def past(self) -> bool:
        return self.started_at is not None

    def apply(self, line) -> str:
        """Fold one ``OutputLine`` in; returns what changed: log, start, progress, claim, test or end."""
        event = line.event
        if event is None:
            self.log.append(line.text)
            return "log"
        data = event.data
        if event.kind == "start":
            self.total, self.series = data["total"], list(data["series"])
        elif event.kind == "progress":
            self.step = data["step"]
            self.current_series = data.get("series")
            x = data.get("series_step", self.step)
            for name, value in event.metrics.items():
                self.metrics.setdefault(curve_label(name, self.current_series), []).append((x, value))
        elif event.kind == "claim":
            self.claim = dict(data)
        elif event.kind == "test":
            self.tests.append((data["name"], data["outcome"]))
            self.test_counts[data["outcome"]] = self.test_counts.get(data["outcome"], 0) + 1
            self.step = len(self.tests)
        return event.kind

    @classmethod
    def from_record(cls, run) -> RunState:
        """A stored run (a ``tracker.store.tables.Run`` row), ready to show again."""
        from ..runner import RunResult

        claim = None
        if run.claim is not None or run.verdict is not None:
            claim = {"text": run.claim or "", "measured": run.measured, "threshold": run.threshold,
                     "reproduced": run.verdict == "reproduced"}
        seconds = (run.ended_at - run.started_at).total_seconds() if run.ended_at and run.started_at else 0.0
        label = {"test": "tests", "demo": "demo"}.get(run.kind, run.kind)
        state = cls(run.node_id, run.slug, run.kind, label, [], claim=claim, run_id=run.id, started_at=run.started_at)
        state.log.extend((run.output_tail or "").splitlines())
        for name, points in (run.curves or {}).items():
            state.metrics[str(name)] = [(p[0], p[1]) for p in points if isinstance(p, list) and len(p) == 2]
        state.test_counts = {str(k): int(v) for k, v in (run.tests or {}).items() if isinstance(v, int)}
        state.result = RunResult(outcome=run.outcome, exit_code=run.exit_code, seconds=seconds,
                                 metrics=dict(run.metrics or {}), claim=claim, run_id=run.id,
                                 tests=state.test_counts)
        return state


class RunOutput(Message):
    """Lines from the worker thread (posted, never awaited, so a closing app cannot deadlock it)."""

    def __init__(self, state: RunState, line=None, result=None, error: str = "") -> None:
        super().__init__()
        self.state, self.line, self.result, self.error = state, line, result, error


class RunActions:
    """Mixed into the app: start, stream, cancel and clean up runs."""

    run_state: RunState | None = None
    _active_run = None

    def action_run(self, kind: str, quick: bool = False) -> None:
        if self._active_run is not None:
            self.warn("a run is already in progress: press c to cancel it")
            return
        node_id = self.selected
        try:
            if not self.session.loaded or node_id is None:
                raise UserError("select an item with an implementation first")
            slug, meta = self.session.implementation(node_id)
            from ..runner import Runner

            store = self._run_store()
            timeout = max(MIN_TIMEOUT_S, meta.expected_cpu_seconds * 4)
            run = Runner(store=store, root=self.session.implementations_root).prepare(
                node_id, slug, kind, quick=quick, timeout=timeout)
        except UserError as err:
            self.report(err)
            return
        label = {"test": "tests", "demo": "quick demo" if quick else "demo"}[kind]
        self.run_state = RunState(node_id, slug, kind, label, list(run.command))
        self._active_run = run
        self.run_signal.publish(("new", self.run_state, ""))
        self.refresh_bindings()
        self.switch_mode("run")
        self._stream_run(run, self.run_state)

    def _run_store(self):
        """The store to record the run in; a broken store still lets the run go ahead, unrecorded."""
        try:
            return self.session.store
        except UserError as err:
            self.warn(f"this run will not be recorded: {err}")
            return None

    @work(thread=True, group="run", exit_on_error=False)
    def _stream_run(self, run, state: RunState) -> None:
        try:
            for line in run.stream():
                self.post_message(RunOutput(state, line=line))
        except Exception as err:  # a failed start or a store error: shown, never a crash
            self.post_message(RunOutput(state, result=run.result, error=str(err) or type(err).__name__))
            return
        self.post_message(RunOutput(state, result=run.result))

    def on_run_output(self, message: RunOutput) -> None:
        state = message.state
        if message.line is not None:
            # The line travels with the event: subscribers run later, when state.log has moved on.
            self.run_signal.publish((state.apply(message.line), state, message.line.text))
            return
        state.result, state.error = message.result, message.error
        if self._active_run is not None and state is self.run_state:
            self._active_run = None
        self.refresh_bindings()
        self.run_signal.publish(("end", state, ""))
        self.details_signal.publish(state.node_id)
        if state.error:
            self.warn(f"run failed: {state.error}", severity="error")
        elif state.result is not None:
            outcome = state.result.outcome
            self.notify(f"{state.slug} {state.label}: {outcome}", markup=False,
                        severity="information" if outcome == "passed" else "warning")

    def action_cancel_run(self) -> None:
        if self._active_run is None:
            self.warn("no run in progress")
            return
        self._active_run.cancel()

    def kill_active_run(self) -> None:
        """On quit: stop the run's whole process group now, not after the grace period."""
        run, self._active_run = self._active_run, None
        if run is None:
            return
        run.cancel()
        if run.pid is not None:  # SIGKILL now, to the group and every descendant (setsid() ones too)
            import signal

            from ..runner import kill_everything

            kill_everything(run.pid, signal.SIGKILL)
