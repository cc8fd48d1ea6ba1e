"""A node's local graph: what it requires and what needs it, two hops each way, bounded.

"Requires" is what the learner must finish first, as ``ready`` sees it: the
node's own requirements and those it inherits from the topics above it (a
week requires the week before). "Needed by" is the other way round: nodes
that require it, or require a topic it sits under. Topics stay single nodes
(a required week is one row, not its fifty items), and each hop keeps at most
a fixed number of neighbours in source order and counts the rest, so a node
cited by thousands of others costs one sort of their ids, never a drawing of
them all.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from . import queries
from .model import TopicGraph, sort_key

FIRST_HOP = 12  # neighbours kept next to the node, each way
SECOND_HOP = 6  # neighbours kept next to each of those


@dataclass(frozen=True)
class Neighbour:
    """One node beside another: why (the edge's reason), the topic it comes through, and its own next hop."""

    node_id: str
    reason: str = ""
    via: str | None = None  # the topic whose requirement this is, when inherited
    next_hop: tuple[Neighbour, ...] = ()
    more: int = 0  # neighbours of the next hop left out by the bound


@dataclass(frozen=True)
class Neighbourhood:
    centre: str
    requires: tuple[Neighbour, ...] = ()
    needed_by: tuple[Neighbour, ...] = ()
    more_requires: int = 0
    more_needed_by: int = 0
    node_ids: frozenset[str] = field(default=frozenset())

    @property
    def size(self) -> int:
        """Distinct nodes drawn, the centre included."""
        return len(self.node_ids)


Step = tuple[str, "str | None"]  # a neighbour's id and the topic it comes through (None: the node's own edge)


def requirements(tg: TopicGraph, node_id: str) -> list[Step]:
    """What the node must wait for: its own requirements, then each inherited one with its topic."""
    requires = queries._adjacency(tg).requires
    out: list[Step] = [(r, None) for r in requires.get(node_id, ()) if r != node_id]
    seen = {r for r, _ in out} | {node_id}
    for topic in queries.ordering_ancestors(tg, node_id):  # a later week of a revisited paper adds none
        for r in requires.get(topic, ()):
            if r not in seen:
                seen.add(r)
                out.append((r, topic))
    return out


def dependents(tg: TopicGraph, node_id: str) -> list[Step]:
    """What waits for the node: nodes requiring it, then nodes requiring a topic it sits under."""
    required_by = _required_by(tg)
    out: list[Step] = [(d, None) for d in required_by.get(node_id, ()) if d != node_id]
    seen = {d for d, _ in out} | {node_id}
    above = queries.ancestors(tg, node_id)
    for topic in above:
        for d in required_by.get(topic, ()):
            if d not in seen and d not in above:
                seen.add(d)
                out.append((d, topic))
    return out


def neighbourhood(tg: TopicGraph, node_id: str, *, first: int = FIRST_HOP, second: int = SECOND_HOP) -> Neighbourhood:
    """Two hops each way from ``node_id``, at most ``first`` neighbours beside it and ``second`` beside each."""
    if node_id not in tg.nodes:
        raise KeyError(node_id)
    shown = {node_id}

    def side(step, upward: bool) -> tuple[tuple[Neighbour, ...], int]:
        def neighbour(at: str, found: Step, onward: tuple[Neighbour, ...] = (), more: int = 0) -> Neighbour:
            other, via = found
            source, target = (via or at, other) if upward else (other, via or at)  # the edge that put it here
            shown.add(other)
            return Neighbour(other, tg.reason(source, target), via, onward, more)

        near, more = _bounded(tg, step, node_id, first)
        out = []
        for found in near:
            far, far_more = _bounded(tg, step, found[0], second, leave_out=node_id)
            out.append(neighbour(node_id, found, tuple(neighbour(found[0], f) for f in far), far_more))
        return tuple(out), more

    requires, more_requires = side(requirements, True)
    needed_by, more_needed_by = side(dependents, False)
    return Neighbourhood(node_id, requires, needed_by, more_requires, more_needed_by, frozenset(shown))


def _bounded(tg: TopicGraph, step, node_id: str, limit: int, leave_out: str | None = None) -> tuple[list[Step], int]:
    """The first ``limit`` of a node's steps in source order (own edges before inherited ones), and how many
    were left out; kept per graph (it never changes), so a node required by thousands sorts them once."""
    memo = tg.cache.setdefault("neighbourhood", {})
    cache_key = (step.__name__, node_id, limit, leave_out)
    if cache_key not in memo:
        found = [f for f in step(tg, node_id) if f[0] != leave_out]

        def key(found_step: Step) -> tuple:
            return found_step[1] is not None, sort_key(tg.nodes[found_step[0]])

        kept = sorted(found, key=key) if len(found) <= limit else heapq.nsmallest(limit, found, key=key)
        memo[cache_key] = (kept, len(found) - len(kept))
    return memo[cache_key]


def _required_by(tg: TopicGraph) -> dict[str, list[str]]:
    """The requires edges reversed, built once per graph."""
    index = tg.cache.get("required_by")
    if index is None:
        index = {}
        for source, targets in queries._adjacency(tg).requires.items():
            for target in targets:
                index.setdefault(target, []).append(source)
        tg.cache["required_by"] = index
    return index
