"""The importer on small lists written in each of the five styles it must understand."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.ingest.layer import build_layer
from tracker.ingest.parser import parse_file

LISTS = Path(__file__).parent / "fixtures" / "lists"


def items_by_title(parsed):
    return {item.title: item for item in parsed.items}


def test_bold_titles_under_headings_with_notes_and_latex():
    parsed = parse_file(LISTS / "bold_topics.md")
    items = items_by_title(parsed)
    heading_paper = items["Gated Memory Cells Explained"]
    assert heading_paper.kind == "paper" and heading_paper.line == 3
    assert heading_paper.topic[-1] == "Recurrent Models"
    # Notes, including nested ones and LaTeX, become its description, not entries.
    assert "$f_t = \\sigma(W_f [h_{t-1}, x_t] + b_f)$" in heading_paper.description
    assert "candidate" in heading_paper.description
    assert items["Sequence Learning With Tiny Networks"].description == "a first read on recurrence."
    assert items["Deep Residual Learning for Image Recognition"].topic[-1] == "Vision"
    assert [t.path[-1] for t in parsed.topics] == ["Bold topics", "Recurrent Models", "Vision"]
    # Mojibake repaired, and reported with file:line.
    assert "Occam’s Razor In Practice" in items
    assert any(w.line == 13 and "mojibake" in w.message for w in parsed.warnings)


def test_weekly_sections_papers_and_bare_links():
    parsed = parse_file(LISTS / "weekly.md")
    items = items_by_title(parsed)
    assert parsed.title == "Study Plan"
    backprop = items["Learning representations by back-propagating errors"]
    assert backprop.kind == "paper" and backprop.topic[-1] == "Week 1" and backprop.line == 7
    video = items["A walk through the paper"]  # the text introducing the bare link names it
    assert video.kind == "video" and video.line == 10 and video.title_source == "context"
    assert parsed.items[video.related_to[0]] is backprop
    assert video.supplementary and not backprop.supplementary  # a paper's helpful link
    blog = next(i for i in parsed.items if "basic-overview" in (i.url or ""))
    assert blog.supplementary and blog.title_source == "derived"  # "Blog posts:" labels extras, names nothing
    deep = items["Deep learning"]
    assert deep.url == "https://www.nature.com/articles/nature14539"  # "Link to the paper:"
    # Two bare links on one numbered line are two resources with the same line.
    cnn = [i for i in parsed.items if i.line == 17]
    assert {i.kind for i in cnn} == {"video", "article"}
    layer = build_layer(parsed)
    week = {n["id"]: n for n in layer["nodes"] if n["kind"] == "topic"}
    assert week["weekly/week-2"]["requires"] == [
        {"id": "weekly/week-1", "reason": "Week 1 comes before Week 2 in Study Plan"}]
    assert week["weekly/week-3"]["requires"][0]["id"] == "weekly/week-2"
    assert "requires" not in week["weekly/week-1"]
    by_url = {n.get("url"): n for n in layer["nodes"]}
    walk = by_url["https://www.youtube.com/watch?v=abcdefghijk&fbclid=tracking"]
    # the id is still the one made from the link, so progress stored before context titles stays attached
    assert (walk["id"], walk["title"], walk["supplementary"]) == (
        "youtube-video-abcdefghijk-a-walk-through-the-paper", "A walk through the paper", True)
    assert "supplementary" not in by_url["https://www.nature.com/articles/nature14539"]


def test_nested_topic_bullets_with_link_groups():
    parsed = parse_file(LISTS / "link_groups.md")
    items = items_by_title(parsed)
    alexnet = items["AlexNet"]
    assert alexnet.kind == "paper" and alexnet.url == "https://paperswithcode.com/model/alexnet"
    assert [l.url for l in alexnet.links] == ["https://paperswithcode.com/model/alexnet", "https://medium.com/p/b93598314160"]
    assert items["ViT"].url == "https://arxiv.org/abs/2010.11929"  # the [paper] link is the primary one
    assert items["Example Blog"].kind == "article"
    assert items["The Deep Learning Book"].kind == "book"  # from the "Books" group label
    attention = items["Attention is All You Need"]
    assert attention.kind == "paper" and attention.url == "https://arxiv.org/abs/1706.03762"
    assert items["Cross-correlation"].kind == "topic" and items["Cross-correlation"].topic[-1] == "Convolution"
    topics = {t.path[1:]: t for t in parsed.topics}
    assert topics[("Vision", "Convolution")].links[0].url == "https://youtu.be/convolution1"
    assert ("Language", "Transformers") in topics


def test_link_titles_split_over_lines_and_missing_list_space():
    parsed = parse_file(LISTS / "link_titles.md")
    items = items_by_title(parsed)
    split = items["A Decomposable Attention Model for Natural Language Inference"]
    assert split.year == 2016 and split.line == 5 and split.kind == "paper"
    assert items["Attention is all you need"].description == "a nested note about it"
    loose = items["Effective Approaches to Attention-based Neural Machine Translation"]
    assert loose.url == "https://arxiv.org/pdf/1508.04025.pdf" and loose.line == 11


def test_obsidian_front_matter_tags_wikilinks_block_ids():
    parsed = parse_file(LISTS / "obsidian.md")
    items = items_by_title(parsed)
    assert parsed.title == "Deep Learning Notes"
    book = items["Deep Learning Book"]
    assert (book.kind, book.authors, book.year, book.tags) == ("book", ["Goodfellow"], 2016, ["BOOK"])
    assert "https://www.deeplearningbook.org/contents/intro.html" in [l.url for l in book.links]
    bn = items["Batch Normalization: Accelerating Deep Network Training"]
    assert (bn.authors, bn.year, bn.kind) == (["Ioffe"], 2015, "paper")
    assert bn.description == "Slower convergence without it"
    subs = [i for i in parsed.items if i.related_to and parsed.items[i.related_to[0]] is bn]
    assert sorted(i.kind for i in subs) == ["code", "talk"]
    assert items["Deep learning"].block_id == "dllecun15"
    # "#CODE [[#^d2l]]" points back at the d2l entry: it gains a topic, no new node.
    d2l = items["Dive into Deep Learning"]
    assert d2l.also and d2l.also[0][0][-1] == "Tabular"
    assert items["Already Read Paper"].checked is True
    assert not any("[[" in i.title for i in parsed.items)


def test_reimport_gives_identical_layer_and_keeps_renamed_ids(tmp_path):
    first = build_layer(parse_file(LISTS / "link_titles.md"))
    again = build_layer(parse_file(LISTS / "link_titles.md"))
    assert first == again
    from tracker.ingest.layer import layer_yaml

    previous = tmp_path / "link-titles.yaml"
    previous.write_text(layer_yaml(first), encoding="utf-8")
    renamed = tmp_path / "renamed.md"
    renamed.write_text((LISTS / "link_titles.md").read_text().replace(
        "A Decomposable Attention Model for Natural Language Inference", "Decomposable Attention (renamed)"))
    layer = build_layer(parse_file(renamed, "link-titles"), previous=previous)
    node = next(n for n in layer["nodes"] if n.get("url") == "https://arxiv.org/abs/1606.01933")
    assert node["id"] == "decomposable-attention-renamed"
    old_id = next(n["id"] for n in first["nodes"] if n.get("url") == "https://arxiv.org/abs/1606.01933")
    assert old_id == "a-decomposable-attention-model-for-natural-language"
    assert node["old_ids"] == [old_id]


@pytest.mark.parametrize("name", ["bold_topics.md", "weekly.md", "link_groups.md", "link_titles.md", "obsidian.md"])
def test_every_fixture_loads_as_a_valid_graph(tmp_path, name):
    from tracker.graph.loader import load_graph
    from tracker.ingest.layer import layer_yaml

    parsed = parse_file(LISTS / name)
    (tmp_path / "l.yaml").write_text(layer_yaml(build_layer(parsed)), encoding="utf-8")
    graph = load_graph(tmp_path)
    non_topics = {i.title for i in parsed.items if i.kind != "topic"}
    titles = {n.title for n in graph.nodes.values()}
    assert non_topics <= titles
