"""Questions asked of the graph: what is ready to read, the plan to a target, search.

Progress comes in as a plain ``{node_id: status}`` mapping, so these queries
work the same with the real store, a backup file or nothing (all unread).
A topic counts as a prerequisite through its items: "read week 1 before week
2" means every item of week 1 is read (or skipped) before week 2's items are
ready. An item listed in two weeks takes its place at the earlier one
(``ordering``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from .identity import normalize_title
from .model import DONE_STATUSES, Adjacency, Node, TopicGraph, sort_key
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
    kept = _ordering(tg).ordering_parents(node_id)
    return list(dict.fromkeys(t for p in kept for t in (p, *ancestors(tg, p))))


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
            out.extend(i for i in items_under(tg, req) if i != node_id)
        elif req != node_id:
            out.append(req)
    return list(dict.fromkeys(out))


def is_done(status: str | None) -> bool:
    return status in DONE_STATUSES


def _ranked_units(tg: TopicGraph) -> list[str]:
    """Every unit, best first; sorted once per graph."""
    ranked = tg.cache.get("ranked_units")
    if ranked is None:
        ranked = tg.cache["ranked_units"] = [
            n.id for n in sorted((n for n in tg.nodes.values() if tg.is_unit(n.id)), key=_rank)
        ]
    return ranked


def ready(tg: TopicGraph, progress: Mapping[str, str], limit: int | None = None,
          topic: str | None = None) -> list[str]:
    """Unread items whose every prerequisite is done, best first.

    Ranked by how many lists cite the item (more is better), then by the
    stars a list gave it, then by its earliest position in those lists. Units are kept in rank order per graph,
    so a query stops as soon as it has ``limit`` of them.
    """
    scope = _item_set(tg, topic) if topic else None
    topic_done: dict[str, bool] = {}

    def satisfied(req: str, node_id: str) -> bool:
        if tg.is_unit(req):
            return is_done(progress.get(req))
        if req not in topic_done:  # one pass per topic per query, not per dependent
            topic_done[req] = all(is_done(progress.get(i)) for i in _item_set(tg, req))
        if topic_done[req]:
            return True
        # A node inside the topic it requires (a paper listed in two weeks) does not wait for itself.
        members = _item_set(tg, req)
        return node_id in members and all(is_done(progress.get(i)) for i in members if i != node_id)

    found: list[str] = []
    for node_id in _ranked_units(tg):
        if scope is not None and node_id not in scope:
            continue
        if progress.get(node_id, "unread") != "unread":
            continue
        if all(satisfied(r, node_id) for r in direct_prerequisites(tg, node_id) if r != node_id):
            found.append(node_id)
            if limit and len(found) >= limit:
                break
    return found


def _rank(node: Node) -> tuple:
    """More lists citing it first, then a list's star rating (":star:" x n), then list order."""
    return (-len(node.lists), -(node.stars or 0), min((s.order for s in node.sources), default=10**9),
            node.title.lower())


def learning_path(tg: TopicGraph, target: str, progress: Mapping[str, str]) -> list[str]:
    """Every unfinished prerequisite of target, transitively, in a valid order, then target.

    Depth-first post-order over prerequisites: each node appears after all of
    its own prerequisites. Topics as targets expand into their items. A
    required topic stands for its items; each topic keeps one cursor over
    them for the whole walk, so a week required by a thousand items is
    walked once, not once per dependent.
    """
    order: list[str] = []
    state: dict[str, int] = {}  # 1: on the stack, 2: placed
    topic_cursors: dict[str, Iterator[str]] = {}

    def visit(node_id: str) -> None:
        state[node_id] = 1
        stack: list[tuple[str | None, Iterator[str]]] = [(node_id, iter(direct_prerequisites(tg, node_id)))]
        while stack:
            current, pending = stack[-1]
            nxt = next(pending, None)
            if nxt is None:
                stack.pop()
                if current is not None:  # None marks a topic's frame, which places nothing itself
                    state[current] = 2
                    order.append(current)
            elif not tg.is_unit(nxt):
                if nxt not in topic_cursors:
                    topic_cursors[nxt] = iter(_cached(tg, "items_under", nxt, lambda: _items_under(tg, nxt)))
                stack.append((None, topic_cursors[nxt]))
            elif not state.get(nxt) and not is_done(progress.get(nxt)):
                state[nxt] = 1
                stack.append((nxt, iter(direct_prerequisites(tg, nxt))))

    targets = [target] if tg.is_unit(target) else items_under(tg, target)
    for item in targets:
        if not state.get(item) and not (item != target and is_done(progress.get(item))):
            visit(item)
    return order


def same_title(tg: TopicGraph, title: str) -> str | None:
    norm = normalize_title(title)
    return tg.title_index.get(norm) if norm else None
