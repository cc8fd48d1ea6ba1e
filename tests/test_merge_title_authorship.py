"""A short curated title names an imported record only with the same year and first author."""

from __future__ import annotations

from tracker.graph.loader import load_graph

CURATED = """\
nodes:
  - {id: deep-learning-nature-2015, kind: paper, title: Deep learning, authors: [Yann LeCun, Yoshua Bengio], year: 2015,
     url: https://www.nature.com/articles/nature14539}
"""


LIST_HEAD = "list: {id: l, title: L, file: l.md}\nnodes:\n  - {id: l, kind: topic, title: L}\n"


def _list(title: str, authors: str, year: int, url: str) -> str:
    return LIST_HEAD + (f'  - {{id: entry, kind: paper, title: "{title}", authors: [{authors}], year: {year}, url: "{url}",'
                        " topics: [l], sources: [{list: l.md, line: 3, order: 1}]}\n")


def _graph(folder, curated: str, listed: str):
    """A curated layer and one imported list's layer, loaded together."""
    folder.mkdir()
    (folder / "curated.yaml").write_text(curated)
    (folder / "l.yaml").write_text(listed)
    return load_graph(folder)


def test_same_title_year_and_first_author_merge_into_the_curated_node(tmp_path):
    graph = _graph(tmp_path / "a", CURATED,
                   _list("Deep learning", "LeCun, Yann", 2015, "http://www.cs.toronto.edu/~hinton/absps/NatureDeepReview.pdf"))
    assert graph.resolve("entry") == "deep-learning-nature-2015"
    assert "l.md" in graph.nodes["deep-learning-nature-2015"].lists


def test_a_generic_title_by_other_authors_stays_its_own_node(tmp_path):
    graph = _graph(tmp_path / "b", CURATED, _list("Deep Learning", "Ian Goodfellow", 2016, "http://www.deeplearningbook.org/"))
    assert graph.resolve("entry") == "entry"
    assert "l.md" not in graph.nodes["deep-learning-nature-2015"].lists


def test_a_two_word_title_with_a_distinctive_word_names_the_curated_paper(tmp_path):
    graph = _graph(
        tmp_path / "c",
        "nodes:\n  - {id: pointer-networks, kind: paper, title: Pointer Networks, arxiv: '1506.03134',"
        " url: https://arxiv.org/abs/1506.03134}\n",
        LIST_HEAD + "  - {id: pointer-networks, kind: paper, title: Pointer Networks, topics: [l],"
        " sources: [{list: l.md, line: 3, order: 1}]}\n"
        "  - {id: neural-networks, kind: paper, title: Neural Networks, topics: [l],"
        " sources: [{list: l.md, line: 4, order: 2}]}\n")
    assert [n.id for n in graph.nodes.values() if n.title == "Pointer Networks"] == ["pointer-networks"]
    assert "l.md" in graph.nodes["pointer-networks"].lists
    assert graph.resolve("neural-networks") == "neural-networks"  # common words alone stay apart


def test_a_curated_alias_names_the_node_whatever_kind_the_list_calls_it(tmp_path):
    graph = _graph(
        tmp_path / "d",
        "nodes:\n  - {id: kolmogorov, kind: book, title: Elements of Information Theory,"
        " aliases: ['PAGE 434 onwards: Komogrov Complexity']}\n",
        LIST_HEAD + "  - {id: page-434, kind: paper, title: 'PAGE 434 onwards: Komogrov Complexity', topics: [l],"
        " sources: [{list: l.md, line: 3, order: 1}]}\n")
    assert graph.resolve("page-434") == "kolmogorov" and "l.md" in graph.nodes["kolmogorov"].lists
