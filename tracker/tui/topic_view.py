"""The tree "by topic": the canonical topic map (``tracker.graph.topic_map``) behind the tree's view API.

Everything the tree asks of ``GraphView`` (roots, children, items, counts,
filters, the path that reveals a node, the rows a mark relabels) answered
for canonical topics and what is left of each list, with the same counters.
"""

from __future__ import annotations

from ..graph import queries
from ..graph.topic_map import TopicMap, topic_map
from .viewmodel import UNFILED, UNFILED_TITLE, GraphView


class TopicView(GraphView):
    def __init__(self, base: GraphView) -> None:  # noqa: D107 - shares the "by list" view's per-graph lookups
        self.tg, self._items, self._roots, self._old_ids = base.tg, base._items, base._roots, base._old_ids
        self.map: TopicMap = topic_map(base.tg)
        direct = {n for topic in self.map.topics for n in topic.nodes}
        self.orphans = [n for n in base.orphans if n not in direct]
        self._sets: dict[str, frozenset[str]] = {}

    def roots(self) -> list[str]:
        return self.map.roots() + ([UNFILED] if self.orphans else [])

    def title(self, node_id: str) -> str:
        """A list heading under a canonical topic says which list it is from ("Attention · Deep Learning")."""
        if node_id == UNFILED:
            return UNFILED_TITLE
        title = self.map.title(node_id)
        if node_id in self.map.placed:
            path = self.map.list_path(node_id)
            if path:
                title = f"{title} · {self.tg.nodes[path[0]].title}"
        return title

    def is_group(self, node_id: str) -> bool:
        return node_id == UNFILED or self.map.is_group(node_id)

    def children(self, topic_id: str) -> list[str]:
        return list(self.orphans) if topic_id == UNFILED else self.map.children(topic_id)

    def items(self, topic_id: str) -> list[str]:
        return list(self.orphans) if topic_id == UNFILED else self.map.items(topic_id)

    def path_to(self, node_id: str) -> list[str]:
        if node_id == UNFILED or node_id in self.roots():
            return []
        if node_id in self.orphans:
            return [UNFILED]
        return self.map.path_to(node_id)

    def affected_topics(self, node_ids: list[str]) -> set[str]:
        out: set[str] = set()
        for node_id in node_ids:
            if node_id not in self.tg.nodes:
                continue
            out.update(queries.ancestors(self.tg, node_id))
            if node_id in self.orphans:
                out.add(UNFILED)
            out.update(g for g in self.map.groups() if node_id in self._item_set(g))
        return out

    def _item_set(self, group: str) -> frozenset[str]:
        if group not in self._sets:
            self._sets[group] = frozenset(self.map.items(group))
        return self._sets[group]


def topic_view(session) -> TopicView:
    """The session's "by topic" view, built on first use and again after the graph reloads."""
    cached = session.__dict__.get("_topic_view")
    if cached is None or cached[0] is not session.view:
        cached = session.__dict__["_topic_view"] = (session.view, TopicView(session.view))
    return cached[1]
