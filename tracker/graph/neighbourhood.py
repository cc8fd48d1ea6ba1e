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


def requirements(tg: TopicGraph, node_id: str) -> list[Neighbour]:
    """What the node must wait for: its own requirements, then each inherited one with its topic."""
    requires = queries._adjacency(tg).requires
    out = [Neighbour(r, tg.reason(node_id, r)) for r in requires.get(node_id, ()) if r != node_id]
    seen = {n.node_id for n in out} | {node_id}
    for topic in queries.ordering_ancestors(tg, node_id):  # a later week of a revisited paper adds none
        for r in requires.get(topic, ()):
            if r not in seen:
                seen.add(r)
                out.append(Neighbour(r, tg.reason(topic, r), via=topic))
    return out


def dependents(tg: TopicGraph, node_id: str) -> list[Neighbour]:
    """What waits for the node: nodes requiring it, then nodes requiring a topic it sits under."""
    required_by = _required_by(tg)
    out = [Neighbour(d, tg.reason(d, node_id)) for d in required_by.get(node_id, ()) if d != node_id]
    seen = {n.node_id for n in out} | {node_id}
    above = queries.ancestors(tg, node_id)
    for topic in above:
        for d in required_by.get(topic, ()):
            if d not in seen and d not in above:
                seen.add(d)
                out.append(Neighbour(d, tg.reason(d, topic), via=topic))
    return out


def neighbourhood(tg: TopicGraph, node_id: str, *, first: int = FIRST_HOP, second: int = SECOND_HOP) -> Neighbourhood:
    """Two hops each way from ``node_id``, at most ``first`` neighbours beside it and ``second`` beside each."""
    if node_id not in tg.nodes:
        raise KeyError(node_id)
    shown = {node_id}

    def side(step) -> tuple[tuple[Neighbour, ...], int]:
        near, more = _bounded(tg, step(tg, node_id), first)
        out = []
        for n in near:
            shown.add(n.node_id)
            onward = [m for m in step(tg, n.node_id) if m.node_id != node_id]
            far, far_more = _bounded(tg, onward, second)
            shown.update(m.node_id for m in far)
            out.append(Neighbour(n.node_id, n.reason, n.via, tuple(far), far_more))
        return tuple(out), more

    requires, more_requires = side(requirements)
    needed_by, more_needed_by = side(dependents)
    return Neighbourhood(node_id, requires, needed_by, more_requires, more_needed_by, frozenset(shown))


def _bounded(tg: TopicGraph, found: list[Neighbour], limit: int) -> tuple[list[Neighbour], int]:
    """The first ``limit`` in source order (own edges before inherited ones), and how many were left out."""
    ordered = sorted(found, key=lambda n: (n.via is not None, sort_key(tg.nodes[n.node_id])))
    return ordered[:limit], max(len(ordered) - limit, 0)


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
