"""One topic map across lists: canonical topics, with every list's headings filed under them.

A curated layer's ``topic_map`` names, per canonical topic, the list headings
that belong to it (each with everything under it) and items no list files.
A list the map does not cover (one the user imported) is matched heading by
heading: a heading whose words clearly name one canonical topic goes there
with its subtree; otherwise its sub-headings are tried, and whatever stays
unmatched stays under its list's own root. So the "by topic" view holds every
item the "by list" view holds, and counts them with ``membership``.

Group ids are not graph ids (graph ids never start with ``~``): ``~topic/ID``
is a canonical topic, ``~list/ID`` what is left of a list heading once some
of its sub-headings moved to canonical topics.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from . import queries
from .identity import fold
from .model import PART_OF, CanonicalTopic, TopicGraph, sort_key

TOPIC = "~topic/"
REST = "~list/"
CONFIDENT = 90.0  # token-set similarity (0-100) a heading needs to a topic's title or keyword
MARGIN = 10.0  # ... and by how much it must beat every other topic's best
# Words that say nothing about which topic a heading is (every heading of the field uses them).
GENERIC = frozenset("a an and the of for in on to with from by deep learning neural network networks net nets "
                    "model models introduction intro part chapter section notes resources papers paper "
                    "advanced basic".split())


def heading_words(text: str) -> str:
    """A heading's telling words, folded and singular: what similarity is measured on."""
    words = []
    for word in re.split(r"[^a-z0-9]+", fold(text)):
        if not word or word in GENERIC:
            continue
        words.append(word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word)
    return " ".join(words)


def similarity(heading: str, topic: CanonicalTopic) -> float:
    """0-100: how well a heading's words match the topic's title or one of its keywords."""
    words = heading_words(heading)
    if not words:
        return 0.0
    names = (heading_words(name) for name in (topic.title, *topic.keywords))
    return max((fuzz.token_set_ratio(words, name) for name in names if name), default=0.0)


def best_topic(heading: str, topics: Iterable[CanonicalTopic]) -> tuple[CanonicalTopic, float] | None:
    """The canonical topic a heading clearly names, with the score; None when no topic is clearly ahead."""
    scored = sorted(((similarity(heading, t), t) for t in topics), key=lambda st: -st[0])
    if not scored or scored[0][0] < CONFIDENT:
        return None
    if len(scored) > 1 and scored[1][0] > scored[0][0] - MARGIN:
        return None
    return scored[0][1], scored[0][0]


@dataclass
class TopicMap:
    """Where each list heading sits in the canonical map, and the rows and items of the "by topic" view."""

    tg: TopicGraph
    placed: dict[str, str] = field(default_factory=dict)  # list heading -> canonical topic id
    matched: dict[str, float] = field(default_factory=dict)  # headings placed by similarity: their score
    _touched: set[str] = field(default_factory=set)  # list topics with a placed heading below them
    _items: dict[str, list[str]] = field(default_factory=dict)

    @property
    def topics(self) -> list[CanonicalTopic]:
        return self.tg.topic_map

    # structure ------------------------------------------------------------------
    def roots(self) -> list[str]:
        """Canonical topics with items, then what is left of each list, in the lists' order."""
        rows = [TOPIC + t.id for t in self.topics]
        rows += [self._row(r) for r in self.tg.roots() if r not in self.placed]
        return [r for r in rows if self.items(r) or not self.is_group(r)]

    def children(self, group: str) -> list[str]:
        tg = self.tg
        if group.startswith(TOPIC):
            topic = self._topic(group)
            headings = [h for h, t in self.placed.items() if t == topic.id
                        and not any(self.placed.get(a) == topic.id for a in queries.ancestors(tg, h))]
            rows = sorted(headings, key=lambda h: sort_key(tg.nodes[h]))
            covered = {i for h in rows for i in queries.items_under(tg, h)}
            return rows + [n for n in topic.nodes if n not in covered and n not in rows]
        if group.startswith(REST):
            rows = [self._row(c) for c in tg.children(group[len(REST):]) if c not in self.placed]
            return [r for r in rows if not self.is_group(r) or self.items(r)]
        return tg.children(group)

    def items(self, group: str) -> list[str]:
        """The items under a row, each once, in source order (a unit is its own single item)."""
        if group not in self._items:
            tg = self.tg
            if group.startswith(TOPIC):
                topic = self._topic(group)
                found = [i for h in self.placed if self.placed[h] == topic.id for i in queries.items_under(tg, h)]
                found += [n for n in topic.nodes if tg.is_unit(n)]
                found += [i for n in topic.nodes if not tg.is_unit(n) for i in queries.items_under(tg, n)]
            elif group.startswith(REST):
                found = [i for row in self.children(group) for i in self.items(row)]
            elif tg.is_unit(group):
                found = [group]
            else:
                found = queries.items_under(tg, group)
            self._items[group] = sorted(dict.fromkeys(found), key=lambda i: sort_key(tg.nodes[i]))
        return self._items[group]

    def title(self, group: str) -> str:
        if group.startswith(TOPIC):
            return self._topic(group).title
        return self.tg.nodes[group[len(REST):] if group.startswith(REST) else group].title

    def is_group(self, row: str) -> bool:
        return row.startswith((TOPIC, REST)) or not self.tg.is_unit(row)

    def groups(self) -> list[str]:
        """Every row id this view adds to the graph's own."""
        return [TOPIC + t.id for t in self.topics] + [REST + t for t in sorted(self._touched)]

    def unfiled(self) -> list[str]:
        """Items under no list topic and no canonical topic."""
        tg = self.tg
        direct = {n for t in self.topics for n in t.nodes}
        parents = queries._adjacency(tg).parents
        return sorted((n.id for n in tg.nodes.values() if not n.is_topic and n.id not in parents and n.id not in direct),
                      key=lambda i: sort_key(tg.nodes[i]))

    def path_to(self, node_id: str) -> list[str]:
        """Rows from a root down to the node's parent in this view: the rows to open to reveal it."""
        if node_id in self.placed:
            return [TOPIC + self.placed[node_id]]
        for topic in self.topics:
            if node_id in topic.nodes and node_id in self.children(TOPIC + topic.id):
                return [TOPIC + topic.id]
        path = self._list_path(node_id)
        for at, heading in enumerate(path):
            if heading in self.placed:
                return [TOPIC + self.placed[heading], *path[at:]]
        return [self._row(t) for t in path]

    # building ---------------------------------------------------------------------
    def _row(self, topic_id: str) -> str:
        return REST + topic_id if topic_id in self._touched else topic_id

    def _topic(self, group: str) -> CanonicalTopic:
        wanted = group[len(TOPIC):]
        return next(t for t in self.topics if t.id == wanted)

    def _list_path(self, node_id: str) -> list[str]:
        """The "by list" tree's path to a node: each step the parent that comes first in the lists."""
        tg, path, current, seen = self.tg, [], node_id, {node_id}
        while True:
            parents = [p for p in sorted(tg.out_ids(current, PART_OF), key=lambda i: sort_key(tg.nodes[i]))
                       if p not in seen]
            if not parents:
                return list(reversed(path))
            current = parents[0]
            seen.add(current)
            path.append(current)

    def place(self) -> TopicMap:
        """File the curated headings, then match the headings of every list the map does not cover."""
        tg = self.tg
        roots = set(tg.roots())
        covered: set[str] = set()
        for topic in self.topics:
            for heading in topic.headings:
                if tg.nodes[heading].is_topic and heading not in self.placed:
                    self.placed[heading] = topic.id
                    covered.update(a for a in (heading, *queries.ancestors(tg, heading)) if a in roots)
        if self.topics:
            for root in tg.roots():
                if root not in covered:
                    self._match(root)
        for heading in self.placed:
            self._touched.update(queries.ancestors(tg, heading))
        return self

    def _match(self, root: str) -> None:
        tg = self.tg
        stack = [root]
        while stack:
            topic_id = stack.pop()
            found = best_topic(tg.nodes[topic_id].title, self.topics)
            if found is not None:
                self.placed.setdefault(topic_id, found[0].id)
                self.matched.setdefault(topic_id, found[1])
                continue
            stack.extend(c for c in reversed(tg.children(topic_id)) if not tg.is_unit(c))


def topic_map(tg: TopicGraph) -> TopicMap:
    """The graph's topic map, built once (the graph never changes)."""
    found = tg.cache.get("topic_map")
    if found is None:
        found = tg.cache["topic_map"] = TopicMap(tg).place()
    return found
