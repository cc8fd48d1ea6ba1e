"""The line protocol between a demo process and whoever watches it.

Demos print plain text for people. When the environment variable
``TRACKER_PROTOCOL=1`` is set (the runner and the TUI set it), they also print
one machine-readable line per event, so the watcher can draw progress bars and
loss curves without scraping prose::

    @@tracker {"event": "start", "total": 200, "title": "..."}
    @@tracker {"event": "progress", "step": 10, "metrics": {"loss": 0.71}}
    @@tracker {"event": "claim", "text": "...", "measured": 0.98,
               "threshold": 0.95, "reproduced": true}
    @@tracker {"event": "end", "status": "reproduced"}

Events:
- ``start``: ``total`` steps planned (int), optional ``title``.
- ``progress``: ``step`` (int, 1-based) and ``metrics`` (name -> float).
- ``claim``: the claim check; ``text`` is the human sentence,
  ``measured``/``threshold`` are numbers, ``reproduced`` a bool.
- ``end``: ``status`` is ``reproduced``, ``not_reproduced`` or ``error``.

Stdlib only: imported by the torch-free runner and by every demo.
"""

from __future__ import annotations

import json
import math
import os
import sys
from dataclasses import dataclass, field
from typing import IO, Any

PREFIX = "@@tracker "
ENV_FLAG = "TRACKER_PROTOCOL"
EVENT_KINDS = ("start", "progress", "claim", "end")


@dataclass(frozen=True)
class Event:
    """One parsed protocol line."""

    kind: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def metrics(self) -> dict[str, float]:
        return dict(self.data.get("metrics") or {})


def parse_line(line: str) -> Event | None:
    """Return the event a line carries, or None for ordinary output.

    Malformed protocol lines are treated as ordinary output: a demo's bug must
    never crash the watcher.
    """
    text = line.strip()
    if not text.startswith(PREFIX.strip()):
        return None
    try:
        payload = json.loads(text[len(PREFIX.strip()):])
    except (ValueError, RecursionError):
        return None
    if not isinstance(payload, dict) or payload.get("event") not in EVENT_KINDS:
        return None
    kind = payload.pop("event")
    if kind == "progress":
        metrics = payload.get("metrics")
        if not isinstance(metrics, dict):
            payload["metrics"] = {}
        else:
            payload["metrics"] = {
                str(k): float(v)
                for k, v in metrics.items()
                if isinstance(v, (int, float)) and not isinstance(v, bool)
            }
        if not isinstance(payload.get("step"), int):
            return None
    return Event(kind, payload)


def _clean_number(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


class Reporter:
    """Prints a demo's progress for people and, when asked, for machines.

    Human progress lines are rate-limited to about ``human_lines`` per run and
    machine events to about ``machine_events``, so a 10,000-step demo neither
    floods a terminal nor the runner's pipe.
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

    def _emit(self, event: str, **data: Any) -> None:
        if self.machine:
            line = json.dumps({"event": event, **data}, allow_nan=False)
            self.stream.write(PREFIX + line + "\n")
            self.stream.flush()

    def say(self, text: str) -> None:
        """A line for people (always printed)."""
        self.stream.write(text + "\n")
        self.stream.flush()

    def start(self, total: int, title: str = "") -> None:
        self.total = max(int(total), 1)
        title = title or self.title
        if title:
            self.say(title)
        self._emit("start", total=self.total, title=title)

    def _due(self, step: int, budget: int) -> bool:
        every = max(self.total // max(budget, 1), 1)
        return step == 1 or step == self.total or step % every == 0

    def progress(self, step: int, **metrics: float) -> None:
        clean = {k: _clean_number(v) for k, v in metrics.items()}
        if self._due(step, self.human_lines):
            shown = "  ".join(f"{k} {v:.4g}" if v is not None else f"{k} nan" for k, v in clean.items())
            self.say(f"step {step}/{self.total}  {shown}".rstrip())
        if self._due(step, self.machine_events):
            self._emit("progress", step=int(step),
                       metrics={k: v for k, v in clean.items() if v is not None})

    def claim(self, text: str, measured: float, threshold: float, reproduced: bool) -> None:
        verdict = "REPRODUCED" if reproduced else "NOT REPRODUCED"
        self.say(f"claim: {text} -> {verdict}")
        self._emit("claim", text=text, measured=_clean_number(measured),
                   threshold=_clean_number(threshold), reproduced=bool(reproduced))

    def end(self, status: str) -> None:
        self._emit("end", status=status)
