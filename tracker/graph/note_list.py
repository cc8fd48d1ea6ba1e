"""Every note, recent first, with the topics its node sits in: the TUI's notes list.

Notes come from the store as they are kept there (``Store.notes``); this
module only orders them, names their nodes (an old id still finds its node;
a note on a node gone from the graph is kept and says so) and filters them
by a topic: a list heading, or a canonical topic of the topic map.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from . import queries
from .model import TopicGraph
from .topic_map import TOPIC, topic_map


@dataclass(frozen=True)
class NoteEntry:
    uid: str
    stored_id: str  # the id the store keeps it under
    node_id: str | None  # its node in this graph, None when the node is gone
    title: str
    body: str
    created_at: datetime
    updated_at: datetime

    @property
    def first_line(self) -> str:
        return next((line.strip() for line in self.body.splitlines() if line.strip()), "")


def note_entries(tg: TopicGraph, notes: Iterable, topic: str | None = None) -> list[NoteEntry]:
    """Notes (with ``uid node_id body created_at updated_at``), the latest edited first; blank ones left out."""
    entries = []
    for note in notes:
        if not note.body.strip():
            continue
        node_id = note.node_id if note.node_id in tg.nodes else tg.resolve(note.node_id)
        title = tg.nodes[node_id].title if node_id else f"{note.node_id} (not in the graph: see tracker doctor)"
        entries.append(NoteEntry(note.uid, note.node_id, node_id, title, note.body, note.created_at,
                                 note.updated_at or note.created_at))
    entries.sort(key=lambda e: (e.updated_at, e.created_at), reverse=True)
    if topic is not None:
        entries = [e for e in entries if e.node_id is not None and topic in topics_of(tg, e.node_id)]
    return entries


def topics_of(tg: TopicGraph, node_id: str) -> list[str]:
    """The canonical topics a node is filed under, then every list topic above it."""
    view = topic_map(tg)
    canonical = [TOPIC + t.id for t in view.topics if node_id in _item_set(tg, TOPIC + t.id)]
    return canonical + queries.ancestors(tg, node_id)


def topic_choices(tg: TopicGraph, entries: list[NoteEntry]) -> list[tuple[str, str, int]]:
    """(topic, title, notes in it) for the topics holding noted nodes: canonical ones first, then most notes."""
    counts: Counter[str] = Counter()
    for entry in entries:
        if entry.node_id is not None:
            counts.update(topics_of(tg, entry.node_id))
    view = topic_map(tg)
    return sorted(((t, view.title(t), n) for t, n in counts.items()),
                  key=lambda c: (not c[0].startswith(TOPIC), -c[2], c[1].lower()))


def _item_set(tg: TopicGraph, group: str) -> frozenset[str]:
    sets = tg.cache.setdefault("topic_map_item_sets", {})
    if group not in sets:
        sets[group] = frozenset(topic_map(tg).items(group))
    return sets[group]
