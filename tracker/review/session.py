"""A review session's order and wording, shared by the terminal and the TUI.

No I/O here: the session holds the queue of due cards, rates and undoes
through ``cards`` and says how long until each card comes back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from ..store.tables import utcnow
from . import cards
from .schedule import RATINGS


def until(due: datetime, now: datetime) -> str:
    """``due`` as "in 10 min", "in 3 days"."""
    seconds = max((due - now).total_seconds(), 0)
    if seconds < 3600:
        return f"in {max(round(seconds / 60), 1)} min"
    if seconds < 86400:
        hours = round(seconds / 3600)
        return f"in {hours} hour{'s' if hours != 1 else ''}"
    days = round(seconds / 86400)
    return f"in {days} day{'s' if days != 1 else ''}"


def counts_line(store, now: datetime | None = None) -> str:
    today, week = cards.due_counts(store, now)
    return f"{today} due today, {week} this week"


class Session:
    """The cards due when it started, one at a time; an undone card is shown again next."""

    def __init__(self, store, known: Callable[[str], bool], clock: Callable[[], datetime] = utcnow) -> None:
        self.store, self.clock = store, clock
        self.queue = [node_id for node_id, _ in cards.due(store, clock()) if known(node_id)]
        self.position = 0
        self.rated: list[str] = []  # node ids rated in this session, in order (what undo can take back)

    @property
    def current(self) -> str | None:
        return self.queue[self.position] if self.position < len(self.queue) else None

    @property
    def left(self) -> int:
        return len(self.queue) - self.position

    def rate(self, rating: int) -> str:
        node_id = self.current
        if node_id is None:
            raise IndexError("no card to rate")
        now = self.clock()
        result = cards.rate(self.store, node_id, rating, now)
        self.rated.append(node_id)
        self.position += 1
        return f"{RATINGS[rating]}: next review {until(result.due, now)}"

    def undo(self) -> str:
        """Take back this session's last rating and show that card again."""
        if not self.rated:
            return "nothing to undo in this session"
        node_id = self.rated.pop()
        done = cards.undo(self.store, node_id, self.clock())
        if done is None:
            return "nothing to undo"
        self.queue.insert(self.position, node_id)
        return f"undid {RATINGS[done.rating]}"


def week_ahead(now: datetime) -> datetime:
    return now + timedelta(days=7)
