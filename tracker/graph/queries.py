"""Questions asked of the graph: what is ready to read, the plan to a target, search.

Progress comes in as a plain ``{node_id: status}`` mapping, so these queries
work the same with the real store, a backup file or nothing (all unread).
A topic counts as a prerequisite through its core items: "read week 1 before
week 2" means every core item of week 1 is read (or skipped) before week 2's
items are ready. Supplementary items (a week's helpful videos and blog posts,
marked by the importer) never gate; ``roles`` (the learner's own core/optional
flips, node id -> "core" | "optional") override that mark. An item listed in
two weeks takes its place at the earlier one (``ordering``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice

from .identity import normalize_title
from .model import DONE_STATUSES, Adjacency, TopicGraph, sort_key
from .ordering import Ordering
from .search import SearchHit, search  # noqa: F401  (part of this module's API)


def _cached(tg: TopicGraph, name: str, key: str, compute):
    table = tg.cache.setdefault(name, {})
    if key not in table:
        table[key] = compute()
    return table[key]


def _adjacency(tg: TopicGraph) -> Adjacency:
    adjacency = tg.cache.get("adjacency")
    if adjacency is None:
        adjacency = tg.cache["adjacency"] = Adjacency.of(tg.graph)
    return adjacency


def ancestors(tg: TopicGraph, node_id: str) -> list[str]:
    """Every topic the node sits under, transitively: parents first, then theirs."""
    memo = tg.cache.setdefault("ancestors", {})
    if node_id in memo:
        return memo[node_id]
    parents = _adjacency(tg).parents
    stack = [node_id]
    while stack:  # post-order, so a node's parents are resolved before it (part_of is acyclic)
        current = stack[-1]
        above = parents.get(current, ())
        pending = [p for p in above if p not in memo]
        if pending:
            stack.extend(pending)
            continue
        stack.pop()
        if len(above) == 1:  # the common case: one parent, whose chain is already known
            memo[current] = [above[0], *memo[above[0]]]
            continue
        seen: dict[str, None] = {}
        for parent in above:
            seen[parent] = None
            seen.update(dict.fromkeys(memo[parent]))
        memo[current] = list(seen)
    return memo[node_id]


def items_under(tg: TopicGraph, topic_id: str) -> list[str]:
    """Every study unit under a topic (items and leaf concepts), transitively, in source order."""
    return list(_cached(tg, "items_under", topic_id, lambda: _items_under(tg, topic_id)))


def _items_under(tg: TopicGraph, topic_id: str) -> list[str]:
    children = _adjacency(tg).children
    seen: set[str] = set()
    items: list[str] = []
    stack = [topic_id]
    while stack:
        current = stack.pop()
        for child in children.get(current, ()):
            if child in seen:
                continue
            seen.add(child)
            if tg.is_unit(child):
                items.append(child)
            else:
                stack.append(child)
    return sorted(items, key=lambda i: sort_key(tg.nodes[i]))


def _item_set(tg: TopicGraph, topic_id: str) -> frozenset[str]:
    return _cached(tg, "item_set", topic_id, lambda: frozenset(_cached(
        tg, "items_under", topic_id, lambda: _items_under(tg, topic_id))))


def direct_prerequisites(tg: TopicGraph, node_id: str) -> list[str]:
    """Required nodes: the node's own, plus those of every topic above it."""
    return _cached(tg, "direct_prerequisites", node_id, lambda: _direct_prerequisites(tg, node_id))


def _ordering(tg: TopicGraph) -> Ordering:
    ordering = tg.cache.get("ordering")
    if ordering is None:
        adjacency = _adjacency(tg)
        topics = {n for n in tg.nodes if not tg.is_unit(n)}
        ordering = tg.cache["ordering"] = Ordering(adjacency.parents, adjacency.requires, topics)
    return ordering


def ordering_ancestors(tg: TopicGraph, node_id: str) -> list[str]:
    """The topics whose requirements the node inherits: all above it, bar later appearances."""
    parents = _adjacency(tg).parents.get(node_id, [])
    if len(parents) < 2:
        return ancestors(tg, node_id)
    memo = tg.cache.setdefault("ordering_ancestors", {})
    found = memo.get(node_id)
    if found is None:  # an item in several topics: worked out once per graph
        kept = _ordering(tg).ordering_parents(node_id)
        found = memo[node_id] = list(dict.fromkeys(t for p in kept for t in (p, *ancestors(tg, p))))
    return found


def _direct_prerequisites(tg: TopicGraph, node_id: str) -> list[str]:
    requires = _adjacency(tg).requires
    required = list(requires.get(node_id, ()))
    for topic in ordering_ancestors(tg, node_id):
        required.extend(requires.get(topic, ()))
    return list(dict.fromkeys(required))


def prerequisite_items(tg: TopicGraph, node_id: str) -> list[str]:
    """Direct prerequisites with topics expanded into their items."""
    return list(_cached(tg, "prerequisite_items", node_id, lambda: _prerequisite_items(tg, node_id)))


def _prerequisite_items(tg: TopicGraph, node_id: str) -> list[str]:
    out: list[str] = []
    for req in direct_prerequisites(tg, node_id):
        if not tg.is_unit(req):
            gate = gate_items(tg, req)
            out.extend(i for i in items_under(tg, req) if i != node_id and i in gate)
        elif req != node_id:
            out.append(req)
    return list(dict.fromkeys(out))


def is_done(status: str | None) -> bool:
    return status in DONE_STATUSES


def is_optional(tg: TopicGraph, node_id: str, roles: Mapping[str, str] | None = None) -> bool:
    """Left out of gates and paths: the learner said so, or the lists only offer it as a helpful extra."""
    role = roles.get(node_id) if roles else None
    return role == "optional" if role else tg.nodes[node_id].supplementary


def gate_items(tg: TopicGraph, topic_id: str, roles: Mapping[str, str] | None = None) -> frozenset[str]:
    """The items of a topic that must be done before whatever requires the topic: its core items."""
    base = _cached(tg, "gate_items", topic_id, lambda: frozenset(
        i for i in _item_set(tg, topic_id) if not tg.nodes[i].supplementary))
    if not roles:
        return base
    members = _item_set(tg, topic_id)
    dropped = {i for i, role in roles.items() if role == "optional" and i in base}
    added = {i for i, role in roles.items() if role == "core" and i in members and i not in base}
    return (base - dropped) | added if dropped or added else base


def _ranked_units(tg: TopicGraph) -> list[str]:
    """Every unit, best first (``ranking.rank_key``); sorted once per graph."""
    ranked = tg.cache.get("ranked_units")
    if ranked is None:
        from .ranking import rank_key

        units = [n for n in tg.nodes if tg.is_unit(n)]
        ranked = tg.cache["ranked_units"] = sorted(units, key=lambda i: rank_key(tg, i))
    return ranked


def _ready_plan(tg: TopicGraph) -> tuple[list[tuple[str, int, bool]], list[tuple[str, ...]]]:
    """Per unit, in rank order: its id, its requirement group, and whether it is an item of a topic it requires.

    Items of one week share one requirement tuple, so a query checks each group once, not each item.
    """
    plan = tg.cache.get("ready_plan")
    if plan is None:
        groups: dict[tuple[str, ...], int] = {}
        requirements: list[tuple[str, ...]] = []
        rows = []
        for node_id in _ranked_units(tg):
            reqs = tuple(r for r in direct_prerequisites(tg, node_id) if r != node_id)
            group = groups.get(reqs)
            if group is None:
                group = groups[reqs] = len(requirements)
                requirements.append(reqs)
            inside = any(not tg.is_unit(r) and node_id in _item_set(tg, r) for r in reqs)
            rows.append((node_id, group, inside))
        plan = tg.cache["ready_plan"] = (rows, requirements)
    return plan


def iter_ready(tg: TopicGraph, progress: Mapping[str, str], topic: str | None = None,
               roles: Mapping[str, str] | None = None) -> Iterator[str]:
    """Unread items whose every prerequisite is done, best first, lazily (stop early, or count them all)."""
    scope = _item_set(tg, topic) if topic else None
    rows, requirements = _ready_plan(tg)
    topic_done: dict[str, bool] = {}
    group_ok: list[bool | None] = [None] * len(requirements)

    def done(req: str) -> bool:
        if tg.is_unit(req):
            return is_done(progress.get(req))
        if req not in topic_done:  # one pass per topic per query, not per dependent
            topic_done[req] = all(is_done(progress.get(i)) for i in gate_items(tg, req, roles))
        return topic_done[req]

    def done_but_itself(req: str, node_id: str) -> bool:
        # A node inside the topic it requires (a paper listed in two weeks) does not wait for itself.
        if done(req):
            return True
        gate = gate_items(tg, req, roles)
        return not tg.is_unit(req) and node_id in gate and all(
            is_done(progress.get(i)) for i in gate if i != node_id)

    for node_id, group, inside in rows:
        if scope is not None and node_id not in scope:
            continue
        status = progress.get(node_id)
        if status is not None and status != "unread":
            continue
        ok = group_ok[group]
        if ok is None:
            ok = group_ok[group] = all(done(r) for r in requirements[group])
        if ok or (inside and all(done_but_itself(r, node_id) for r in requirements[group])):
            yield node_id


def ready(tg: TopicGraph, progress: Mapping[str, str], limit: int | None = None,
          topic: str | None = None, roles: Mapping[str, str] | None = None) -> list[str]:
    """Unread items whose every prerequisite is done, best first (``ranking``), at most ``limit``.

    Units are kept in rank order per graph, so a query stops as soon as it has ``limit`` of them.
    """
    found = iter_ready(tg, progress, topic, roles)
    return list(islice(found, limit) if limit else found)


@dataclass
class PathTrace:
    """What a path walk saw besides its steps: who pulled each step in, done and optional items passed over.

    ``pulls[step] = (dependent, topic)``: the step is there because ``dependent`` needs it, through the
    required ``topic`` it is an item of (None when required directly or inherited from a topic above).
    """

    pulls: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    done: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)


def learning_path(tg: TopicGraph, target: str, progress: Mapping[str, str],
                  roles: Mapping[str, str] | None = None, optional: bool = False,
                  trace: PathTrace | None = None) -> list[str]:
    """Every unfinished prerequisite of target, transitively, in a valid order, then target.

    Depth-first post-order over prerequisites: each node appears after all of
    its own prerequisites. Topics as targets expand into their items. A
    required topic stands for its core items (all of them with ``optional``);
    each topic keeps one cursor over them for the whole walk, so a week
    required by a thousand items is walked once, not once per dependent.
    """
    order: list[str] = []
    state: dict[str, int] = {}  # 1: on the stack, 2: placed
    topic_cursors: dict[str, Iterator[str]] = {}
    seen_done: set[str] = set()

    def topic_items(topic_id: str) -> Iterable[str]:
        items = _cached(tg, "items_under", topic_id, lambda: _items_under(tg, topic_id))
        if optional:
            return items
        gate = gate_items(tg, topic_id, roles)
        if len(gate) == len(items):  # nothing optional under it (gate is a subset of items)
            return items
        if trace is not None:
            trace.hidden.extend(i for i in items if i not in gate and not is_done(progress.get(i)))
        return [i for i in items if i in gate]

    tg.is_unit(target)  # builds the unit set read directly below
    units, known = tg.cache["units"], tg.cache.setdefault("direct_prerequisites", {})
    status = progress.get

    def prerequisites(node_id: str) -> Iterator[str]:
        found = known.get(node_id)
        return iter(found if found is not None else direct_prerequisites(tg, node_id))

    def visit(node_id: str) -> None:
        state[node_id] = 1
        # frames: (node placed when its prerequisites are, or None for a topic's items; pending; topic; owner)
        stack: list[tuple[str | None, Iterator[str], str | None, str]] = [
            (node_id, prerequisites(node_id), None, node_id)]
        while stack:
            current, pending, topic, owner = stack[-1]
            nxt = next(pending, None)
            if nxt is None:
                stack.pop()
                if current is not None:  # None marks a topic's frame, which places nothing itself
                    state[current] = 2
                    order.append(current)
            elif nxt not in units:
                if nxt not in topic_cursors:
                    topic_cursors[nxt] = iter(topic_items(nxt))
                stack.append((None, topic_cursors[nxt], nxt, owner))
            elif status(nxt) in DONE_STATUSES:
                if trace is not None and nxt not in seen_done:
                    seen_done.add(nxt)
                    trace.done.append(nxt)
            elif nxt not in state:
                state[nxt] = 1
                if trace is not None:
                    trace.pulls[nxt] = (owner, topic)
                stack.append((nxt, prerequisites(nxt), None, nxt))

    targets = [target] if tg.is_unit(target) else list(topic_items(target))
    for item in targets:
        if item != target and is_done(progress.get(item)):
            if trace is not None and item not in seen_done:
                seen_done.add(item)
                trace.done.append(item)
        elif not state.get(item):
            visit(item)
    return order


def by_current_id(tg: TopicGraph, stored: Mapping[str, object]) -> dict:
    """What the store keeps by node id, keyed by the graph's current ids (an old id follows its node)."""
    out = {}
    for node_id, value in stored.items():
        target = node_id if node_id in tg.nodes else tg.resolve(node_id)
        if target:
            out[target] = value
    return out


def same_title(tg: TopicGraph, title: str) -> str | None:
    norm = normalize_title(title)
    return tg.title_index.get(norm) if norm else None
