"""Questions asked of the graph: what is ready to read, the plan to a target, search.

Progress comes in as a plain ``{node_id: status}`` mapping, so these queries
work the same with the real store, a backup file or nothing (all unread).
A topic counts as a prerequisite through its items: "read week 1 before week
2" means every item of week 1 is read (or skipped) before week 2's items are
ready.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .identity import fold, normalize_title
from .model import DONE_STATUSES, PART_OF, REQUIRES, Node, TopicGraph, sort_key


def _cached(tg: TopicGraph, name: str, key: str, compute):
    table = tg.cache.setdefault(name, {})
    if key not in table:
        table[key] = compute()
    return table[key]


def ancestors(tg: TopicGraph, node_id: str) -> list[str]:
    """Every topic the node sits under, transitively."""
    return _cached(tg, "ancestors", node_id, lambda: _ancestors(tg, node_id))


def _ancestors(tg: TopicGraph, node_id: str) -> list[str]:
    seen: dict[str, None] = {}
    stack = list(tg.out_ids(node_id, PART_OF))
    while stack:
        topic = stack.pop()
        if topic not in seen:
            seen[topic] = None
            stack.extend(tg.out_ids(topic, PART_OF))
    return list(seen)


def items_under(tg: TopicGraph, topic_id: str) -> list[str]:
    """Every study unit under a topic (items and leaf concepts), transitively, in source order."""
    return list(_cached(tg, "items_under", topic_id, lambda: _items_under(tg, topic_id)))


def _items_under(tg: TopicGraph, topic_id: str) -> list[str]:
    seen: set[str] = set()
    items: list[str] = []
    stack = [topic_id]
    while stack:
        current = stack.pop()
        for child in tg.in_ids(current, PART_OF):
            if child in seen:
                continue
            seen.add(child)
            if tg.is_unit(child):
                items.append(child)
            else:
                stack.append(child)
    return sorted(items, key=lambda i: sort_key(tg.nodes[i]))


def direct_prerequisites(tg: TopicGraph, node_id: str) -> list[str]:
    """Required nodes: the node's own, plus those of every topic above it."""
    return _cached(tg, "direct_prerequisites", node_id, lambda: _direct_prerequisites(tg, node_id))


def _direct_prerequisites(tg: TopicGraph, node_id: str) -> list[str]:
    required = list(tg.out_ids(node_id, REQUIRES))
    for topic in ancestors(tg, node_id):
        required.extend(tg.out_ids(topic, REQUIRES))
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


def ready(tg: TopicGraph, progress: Mapping[str, str], limit: int | None = None,
          topic: str | None = None) -> list[str]:
    """Unread items whose every prerequisite is done, best first.

    Ranked by how many lists cite the item (more is better), then by its
    earliest position in those lists.
    """
    scope = set(items_under(tg, topic)) if topic else None
    candidates = []
    topic_done: dict[str, bool] = {}

    def satisfied(req: str, node_id: str) -> bool:
        if tg.is_unit(req):
            return is_done(progress.get(req))
        members = _cached(tg, "items_under", req, lambda: _items_under(tg, req))
        if req not in topic_done:  # one pass per topic per query, not per dependent
            topic_done[req] = all(is_done(progress.get(i)) for i in members)
        if topic_done[req]:
            return True
        # A node inside the topic it requires (a paper listed in two weeks) does not wait for itself.
        return node_id in members and all(is_done(progress.get(i)) for i in members if i != node_id)

    for node in tg.nodes.values():
        if not tg.is_unit(node.id) or (scope is not None and node.id not in scope):
            continue
        if progress.get(node.id, "unread") != "unread":
            continue
        if all(satisfied(r, node.id) for r in direct_prerequisites(tg, node.id) if r != node.id):
            candidates.append(node)
    candidates.sort(key=_rank)
    ids = [n.id for n in candidates]
    return ids[:limit] if limit else ids


def _rank(node: Node) -> tuple:
    return (-len(node.lists), min((s.order for s in node.sources), default=10**9), node.title.lower())


def learning_path(tg: TopicGraph, target: str, progress: Mapping[str, str]) -> list[str]:
    """Every unfinished prerequisite of target, transitively, in a valid order, then target.

    Depth-first post-order over prerequisites: each node appears after all of
    its own prerequisites. Topics as targets expand into their items.
    """
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(node_id: str) -> None:
        stack: list[tuple[str, list[str]]] = [(node_id, prerequisite_items(tg, node_id))]
        state[node_id] = 1
        while stack:
            current, pending = stack[-1]
            if pending:
                nxt = pending.pop(0)
                if state.get(nxt) or is_done(progress.get(nxt)):
                    continue
                state[nxt] = 1
                stack.append((nxt, prerequisite_items(tg, nxt)))
            else:
                stack.pop()
                state[current] = 2
                order.append(current)

    targets = [target] if tg.is_unit(target) else items_under(tg, target)
    for item in targets:
        if not state.get(item) and not (item != target and is_done(progress.get(item))):
            visit(item)
    return order


@dataclass(frozen=True)
class SearchHit:
    id: str
    score: float
    field: str


def _fields(node: Node) -> list[tuple[str, str]]:
    fields = [("title", node.title)]
    fields += [("alias", a) for a in node.aliases]
    fields += [("author", a) for a in node.authors]
    fields += [("tag", t) for t in node.tags]
    fields.append(("id", node.id))
    return fields


def _fuzzy(query: str, text: str, typos: bool = False) -> float:
    """0..1: exact > prefix > word match > substring > in-order subsequence."""
    text = fold(text)
    if not text:
        return 0.0
    if query == text:
        return 1.0
    if text.startswith(query):
        return 0.9
    words = text.split()
    qwords = query.split()
    if qwords and all(any(w.startswith(q) for w in words) for q in qwords):
        return 0.8
    if query in text:
        return 0.7
    pos = 0
    gaps = 0
    for ch in query:
        found = text.find(ch, pos)
        if found < 0:
            return _typo_score(query, words) if typos else 0.0
        gaps += found - pos
        pos = found + 1
    return max(0.1, 0.5 - gaps / (4 * len(text)))


def _typo_score(query: str, words: list[str]) -> float:
    """Forgive a typo or two (transposed, missing, extra letters) in a short query."""
    from difflib import SequenceMatcher

    if len(query) < 4:
        return 0.0
    best = max((SequenceMatcher(None, query, w).ratio() for w in words + [" ".join(words)]), default=0.0)
    return 0.4 if best >= 0.8 else 0.0


def search(tg: TopicGraph, query: str, limit: int = 20, kinds: set[str] | None = None) -> list[SearchHit]:
    """Fuzzy search over titles, aliases, authors, tags and ids."""
    q = " ".join(fold(query).split())
    if not q:
        return []
    hits = _search_pass(tg, q, kinds, typos=False)
    if not hits:  # nothing matched as typed: forgive typos (slower, so only now)
        hits = _search_pass(tg, q, kinds, typos=True)
    hits.sort(key=lambda h: (-h.score, -len(tg.nodes[h.id].lists), tg.nodes[h.id].title.lower()))
    return hits[:limit]


def _search_pass(tg: TopicGraph, q: str, kinds: set[str] | None, typos: bool) -> list[SearchHit]:
    hits: list[SearchHit] = []
    for node in tg.nodes.values():
        if kinds and node.kind not in kinds:
            continue
        best = (0.0, "")
        for name, text in _fields(node):
            score = _fuzzy(q, text, typos)
            if name != "title":
                score *= 0.95
            if score > best[0]:
                best = (score, name)
        if best[0] >= 0.3:
            hits.append(SearchHit(node.id, best[0], best[1]))
    return hits


def topic_counts(tg: TopicGraph, progress: Mapping[str, str] | None = None) -> dict[str, tuple[int, int]]:
    """For every topic: (done items, total items) under it."""
    progress = progress or {}
    counts: dict[str, tuple[int, int]] = {}
    for node in tg.nodes.values():
        if not tg.is_unit(node.id):
            items = items_under(tg, node.id)
            counts[node.id] = (sum(is_done(progress.get(i)) for i in items), len(items))
    return counts


def same_title(tg: TopicGraph, title: str) -> str | None:
    norm = normalize_title(title)
    return tg.title_index.get(norm) if norm else None
