"""A short curated title names an imported record only with the same year and first author."""

from __future__ import annotations

from tracker.graph.loader import load_graph

CURATED = """\
nodes:
  - {id: deep-learning-nature-2015, kind: paper, title: Deep learning, authors: [Yann LeCun, Yoshua Bengio], year: 2015,
     url: https://www.nature.com/articles/nature14539}
"""


def _list(title: str, authors: str, year: int, url: str) -> str:
    return f"""\
list: {{id: l, title: L, file: l.md}}
nodes:
  - {{id: l, kind: topic, title: L}}
  - {{id: entry, kind: paper, title: "{title}", authors: [{authors}], year: {year}, url: "{url}", topics: [l],
     sources: [{{list: l.md, line: 3, order: 1}}]}}
"""


def test_same_title_year_and_first_author_merge_into_the_curated_node(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "curated.yaml").write_text(CURATED)
    (tmp_path / "a" / "l.yaml").write_text(_list("Deep learning", "LeCun, Yann", 2015, "http://www.cs.toronto.edu/~hinton/absps/NatureDeepReview.pdf"))
    graph = load_graph(tmp_path / "a")
    assert graph.resolve("entry") == "deep-learning-nature-2015"
    assert "l.md" in graph.nodes["deep-learning-nature-2015"].lists


def test_a_generic_title_by_other_authors_stays_its_own_node(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "curated.yaml").write_text(CURATED)
    (tmp_path / "b" / "l.yaml").write_text(_list("Deep Learning", "Ian Goodfellow", 2016, "http://www.deeplearningbook.org/"))
    graph = load_graph(tmp_path / "b")
    assert graph.resolve("entry") == "entry"
    assert "l.md" not in graph.nodes["deep-learning-nature-2015"].lists


def test_a_two_word_title_with_a_distinctive_word_names_the_curated_paper(tmp_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "curated.yaml").write_text(
        "nodes:\n  - {id: pointer-networks, kind: paper, title: Pointer Networks, arxiv: '1506.03134',"
        " url: https://arxiv.org/abs/1506.03134}\n")
    (tmp_path / "c" / "l.yaml").write_text(
        "list: {id: l, title: L, file: l.md}\nnodes:\n  - {id: l, kind: topic, title: L}\n"
        "  - {id: pointer-networks, kind: paper, title: Pointer Networks, topics: [l],"
        " sources: [{list: l.md, line: 3, order: 1}]}\n"
        "  - {id: neural-networks, kind: paper, title: Neural Networks, topics: [l],"
        " sources: [{list: l.md, line: 4, order: 2}]}\n")
    graph = load_graph(tmp_path / "c")
    assert [n.id for n in graph.nodes.values() if n.title == "Pointer Networks"] == ["pointer-networks"]
    assert "l.md" in graph.nodes["pointer-networks"].lists
    assert graph.resolve("neural-networks") == "neural-networks"  # common words alone stay apart


def test_a_curated_alias_names_the_node_whatever_kind_the_list_calls_it(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "curated.yaml").write_text(
        "nodes:\n  - {id: kolmogorov, kind: book, title: Elements of Information Theory,"
        " aliases: ['PAGE 434 onwards: Komogrov Complexity']}\n")
    (tmp_path / "d" / "l.yaml").write_text(
        "list: {id: l, title: L, file: l.md}\nnodes:\n  - {id: l, kind: topic, title: L}\n"
        "  - {id: page-434, kind: paper, title: 'PAGE 434 onwards: Komogrov Complexity', topics: [l],"
        " sources: [{list: l.md, line: 3, order: 1}]}\n")
    graph = load_graph(tmp_path / "d")
    assert graph.resolve("page-434") == "kolmogorov" and "l.md" in graph.nodes["kolmogorov"].lists
