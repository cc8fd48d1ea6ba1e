"""Requirements that only contradict each other once topics are expanded are load errors."""

from __future__ import annotations

import json

import pytest

from tracker.graph.loader import load_graph
from tracker.graph.problems import GraphError
from tracker.graph.queries import learning_path, ready

WEEKS = """\
nodes:
  - {id: week-1, kind: topic, title: Week 1}
  - {id: week-2, kind: topic, title: Week 2, requires: [{id: week-1, reason: order}]}
  - {id: week-3, kind: topic, title: Week 3, requires: [{id: week-2, reason: order}]}
  - {id: b, kind: paper, title: B, topics: [week-2]}
  - {id: c, kind: paper, title: C, topics: [week-3]}
"""


def test_an_early_item_requiring_a_later_week_loses_that_requirement_with_a_warning(write_layer):
    folder = write_layer(WEEKS + "  - {id: a, kind: paper, title: A, topics: [week-1], "
                                 "requires: [{id: c, reason: uses it}]}\n")
    graph = load_graph(folder)
    (warning,) = graph.warnings
    assert warning.startswith(f"{folder / 'layer.yaml'}:7: ignoring 'a' requires 'c'")
    assert warning.endswith("(a -> c -> (what week-3 requires) -> (the items of week-2) -> b -> "
                            "(what week-2 requires) -> (the items of week-1) -> a)")
    assert not graph.graph.has_edge("a", "c")
    assert ready(graph, {}) == ["a"]  # week order stands: a first, then b, then c
    assert learning_path(graph, "c", {}) == ["a", "b", "c"]


def test_a_deadlock_made_only_of_topic_requirements_is_an_error(write_layer):
    folder = write_layer(WEEKS.replace("{id: week-1, kind: topic, title: Week 1}",
                                       "{id: week-1, kind: topic, title: Week 1, requires: [{id: c, reason: r}]}")
                         + "  - {id: a, kind: paper, title: A, topics: [week-1]}\n")
    with pytest.raises(GraphError) as err:
        load_graph(folder)
    (problem,) = err.value.problems
    assert "layer.yaml:" in problem and "none can ever be ready" in problem
    assert "(what week-3 requires)" in problem and "(the items of week-1)" in problem


def test_sound_weeks_and_an_item_listed_in_two_weeks_load(write_layer):
    folder = write_layer(WEEKS + "  - {id: a, kind: paper, title: A, topics: [week-1, week-2]}\n"
                                 "  - {id: d, kind: paper, title: D, topics: [week-3], requires: [{id: a, reason: r}]}\n")
    graph = load_graph(folder)  # a sits in week 2, which requires week 1, which holds a: it waits only for others
    assert ready(graph, {}) == ["a"]
    assert learning_path(graph, "d", {}) == ["a", "b", "d"]  # d waits for week 2 (and a), not for c


def test_a_paper_revisited_in_a_later_week_is_read_at_its_first_week(write_layer):
    weeks = "".join(f"  - {{id: week-{i}, kind: topic, title: Week {i}, requires: [{{id: week-{i - 1}, reason: order}}]}}\n"
                    for i in range(2, 6))
    items = "".join(f"  - {{id: w{i}, kind: paper, title: W{i}, topics: [week-{i}], "
                    f"sources: [{{list: l.md, line: {i}, order: {10 * i}}}]}}\n" for i in range(1, 6))
    graph = load_graph(write_layer(
        "nodes:\n  - {id: week-1, kind: topic, title: Week 1}\n" + weeks + items
        + "  - {id: p, kind: paper, title: P, topics: [week-2, week-5], sources: [{list: l.md, line: 2, order: 21}]}\n"))
    assert ready(graph, {}) == ["w1"]
    assert ready(graph, {"w1": "read"}) == ["w2", "p"]  # p waits for week 1 only, not for week 4
    assert ready(graph, {"w1": "read", "w2": "read"}) == ["p"]  # and week 3 waits for p
    assert learning_path(graph, "w5", {}) == ["w1", "w2", "p", "w3", "w4", "w5"]


def test_show_lists_only_the_earliest_weeks_requirements(write_layer, cli):
    weeks = "".join(f"  - {{id: week-{i}, kind: topic, title: Week {i}, requires: [{{id: week-{i - 1}, reason: r{i}}}]}}\n"
                    for i in range(2, 4))
    folder = write_layer("nodes:\n  - {id: week-1, kind: topic, title: Week 1}\n" + weeks
                         + "  - {id: p, kind: paper, title: P, topics: [week-2, week-3]}\n")
    code, out, _ = cli("show", "p", "--json", "--graph-data", str(folder))
    assert code == 0
    assert [(i["id"], i["via"]) for i in json.loads(out)["inherited_prerequisites"]] == [("week-1", "week-2")]


def test_iterative_tarjan_equals_networkx_on_random_graphs_and_a_deep_chain():
    import random

    import networkx as nx

    from tracker.graph.contradictions import strongly_connected

    rng = random.Random(0)
    for trial in range(40):
        graph = nx.gnp_random_graph(rng.randint(1, 60), rng.random() * 0.08, seed=trial, directed=True)
        adjacency = {u: list(graph.successors(u)) for u in graph.nodes}
        assert sorted(map(sorted, strongly_connected(adjacency))) == \
            sorted(map(sorted, nx.strongly_connected_components(graph)))
    chain = {i: [i + 1] for i in range(5000)} | {5000: [0]}  # one 5,001-node cycle, far deeper than recursion allows
    assert [len(c) for c in strongly_connected(chain)] == [5001]
