"""Importing five more real public lists, in styles the shipped graph does not use.

Citation paragraphs (the reading roadmap), bold titles with label links (awesome
papers), tables (papers of the week), plain link lists with books and courses
(awesome deep learning) and 1,600 underscored titles with Search/Scholar/PDF
labels (the GAN list). Every list is imported on top of the shipped graph, as a
user would, and the result is checked entry by entry.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from tests.conftest import REPO, SHARED_LISTS
from tracker.graph.identity import arxiv_id, normalize_title
from tracker.graph.loader import load_graph
from tracker.ingest.entry import is_label_word, looks_like_id_or_url
from tracker.ingest.layer import build_layer, layer_yaml, list_id_for
from tracker.ingest.parser import parse_file

MORE_LISTS = REPO.parent / "shared" / "reading_lists_more"
pytestmark = pytest.mark.skipif(not MORE_LISTS.is_dir(), reason=f"{MORE_LISTS} is not present in this checkout")


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("more")
    parsed = {}
    for path in sorted(MORE_LISTS.glob("*.md")):
        p = parse_file(path, list_id_for(path))
        parsed[path.name] = p
        (folder / f"{p.list_id}.yaml").write_text(layer_yaml(build_layer(p)), encoding="utf-8")
    return load_graph([REPO / "graph_data", folder]), parsed


def _good_title(title: str) -> bool:
    return bool(re.search(r"[^\W\d_]{2,}", title)) and not is_label_word(title) and not looks_like_id_or_url(title)


@pytest.mark.parametrize("name", ["roadmap.md", "awesome-dl-papers.md", "ml-papers-of-the-week.md",
                                  "awesome-deep-learning.md", "all-about-gan.md"])
def test_at_least_95_percent_of_entries_get_a_real_title_and_their_strong_key(imported, name):
    _, parsed = imported
    items = [i for i in parsed[name].items if i.kind != "topic"]
    good = [i for i in items if _good_title(i.title) and not i.derived_title]
    assert len(good) >= 0.95 * len(items), [i.title for i in items if i not in good][:20]
    source = (MORE_LISTS / name).read_text(encoding="utf-8").split("\n")
    with_arxiv = [i for i in items if re.search(r"arxiv\.org/(abs|pdf)/\d{4}\.\d{4,5}", source[i.line - 1])]
    keyed = [i for i in with_arxiv if i.ids.get("arxiv")]
    assert len(keyed) >= 0.95 * len(with_arxiv)


# Entry-level facts read from the files (line: title, strong id).
EXPECTED = {
    "roadmap.md": [(46, "Deep residual learning for image recognition", "1512.03385"),
                   (26, "Deep learning", None), (80, "Net2net: Accelerating learning via knowledge transfer", None)],
    "awesome-dl-papers.md": [(88, "Adam: A method for stochastic optimization", "1412.6980"),
                             (225, "Learning to discover cross-domain relations with generative adversarial networks",
                              "1703.05192")],
    "ml-papers-of-the-week.md": [(158, "Ultra-Fast Diffusion-based Language Models", "2506.17298")],
    "awesome-deep-learning.md": [(151, "ImageNet Classification with Deep Convolutional Neural Networks", None)],
    "all-about-gan.md": [(67, "3D Shape Induction from 2D Views of Multiple Objects", None)],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_entries_read_as_written(imported, name):
    _, parsed = imported
    by_line = defaultdict(list)
    for item in parsed[name].items:
        by_line[item.line].append(item)
    for line, title, arxiv in EXPECTED[name]:
        found = [i for i in by_line[line] if i.title == title]
        assert found, (line, [i.title for i in by_line[line]])
        if arxiv:
            assert found[0].ids.get("arxiv") == arxiv


def test_the_roadmap_reads_authors_years_and_stars(imported):
    _, parsed = imported
    resnet = next(i for i in parsed["roadmap.md"].items if i.line == 46)
    assert resnet.authors == ["Kaiming He"] and resnet.year == 2015 and resnet.stars == 5
    book = next(i for i in parsed["roadmap.md"].items if i.line == 26)
    assert book.authors[:2] == ["Yoshua Bengio", "Ian J. Goodfellow"] and book.year == 2015


def test_no_node_is_titled_by_a_label(imported):
    graph, _ = imported
    labelled = [n.title for n in graph.nodes.values() if not n.is_topic and is_label_word(n.title)]
    assert labelled == []


def test_no_node_gathers_entries_of_different_arxiv_ids(imported):
    graph, parsed = imported
    ids_per_node = defaultdict(set)
    for p in parsed.values():
        for item in p.items:
            ident = item.ids.get("arxiv")
            node = graph.resolve_source(p.file, item.line) if hasattr(graph, "resolve_source") else None
            if ident and node:
                ids_per_node[node].add(ident)
    for node in graph.nodes.values():
        if node.arxiv:
            ids_per_node[node.id].add(node.arxiv)
    merged = {n: ids for n, ids in ids_per_node.items() if len(ids) > 1}
    assert merged == {}


FAMOUS = {  # node id in the shipped graph: the arXiv id or canonical title lists use for it
    "resnet": "1512.03385", "alexnet": "ImageNet Classification with Deep Convolutional Neural Networks",
    "vgg": "1409.1556", "googlenet": "Going Deeper with Convolutions", "lstm-1997": "Long Short-Term Memory",
    "seq2seq": "1409.3215", "bahdanau-attention": "1409.0473", "gan": "1406.2661", "dcgan": "1511.06434",
    "wgan": "1701.07875", "vae": "1312.6114", "batch-normalization": "1502.03167",
    "dropout": "Dropout: A Simple Way to Prevent Neural Networks from Overfitting", "adam": "1412.6980",
    "word2vec": "1301.3781", "faster-r-cnn": "1506.01497", "u-net": "UNet",
    "dqn": "Human-level control through deep reinforcement learning",
    "alphago": "Mastering the game of Go with deep neural networks and tree search",
    "neural-turing-machines": "1410.5401", "deep-speech-2": "1512.02595",
}


@pytest.mark.parametrize("node_id", sorted(FAMOUS))
def test_famous_papers_are_one_node_each_with_every_mention(imported, node_id):
    graph, parsed = imported
    key = FAMOUS[node_id]
    mentions = []
    shipped = [parse_file(path, list_id_for(path)) for path in sorted(SHARED_LISTS.glob("*.md"))]
    for p in [*parsed.values(), *shipped]:
        for item in p.items:
            if re.fullmatch(r"\d{4}\.\d{4,5}", key):
                hit = item.ids.get("arxiv") == key or arxiv_id(item.url) == key
            else:
                hit = normalize_title(item.title) == normalize_title(key)
            if hit:
                mentions.append((p.file, item.line))
    assert mentions, f"no list mentions {node_id}"
    sources = {(s.list, s.line) for s in graph.nodes[node_id].sources}
    missing = [m for m in mentions if m not in sources]
    assert missing == []


def test_short_titles_reach_curated_nodes_by_year_and_first_author(imported):
    graph, _ = imported
    assert ("roadmap.md", 30) in {(s.list, s.line) for s in graph.nodes["deep-learning-nature-2015"].sources}
    assert ("roadmap.md", 140) in {(s.list, s.line) for s in graph.nodes["pointer-networks"].sources}
    assert ("roadmap.md", 26) not in {(s.list, s.line) for s in graph.nodes["deep-learning-nature-2015"].sources}
