"""next, path and search on small hand-built graphs."""

from __future__ import annotations

import pytest

from tracker.graph.loader import load_graph
from tracker.graph.membership import topic_tally
from tracker.graph.queries import items_under, learning_path, ready, search

GRAPH = """\
nodes:
  - {id: course, kind: topic, title: Course}
  - {id: week-1, kind: topic, title: Week 1, topics: [course]}
  - {id: week-2, kind: topic, title: Week 2, topics: [course], requires: [{id: week-1, reason: weekly order}]}
  - {id: backprop, kind: paper, title: Backpropagation, authors: [David Rumelhart], topics: [week-1],
     sources: [{list: a.md, line: 1, order: 1}, {list: b.md, line: 9, order: 5}]}
  - {id: intro-video, kind: video, title: Intro Video, topics: [week-1], sources: [{list: a.md, line: 2, order: 2}]}
  - {id: lenet, kind: paper, title: LeNet, topics: [week-2], sources: [{list: a.md, line: 5, order: 3}],
     requires: [{id: backprop, reason: trained by backprop}]}
  - {id: alexnet, kind: paper, title: AlexNet, aliases: [ImageNet Classification with Deep CNNs], tags: [cnn],
     topics: [week-2], requires: [{id: lenet, reason: scales LeNet up}], sources: [{list: a.md, line: 6, order: 4}]}
  - {id: standalone, kind: article, title: A Standalone Post, sources: [{list: c.md, line: 1, order: 9}]}
"""


@pytest.fixture
def graph(write_layer):
    return load_graph(write_layer(GRAPH))


def test_next_ranks_by_lists_citing_then_order(graph):
    assert ready(graph, {}) == ["backprop", "intro-video", "standalone"]
    assert ready(graph, {}, limit=1) == ["backprop"]


def test_next_ranks_a_starred_item_above_an_earlier_unstarred_one(write_layer):
    starred = GRAPH.replace("title: A Standalone Post,", "title: A Standalone Post, stars: 5,") + (
        "  - {id: plain-post, kind: article, title: A Plain Post, sources: [{list: c.md, line: 1, order: 8}]}\n")
    # a week's place in the course comes first; among the rest, stars before list order
    assert ready(load_graph(write_layer(starred)), {}) == ["backprop", "intro-video", "standalone", "plain-post"]


def test_next_waits_for_prerequisites_including_whole_previous_week(graph):
    progress = {"backprop": "read"}
    assert "lenet" not in ready(graph, progress)  # intro-video of week 1 still unread
    progress["intro-video"] = "skipped"  # skipped counts as done
    assert ready(graph, progress) == ["lenet", "standalone"]
    progress["lenet"] = "reading"
    assert ready(graph, progress) == ["standalone"]  # reading is not unread, alexnet still waits
    progress["lenet"] = "read"
    assert ready(graph, progress) == ["alexnet", "standalone"]


def test_path_lists_unread_prerequisites_in_order_ending_at_target(graph):
    assert learning_path(graph, "alexnet", {}) == ["backprop", "intro-video", "lenet", "alexnet"]
    assert learning_path(graph, "alexnet", {"backprop": "read"}) == ["intro-video", "lenet", "alexnet"]
    assert learning_path(graph, "standalone", {}) == ["standalone"]
    assert learning_path(graph, "week-2", {}) == ["backprop", "intro-video", "lenet", "alexnet"]


def test_path_is_a_valid_topological_order_on_a_diamond(write_layer):
    graph = load_graph(write_layer("""\
        nodes:
          - {id: a, kind: paper, title: A}
          - {id: b, kind: paper, title: B, requires: [{id: a, reason: r}]}
          - {id: c, kind: paper, title: C, requires: [{id: a, reason: r}]}
          - {id: d, kind: paper, title: D, requires: [{id: c, reason: r}, {id: b, reason: r}]}
        """))
    plan = learning_path(graph, "d", {})
    assert plan[0] == "a" and plan[-1] == "d" and sorted(plan[1:3]) == ["b", "c"]


def test_counts_and_items_under(graph):
    assert items_under(graph, "course") == ["backprop", "intro-video", "lenet", "alexnet"]
    progress = {"backprop": "read", "lenet": "skipped"}
    counts = {t: topic_tally(graph, t, progress) for t in ("week-1", "week-2", "course")}
    assert [(c.read, c.skipped, c.total) for c in counts.values()] == [(1, 0, 2), (0, 1, 2), (1, 1, 4)]


def test_search_fuzzy_over_titles_aliases_authors_tags(graph):
    assert search(graph, "alexnet")[0].id == "alexnet"
    assert search(graph, "imagenet deep cnn")[0].id == "alexnet"  # alias words
    assert search(graph, "rumelhart")[0].id == "backprop"  # author
    assert search(graph, "bckprp")[0].id == "backprop"  # subsequence
    assert search(graph, "cnn")[0].id == "alexnet"
    assert search(graph, "zzzz") == []


def test_search_finds_a_curated_node_by_the_title_a_list_gave_it(write_layer):
    write_layer("""\
nodes:
  - {id: bn, kind: paper, title: Batch Normalization Accelerating Training, arxiv: "1502.03167",
     url: https://arxiv.org/abs/1502.03167}
""", "curated.yaml")
    folder = write_layer("""\
list: {id: l, title: L, file: l.md}
nodes:
  - {id: l, kind: topic, title: L}
  - {id: other-name, kind: paper, title: Ioffe Szegedy Covariate Shift Trick, url: https://arxiv.org/pdf/1502.03167,
     topics: [l], sources: [{list: l.md, line: 3, order: 1}]}
""", "l.yaml")
    graph = load_graph(folder)
    assert graph.resolve("other-name") == "bn"
    assert search(graph, "covariate shift trick")[0].id == "bn"
