"""The merged, in-memory form of a node and the typed graph around it."""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

NODE_KINDS = ("paper", "article", "video", "book", "course", "talk", "code", "topic")
PART_OF = "part_of"
REQUIRES = "requires"
RELATED = "related"
EDGE_KINDS = (PART_OF, REQUIRES, RELATED)
DONE_STATUSES = frozenset({"read", "skipped"})


@dataclass
class SourceRef:
    list: str
    line: int
    order: int = 0
    label: str = ""  # the list's own name for the entry ("Vanilla"): shown, never an alias


@dataclass
class LinkRef:
    url: str
    label: str = ""
    kind: str | None = None


@dataclass
class Node:
    """One real thing (paper, resource or topic), merged from every layer."""

    id: str
    kind: str
    title: str
    aliases: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    url: str | None = None
    links: list[LinkRef] = field(default_factory=list)
    arxiv: str | None = None
    tags: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    description: str = ""
    implementation: str | None = None
    no_implementation: str | None = None
    sources: list[SourceRef] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    derived_title: bool = False
    doi: str | None = None
    openreview: str | None = None
    stars: int | None = None  # the highest priority mark any list gave it
    also_titled: list[str] = field(default_factory=list)  # titles lists gave it: found by search, never identity
    curated: bool = False  # a hand-curated record (graph_data/curated) describes it
    supplementary: bool = False  # every list that has it lists it as a helpful extra: it never gates what follows

    @property
    def is_topic(self) -> bool:
        return self.kind == "topic"

    @property
    def lists(self) -> list[str]:
        seen: dict[str, None] = {}
        for src in self.sources:
            seen.setdefault(src.list, None)
        return list(seen)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "aliases": list(self.aliases),
            "authors": list(self.authors),
            "year": self.year,
            "url": self.url,
            "links": [{"url": l.url, "label": l.label, "kind": l.kind} for l in self.links],
            "arxiv": self.arxiv,
            "doi": self.doi,
            "openreview": self.openreview,
            "tags": list(self.tags),
            "topics": list(self.topics),
            "implementation": self.implementation,
            "sources": [{"list": s.list, "line": s.line, **({"label": s.label} if s.label else {})}
                        for s in self.sources],
        }


@dataclass
class Edge:
    source: str
    target: str
    kind: str
    reason: str = ""


@dataclass(frozen=True)
class CanonicalTopic:
    """A topic of the curated topic map, its references resolved to node ids (``tracker.graph.topic_map``)."""

    id: str
    title: str
    keywords: tuple[str, ...] = ()
    headings: tuple[str, ...] = ()
    nodes: tuple[str, ...] = ()


@dataclass
class TopicGraph:
    """Nodes by id, a networkx DiGraph of typed edges, and alias resolution."""

    nodes: dict[str, Node]
    graph: nx.DiGraph
    id_aliases: dict[str, str]
    title_index: dict[str, str]
    lists: dict[str, dict]
    warnings: list[str] = field(default_factory=list)
    topic_map: list[CanonicalTopic] = field(default_factory=list)  # from curated layers' ``topic_map``
    cache: dict = field(default_factory=dict, repr=False, compare=False)  # derived facts; the graph never changes

    def __contains__(self, node_id: str) -> bool:
        return node_id in self.nodes

    def resolve(self, key: str) -> str | None:
        """A node id from an id, an old id, an alias or a title."""
        from .identity import normalize_title, slugify

        key = key.strip()
        if key in self.nodes:
            return key
        if key in self.id_aliases:
            return self.id_aliases[key]
        norm = normalize_title(key)
        if norm and norm in self.title_index:
            return self.title_index[norm]
        slug = slugify(key, max_length=200)
        if slug in self.nodes:
            return slug
        return self.id_aliases.get(slug)

    def edges(self, kind: str | None = None) -> list[Edge]:
        return [
            Edge(u, v, data["kind"], data.get("reason", ""))
            for u, v, data in self.graph.edges(data=True)
            if kind is None or data["kind"] == kind
        ]

    def out_ids(self, node_id: str, kind: str) -> list[str]:
        return [v for _, v, d in self.graph.out_edges(node_id, data=True) if d["kind"] == kind]

    def in_ids(self, node_id: str, kind: str) -> list[str]:
        return [u for u, _, d in self.graph.in_edges(node_id, data=True) if d["kind"] == kind]

    def reason(self, source: str, target: str) -> str:
        data = self.graph.get_edge_data(source, target) or {}
        return data.get("reason", "")

    def is_unit(self, node_id: str) -> bool:
        """Something to study and mark: any non-topic node, or a topic with nothing under it (a concept)."""
        units = self.cache.get("units")
        if units is None:
            parents = {v for _, v, d in self.graph.edges(data=True) if d["kind"] == PART_OF}
            units = self.cache["units"] = {n.id for n in self.nodes.values() if not n.is_topic or n.id not in parents}
        return node_id in units

    def roots(self) -> list[str]:
        """Topics with no parent topic, in source order (kept: the graph never changes)."""
        if "roots" not in self.cache:
            tops = [n for n in self.nodes.values() if n.is_topic and not self.out_ids(n.id, PART_OF)]
            self.cache["roots"] = [n.id for n in sorted(tops, key=sort_key)]
        return list(self.cache["roots"])

    def children(self, topic_id: str) -> list[str]:
        return sorted(self.in_ids(topic_id, PART_OF), key=lambda i: sort_key(self.nodes[i]))


@dataclass(frozen=True)
class Adjacency:
    """Parents, children and requirements of every node as plain dicts, from one pass over the edges.

    networkx's per-node edge views cost microseconds each; a 100k-node graph
    asks millions of these questions, so queries and load checks use these.
    """

    parents: dict[str, list[str]]
    children: dict[str, list[str]]
    requires: dict[str, list[str]]

    @classmethod
    def of(cls, graph: nx.DiGraph) -> Adjacency:
        parents: dict[str, list[str]] = {}
        children: dict[str, list[str]] = {}
        requires: dict[str, list[str]] = {}
        for u, v, kind in graph.edges(data="kind"):
            if kind == PART_OF:
                parents.setdefault(u, []).append(v)
                children.setdefault(v, []).append(u)
            elif kind == REQUIRES:
                requires.setdefault(u, []).append(v)
        return cls(parents, children, requires)


def sort_key(node: Node) -> tuple:
    """Where the node first appears in the lists, then its title; kept on the node (the graph never changes)."""
    key = node.__dict__.get("_sort_key")
    if key is None:
        first = min(((s.list, s.order) for s in node.sources), default=("~", 0))
        key = node.__dict__["_sort_key"] = (first, node.title.lower())
    return key
