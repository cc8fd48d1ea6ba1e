"""Graph questions the screens ask, answered without any UI code.

The core queries (``tracker.graph.queries``) work on the whole graph; the
TUI also needs per-topic children under a filter, the path that reveals a
node in the tree, and cached item lists so that marking one item only
recounts the topics above it. Everything here is plain data, testable
without Textual.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..graph import membership, queries
from ..graph.membership import Tally
from ..graph.model import DONE_STATUSES, PART_OF, RELATED, REQUIRES, Node, TopicGraph, sort_key

UNFILED = "~unfiled"  # a pseudo-topic holding items filed under no topic (not a valid graph id)
UNFILED_TITLE = "Not filed under a topic"


@dataclass(frozen=True)
class Filter:
    """What the tree hides: finished items, and every kind but one."""

    hide_done: bool = False
    kind: str | None = None

    @property
    def active(self) -> bool:
        return self.hide_done or self.kind is not None

    def accepts(self, node: Node, status: str) -> bool:
        if self.hide_done and status in DONE_STATUSES:
            return False
        return self.kind is None or node.kind == self.kind

    def describe(self) -> str:
        parts = []
        if self.hide_done:
            parts.append("hiding read/skipped")
        if self.kind:
            parts.append(f"only {self.kind}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Relation:
    """One line of the details' relations list: a node to jump to, or a link to open."""

    kind: str  # requires | inherited | needed by | related | link
    target: str  # a node id, or a URL for links
    title: str
    reason: str = ""
    status: str = ""
    via: str = ""


class GraphView:
    """One loaded graph with the per-topic lookups the tree needs, cached (the graph never changes)."""

    def __init__(self, tg: TopicGraph) -> None:
        self.tg = tg
        self._items: dict[str, list[str]] = {}
        self.orphans = sorted((n.id for n in tg.nodes.values() if not n.is_topic and not tg.out_ids(n.id, PART_OF)),
                              key=lambda i: sort_key(tg.nodes[i]))
        self._roots = tg.roots()
        self._old_ids: dict[str, list[str]] = {}
        for old, new in tg.id_aliases.items():
            self._old_ids.setdefault(new, []).append(old)

    # structure -----------------------------------------------------------
    def roots(self) -> list[str]:
        return self._roots + ([UNFILED] if self.orphans else [])

    def title(self, node_id: str) -> str:
        return UNFILED_TITLE if node_id == UNFILED else self.tg.nodes[node_id].title

    def is_group(self, node_id: str) -> bool:
        """A row that expands (a topic with something under it), rather than a unit you mark."""
        return node_id == UNFILED or not self.tg.is_unit(node_id)

    def children(self, topic_id: str) -> list[str]:
        return list(self.orphans) if topic_id == UNFILED else self.tg.children(topic_id)

    def items(self, topic_id: str) -> list[str]:
        if topic_id == UNFILED:
            return list(self.orphans)
        if topic_id not in self._items:
            self._items[topic_id] = membership.items_of(self.tg, topic_id)
        return self._items[topic_id]

    def counts(self, topic_id: str, progress: Mapping[str, str]) -> Tally:
        """Read (done), reading, skipped and all items of a topic, as ``tracker stats`` counts them."""
        return membership.tally(self.items(topic_id), progress)

    def kinds(self) -> list[tuple[str, int]]:
        """The kinds of the items in the graph with how many of each, most common first (the kind picker)."""
        from collections import Counter

        found = Counter(self.tg.nodes[i].kind for i in membership.all_items(self.tg))
        return sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))

    def stored_ids(self, node_id: str) -> list[str]:
        """The node's id and the old ids the store may still hold its records under."""
        return [node_id, *self._old_ids.get(node_id, [])]

    # filtering -------------------------------------------------------------
    def shown(self, node_id: str, progress: Mapping[str, str], filt: Filter) -> bool:
        if not self.is_group(node_id):
            return filt.accepts(self.tg.nodes[node_id], progress.get(node_id, "unread"))
        if not filt.active:
            return True
        return any(filt.accepts(self.tg.nodes[i], progress.get(i, "unread")) for i in self.items(node_id))

    def visible_children(self, topic_id: str, progress: Mapping[str, str], filt: Filter) -> list[str]:
        return [c for c in self.children(topic_id) if self.shown(c, progress, filt)]

    def path_to(self, node_id: str) -> list[str]:
        """Topic ids from a root down to the node's parent: the rows to expand to reveal it."""
        if node_id == UNFILED or node_id in self._roots:
            return []
        if node_id in self.orphans:
            return [UNFILED]
        path: list[str] = []
        current = node_id
        seen = {node_id}
        while True:
            parents = sorted(self.tg.out_ids(current, PART_OF), key=lambda i: sort_key(self.tg.nodes[i]))
            parents = [p for p in parents if p not in seen]
            if not parents:
                break
            current = parents[0]
            seen.add(current)
            path.append(current)
        return list(reversed(path))

    def affected_topics(self, node_ids: list[str]) -> set[str]:
        """Topics whose counts change when these nodes change status."""
        out: set[str] = set()
        for node_id in node_ids:
            if node_id in self.tg.nodes:
                out.update(queries.ancestors(self.tg, node_id))
                if node_id in self.orphans:
                    out.add(UNFILED)
        return out

    # details ----------------------------------------------------------------
    def relations(self, node_id: str, progress: Mapping[str, str]) -> list[Relation]:
        """Prerequisites (own and inherited from topics), dependents, related nodes, then links."""
        tg = self.tg
        node = tg.nodes[node_id]
        out = [Relation("requires", r, tg.nodes[r].title, tg.reason(node_id, r), progress.get(r, "unread"))
               for r in tg.out_ids(node_id, REQUIRES)]
        seen = {r.target for r in out}
        for topic in queries.ordering_ancestors(tg, node_id):  # a later week of a revisited paper adds none
            for r in tg.out_ids(topic, REQUIRES):
                if r not in seen and r != node_id:
                    seen.add(r)
                    out.append(Relation("inherited", r, tg.nodes[r].title, tg.reason(topic, r),
                                        progress.get(r, "unread"), via=tg.nodes[topic].title))
        out += [Relation("needed by", d, tg.nodes[d].title, tg.reason(d, node_id), progress.get(d, "unread"))
                for d in sorted(tg.in_ids(node_id, REQUIRES), key=lambda i: sort_key(tg.nodes[i]))]
        related = dict.fromkeys(tg.out_ids(node_id, RELATED) + tg.in_ids(node_id, RELATED))
        out += [Relation("related", r, tg.nodes[r].title, status=progress.get(r, "unread")) for r in related]
        links = ([(node.url, "")] if node.url else []) + [(l.url, l.label or l.kind or "link") for l in node.links]
        out += [Relation("link", url, label) for url, label in dict(links).items()]
        return out

    def primary_url(self, node_id: str) -> str | None:
        if node_id == UNFILED:
            return None
        node = self.tg.nodes[node_id]
        return node.url or next((l.url for l in node.links), None)
