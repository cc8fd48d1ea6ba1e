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

from rapidfuzz import fuzz, process

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
                    "advanced basic week day lecture lesson module unit topic".split())  # the last: a course's places


def heading_words(text: str) -> str:
    """A heading's telling words, folded and singular: what similarity is measured on."""
    words = []
    for word in re.split(r"[^a-z0-9]+", fold(text)):
        if not word or word in GENERIC or word.isdigit():  # "Week 3", "Section 12": nothing about a subject
            continue
        words.append(word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word)
    return " ".join(words)


def topic_names(topic: CanonicalTopic) -> list[str]:
    """The telling words of a topic's title and of each keyword."""
    return [words for words in (heading_words(name) for name in (topic.title, *topic.keywords)) if words]


def similarity(heading: str, topic: CanonicalTopic) -> float:
    """0-100: how well a heading's words match the topic's title or one of its keywords."""
    words = heading_words(heading)
    if not words:
        return 0.0
    return max((fuzz.token_set_ratio(words, name) for name in topic_names(topic)), default=0.0)


class Matcher:
    """Every topic's names in one list, so a heading is compared with all of them in one call (in C)."""

    def __init__(self, topics: Iterable[CanonicalTopic]) -> None:
        self.topics = list(topics)
        self.names: list[str] = []
        self.owner: list[int] = []
        self._memo: dict[str, tuple[CanonicalTopic, float] | None] = {}
        for at, topic in enumerate(self.topics):
            for name in topic_names(topic):
                self.names.append(name)
                self.owner.append(at)

    def best(self, heading: str) -> tuple[CanonicalTopic, float] | None:
        """The canonical topic a heading clearly names, with the score; None when no topic is clearly ahead."""
        if heading not in self._memo:  # lists repeat headings ("Week 1", "Books"): each is matched once
            self._memo[heading] = self._best(heading)
        return self._memo[heading]

    def _best(self, heading: str) -> tuple[CanonicalTopic, float] | None:
        words = heading_words(heading)
        if not words or not self.names:
            return None
        best: dict[int, float] = {}
        for _, score, k in process.extract(words, self.names, scorer=fuzz.token_set_ratio, limit=None,
                                           score_cutoff=CONFIDENT - MARGIN):
            best[self.owner[k]] = max(best.get(self.owner[k], 0.0), score)
        scored = sorted(best.items(), key=lambda ts: -ts[1])
        if not scored or scored[0][1] < CONFIDENT:
            return None
        if len(scored) > 1 and scored[1][1] > scored[0][1] - MARGIN:
            return None
        return self.topics[scored[0][0]], scored[0][1]


def best_topic(heading: str, topics: Iterable[CanonicalTopic]) -> tuple[CanonicalTopic, float] | None:
    """The canonical topic a heading clearly names, with the score; None when no topic is clearly ahead."""
    return Matcher(topics).best(heading)


@dataclass
class TopicMap:
    """Where each list heading sits in the canonical map, and the rows and items of the "by topic" view."""

    tg: TopicGraph
    placed: dict[str, str] = field(default_factory=dict)  # list heading -> canonical topic id
    matched: dict[str, float] = field(default_factory=dict)  # headings placed by similarity: their score
    _touched: set[str] = field(default_factory=set)  # list topics with a placed heading below them
    _items: dict[str, list[str]] = field(default_factory=dict)
    _roots: list[str] = field(default_factory=list)  # the lists' roots (the graph never changes)

    @property
    def topics(self) -> list[CanonicalTopic]:
        return self.tg.topic_map

    # structure ------------------------------------------------------------------
    def roots(self) -> list[str]:
        """Canonical topics with items, then what is left of each list, in the lists' order."""
        rows = [TOPIC + t.id for t in self.topics]
        rows += [self._row(r) for r in self._roots if r not in self.placed]
        return [r for r in rows if self.items(r) or not self.is_group(r)]

    def children(self, group: str) -> list[str]:
        tg = self.tg
        if group.startswith(TOPIC):
            topic = self._topic(group)
            headings = [h for h, t in self.placed.items() if t == topic.id
                        and not any(self.placed.get(a) == topic.id for a in queries.ancestors(tg, h))]
            rows = sorted(headings, key=lambda h: sort_key(tg.nodes[h]))
            covered = set(self._collect(rows, skip_placed=False))
            return rows + [n for n in topic.nodes if n not in covered and n not in rows]
        if group.startswith(REST):
            rows = [self._row(c) for c in tg.children(group[len(REST):]) if c not in self.placed]
            return [r for r in rows if not self.is_group(r) or self.items(r)]
        return tg.children(group)

    def items(self, group: str) -> list[str]:
        """The items under a row, each once, heading by heading in the lists' order (a unit is its own item)."""
        if group not in self._items:
            tg = self.tg
            if group.startswith(TOPIC):
                topic = self._topic(group)
                starts = [h for h, t in self.placed.items() if t == topic.id] + list(topic.nodes)
                self._items[group] = self._collect(starts, skip_placed=False)
            elif group.startswith(REST):
                self._items[group] = self._collect([group[len(REST):]], skip_placed=True)
            elif tg.is_unit(group):
                self._items[group] = [group]
            else:
                self._items[group] = queries.items_under(tg, group)
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
        path = self.list_path(node_id)
        for at, heading in enumerate(path):
            if heading in self.placed:
                return [TOPIC + self.placed[heading], *path[at:]]
        return [self._row(t) for t in path]

    def _collect(self, starts: list[str], skip_placed: bool) -> list[str]:
        """Units under the starting rows, each once, depth first in the lists' order; one walk, no sorting.

        ``skip_placed``: headings filed under a canonical topic are not entered (what is left of a list).
        """
        children = queries._adjacency(self.tg).children
        units = _units(self.tg)
        found: dict[str, None] = {}
        seen: set[str] = set()
        stack = list(reversed(starts))
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            if current in units:
                found[current] = None
                continue
            below = children.get(current, ())
            stack.extend(c for c in reversed(below) if not (skip_placed and c in self.placed) and c not in seen)
        return list(found)

    # building ---------------------------------------------------------------------
    def _row(self, topic_id: str) -> str:
        return REST + topic_id if topic_id in self._touched else topic_id

    def _topic(self, group: str) -> CanonicalTopic:
        wanted = group[len(TOPIC):]
        return next(t for t in self.topics if t.id == wanted)

    def list_path(self, node_id: str) -> list[str]:
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
        self._roots = tg.roots()
        roots = set(self._roots)
        covered: set[str] = set()
        for topic in self.topics:
            for heading in topic.headings:
                if tg.nodes[heading].is_topic and heading not in self.placed:
                    self.placed[heading] = topic.id
                    covered.update(a for a in (heading, *queries.ancestors(tg, heading)) if a in roots)
        if self.topics:
            matcher = Matcher(self.topics)
            for root in self._roots:
                if root not in covered:
                    self._match(root, matcher)
        for heading in self.placed:
            self._touched.update(queries.ancestors(tg, heading))
        return self

    def _match(self, root: str, matcher: Matcher) -> None:
        tg = self.tg
        subtopics = _subtopics(tg)
        stack, seen = [root], {root}
        while stack:
            topic_id = stack.pop()
            found = matcher.best(tg.nodes[topic_id].title)
            if found is not None:
                self.placed.setdefault(topic_id, found[0].id)
                self.matched.setdefault(topic_id, found[1])
                continue
            below = [c for c in subtopics.get(topic_id, ()) if c not in seen]
            seen.update(below)
            stack.extend(below)


def _subtopics(tg: TopicGraph) -> dict[str, list[str]]:
    """Each topic's child topics (those with items of their own), found from the topics up, not the items down."""
    found = tg.cache.get("subtopics")
    if found is None:
        adjacency = queries._adjacency(tg)
        found = tg.cache["subtopics"] = {}
        for topic in adjacency.children:  # a node with something filed under it is a topic with items
            for parent in adjacency.parents.get(topic, ()):
                found.setdefault(parent, []).append(topic)
    return found


def _units(tg: TopicGraph) -> set[str]:
    """The graph's study units as a set (``TopicGraph.is_unit``'s own, read once per walk)."""
    tg.is_unit("")
    return tg.cache["units"]


def topic_map(tg: TopicGraph) -> TopicMap:
    """The graph's topic map, built once (the graph never changes)."""
    found = tg.cache.get("topic_map")
    if found is None:
        found = tg.cache["topic_map"] = TopicMap(tg).place()
    return found
