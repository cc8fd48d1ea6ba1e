"""The canonical topic map: curated headings, an imported list filed by heading similarity, counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tracker.graph import membership
from tracker.graph.loader import load_graph
from tracker.graph.topic_map import REST, TOPIC, best_topic, topic_map

SHIPPED = Path(__file__).resolve().parent.parent / "graph_data"
CURATED_ONLY = ["gpt", "googlenet", "lstm-1997", "seq2seq", "vae", "word2vec-negative-sampling", "faster-r-cnn",
                "dqn", "alphago"]

MAP = """\
topic_map:
  - id: cnn
    title: Convolutional networks
    keywords: [convolutional, cnn, computer vision]
    headings: [curated-list/vision]
    nodes: [orphan-paper]
  - id: generative
    title: Generative models
    keywords: [generative, gan, autoencoder]
  - id: regularisation
    title: Regularisation
    keywords: [regularization, dropout]
  - id: optimisation
    title: Optimisation
    keywords: [optimization, sgd]
nodes:
  - {id: orphan-paper, kind: paper, title: An orphan paper}
"""

CURATED_LIST = """\
list: {id: curated-list, title: Curated list, file: c.md}
nodes:
  - {id: curated-list, title: Curated list, sources: [{list: c.md, line: 1, order: 1}]}
  - {id: curated-list/vision, title: Vision, topics: [curated-list], sources: [{list: c.md, line: 2, order: 2}]}
  - {id: curated-list/dropout-notes, title: Dropout, topics: [curated-list], sources: [{list: c.md, line: 3, order: 3}]}
  - {id: lenet, kind: paper, title: LeNet, topics: [curated-list/vision], sources: [{list: c.md, line: 4, order: 4}]}
  - {id: drop, kind: paper, title: Dropout paper, topics: [curated-list/dropout-notes],
     sources: [{list: c.md, line: 5, order: 5}]}
"""

USER_LIST = """\
list: {id: mine, title: My list, file: mine.md}
nodes:
  - {id: mine, title: My list, sources: [{list: mine.md, line: 1, order: 1}]}
  - {id: mine/cnns, title: Convolutional Neural Networks (CNNs), topics: [mine], sources: [{list: mine.md, line: 2, order: 2}]}
  - {id: mine/gans, title: Generative Adversarial Networks, topics: [mine], sources: [{list: mine.md, line: 5, order: 5}]}
  - {id: mine/both, title: Regularization and Optimization, topics: [mine], sources: [{list: mine.md, line: 8, order: 8}]}
  - {id: mine/both/sgd, title: SGD tricks, topics: [mine/both], sources: [{list: mine.md, line: 9, order: 9}]}
  - {id: mine/recipes, title: Neural network recipes, topics: [mine], sources: [{list: mine.md, line: 12, order: 12}]}
  - {id: resnet, kind: paper, title: ResNet, topics: [mine/cnns], sources: [{list: mine.md, line: 3, order: 3}]}
  - {id: dcgan, kind: paper, title: DCGAN, topics: [mine/gans], sources: [{list: mine.md, line: 6, order: 6}]}
  - {id: momentum, kind: paper, title: Momentum, topics: [mine/both/sgd], sources: [{list: mine.md, line: 10, order: 10}]}
  - {id: l2, kind: paper, title: Weight decay, topics: [mine/both], sources: [{list: mine.md, line: 11, order: 11}]}
  - {id: tips, kind: article, title: Tips, topics: [mine/recipes], sources: [{list: mine.md, line: 13, order: 13}]}
"""


@pytest.fixture
def graph(write_layer):
    write_layer(MAP, "curated/map.yaml")
    write_layer(CURATED_LIST, "lists/curated-list.yaml")
    folder = write_layer(USER_LIST, "lists/mine.yaml")
    return load_graph(folder)


def test_curated_headings_and_nodes_file_under_their_topic(graph):
    view = topic_map(graph)
    assert view.children(TOPIC + "cnn") == ["curated-list/vision", "mine/cnns", "orphan-paper"]
    assert sorted(view.items(TOPIC + "cnn")) == ["lenet", "orphan-paper", "resnet"]
    assert view.unfiled() == []  # the curated paper no list files has a topic now


def test_a_covered_list_keeps_its_unmapped_headings_under_its_own_root(graph):
    view = topic_map(graph)
    # "Dropout" would match regularisation by its words, but the curated map covers this list: no guessing.
    assert "curated-list/dropout-notes" not in view.placed
    assert REST + "curated-list" in view.roots()
    assert view.children(REST + "curated-list") == ["curated-list/dropout-notes"]


def test_an_imported_list_is_filed_by_heading_similarity_where_confident(graph):
    view = topic_map(graph)
    assert view.placed["mine/cnns"] == "cnn"
    assert view.placed["mine/gans"] == "generative"
    assert view.matched["mine/cnns"] >= 90
    # Naming two topics at once is not confident: the heading stays, and its sub-headings are tried.
    assert "mine/both" not in view.placed
    assert view.placed["mine/both/sgd"] == "optimisation"
    assert "mine/recipes" not in view.placed  # generic words name nothing
    assert view.children(REST + "mine") == [REST + "mine/both", "mine/recipes"]
    assert view.children(REST + "mine/both") == ["l2"]
    assert view.path_to("momentum") == [TOPIC + "optimisation", "mine/both/sgd"]
    assert view.path_to("l2") == [REST + "mine", REST + "mine/both"]


def test_every_item_is_in_the_view_once_per_group_and_counts_match_membership(graph):
    view = topic_map(graph)
    shown = set()
    for root in view.roots():
        shown.update(view.items(root))
    assert shown == set(membership.all_items(graph))
    progress = {"resnet": "read", "lenet": "skipped"}
    assert membership.tally(view.items(TOPIC + "cnn"), progress).as_dict() == \
        {"read": 1, "reading": 0, "skipped": 1, "total": 3}


def test_similarity_needs_a_clear_winner():
    from tracker.graph.model import CanonicalTopic

    topics = [CanonicalTopic("rnn", "Recurrent networks", ("recurrent", "lstm")),
              CanonicalTopic("attention", "Attention and Transformers", ("attention", "transformer"))]
    assert best_topic("Recurrent Neural Networks", topics)[0].id == "rnn"
    assert best_topic("Convolutinal", topics) is None
    assert best_topic("Neural Networks", topics) is None  # only generic words
    assert best_topic("LSTM and Transformers", topics) is None  # two topics at once
    assert best_topic("Transfromers", topics)[0].id == "attention"  # a typo is still clear


def test_unknown_references_and_a_map_in_a_list_layer_are_warnings(write_layer):
    write_layer("topic_map: [{id: x, title: X, headings: [nowhere], nodes: [nobody]}]\n", "curated/map.yaml")
    folder = write_layer("list: {id: l, title: L, file: l.md}\ntopic_map: [{id: y, title: Y}]\n"
                         "nodes: [{id: l, title: L}]\n", "lists/l.yaml")
    warnings = load_graph(folder).warnings
    assert any("topic map 'x' names unknown node 'nowhere'" in w for w in warnings)
    assert any("topic map 'x' names unknown node 'nobody'" in w for w in warnings)
    assert any("l.yaml: a topic map belongs in a curated layer" in w for w in warnings)


def test_a_bad_topic_map_entry_is_an_error_naming_the_file(write_layer):
    from tracker.graph.loader import GraphError

    folder = write_layer("topic_map: [{id: x, title: X, heading: [typo]}]\n", "curated/map.yaml")
    with pytest.raises(GraphError) as info:
        load_graph(folder)
    assert "map.yaml" in info.value.problems[0] and "heading" in info.value.problems[0]


def test_the_shipped_map_files_every_curated_only_paper_and_loses_nothing():
    tg = load_graph([SHIPPED])
    assert [w for w in tg.warnings if "topic map" in w] == []
    view = topic_map(tg)
    assert view.unfiled() == []
    where = {n: view.path_to(n)[0] for n in CURATED_ONLY}
    assert where == {"gpt": TOPIC + "attention", "googlenet": TOPIC + "convolutional",
                     "lstm-1997": TOPIC + "recurrent", "seq2seq": TOPIC + "recurrent", "vae": TOPIC + "generative",
                     "word2vec-negative-sampling": TOPIC + "embeddings", "faster-r-cnn": TOPIC + "convolutional",
                     "dqn": TOPIC + "reinforcement", "alphago": TOPIC + "reinforcement"}
    shown = set()
    for root in view.roots():
        shown.update(view.items(root))
    assert shown == set(membership.all_items(tg))
    # Topics gather items from several lists: the recurrent one from all five.
    lists = {s.list for i in view.items(TOPIC + "recurrent") for s in tg.nodes[i].sources}
    assert len(lists) == 5


def test_cli_topics_by_topic(cli, graph, write_layer, tmp_path):
    folder = str(tmp_path / "graph")
    code, out, _ = cli("topics", "--by", "topic", "--graph-data", folder, "--db", str(tmp_path / "t.db"), "--json")
    assert code == 0
    forest = json.loads(out)
    assert [e["id"] for e in forest] == [TOPIC + "cnn", TOPIC + "generative", TOPIC + "optimisation",
                                         REST + "curated-list", REST + "mine"]
    cnn = forest[0]
    assert (cnn["title"], cnn["items"], cnn["group"]) == ("Convolutional networks", 3, "canonical")
    assert [(c["id"], c.get("matched", 0) >= 90) for c in cnn["children"]] == [("curated-list/vision", False),
                                                                              ("mine/cnns", True)]
    code, out, _ = cli("topics", "--by", "topic", "--graph-data", folder, "--db", str(tmp_path / "t.db"))
    assert "Convolutional networks  0/3" in out and "matched by heading" in out
