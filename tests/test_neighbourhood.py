"""The local graph's core: what a node requires and what needs it, two hops each way, bounded."""

from __future__ import annotations

import pytest

from tracker.graph.loader import load_graph
from tracker.graph.neighbourhood import neighbourhood

GRAPH = """\
nodes:
  - {id: course, kind: topic, title: Course}
  - {id: week-1, kind: topic, title: Week 1, topics: [course], sources: [{list: a.md, line: 1, order: 1}]}
  - {id: week-2, kind: topic, title: Week 2, topics: [course], requires: [{id: week-1, reason: weekly order}],
     sources: [{list: a.md, line: 10, order: 10}]}
  - {id: week-3, kind: topic, title: Week 3, topics: [course], requires: [{id: week-2, reason: weekly order}],
     sources: [{list: a.md, line: 20, order: 20}]}
  - {id: calculus, kind: book, title: Calculus, sources: [{list: a.md, line: 0, order: 0}]}
  - {id: perceptron, kind: paper, title: Perceptron, topics: [week-1], sources: [{list: a.md, line: 2, order: 2}],
     requires: [{id: calculus, reason: derivatives}]}
  - {id: backprop, kind: paper, title: Backprop, topics: [week-1], sources: [{list: a.md, line: 3, order: 3}],
     requires: [{id: perceptron, reason: trains perceptrons}]}
  - {id: lenet, kind: paper, title: LeNet, topics: [week-2], sources: [{list: a.md, line: 11, order: 11}],
     requires: [{id: backprop, reason: trained by backprop}]}
  - {id: alexnet, kind: paper, title: AlexNet, topics: [week-3], sources: [{list: a.md, line: 21, order: 21}],
     requires: [{id: lenet, reason: scales LeNet up}]}
"""


@pytest.fixture
def graph(write_layer):
    return load_graph(write_layer(GRAPH))


def shape(side):
    return [(n.node_id, n.reason, n.via, [(m.node_id, m.reason, m.via) for m in n.next_hop]) for n in side]


def test_requirements_own_then_inherited_with_their_topic_and_a_second_hop(graph):
    around = neighbourhood(graph, "lenet")
    assert shape(around.requires) == [
        ("backprop", "trained by backprop", None, [("perceptron", "trains perceptrons", None)]),
        ("week-1", "weekly order", "week-2", []),
    ]
    assert around.more_requires == 0


def test_dependents_direct_then_through_the_topics_it_sits_under(graph):
    around = neighbourhood(graph, "backprop")
    assert shape(around.needed_by) == [
        # lenet requires backprop itself; week 2 requires week 1, which backprop sits in
        ("lenet", "trained by backprop", None, [("alexnet", "scales LeNet up", None),
                                                 ("week-3", "weekly order", "week-2")]),
        ("week-2", "weekly order", "week-1", [("week-3", "weekly order", None)]),
    ]
    assert shape(around.requires) == [("perceptron", "trains perceptrons", None,
                                       [("calculus", "derivatives", None)])]
    assert around.node_ids == {"backprop", "lenet", "alexnet", "week-2", "week-3", "perceptron", "calculus"}


def test_a_topic_centre_and_a_node_with_no_neighbours(graph):
    around = neighbourhood(graph, "week-2")
    assert [n.node_id for n in around.requires] == ["week-1"]
    assert [n.node_id for n in around.needed_by] == ["week-3"]
    assert [n.node_id for n in around.requires[0].next_hop] == []  # week 1 requires nothing
    alone = neighbourhood(graph, "calculus")
    assert alone.requires == () and [n.node_id for n in alone.needed_by] == ["perceptron"]
    assert [m.node_id for m in alone.needed_by[0].next_hop] == ["backprop", "week-2"]  # week 2 through week 1
    with pytest.raises(KeyError):
        neighbourhood(graph, "no-such-node")


def test_each_hop_is_bounded_and_counts_what_it_left_out(write_layer):
    many = ["nodes:", "  - {id: hub, kind: paper, title: Hub, sources: [{list: a.md, line: 1, order: 1}]}"]
    for i in range(30):
        many.append(f"  - {{id: d{i:02d}, kind: paper, title: D{i:02d}, requires: [{{id: hub, reason: r}}],"
                    f" sources: [{{list: a.md, line: {i + 2}, order: {i + 2}}}]}}")
        for j in range(10):
            many.append(f"  - {{id: e{i:02d}-{j}, kind: paper, title: E{i:02d} {j},"
                        f" requires: [{{id: d{i:02d}, reason: r}}],"
                        f" sources: [{{list: a.md, line: {100 + i * 10 + j}, order: {100 + i * 10 + j}}}]}}")
    graph = load_graph(write_layer("\n".join(many) + "\n"))
    around = neighbourhood(graph, "hub", first=5, second=3)
    assert [n.node_id for n in around.needed_by] == ["d00", "d01", "d02", "d03", "d04"]  # source order
    assert around.more_needed_by == 25
    assert [m.node_id for m in around.needed_by[0].next_hop] == ["e00-0", "e00-1", "e00-2"]
    assert around.needed_by[0].more == 7
    assert around.size == 1 + 5 + 5 * 3
