"""Running an implementation's demo or tests from the TUI, without ever blocking the UI.

The run streams in a thread worker (group ``run``); each output line comes
back as a message, is folded into a ``RunState`` (plain data the run panel
draws from, so the panel can be opened at any time and catch up) and
published on ``app.run_signal``. One run at a time; cancelling or quitting
kills the run's whole process group.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from textual import work
from textual.message import Message

from ..errors import UserError

LOG_LINES = 5000
MIN_TIMEOUT_S = 600.0


@dataclass
class RunState:
    """What the run panel shows: the command, progress, metric curves, the log and the verdict."""

    node_id: str
    slug: str
    kind: str
    label: str
    command: list[str]
    total: int | None = None
    step: int = 0
    metrics: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    log: deque[str] = field(default_factory=lambda: deque(maxlen=LOG_LINES))
    claim: dict[str, Any] | None = None
    result: Any = None  # tracker.runner.RunResult once finished
    error: str = ""

    @property
    def active(self) -> bool:
        return self.result is None and not self.error

    def apply(self, line) -> str:
        """Fold one ``OutputLine`` in; returns what changed: log, start, progress, claim or end."""
        event = line.event
        if event is None:
            self.log.append(line.text)
            return "log"
        if event.kind == "start":
            total = event.data.get("total")
            self.total = total if isinstance(total, int) and total > 0 else None
        elif event.kind == "progress":
            self.step = int(event.data.get("step", self.step))
            for name, value in event.metrics.items():
                self.metrics.setdefault(name, []).append((self.step, value))
        elif event.kind == "claim":
            self.claim = dict(event.data)
        return event.kind


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
        if run.pid is not None:
            from ..runner import kill_group

            kill_group(run.pid)
