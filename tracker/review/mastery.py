"""Mastery in three independent tracks, per node and per topic.

- read: the node's status is ``read``;
- implemented: its implementation's latest test run with a verdict passed
  on this machine (``Store.implemented``), with that run's date;
- recalled: it is in review and fsrs puts its retrievability at >= 0.9 now.

A topic counts its items (``membership.items_of``, the one definition every
view uses): read over all items, implemented over the items that have an
implementation, recalled over the items in review. The mean retrievability
of its items in review is the forgetting heatmap's colour.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from ..graph.membership import items_of
from ..store.tables import utcnow
from . import cards
from .schedule import RECALLED


@dataclass(frozen=True)
class NodeTracks:
    read: bool
    implemented: bool | None  # None: no implementation to run
    implemented_at: datetime | None
    recalled: bool | None  # None: not in review
    retrievability: float | None


@dataclass(frozen=True)
class TopicTracks:
    topic_id: str
    read: int
    items: int
    implemented: int
    implementable: int
    recalled: int
    in_review: int
    mean_retrievability: float | None  # None: nothing under it is in review

    def line(self, title: str) -> str:
        """"Sequence models: read 12/15, implemented 4/6, recalled 9/12"."""
        return (f"{title}: read {self.read}/{self.items}, implemented {self.implemented}/{self.implementable}, "
                f"recalled {self.recalled}/{self.in_review}")

    def to_json(self) -> dict:
        return {"id": self.topic_id, "read": self.read, "items": self.items, "implemented": self.implemented,
                "implementable": self.implementable, "recalled": self.recalled, "in_review": self.in_review,
                "mean_retrievability": None if self.mean_retrievability is None
                else round(self.mean_retrievability, 4)}


class Mastery:
    """One snapshot of the three tracks: the store is read once, then any node or topic is cheap."""

    def __init__(self, tg, store, progress: Mapping[str, str], now: datetime | None = None) -> None:
        self.tg, self.progress, self.now = tg, progress, now or utcnow()
        self.recall = cards.retrievabilities(store, self.now)
        slugs = {n.implementation for n in tg.nodes.values() if n.implementation}
        self.passed = store.implemented(slugs)
        self._store = store

    def node(self, node_id: str) -> NodeTracks:
        node = self.tg.nodes[node_id]
        slug = node.implementation
        implemented = None if not slug else slug in self.passed
        when = None
        if implemented:
            last = self._store.last_run(slug, "test", finished=True)
            when = last.ended_at if last else None
        r = self.recall.get(node_id)
        return NodeTracks(self.progress.get(node_id) == "read", implemented, when,
                          None if r is None else r >= RECALLED, r)

    def topic(self, topic_id: str) -> TopicTracks:
        return self.of_items(topic_id, items_of(self.tg, topic_id))

    def of_items(self, key: str, item_ids: Iterable[str]) -> TopicTracks:
        ids = list(item_ids)
        slugs = {i: self.tg.nodes[i].implementation for i in ids if self.tg.nodes[i].implementation}
        recall = [self.recall[i] for i in ids if i in self.recall]
        return TopicTracks(
            key, sum(self.progress.get(i) == "read" for i in ids), len(ids),
            sum(s in self.passed for s in slugs.values()), len(slugs),
            sum(r >= RECALLED for r in recall), len(recall),
            sum(recall) / len(recall) if recall else None)

    def not_run(self) -> list[str]:
        """Read items whose implementation has not passed its tests here yet (``next --track implemented``)."""
        return [i for i, n in self.tg.nodes.items()
                if n.implementation and self.progress.get(i) == "read" and n.implementation not in self.passed]
