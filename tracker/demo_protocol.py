"""The line protocol between a demo process and whoever watches it.

Demos print plain text for people. When the environment variable
``TRACKER_PROTOCOL=1`` is set (the runner and the TUI set it), they also print
one machine-readable line per event, so the watcher can draw progress bars and
loss curves without scraping prose::

    @@tracker {"event": "start", "total": 200, "title": "...", "series": ["plain", "residual"]}
    @@tracker {"event": "progress", "step": 10, "metrics": {"loss": 0.71}}
    @@tracker {"event": "progress", "step": 110, "series": "residual", "series_step": 10,
               "metrics": {"loss": 0.52}}
    @@tracker {"event": "claim", "text": "...", "measured": 0.98,
               "threshold": 0.95, "reproduced": true}
    @@tracker {"event": "end", "status": "reproduced"}
    @@tracker {"event": "test", "name": "tests/test_x.py::test_y", "outcome": "passed"}

Events:
- ``start``: ``total`` steps planned (int, the whole run), optional ``title``
  and ``series`` (the names of the models a demo trains one after another).
- ``progress``: ``step`` (int, 1-based, counts the whole run) and ``metrics``
  (name -> finite float); a demo that trains several models adds ``series``
  (which one) and ``series_step`` (the step inside it, counted from that
  series' first step, not from its first report), so the watcher can plot
  them as labelled curves on one shared step axis.
- ``claim``: the claim check; ``text`` is the human sentence,
  ``measured``/``threshold`` are numbers (or null), ``reproduced`` a bool.
- ``end``: ``status`` is ``reproduced``, ``not_reproduced`` or ``error``.
- ``test``: one finished test (sent by ``tracker.pytest_protocol``), ``name``
  and ``outcome`` (passed, failed, error, skipped, xfailed, xpassed).

A line that does not match this exactly (a wrong type, an int beyond
``MAX_INT``, a non-finite or huge number, an unknown status) is plain log
text: a demo's bug must never crash or mislead the watcher.

Stdlib only: imported by the torch-free runner and by every demo.
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any

PREFIX = "@@tracker "
ENV_FLAG = "TRACKER_PROTOCOL"
EVENT_KINDS = ("start", "progress", "claim", "end", "test")
END_STATUSES = ("reproduced", "not_reproduced", "error")
TEST_OUTCOMES = ("passed", "failed", "error", "skipped", "xfailed", "xpassed")
MAX_INT = 10**9  # steps and totals: far beyond any demo, far below anything that overflows
MAX_ABS_FIGURE = 1e300  # a finite float whose arithmetic (plot scaling, formatting) cannot overflow
MAX_TEXT = 4000  # claim sentences, titles, test names
MAX_NAME = 80  # metric and series names
MAX_METRICS = 32
MAX_SERIES = 16


@dataclass(frozen=True)
class Event:
    """One parsed, validated protocol line."""

    kind: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def metrics(self) -> dict[str, float]:
        return dict(self.data.get("metrics") or {})


class _Invalid(Exception):
    """The line looked like protocol but is not: it becomes log text."""


def _int(value: Any, low: int, high: int = MAX_INT) -> int:
    if type(value) is not int or not low <= value <= high:
        raise _Invalid
    return value


def _figure(value: Any) -> float:
    if type(value) not in (int, float):  # bools are ints in Python, but not figures here
        raise _Invalid
    try:
        number = float(value)
    except OverflowError:  # a 401-digit int
        raise _Invalid from None
    if not math.isfinite(number) or abs(number) > MAX_ABS_FIGURE:
        raise _Invalid
    return number


def _optional_figure(value: Any) -> float | None:
    return None if value is None else _figure(value)


def _text(value: Any, limit: int = MAX_TEXT) -> str:
    if type(value) is not str or len(value) > limit:
        raise _Invalid
    return value


def _name(value: Any) -> str:
    name = _text(value, MAX_NAME)
    if not name.strip():
        raise _Invalid
    return name


def _start(payload: dict) -> dict[str, Any]:
    data: dict[str, Any] = {"total": _int(payload.get("total"), 1)}
    data["title"] = _text(payload.get("title", ""))
    series = payload.get("series", [])
    if type(series) is not list or len(series) > MAX_SERIES:
        raise _Invalid
    data["series"] = [_name(s) for s in series]
    return data


def _progress(payload: dict) -> dict[str, Any]:
    data: dict[str, Any] = {"step": _int(payload.get("step"), 1)}
    metrics = payload.get("metrics", {})
    if type(metrics) is not dict or len(metrics) > MAX_METRICS:
        raise _Invalid
    data["metrics"] = {_name(k): _figure(v) for k, v in metrics.items()}
    if "series" in payload:
        data["series"] = _name(payload["series"])
        data["series_step"] = _int(payload.get("series_step"), 1)
    return data


def _claim(payload: dict) -> dict[str, Any]:
    if type(payload.get("reproduced")) is not bool:
        raise _Invalid
    return {"text": _text(payload.get("text")), "measured": _optional_figure(payload.get("measured")),
            "threshold": _optional_figure(payload.get("threshold")), "reproduced": payload["reproduced"]}


def _end(payload: dict) -> dict[str, Any]:
    status = payload.get("status")
    if status not in END_STATUSES:
        raise _Invalid
    return {"status": status}


def _test(payload: dict) -> dict[str, Any]:
    outcome = payload.get("outcome")
    if outcome not in TEST_OUTCOMES:
        raise _Invalid
    return {"name": _text(payload.get("name")), "outcome": outcome}


VALIDATORS = {"start": _start, "progress": _progress, "claim": _claim, "end": _end, "test": _test}


def parse_line(line: str) -> Event | None:
    """Return the validated event a line carries, or None for ordinary output (never raises).

    Only the fields documented above are kept, each of its documented type
    and range; unknown extra fields are dropped (a newer demo may send more).
    """
    text = line.strip()
    if not text.startswith(PREFIX.strip()) or len(text) > 1_000_000:
        return None
    try:
        payload = json.loads(text[len(PREFIX.strip()):])
    except (ValueError, RecursionError):  # ValueError covers ints past Python's digit limit
        return None
    if type(payload) is not dict:
        return None
    kind = payload.get("event")
    if type(kind) is not str or kind not in VALIDATORS:
        return None
    try:
        return Event(kind, VALIDATORS[kind](payload))
    except _Invalid:
        return None


def curve_label(metric: str, series: str | None) -> str:
    """The name a metric's curve is drawn and stored under: ``plain-56 loss`` for a series, else ``loss``."""
    return f"{series} {metric}" if series else metric


def _clean_number(value: float) -> float | None:
    """A figure the parser accepts, or None (NaN, infinities, beyond ``MAX_ABS_FIGURE``)."""
    try:
        value = float(value)
    except (OverflowError, TypeError, ValueError):
        return None
    return value if math.isfinite(value) and abs(value) <= MAX_ABS_FIGURE else None


class Reporter:
    """Prints a demo's progress for people and, when asked, for machines.

    Human progress lines are rate-limited to about ``human_lines`` per run and
    machine events to about ``machine_events``, so a 10,000-step demo neither
    floods a terminal nor the runner's pipe. A demo that trains several models
    one after another names them in ``start(series=...)`` and passes
    ``series=`` to ``progress``; its steps keep counting the whole run.

    ``series_step`` is the step inside the series' own run: the declared
    series own consecutive blocks of steps in declared order, equal shares of
    ``total`` unless ``start(series_steps=...)`` gives each its length, so a
    series that reports only every 10th step shows 10, 20, ... however late
    its first report comes. Once a report falls outside its own series'
    block, the declared layout is not the demo's, and every series counts
    from its own first report instead (right for a demo that reports every
    step). A demo whose series are not declared passes ``series_step=`` itself. Rate limits count reports crossing a bucket of
    ``every`` steps, so a sparse reporter is thinned the same way a dense one is.
    """

    def __init__(
        self,
        stream: IO[str] | None = None,
        machine: bool | None = None,
        human_lines: int = 10,
        machine_events: int = 200,
    ) -> None:
        self.stream = stream or sys.stdout
        self.machine = os.environ.get(ENV_FLAG) == "1" if machine is None else machine
        self.human_lines = human_lines
        self.machine_events = machine_events
        self.total = 0
        self.title = ""
        self.series: list[str] = []
        self._series_first: dict[str, int] = {}
        self._blocks: dict[str, tuple[int, int]] = {}  # series -> (first step, number of steps)
        self._layout_holds = True  # no report so far fell outside its own series' block
        self._last_bucket: dict[tuple[str, str | None], int] = {}  # (channel, series) -> last bucket sent

    def _emit(self, event: str, **data: Any) -> None:
        if self.machine:
            line = json.dumps({"event": event, **data}, allow_nan=False)
            self.stream.write(PREFIX + line + "\n")
            self.stream.flush()

    def say(self, text: str) -> None:
        """A line for people (always printed)."""
        self.stream.write(text + "\n")
        self.stream.flush()

    def start(self, total: int, title: str = "", series: Sequence[str] = (),
              series_steps: Sequence[int] | None = None) -> None:
        """``series_steps``: each series' own number of steps, when they are not equal shares of ``total``."""
        self.total = max(int(total), 1)
        self.series = [str(s) for s in series]
        if len(self.series) > MAX_SERIES or len(set(self.series)) != len(self.series):
            raise ValueError(f"at most {MAX_SERIES} distinct series names, got {self.series}")
        lengths = [self.series_total] * len(self.series) if series_steps is None else [int(n) for n in series_steps]
        if len(lengths) != len(self.series) or min(lengths, default=1) < 1 or (
                series_steps is not None and sum(lengths) > self.total):
            raise ValueError(f"series_steps {lengths} must give each of {len(self.series)} series >= 1 step, "
                             f"{self.total} in all at most")
        self._blocks = {}
        self._layout_holds = True
        first = 1
        for name, length in zip(self.series, lengths):
            self._blocks[name] = (first, length)
            first += length
        title = title or self.title
        if title:
            self.say(title)
        data: dict[str, Any] = {"total": self.total, "title": title}
        if self.series:
            data["series"] = self.series
        self._emit("start", **data)

    @property
    def series_total(self) -> int:
        """Steps per series when they are equal shares (the whole run when the demo trains one model)."""
        return max(self.total // max(len(self.series), 1), 1)

    def _series_length(self, series: str) -> int:
        return self._blocks[series][1] if series in self._blocks else self.series_total

    def _due(self, channel: str, series: str | None, step: int, total: int, budget: int) -> bool:
        """True for a series' first report, its last step, and the first report in each new bucket of steps."""
        every = max(total // max(budget, 1), 1)
        bucket = step // every
        last = self._last_bucket.get((channel, series))
        if last is not None and bucket <= last and step != total:
            return False
        self._last_bucket[(channel, series)] = bucket
        return True

    def _series_step(self, series: str, step: int) -> int:
        """The step inside the series' own block (see the class docstring); always >= 1."""
        first = self._series_first.setdefault(series, step)
        if series in self._blocks:
            start, length = self._blocks[series]
            if not start <= step < start + length:
                self._layout_holds = False  # the demo's blocks are not the declared layout
            elif self._layout_holds:
                return step - start + 1
        return max(step - first + 1, 1)

    def progress(self, step: int, series: str | None = None, series_step: int | None = None,
                 **metrics: float) -> None:
        """One step's metrics (``step``, ``series`` and ``series_step`` are not metric names)."""
        step = int(step)
        clean = {str(k): _clean_number(v) for k, v in metrics.items()}
        data: dict[str, Any] = {"step": step}
        if series is None:
            shown_step, shown_total, label = step, self.total, ""
            due = (self._due("human", None, step, self.total, self.human_lines),
                   self._due("machine", None, step, self.total, self.machine_events))
        else:
            series = str(series)
            inner = max(int(series_step), 1) if series_step is not None else self._series_step(series, step)
            shown_step, shown_total, label = inner, self._series_length(series), f"{series} "
            data.update(series=series, series_step=inner)
            per_series = max(len(self.series), 1)
            due = (self._due("human", series, inner, shown_total, max(self.human_lines // per_series, 2)),
                   self._due("machine", series, inner, shown_total, max(self.machine_events // per_series, 2)))
        if due[0]:
            shown = "  ".join(f"{k} {v:.4g}" if v is not None else f"{k} nan" for k, v in clean.items())
            self.say(f"{label}step {shown_step}/{shown_total}  {shown}".rstrip())
        if due[1]:
            self._emit("progress", **data, metrics={k: v for k, v in clean.items() if v is not None})

    def claim(self, text: str, measured: float, threshold: float, reproduced: bool) -> None:
        verdict = "REPRODUCED" if reproduced else "NOT REPRODUCED"
        self.say(f"claim: {text} -> {verdict}")
        self._emit("claim", text=str(text)[:MAX_TEXT], measured=_clean_number(measured),
                   threshold=_clean_number(threshold), reproduced=bool(reproduced))

    def end(self, status: str) -> None:
        self._emit("end", status=status)
