"""A weekly plan: upcoming reads, their implementations to run, and due reviews, fitted into weekly hours.

Reads come from the what-now queue (``queries.ready``, replayed as if each
planned read were done, so an item never comes before its prerequisites) or
the path to a target (``queries.learning_path``). Each is costed by kind
(``DEFAULT_MINUTES``, overridable per kind or per node); a read item with an
implementation that has not passed its tests here is followed by a run. Due
reviews (fsrs due dates) come first in their week, a few minutes each. Each
read goes into the earliest week with room that is no earlier than its
prerequisites' weeks, so short independent items fill the gaps. A week that
reviews alone overfill, or an item longer than a whole week, is planned anyway
and flagged over budget. Pure: the caller passes what it read from the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from ..graph import queries
from ..graph.estimates import DEFAULT_MINUTES, FALLBACK_MINUTES, minutes_for  # noqa: F401  (the one home of the defaults)

REVIEW_MINUTES = 3
RUN_MINUTES = 20  # reading a demo's output and its tests' verdict, not the machine's time


@dataclass(frozen=True)
class Task:
    what: str  # "review", "read" or "run"
    node_id: str
    minutes: int


@dataclass
class Week:
    number: int
    start: date
    budget: int
    tasks: list[Task] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return sum(t.minutes for t in self.tasks)

    @property
    def over_budget(self) -> bool:
        return self.minutes > self.budget

    def count(self, what: str) -> int:
        return sum(t.what == what for t in self.tasks)


def reading_queue(tg, progress: Mapping[str, str], target: str | None, limit: int) -> list[str]:
    """Up to ``limit`` items to read, each after its prerequisites."""
    if target is not None:
        return [i for i in queries.learning_path(tg, target, progress)
                if tg.is_unit(i) and progress.get(i) not in ("read", "skipped")][:limit]
    planned = dict(progress)
    queue: list[str] = []
    while len(queue) < limit:
        ready = queries.ready(tg, planned, limit=1)
        if not ready:
            break
        queue.append(ready[0])
        planned[ready[0]] = "read"  # as if read: what it unlocks is ready next
    return queue


def build_plan(tg, progress: Mapping[str, str], hours: float, weeks: int, *, due: list[tuple[str, datetime]],
               passed: set[str], start: date, target: str | None = None,
               overrides: Mapping[str, int] | None = None) -> list[Week]:
    """``due``: (node id, due time) of the cards in review; ``passed``: implementations whose tests passed."""
    overrides = overrides or {}
    budget = round(hours * 60)
    plan = [Week(n + 1, start + timedelta(weeks=n), budget) for n in range(weeks)]
    for node_id, when in due:  # each due card once, in the week it falls due (overdue: the first)
        day = when.astimezone(timezone.utc).date()
        index = max(0, (day - start).days // 7)
        if index < weeks and node_id in tg.nodes:
            plan[index].tasks.append(Task("review", node_id, REVIEW_MINUTES))
    tasks: list[Task] = []
    for node_id in reading_queue(tg, progress, target, limit=max(1, budget * weeks // 15)):
        node = tg.nodes[node_id]
        tasks.append(Task("read", node_id, minutes_for(node, overrides)))
        if node.implementation and node.implementation not in passed:
            tasks.append(Task("run", node_id, RUN_MINUTES))
    placed: dict[str, int] = {}  # node id -> the week its read landed in (weeks: it did not fit)
    for task in tasks:
        # the earliest week after its prerequisites' (a run: after its read) with room for it
        needs = [placed.get(p, 0) for p in queries.prerequisite_items(tg, task.node_id)]
        week = max(needs + ([placed.get(task.node_id, weeks)] if task.what == "run" else []), default=0)
        while week < weeks and plan[week].minutes + task.minutes > budget:
            if task.minutes > budget and not plan[week].count("read"):
                break  # longer than any week: it goes alone into this one, flagged over budget
            week += 1
        if task.what == "read":
            placed[task.node_id] = week
        if week < weeks:
            plan[week].tasks.append(task)
    return plan
