"""What an item of a topic is, and what "done" means: the one definition every view counts with.

- An **item** is a study unit (``TopicGraph.is_unit``): any node that is not a
  topic, and a concept (a topic with nothing filed under it), which is read
  and marked like a paper.
- The items of a topic are every item under it, through nested topics, each
  counted **once** however many paths lead to it; a concept with resources
  under it is a topic, so its resources are the items, not the concept.
- **Done** means read. Skipped items are counted apart (they are out of the
  way, so prerequisites treat them as finished, but nobody read them), and
  so are items being read.

The tree, the dashboard, ``tracker topics`` and ``tracker stats`` all count
with ``items_of``/``all_items`` and ``Tally``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

from . import queries
from .model import TopicGraph

DONE_STATUS = "read"


def is_item(tg: TopicGraph, node_id: str) -> bool:
    return node_id in tg.nodes and tg.is_unit(node_id)


def items_of(tg: TopicGraph, topic_id: str) -> list[str]:
    """The items under a topic, transitively, each once, in source order."""
    return queries.items_under(tg, topic_id)


def all_items(tg: TopicGraph) -> list[str]:
    """Every item in the graph, filed under a topic or not."""
    return [n for n in tg.nodes if tg.is_unit(n)]


def is_done(status: str | None) -> bool:
    return status == DONE_STATUS


@dataclass(frozen=True)
class Tally:
    """How many items are read (done), being read, skipped, and in all."""

    read: int = 0
    reading: int = 0
    skipped: int = 0
    total: int = 0

    @property
    def done(self) -> int:
        return self.read

    @property
    def left(self) -> int:
        """Items neither read nor skipped: what is still to do."""
        return self.total - self.read - self.skipped

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def tally(item_ids: Iterable[str], progress: Mapping[str, str]) -> Tally:
    counts = {"read": 0, "reading": 0, "skipped": 0}
    total = 0
    for item in item_ids:
        total += 1
        status = progress.get(item)
        if status in counts:
            counts[status] += 1
    return Tally(total=total, **counts)


def topic_tally(tg: TopicGraph, topic_id: str, progress: Mapping[str, str]) -> Tally:
    return tally(items_of(tg, topic_id), progress)
