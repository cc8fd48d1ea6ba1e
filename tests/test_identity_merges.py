"""One node per real thing, never two things in one node: each identity rule of the importer, within a list
(the layer builder) and across layers (the loader)."""

from __future__ import annotations

from tests.lists_in_code import graph_of, items, reading_list
from tracker.graph.merger import MergeLog
from tracker.ingest.layer import build_layer

CURATED = """\
    nodes:
      - {id: resnet, kind: paper, title: Deep Residual Learning for Image Recognition, aliases: [ResNet],
         url: "https://arxiv.org/abs/1512.03385", arxiv: "1512.03385", year: 2015}
      - {id: transformer, kind: paper, title: Attention Is All You Need, aliases: [Transformer],
         url: "https://arxiv.org/abs/1706.03762", arxiv: "1706.03762"}
      - {id: deep-learning-nature-2015, kind: paper, title: Deep learning, year: 2015,
         url: "https://www.nature.com/articles/nature14539"}
      - {id: understanding-lstm-networks, kind: article, title: Understanding LSTM Networks,
         url: "https://colah.github.io/posts/2015-08-Understanding-LSTMs/"}
      - {id: rnn-effectiveness, kind: article, title: The Unreasonable Effectiveness of Recurrent Neural Networks,
         url: "http://karpathy.github.io/2015/05/21/rnn-effectiveness/"}
    """
COLAH = "https://colah.github.io/posts/2015-08-Understanding-LSTMs/"


def nodes_with(graph, list_file: str) -> list:
    return [n for n in items(graph).values() if list_file in n.lists]


# -- strong keys ---------------------------------------------------------------------------------------------
def test_arxiv_links_of_any_form_are_one_node_within_a_list_and_into_curated():
    a = reading_list("a", {"title": "Deep Residual Learning", "url": "http://arxiv.org/pdf/1512.03385v2.pdf"},
                     {"title": "He et al. 2015", "url": "https://arxiv.org/abs/1512.03385"},
                     {"title": "Residual nets", "ids": {"arxiv": "1512.03385"}})
    layer = build_layer(a)
    assert len([n for n in layer["nodes"] if n["kind"] != "topic"]) == 1
    log = MergeLog()
    graph = graph_of(a, curated=CURATED, log=log)
    assert [n.id for n in nodes_with(graph, "a.md")] == ["resnet"]
    assert [s.line for s in graph.nodes["resnet"].sources] == [10, 11, 12]
    assert {m.via for m in log.merges if m.file == "lists/a.yaml"} == {"arxiv"}


def test_doi_and_openreview_ids_merge():
    a = reading_list("a", {"title": "Deep learning review", "url": "https://doi.org/10.1038/nature14539"},
                     {"title": "BEiT", "url": "https://openreview.net/forum?id=p-BhZSz59o4"})
    b = reading_list("b", {"title": "LeCun, Bengio, Hinton", "ids": {"doi": "10.1038/NATURE14539"}},
                     {"title": "BEiT: BERT Pre-Training of Image Transformers", "url": "https://openreview.net/pdf?id=p-BhZSz59o4"})
    graph = graph_of(a, b)
    assert len(items(graph)) == 2
    assert all(len(n.lists) == 2 for n in items(graph).values())


def test_a_strong_key_beats_a_title_within_a_list_and_across_layers():
    a = reading_list("a", {"title": "Attention Is All You Need", "url": "https://arxiv.org/abs/1706.03762"},
                     {"title": "Attention Is All You Need", "url": "https://arxiv.org/abs/2501.00001"})
    assert len([n for n in build_layer(a)["nodes"] if n["kind"] != "topic"]) == 2
    b = reading_list("b", {"title": "Attention Is All You Need", "ids": {"arxiv": "1806.00001"}})
    graph = graph_of(b, curated=CURATED)
    assert graph.nodes["transformer"].lists == []  # same title, different arXiv id: not the Transformer
    assert graph.nodes["transformer"].arxiv == "1706.03762"
    [other] = nodes_with(graph, "b.md")
    assert other.id != "transformer" and other.arxiv == "1806.00001"


# -- titles ----------------------------------------------------------------------------------------------------
def test_a_generic_title_merges_only_within_its_own_topic():
    a = reading_list("a", {"title": "Vanilla", "topic": "Backprop"},
                     {"title": "Vanilla", "topic": "RNNs"},
                     {"title": "Vanilla", "topic": "RNNs"}, topics=("Backprop", "RNNs"))
    layer = build_layer(a)
    vanilla = [n for n in layer["nodes"] if n["kind"] != "topic"]
    assert [len(n["sources"]) for n in vanilla] == [1, 2]
    assert vanilla[0]["topics"] != vanilla[1]["topics"]


def test_generic_titles_never_merge_across_lists_but_specific_ones_do():
    a = reading_list("a", {"title": "Introduction", "kind": "video"}, {"title": "Deep Learning", "kind": "book"},
                     {"title": "Neural Networks and Deep Learning", "kind": "book"})
    b = reading_list("b", {"title": "Introduction", "kind": "video"}, {"title": "Deep Learning", "kind": "book"},
                     {"title": "neural networks & deep learning", "kind": "book"})
    graph = graph_of(a, b)
    by_lists = sorted((n.title, len(n.lists)) for n in items(graph).values())
    assert by_lists == [("Deep Learning", 1), ("Deep Learning", 1), ("Introduction", 1), ("Introduction", 1),
                        ("Neural Networks and Deep Learning", 2)]


def test_a_generic_title_reaches_a_curated_node_only_through_a_curated_alias():
    a = reading_list("a", {"title": "ResNet", "url": "https://paperswithcode.com/lib/torchvision/resnet"},
                     {"title": "Deep learning"},  # generic: the curated title alone is not enough
                     {"title": "Deep Learning", "kind": "book", "url": "https://www.deeplearningbook.org/"})
    graph = graph_of(a, curated=CURATED)
    assert "a.md" in graph.nodes["resnet"].lists
    assert graph.nodes["deep-learning-nature-2015"].lists == []
    book = next(n for n in nodes_with(graph, "a.md") if n.kind == "book")
    assert book.id != "deep-learning-nature-2015"


def test_a_title_merge_into_a_curated_node_needs_agreeing_titles_and_no_conflicting_key():
    a = reading_list("a", {"title": "Deep residual learning for image recognition."},
                     {"title": "Deep Residual Learning for Images"})
    b = reading_list("b", {"title": "Deep Residual Learning for Image Recognition", "ids": {"arxiv": "1603.05027"}})
    graph = graph_of(a, b, curated=CURATED)
    assert [(s.list, s.line) for s in graph.nodes["resnet"].sources] == [("a.md", 10)]
    assert graph.nodes["resnet"].arxiv == "1512.03385"
    assert len(nodes_with(graph, "a.md")) == 2 and len(nodes_with(graph, "b.md")) == 1


def test_derived_and_label_titles_never_merge():
    a = reading_list("a", {"title": "example.org/post", "derived_title": True, "url": "https://example.org/post"})
    b = reading_list("b", {"title": "example.org/post", "derived_title": True, "url": "https://example.org/other"},
                     {"title": "Understanding LSTM Networks", "title_source": "label", "label": "Understanding LSTM Networks"})
    graph = graph_of(a, b, curated=CURATED)
    assert len(nodes_with(graph, "a.md")) == 1 and len(nodes_with(graph, "b.md")) == 2
    assert graph.nodes["understanding-lstm-networks"].lists == []


# -- placeholders -------------------------------------------------------------------------------------------------
def test_a_placeholder_link_never_makes_two_things_one():
    repo = "https://github.com/vlgiitr/DL_Topics/blob/master"
    a = reading_list("a", {"title": "BatchNorm", "url": repo, "topic": "Regularization"},
                     {"title": "Dropout Regularization", "url": repo, "topic": "Regularization"},
                     {"title": "Layer Normalization", "url": "https://example.org/stand-in"},
                     {"title": "Weight Normalization", "url": "https://example.org/stand-in"},
                     topics=("Regularization",))
    layer = build_layer(a)
    entries = [n for n in layer["nodes"] if n["kind"] != "topic"]
    assert len(entries) == 4 and all(n["placeholder_url"] for n in entries)
    b = reading_list("b", {"title": "Some Paper", "url": repo}, {"title": "Other", "url": "https://example.org/stand-in"})
    graph = graph_of(a, b)
    assert all(len(n.sources) == 1 for n in items(graph).values())


def test_the_same_url_and_title_twice_is_one_entry_not_a_placeholder():
    a = reading_list("a", {"title": "A Blog Post on Attention", "url": "https://example.org/post"},
                     {"title": "A Blog Post on Attention", "url": "https://example.org/post"})
    [node] = [n for n in build_layer(a)["nodes"] if n["kind"] != "topic"]
    assert "placeholder_url" not in node and len(node["sources"]) == 2


# -- curated data -------------------------------------------------------------------------------------------------
def test_imports_never_change_curated_data_and_names_do_not_chain():
    a = reading_list("a", {"title": "ResNet", "url": "https://paperswithcode.com/lib/torchvision/resnet", "year": 1999,
                           "authors": ["Someone Else"]},
                     {"title": "abs", "url": "https://arxiv.org/abs/1706.03762"})
    b = reading_list("b", {"title": "An Unrelated Model", "url": "https://paperswithcode.com/lib/torchvision/resnet"})
    graph = graph_of(a, b, curated=CURATED)
    resnet, transformer = graph.nodes["resnet"], graph.nodes["transformer"]
    assert (resnet.title, resnet.aliases, resnet.year, resnet.authors, resnet.url) == (
        "Deep Residual Learning for Image Recognition", ["ResNet"], 2015, [], "https://arxiv.org/abs/1512.03385")
    assert (transformer.title, transformer.aliases) == ("Attention Is All You Need", ["Transformer"])
    assert "1706.03762" not in graph.id_aliases  # the record's own id ("abs") resolves, for progress; no id does
    # The URL came with a name merge (ResNet), so it is provenance, not a key: b's model stays its own node.
    assert "b.md" not in resnet.lists and len(nodes_with(graph, "b.md")) == 1


# -- concept resources ------------------------------------------------------------------------------------------
def gru_list(list_id: str = "topics") -> object:
    return reading_list(list_id, {"title": "GRU, LSTMs", "kind": "topic", "links": [
        ("https://towardsdatascience.com/illustrated-guide-to-lstms", "blog_1", True), (COLAH, "blog_2", True)]})


def test_a_resource_named_elsewhere_is_linked_not_copied_and_gains_the_list():
    graph = graph_of(gru_list(), curated=CURATED)
    concept = next(n for n in graph.nodes.values() if n.title == "GRU, LSTMs")
    colah = graph.nodes["understanding-lstm-networks"]
    assert colah.lists == ["topics.md"] and colah.title == "Understanding LSTM Networks"
    assert graph.out_ids(concept.id, "related") == ["understanding-lstm-networks"]
    assert [l.url for l in concept.links] == ["https://towardsdatascience.com/illustrated-guide-to-lstms", COLAH]
    assert len(items(graph)) == len(CURATED.split("- {id:")) - 1  # the other resource made no node


def test_resources_alone_stay_links_and_two_lists_sharing_one_make_one_node():
    graph = graph_of(gru_list())
    assert items(graph) == {}
    graph = graph_of(gru_list("a"), gru_list("b"))
    shared = [n for n in items(graph).values()]
    assert len(shared) == 2 and all(sorted(n.lists) == ["a.md", "b.md"] for n in shared)


def test_a_single_resource_entry_is_that_resource_and_its_label_stays_local():
    a = reading_list("a", {"title": "Vanilla", "title_source": "label", "label": "Vanilla", "kind": "article",
                           "url": "http://karpathy.github.io/2015/05/21/rnn-effectiveness/", "topic": "RNNs"},
                     {"title": "Vanilla", "title_source": "label", "label": "Vanilla", "kind": "article",
                      "url": "http://cs231n.github.io/optimization-2/", "topic": "Backprop"}, topics=("RNNs", "Backprop"))
    graph = graph_of(a, curated=CURATED)
    rnn = graph.nodes["rnn-effectiveness"]
    assert [(s.list, s.label) for s in rnn.sources] == [("a.md", "Vanilla")]
    assert rnn.aliases == [] and rnn.also_titled == []
    other = next(n for n in nodes_with(graph, "a.md") if n.id != "rnn-effectiveness")
    assert other.title == "Vanilla" and other.derived_title and other.url == "http://cs231n.github.io/optimization-2/"


def test_a_bare_concept_named_by_a_curated_alias_is_that_node_but_a_heading_is_not():
    a = reading_list("a", {"title": "ResNet", "kind": "topic", "topic": "CNNs"},
                     {"title": "Transformer", "kind": "topic", "links": [("https://example.org/t", "blog", False)]},
                     topics=("CNNs", "ResNet"))
    graph = graph_of(a, curated=CURATED)
    resnet = graph.nodes["resnet"]
    assert resnet.kind == "paper" and resnet.lists == ["a.md"] and resnet.title.startswith("Deep Residual")
    assert graph.out_ids("resnet", "part_of") == ["a/cnns"]
    assert graph.nodes["transformer"].lists == []  # a concept with its own links is a thing of its own
    assert graph.nodes["a/resnet"].is_topic  # the heading "ResNet" stays this list's topic


def test_a_curated_records_other_links_are_keys_for_imports():
    curated = CURATED + """\
  - {id: lstm-1997, kind: paper, title: Long Short-Term Memory, url: "https://www.bioinf.jku.at/publications/older/2604.pdf",
     links: [{url: "https://doi.org/10.1162/neco.1997.9.8.1735", label: Neural Computation},
             {url: "https://github.com/some/lstm-code", label: code, kind: code}]}
"""
    a = reading_list("a", {"title": "Hochreiter and Schmidhuber", "ids": {"doi": "10.1162/neco.1997.9.8.1735"}},
                     {"title": "An LSTM implementation", "kind": "code", "url": "https://github.com/some/lstm-code"})
    graph = graph_of(a, curated=curated)
    assert graph.nodes["lstm-1997"].lists == ["a.md"]
    assert len(nodes_with(graph, "a.md")) == 2  # the curated paper's code link is not the paper


def test_a_generic_title_joins_a_curated_record_with_the_same_year_and_first_author():
    curated = CURATED.replace("title: Deep learning, year: 2015,", "title: Deep learning, year: 2015, "
                              "authors: [Yann LeCun, Yoshua Bengio, Geoffrey Hinton],")
    a = reading_list("a", {"title": "Deep learning", "year": 2015, "authors": ["LeCun, Y."]},
                     {"title": "Deep learning", "year": 2016, "authors": ["Goodfellow, I."]},
                     {"title": "Deep learning", "year": 2015, "authors": ["Schmidhuber, J."], "topic": "Other"},
                     topics=("Other",))
    graph = graph_of(a, curated=curated)
    assert [s.line for s in graph.nodes["deep-learning-nature-2015"].sources] == [10]
    assert len(nodes_with(graph, "a.md")) == 3


def test_a_specific_title_with_another_year_or_first_author_is_another_work():
    a = reading_list("a", {"title": "Generative Adversarial Networks", "year": 2014, "authors": ["Goodfellow, I."]})
    b = reading_list("b", {"title": "Generative Adversarial Networks", "year": 2020, "authors": ["Goodfellow, I."]},
                     {"title": "Generative Adversarial Networks", "topic": "X"}, topics=("X",))
    graph = graph_of(a, b)
    assert sorted(len(n.sources) for n in items(graph).values()) == [1, 2]  # the undated one joins the first
