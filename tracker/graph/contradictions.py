"""Prerequisites that can never be met once topic requirements are expanded.

A requirement on a topic means every item under it ("week 2 requires week
1"), and an item inherits the requirements of every topic above it. So
edges that are each sound can still make items wait for each other for
ever: an item of week 1 that requires an item of week 3, when week 3
requires week 2 and week 2 requires week 1. Such items are never ready and
have no valid learning path, and the plain cycle check on ``requires``
edges cannot see it.

The check builds one small graph: a node per study unit and two per topic
(what the topic's members must wait for; the topic's items), so a week
required by a thousand items costs one edge each, not a thousand. Units in
one strongly connected component wait for each other. A unit alone in its
component is fine even on a loop: an item listed in the week it requires
does not wait for itself.
"""

from __future__ import annotations

import networkx as nx

from .model import PART_OF, REQUIRES
from .ordering import Ordering


def _label(node) -> str:
    if isinstance(node, str):
        return node
    role, topic = node
    return f"(what {topic} requires)" if role == "needs" else f"(the items of {topic})"


def waiting_cycles(graph: nx.DiGraph, topics: set[str]) -> list[list[str]]:
    """Each group of units that wait for each other, as one path that shows why (first unit repeated last)."""
    parents_of: dict[str, list[str]] = {}
    requires_of: dict[str, list[str]] = {}
    for u, v, kind in graph.edges(data="kind"):
        (parents_of if kind == PART_OF else requires_of if kind == REQUIRES else {}).setdefault(u, []).append(v)
    with_items = {p for ps in parents_of.values() for p in ps}
    is_unit = lambda n: n not in topics or n not in with_items  # noqa: E731  (a topic with no items is a concept)
    ordering = Ordering(parents_of, requires_of, {t for t in topics if not is_unit(t)})
    waits = nx.DiGraph()
    for u, v, kind in graph.edges(data="kind"):
        if kind == PART_OF:  # u sits under topic v: it is one of v's items, and waits for what v requires
            waits.add_edge(("items", v), u if is_unit(u) else ("items", u))
            if not is_unit(u) or v in ordering.ordering_parents(u):  # an item waits at its earliest week only
                waits.add_edge(u if is_unit(u) else ("needs", u), ("needs", v))
        elif kind == REQUIRES:
            waits.add_edge(u if is_unit(u) else ("needs", u), v if is_unit(v) else ("items", v))
    found = []
    for component in nx.strongly_connected_components(waits):
        units = sorted(n for n in component if isinstance(n, str))
        if len(units) < 2:
            continue
        sub = waits.subgraph(component)
        there = nx.shortest_path(sub, units[0], units[1])
        back = nx.shortest_path(sub, units[1], units[0])
        found.append([_label(n) for n in there + back[1:]])
    return found
