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

from collections.abc import Iterator

import networkx as nx

from .model import REQUIRES, Adjacency
from .ordering import Ordering


def describe(path: list) -> str:
    """A cycle from ``waiting_cycles`` in words: ``a -> b -> (what week-3 requires) -> ...``."""
    def label(node) -> str:
        if isinstance(node, str):
            return node
        role, topic = node
        return f"(what {topic} requires)" if role == "needs" else f"(the items of {topic})"

    return " -> ".join(label(n) for n in path)


def own_requirement(graph: nx.DiGraph, path: list) -> tuple[str, str] | None:
    """An item's own requirement on the cycle (item -> item, or item -> topic), if it has one.

    Week order is the list's structure; an item's requirement that contradicts
    it is the link a user would drop, so the loader drops that one.
    """
    for a, b in zip(path, path[1:]):
        target = b if isinstance(b, str) else b[1] if b[0] == "items" else None
        if isinstance(a, str) and target is not None and graph.get_edge_data(a, target, {}).get("kind") == REQUIRES:
            return a, target
    return None


def waiting_cycles(graph: nx.DiGraph, topics: set[str]) -> list[list]:
    """Each group of units that wait for each other, as one cycle that shows why (first unit repeated last).

    A cycle's nodes are unit ids, ``("needs", topic)`` and ``("items", topic)``.
    """
    adjacency = Adjacency.of(graph)
    parents_of, requires_of = adjacency.parents, adjacency.requires
    is_unit = lambda n: n not in topics or n not in adjacency.children  # noqa: E731  (a topic with no items is a concept)
    ordering = Ordering(parents_of, requires_of, {t for t in topics if not is_unit(t)})
    waits: dict = {}  # plain adjacency lists: a networkx graph of this size costs more to build than to search
    for u, parents in parents_of.items():  # u sits under each topic: it is one of its items...
        for v in parents:
            waits.setdefault(("items", v), []).append(u if is_unit(u) else ("items", u))
        # ...and waits for what the topic requires (an item only at its earliest week)
        for v in (ordering.ordering_parents(u) if is_unit(u) else parents):
            waits.setdefault(u if is_unit(u) else ("needs", u), []).append(("needs", v))
    for u, required in requires_of.items():
        for v in required:
            waits.setdefault(u if is_unit(u) else ("needs", u), []).append(v if is_unit(v) else ("items", v))
    found = []
    for component in strongly_connected(waits):
        units = sorted(n for n in component if isinstance(n, str))
        if len(units) < 2:
            continue
        members = set(component)
        sub = nx.DiGraph([(a, b) for a in component for b in waits.get(a, ()) if b in members])
        there = nx.shortest_path(sub, units[0], units[1])
        back = nx.shortest_path(sub, units[1], units[0])
        found.append(there + back[1:])
    return found


def strongly_connected(adjacency: dict) -> Iterator[list]:
    """Tarjan's strongly connected components, iteratively (a 2,000-week chain is deeper than Python's stack)."""
    index: dict = {}
    low: dict = {}
    on_stack: set = set()
    stack: list = []
    for root in adjacency:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(adjacency.get(root, ())))]
        while work:
            node, successors = work[-1]
            for nxt in successors:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(adjacency.get(nxt, ()))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    yield component
