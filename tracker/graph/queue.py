"""The what-now queue: what you are reading, then what is ready, each row with the reasons it is there.

Counts are true: ``ready`` is every ready item, however few rows are shown
("353 ready, showing 50"). Ready items come in ``ranking`` order, the
learner's own core/optional flips (``roles``) moving an item between the core
rows and the supplementary rows after them. Pure: progress and roles come in
as plain mappings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from . import queries
from .model import TopicGraph
from .ranking import rank_key, step_of

MAX_STARS_SHOWN = 5


@dataclass(frozen=True)
class QueueRow:
    node_id: str
    status: str  # "reading" or "unread"
    reasons: tuple[str, ...]
    optional: bool = False


@dataclass(frozen=True)
class Queue:
    rows: list[QueueRow]
    reading: int  # every item being read
    ready: int  # every ready unread item, shown or not

    @property
    def shown_ready(self) -> int:
        return sum(r.status != "reading" for r in self.rows)

    def summary(self) -> str:
        """"2 reading · 353 ready, showing 48": what the rows are out of."""
        parts = [f"{self.reading} reading"] if self.reading else []
        ready = f"{self.ready} ready"
        if self.shown_ready < self.ready:
            ready += f", showing {self.shown_ready}"
        return " · ".join([*parts, ready])


def reasons(tg: TopicGraph, node_id: str, status: str = "unread",
            roles: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """Why the row is there, in the ranking's words: "you are reading it", "next in Week 2", "★★★★"."""
    node = tg.nodes[node_id]
    out: list[str] = []
    if status == "reading":
        out.append("you are reading it")
    role = roles.get(node_id) if roles else None
    if role == "optional":
        out.append("optional (your choice)")
    elif role == "core" and node.supplementary:
        out.append("core (your choice)")
    step = step_of(tg, node_id)
    if node.supplementary and role != "core":
        where = tg.nodes[step].title if step else _first_topic_title(tg, node_id)
        out.append(f"supplementary to {where}" if where else "supplementary")
    elif step:
        out.append(f"{'in' if status == 'reading' else 'next in'} {tg.nodes[step].title}")
    if node.curated and node.implementation:
        out.append("curated, with an implementation")
    elif node.curated:
        out.append("curated")
    elif node.implementation:
        out.append("has an implementation")
    if node.stars:
        out.append("★" * min(node.stars, MAX_STARS_SHOWN))
    if len(node.lists) > 1:
        out.append(f"cited by {len(node.lists)} lists")
    if node.derived_title:
        out.append("untitled in its list")
    return tuple(out)


def _first_topic_title(tg: TopicGraph, node_id: str) -> str:
    topics = queries.ordering_ancestors(tg, node_id)
    return tg.nodes[topics[0]].title if topics else ""


def what_now(tg: TopicGraph, progress: Mapping[str, str], limit: int | None = 50, topic: str | None = None,
             roles: Mapping[str, str] | None = None) -> Queue:
    """Reading items first (all of them), then ready items best first, ``limit`` rows in all."""
    scope = set(queries.items_under(tg, topic)) if topic else None
    reading = sorted((i for i, s in progress.items() if s == "reading" and i in tg.nodes and tg.is_unit(i)
                      and (scope is None or i in scope)), key=lambda i: rank_key(tg, i))
    room = None if limit is None else max(limit - len(reading), 0)
    core: list[str] = []
    extras: list[str] = []
    total = 0
    found = queries.iter_ready(tg, progress, topic, roles)
    for node_id in found:
        total += 1
        if queries.is_optional(tg, node_id, roles):
            if room is None or len(extras) < room:
                extras.append(node_id)
        else:
            core.append(node_id)
            if room is not None and len(core) >= room:  # a full page of core rows: the rest are only counted
                break
    total += sum(1 for _ in found)
    shown_ready = (core + extras)[:room] if room is not None else core + extras
    rows = [QueueRow(i, "reading", reasons(tg, i, "reading", roles), queries.is_optional(tg, i, roles))
            for i in reading][: limit if limit is not None else None]
    rows += [QueueRow(i, "unread", reasons(tg, i, "unread", roles), queries.is_optional(tg, i, roles))
             for i in shown_ready]
    return Queue(rows, len(reading), total)
