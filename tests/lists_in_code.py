"""Reading lists built in code (what the parser would hand the layer builder), and the graph they make."""

from __future__ import annotations

import textwrap

import yaml

from tracker.graph.loader import build_graph
from tracker.graph.merger import MergeLog
from tracker.graph.schema import LayerFile
from tracker.ingest.items import ParsedItem, ParsedLink, ParsedList, ParsedTopic
from tracker.ingest.layer import build_layer


def reading_list(list_id: str, *entries: dict, topics: tuple[str, ...] = ()) -> ParsedList:
    """A list whose root topic is ``list_id`` with sub-topics ``topics``; each entry is ParsedItem kwargs,
    ``topic`` naming its sub-topic and ``links`` given as (url, label, resource) tuples."""
    root = (list_id.title(),)
    parsed = ParsedList(file=f"{list_id}.md", list_id=list_id, title=root[0])
    parsed.topics.append(ParsedTopic(root, root[0], 1, 0))
    for n, name in enumerate(topics):
        parsed.topics.append(ParsedTopic(root + (name,), name, 2 + n, 1 + n))
    for n, entry in enumerate(entries):
        entry = dict(entry)
        topic = root + ((entry.pop("topic"),) if "topic" in entry else ())
        link_kind = None if entry.get("kind") == "topic" else entry.get("kind", "paper")
        links = [ParsedLink(url, label, link_kind, resource) for url, label, resource in entry.pop("links", [])]
        parsed.items.append(ParsedItem(line=entry.pop("line", 10 + n), order=100 + n, topic=topic,
                                       kind=entry.pop("kind", "paper"), links=links, **entry))
    parsed.entries = len(parsed.items)
    return parsed


def graph_of(*lists: ParsedList, curated: str | None = None, log: MergeLog | None = None):
    """The graph of a curated layer (YAML text) and the layers of these lists, as ``tracker import`` builds it."""
    layers = []
    if curated:
        layers.append(("curated/papers.yaml", LayerFile.model_validate(yaml.safe_load(textwrap.dedent(curated)))))
    for parsed in lists:
        layers.append((f"lists/{parsed.list_id}.yaml", LayerFile.model_validate(build_layer(parsed))))
    return build_graph(layers, log=log)


def items(graph) -> dict[str, object]:
    """Non-topic nodes by id."""
    return {i: n for i, n in graph.nodes.items() if not n.is_topic}
