"""How the what-now queue orders ready items: the signals a learner reads as "this is worth doing now".

Best first: core before supplementary; a curated record (a paper this tool
describes by hand), and one with an implementation to run; its place in an
ordered list (a course's weeks, in order); a list's star or priority marks;
how many lists cite it; its kind (a paper before a link dump); a real title
before one made from a link. The same signals give each queue row its
reasons (``queue``).
"""

from __future__ import annotations

from .model import REQUIRES, TopicGraph, sort_key

# A paper or book is studied; a video or post helps; a repository or awesome-list is a link dump.
KIND_ORDER = {"paper": 0, "book": 1, "course": 1, "article": 2, "talk": 2, "topic": 3, "video": 3, "code": 4}
_NOWHERE = (1,)


def ordered_topics(tg: TopicGraph) -> frozenset[str]:
    """Topics in a reading order: those that require another topic or that another topic requires (weeks)."""
    found = tg.cache.get("ordered_topics")
    if found is None:
        topics = {n for n, node in tg.nodes.items() if node.is_topic}
        found = set()
        for u, v, kind in tg.graph.edges(data="kind"):
            if kind == REQUIRES and u in topics and v in topics:
                found.update((u, v))
        found = tg.cache["ordered_topics"] = frozenset(found)
    return found


def step_of(tg: TopicGraph, node_id: str) -> str | None:
    """The ordered topic (week) the item takes its place in: its earliest one."""
    from .queries import ordering_ancestors

    ordered = ordered_topics(tg)
    if not ordered:
        return None
    return next((t for t in ordering_ancestors(tg, node_id) if t in ordered), None)


def rank_key(tg: TopicGraph, node_id: str) -> tuple:
    node = tg.nodes[node_id]
    step = step_of(tg, node_id)
    place = (0, sort_key(tg.nodes[step])) if step else _NOWHERE
    return (node.supplementary, not node.curated, node.implementation is None, place, -(node.stars or 0),
            -len(node.lists), KIND_ORDER.get(node.kind, 3), node.derived_title, sort_key(node))
