"""Importing the five real reading lists: merges, week order, and no paper lost."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO, SHARED_LISTS
from tracker.graph.loader import load_graph
from tracker.graph.queries import learning_path, prerequisite_items
from tracker.ingest.layer import build_layer, layer_yaml, list_id_for
from tracker.ingest.parser import parse_file

pytestmark = pytest.mark.skipif(not SHARED_LISTS.is_dir(), reason=f"{SHARED_LISTS} is not present in this checkout")


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The curated layer plus a fresh import of every shared list (not the shipped copies)."""
    folder = tmp_path_factory.mktemp("graph")
    (folder / "curated").mkdir()
    (folder / "curated" / "papers.yaml").write_text((REPO / "graph_data" / "curated" / "papers.yaml").read_text())
    parsed = {}
    for path in sorted(SHARED_LISTS.glob("*.md")):
        p = parse_file(path, list_id_for(path))
        parsed[path.name] = p
        (folder / "lists").mkdir(exist_ok=True)
        (folder / "lists" / f"{p.list_id}.yaml").write_text(layer_yaml(build_layer(p, facts_only=True)))
    return load_graph(folder), parsed


def test_alexnet_resnet_vit_are_one_node_each_with_every_source(imported):
    graph, _ = imported
    alexnet = graph.nodes["alexnet"]
    assert graph.resolve("ImageNet Classification with Deep CNNs") == "alexnet"
    assert graph.resolve("AlexNet") == "alexnet"
    assert graph.resolve("ImageNet Classification with Deep Convolutional Neural Networks") == "alexnet"
    assert set(alexnet.lists) == {"papers-by-topic-with-notes.md", "topics-and-resources.md", "weekly-journey.md"}
    assert graph.resolve("ResNet") == graph.resolve("Deep Residual Learning for Image Recognition") == "resnet"
    assert {"papers-by-topic-with-notes.md", "topics-and-resources.md"} <= set(graph.nodes["resnet"].lists)
    assert graph.resolve("ViT") == graph.resolve("An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale") == "vit"
    assert set(graph.nodes["vit"].lists) == {"sequence-models-notes.md", "topics-and-resources.md"}
    transformer = graph.nodes["transformer"]
    assert set(transformer.lists) == {"papers-by-topic-with-notes.md", "sequence-models-notes.md", "topics-and-resources.md"}
    assert {(s.list, s.line) for s in transformer.sources} >= {("papers-by-topic-with-notes.md", 30),
                                                              ("sequence-models-notes.md", 27),
                                                              ("topics-and-resources.md", 141)}
    # A duplicate inside one list is one node with both lines.
    dd = [n for n in graph.nodes.values() if n.arxiv == "1912.02292"]
    assert len(dd) == 1 and len(dd[0].sources) == 2


def test_weeks_are_ordered(imported):
    graph, _ = imported
    for n in (2, 3, 4):
        later, earlier = f"weekly-journey/week-{n}", f"weekly-journey/week-{n - 1}"
        assert graph.out_ids(later, "requires") == [earlier]
        assert graph.reason(later, earlier)
    # Week 2's paper needs every week-1 item first.
    assert "backprop" in prerequisite_items(graph, "alexnet")
    plan = learning_path(graph, "lstm-search-space-odyssey", {})
    assert plan.index("backprop") < plan.index("alexnet") < plan.index("resnet")
    assert plan[-1] == "lstm-search-space-odyssey"


def test_no_paper_in_the_lists_is_lost(imported):
    graph, parsed = imported
    for name, p in parsed.items():
        for item in p.items:
            if item.kind == "paper":
                assert graph.resolve(item.title), f"{name}:{item.line} {item.title!r} has no node"
    bold = re.findall(r"\*\*(.+?)\*\*", (SHARED_LISTS / "papers-by-topic-with-notes.md").read_text(encoding="utf-8", errors="replace"))
    assert len(bold) == 22
    for title in bold:
        assert graph.resolve(title), title
    weekly = re.findall(r"^#### Paper \d+: (.+)$", (SHARED_LISTS / "weekly-journey.md").read_text(), re.M)
    assert [graph.resolve(t) for t in weekly] == ["backprop", "deep-learning-nature-2015", "lecun-zip-codes", "lenet", "alexnet"]
    obsidian_papers = re.findall(r"#PAPER ", (SHARED_LISTS / "obsidian-deep-learning.md").read_text())
    tagged = [i for i in parsed["obsidian-deep-learning.md"].items if "PAPER" in i.tags]
    assert len(tagged) == len(obsidian_papers)


def test_the_shipped_graph_is_the_import_of_the_shared_lists(imported):
    """graph_data/lists must be regenerated when the importer changes (tracker import --facts-only)."""
    _, parsed = imported
    for name, p in parsed.items():
        path = REPO / "graph_data" / "lists" / f"{p.list_id}.yaml"
        shipped = path.read_text(encoding="utf-8")
        again = layer_yaml(build_layer(p, facts_only=True, previous=path))  # as `tracker import` does: old ids kept
        assert shipped == again, f"graph_data/lists/{p.list_id}.yaml is stale"


def test_shipped_graph_has_no_prose_and_every_paper_a_link():
    graph = load_graph(REPO / "graph_data")
    for node in graph.nodes.values():
        assert not node.description, f"{node.id} carries prose copied from a list"
    curated = [n for n in graph.nodes.values() if any("curated" in f for f in n.files)]
    assert len(curated) >= 34
    for node in curated:
        if node.kind == "paper":
                assert node.url and node.url.startswith(("https://", "http://")), node.id
        for req in graph.out_ids(node.id, "requires"):
            assert graph.reason(node.id, req), f"{node.id} -> {req} has no reason"


CROSS_LIST_MERGES = {
    "understanding-lstm-networks": {"papers-by-topic-with-notes.md", "sequence-models-notes.md", "weekly-journey.md",
                                    "topics-and-resources.md"},
    "rnn-effectiveness": {"papers-by-topic-with-notes.md", "sequence-models-notes.md", "topics-and-resources.md"},
    "deep-learning-nature-2015": {"weekly-journey.md", "obsidian-deep-learning.md"},
    "batch-normalization": {"topics-and-resources.md", "obsidian-deep-learning.md"},
    "dropout": {"topics-and-resources.md", "obsidian-deep-learning.md"},
    "bert": {"sequence-models-notes.md", "topics-and-resources.md"},
    "neural-networks-and-deep-learning": {"topics-and-resources.md", "obsidian-deep-learning.md"},
}


@pytest.mark.parametrize("node_id", sorted(CROSS_LIST_MERGES))
def test_the_shipped_lists_reach_every_cross_list_merge(node_id):
    graph = load_graph(REPO / "graph_data")
    assert CROSS_LIST_MERGES[node_id] <= set(graph.nodes[node_id].lists), graph.nodes[node_id].lists


def test_the_two_vanilla_bullets_stay_two_things():
    """Under backprop, "Vanilla" is cs231n's notes; under RNN architectures, Karpathy's post."""
    graph = load_graph(REPO / "graph_data")
    vanilla = [n for n in graph.nodes.values()
               if any(s.list == "topics-and-resources.md" and s.line in (60, 126) for s in n.sources)]
    assert len(vanilla) == 2
    assert {n.url for n in vanilla} == {"http://cs231n.github.io/optimization-2/",
                                        "https://karpathy.github.io/2015/05/21/rnn-effectiveness/"} or \
        len({n.id for n in vanilla}) == 2


def test_the_concept_bullet_links_colahs_post_instead_of_copying_it():
    graph = load_graph(REPO / "graph_data")
    concept = next(n for n in graph.nodes.values() if n.title == "GRU, LSTMs")
    assert concept.kind == "topic"
    related = {v for _, v, d in graph.graph.out_edges(concept.id, data=True) if d["kind"] == "related"}
    assert "understanding-lstm-networks" in related

