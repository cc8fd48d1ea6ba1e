"""The graph in other formats: JSON (the stable machine format), GraphML, Mermaid, BibTeX, markdown."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping

import networkx as nx

from .graph import queries
from .graph.model import PART_OF, REQUIRES, TopicGraph, sort_key

FORMATS = ("json", "graphml", "mermaid", "bibtex", "markdown")


def to_json_data(tg: TopicGraph) -> dict:
    nodes = sorted(tg.nodes.values(), key=lambda n: n.id)
    edges = sorted(tg.edges(), key=lambda e: (e.source, e.target, e.kind))
    return {
        "nodes": [n.to_json() for n in nodes],
        "edges": [{"source": e.source, "target": e.target, "kind": e.kind, "reason": e.reason} for e in edges],
    }


def to_json(tg: TopicGraph) -> str:
    return json.dumps(to_json_data(tg), indent=2, ensure_ascii=False) + "\n"


_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(value):
    """GraphML is XML 1.0, which cannot hold most control characters."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return _XML_INVALID.sub("\ufffd", text)


def to_graphml(tg: TopicGraph) -> str:
    out = nx.DiGraph()
    for node in tg.nodes.values():
        data = node.to_json()
        out.add_node(node.id, **{k: _xml_safe(v) for k, v in data.items() if v is not None})
    for edge in tg.edges():
        out.add_edge(edge.source, edge.target, kind=edge.kind, reason=_xml_safe(edge.reason))
    buffer = io.BytesIO()
    nx.write_graphml(out, buffer, encoding="utf-8")
    return buffer.getvalue().decode("utf-8")


def _mermaid_label(text: str) -> str:
    return '"' + re.sub(r'["\n\r`<>#]', " ", text)[:80].strip() + '"'


def to_mermaid(tg: TopicGraph) -> str:
    """Prerequisites as solid arrows (read first -> read later), membership dotted."""
    ids = {node_id: f"n{i}" for i, node_id in enumerate(sorted(tg.nodes))}
    lines = ["graph LR"]
    for node_id in sorted(tg.nodes):
        node = tg.nodes[node_id]
        shape = ("[[", "]]") if node.is_topic else ("[", "]")
        lines.append(f"  {ids[node_id]}{shape[0]}{_mermaid_label(node.title)}{shape[1]}")
    for edge in sorted(tg.edges(), key=lambda e: (e.kind, e.source, e.target)):
        if edge.kind == REQUIRES:
            lines.append(f"  {ids[edge.target]} --> {ids[edge.source]}")
        elif edge.kind == PART_OF:
            lines.append(f"  {ids[edge.source]} -.-> {ids[edge.target]}")
        else:
            lines.append(f"  {ids[edge.source]} --- {ids[edge.target]}")
    return "\n".join(lines) + "\n"


def _bib_escape(text: str) -> str:
    return re.sub(r"([{}\\])", r"\\\1", text)


def to_bibtex(tg: TopicGraph) -> str:
    entries = []
    for node in sorted(tg.nodes.values(), key=lambda n: n.id):
        if node.kind not in ("paper", "book"):
            continue
        key = re.sub(r"[^a-zA-Z0-9]", "", (node.authors[0].split()[-1] if node.authors else node.id.split("-")[0]))
        key = f"{key.lower()}{node.year or ''}{re.sub(r'[^a-z0-9]', '', node.id)[:12]}"
        fields = [("title", "{" + _bib_escape(node.title) + "}")]
        if node.authors:
            fields.append(("author", _bib_escape(" and ".join(node.authors))))
        if node.year:
            fields.append(("year", str(node.year)))
        if node.url:
            fields.append(("url", _bib_escape(node.url)))
        if node.arxiv:
            fields += [("eprint", node.arxiv), ("archivePrefix", "arXiv")]
        kind = "book" if node.kind == "book" else ("misc" if not node.arxiv else "article")
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        entries.append(f"@{kind}{{{key},\n{body}\n}}")
    return "\n\n".join(entries) + "\n"


def reading_order(tg: TopicGraph) -> list[str]:
    """Every study unit, prerequisites first, otherwise in list order."""
    order: list[str] = []
    seen: set[str] = set()
    units = sorted((n for n in tg.nodes.values() if tg.is_unit(n.id)), key=sort_key)
    for node in units:
        if node.id in seen:
            continue
        for step in queries.learning_path(tg, node.id, {}):
            if step not in seen and tg.is_unit(step):
                seen.add(step)
                order.append(step)
    return order


def to_markdown(tg: TopicGraph, progress: Mapping[str, str] | None = None) -> str:
    """A checklist of the graph in reading order, grouped by topic; read items are [x]."""
    progress = progress or {}
    rank = {node_id: i for i, node_id in enumerate(reading_order(tg))}
    lines: list[str] = []
    placed: set[str] = set()

    def emit(topic_id: str, depth: int) -> None:
        lines.append(f"{'#' * min(depth, 6)} {tg.nodes[topic_id].title}")
        lines.append("")
        children = tg.children(topic_id)
        items = sorted((c for c in children if tg.is_unit(c) and c not in placed), key=lambda c: rank.get(c, 0))
        for item in items:
            placed.add(item)
            node = tg.nodes[item]
            mark = "x" if progress.get(item) in ("read", "skipped") else " "
            title = node.title.replace("[", "\\[").replace("]", "\\]")
            link = f"[{title}]({node.url})" if node.url and node.url.startswith(("http://", "https://")) else title
            lines.append(f"- [{mark}] {link}")
        if items:
            lines.append("")
        for child in children:
            if not tg.is_unit(child):
                emit(child, depth + 1)

    for root in tg.roots():
        emit(root, 1)
    return "\n".join(lines).rstrip() + "\n"
