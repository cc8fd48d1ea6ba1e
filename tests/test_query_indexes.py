"""The per-graph indexes behind search and next give exactly the answers of a full scan."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.graph.identity import fold
from tracker.graph.loader import load_graph
from tracker.graph.model import NODE_KINDS
from tracker.graph.queries import items_under, learning_path, prerequisite_items, ready
from tracker.graph.search import MIN_SCORE, node_fields, score_field, search, text_fields

WORDS = ["deep", "résidual", "attention", "graph", "Memory", "net", "nets", "LSTM", "x-ray", "a", "café",
         "scaling", "laws", "diffusion", "models", "resnet", "transformer", "[bold]", "week"]


def _random_layer(seed: int, size: int) -> str:
    rng = random.Random(seed)
    nodes = [{"id": f"topic-{t}", "kind": "topic", "title": f"Week {t}"} for t in range(5)]
    for t in range(1, 5):
        nodes[t]["requires"] = [{"id": f"topic-{t - 1}", "reason": "weekly order"}]
    for i in range(size):
        phrase = lambda k: " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, k)))  # noqa: E731
        node = {
            "id": f"n{i}", "kind": rng.choice([k for k in NODE_KINDS if k != "topic"]), "title": f"{phrase(5)} {i}",
            "aliases": [f"{phrase(3)} alias {i}-{k}" for k in range(rng.randint(0, 2))],
            "authors": [phrase(2).title() for _ in range(rng.randint(0, 2))],
            "tags": [rng.choice(WORDS).lower()] if rng.random() < 0.3 else [],
            "topics": [f"topic-{rng.randrange(5)}"] if rng.random() < 0.7 else [],
            "sources": [{"list": f"{rng.choice('abc')}.md", "line": i + 1, "order": rng.randrange(50)}
                        for _ in range(rng.randint(0, 2))],
        }
        # Only on earlier items of the same or an earlier week, so no week waits for a later one.
        week = lambda n: int(n["topics"][0].split("-")[1]) if n["topics"] else -1  # noqa: E731
        earlier = [n["id"] for n in nodes[5:] if week(n) <= week(node)]
        if earlier and rng.random() < 0.2:
            node["requires"] = [{"id": rng.choice(earlier), "reason": f"builds on it: {phrase(4)}"}]
        if rng.random() < 0.3:  # searched as a sentence: words and substrings, never a subsequence
            node["description"] = f"{phrase(8)} note {i}"
        nodes.append(node)
    return json.dumps({"nodes": nodes})  # JSON is YAML


def _full_scan(tg, query: str, limit: int, kinds=None) -> list[tuple[str, float, str]]:
    """The definition: score every field of every node (names, then texts), keep each node's first best."""
    q = " ".join(fold(query).split())
    if not q:
        return []
    hits = []
    for node in tg.nodes.values():
        if kinds and node.kind not in kinds:
            continue
        best = (0.0, "")
        fields = [(name, fold(text).replace("\n", " "), False) for name, text in node_fields(node)]
        fields += [(name, " ".join(fold(text).split()), True) for name, text in text_fields(tg, node)]
        for name, text, long in fields:
            score = score_field(q, name, text, long=long)
            if score > best[0]:
                best = (score, name)
        if best[0] >= MIN_SCORE:
            hits.append((node.id, best[0], best[1]))
    hits.sort(key=lambda h: (-h[1], -len(tg.nodes[h[0]].lists), tg.nodes[h[0]].title.lower()))
    return hits[:limit]


@pytest.fixture(scope="module")
def big_graph(tmp_path_factory):
    folder = tmp_path_factory.mktemp("graph")
    (folder / "layer.yaml").write_text(_random_layer(seed=7, size=600), encoding="utf-8")
    return load_graph(folder)


def _as_tuples(hits):
    return [(h.id, h.score, h.field) for h in hits]


@pytest.mark.parametrize("query", ["residual attention", "resnet", "net", "a", "attn mem", "rsdl", "cafe",
                                   "x-ray", "trnsformer", "transfromer", "[bold]", "memory net 12", "zzzz q"])
@pytest.mark.parametrize("limit", [1, 5, 20, None])
def test_indexed_search_equals_full_scan(big_graph, query, limit):
    expected = _full_scan(big_graph, query, limit)
    assert _as_tuples(search(big_graph, query, limit)) == expected
    if query not in ("zzzz q",):
        assert expected, "the query set should mostly find something"


def test_indexed_search_respects_kinds(big_graph):
    for kinds in ({"paper"}, {"video", "book"}):
        assert _as_tuples(search(big_graph, "attention", 7, kinds)) == _full_scan(big_graph, "attention", 7, kinds)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aeilmnorst -[]éx")), max_size=12))
def test_indexed_search_equals_full_scan_for_any_query(big_graph, query):
    assert _as_tuples(search(big_graph, query, 10)) == _full_scan(big_graph, query, 10)


def test_next_stops_early_yet_equals_the_full_ranking(big_graph):
    rng = random.Random(3)
    ids = list(big_graph.nodes)
    for _ in range(5):
        progress = {i: rng.choice(["read", "skipped", "reading"]) for i in rng.sample(ids, 250)}
        everything = ready(big_graph, progress)
        assert len(everything) > 20
        for limit in (1, 3, 20):
            assert ready(big_graph, progress, limit=limit) == everything[:limit]
        assert all(progress.get(i, "unread") == "unread" for i in everything)


def _reference_path(tg, target: str, progress) -> list[str]:
    """The definition: depth-first post-order over each node's prerequisite items."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(node_id: str) -> None:
        seen.add(node_id)
        for req in prerequisite_items(tg, node_id):
            if req not in seen and progress.get(req) not in ("read", "skipped"):
                visit(req)
        order.append(node_id)

    targets = [target] if tg.is_unit(target) else items_under(tg, target)
    for item in targets:
        if item not in seen and not (item != target and progress.get(item) in ("read", "skipped")):
            visit(item)
    return order


def test_path_with_shared_topic_cursors_equals_the_plain_walk(big_graph):
    rng = random.Random(5)
    ids = list(big_graph.nodes)
    targets = ["topic-4", "topic-2", *rng.sample(ids, 25)]
    for progress in ({}, {i: rng.choice(["read", "skipped", "reading"]) for i in rng.sample(ids, 200)}):
        for target in targets:
            plan = learning_path(big_graph, target, progress)
            assert plan == _reference_path(big_graph, target, progress)
            position = {node: i for i, node in enumerate(plan)}
            for node in plan:  # every unfinished prerequisite comes first
                for req in prerequisite_items(big_graph, node):
                    if progress.get(req) not in ("read", "skipped"):
                        assert position[req] < position[node]
    assert len(learning_path(big_graph, "topic-4", {})) > 100
