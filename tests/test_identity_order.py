"""Merges never depend on file order: any order of the same layers gives the same graph, node ids included."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.lists_in_code import reading_list
from tracker.graph.loader import build_graph
from tracker.graph.schema import LayerFile
from tracker.ingest.layer import build_layer

# A small world of things lists cite, so generated lists share (and almost share) entries.
THINGS = [
    ("Attention Is All You Need", "1706.03762", None),
    ("Deep Residual Learning for Image Recognition", "1512.03385", None),
    ("Adam: A Method for Stochastic Optimization", "1412.6980", None),
    ("Understanding LSTM Networks", None, "https://colah.github.io/posts/2015-08-Understanding-LSTMs/"),
    ("Vanilla", None, "http://karpathy.github.io/2015/05/21/rnn-effectiveness/"),
    ("Vanilla", None, "http://cs231n.github.io/optimization-2/"),
    ("Deep Learning", None, None),
    ("Neural Networks and Deep Learning", None, "http://neuralnetworksanddeeplearning.com/"),
    ("Batch Normalization", None, "https://github.com/vlgiitr/DL_Topics/blob/master"),
]
CURATED = LayerFile.model_validate({"nodes": [
    {"id": "transformer", "kind": "paper", "title": "Attention Is All You Need", "aliases": ["Transformer"],
     "arxiv": "1706.03762", "url": "https://arxiv.org/abs/1706.03762"},
    {"id": "understanding-lstm-networks", "kind": "article", "title": "Understanding LSTM Networks",
     "url": "https://colah.github.io/posts/2015-08-Understanding-LSTMs/"},
]})

entry = st.tuples(
    st.integers(0, len(THINGS) - 1),  # which thing
    st.sampled_from(["title+id", "title", "id", "url-only", "resource"]),  # how the list writes it
    st.sampled_from(["Intro", "Advanced"]),  # under which topic
    st.sampled_from(["paper", "article"]),
)


def make_list(n: int, entries: list[tuple]) -> object:
    rows = []
    for thing, how, topic, kind in entries:
        title, arxiv, url = THINGS[thing]
        link = f"https://arxiv.org/abs/{arxiv}" if arxiv else url
        if how == "resource" and link:
            rows.append({"title": f"About {topic}", "kind": "topic", "topic": topic, "links": [(link, "blog", True)]})
            continue
        row = {"title": title, "kind": kind, "topic": topic}
        if how in ("title+id", "id", "url-only") and link:
            row["url"] = link
        if how in ("id", "url-only") and link:
            row.update(title=link, derived_title=True)
        rows.append(row)
    return reading_list(f"list-{n}", *rows, topics=("Intro", "Advanced"))


def snapshot(graph) -> tuple:
    nodes = sorted((n.id, n.kind, n.title, n.derived_title, tuple(n.aliases), tuple(n.also_titled),
                    tuple((s.list, s.line, s.label) for s in n.sources), tuple(n.topics), n.url, n.arxiv,
                    tuple(l.url for l in n.links)) for n in graph.nodes.values())
    return nodes, sorted(graph.graph.edges(data="kind")), sorted(graph.id_aliases.items())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lists=st.lists(st.lists(entry, min_size=1, max_size=6), min_size=2, max_size=4), data=st.data())
def test_any_order_of_the_layers_gives_the_same_graph(lists, data):
    layers = [(f"lists/list-{n}.yaml", LayerFile.model_validate(build_layer(make_list(n, entries))))
              for n, entries in enumerate(lists)]
    expected = snapshot(build_graph([("curated/papers.yaml", CURATED)] + layers))
    shuffled = data.draw(st.permutations(layers))
    curated_at = data.draw(st.integers(0, len(layers)))
    order = shuffled[:curated_at] + [("curated/papers.yaml", CURATED)] + shuffled[curated_at:]
    assert snapshot(build_graph(order)) == expected
