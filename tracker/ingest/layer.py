"""A parsed reading list as a graph layer: stable ids, merged duplicates, week order.

Ids are lowercase slugs derived from titles (topics from their path), so
importing the same list again yields the same ids and progress stays attached.
When a re-import renames an entry (its title changed, its URL did not), the
old id is kept as an alias.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import yaml

from ..graph.identity import arxiv_id, normalize_title, normalize_url, slugify
from ..gc_pause import gc_paused
from .items import ParsedItem, ParsedList
from .parser import WEEK_RE


def _keys(item: ParsedItem) -> list[tuple[str, str]]:
    keys = []
    ident = arxiv_id(item.url)
    if ident:
        keys.append(("arxiv", ident))
    url = normalize_url(item.url)
    if url:
        keys.append(("url", url))
    if not item.derived_title:
        title = normalize_title(item.title)
        if title:
            keys.append(("title", title))
    return keys


def _previous_ids(path: Path | None) -> dict[tuple[str, str], str]:
    """Identity keys -> id in the previous import of this list, to keep renamed ids."""
    if path is None or not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        return {}
    found: dict[tuple[str, str], str] = {}
    for node in data.get("nodes", []) if isinstance(data, dict) else []:
        if not isinstance(node, dict) or node.get("kind") == "topic" or not isinstance(node.get("id"), str):
            continue
        url = node.get("url")
        for key in (("arxiv", arxiv_id(url)), ("url", normalize_url(url))):
            if key[1]:
                found.setdefault(key, node["id"])
    return found


@gc_paused()
def build_layer(parsed: ParsedList, facts_only: bool = False, previous: Path | None = None) -> dict:
    """The YAML-ready dict for one list (see ``tracker.graph.schema``)."""
    list_id = parsed.list_id
    nodes: list[dict] = []
    topic_ids: dict[tuple[str, ...], str] = {}
    used_topic_ids: set[str] = set()
    for topic in parsed.topics:
        base = node_id = list_id
        if len(topic.path) > 1:  # siblings whose titles slug alike ("-", "") still get their own ids
            parent = topic_ids[topic.path[:-1]]
            base = node_id = f"{parent}/{slugify(topic.path[-1], 40)}"
        n = 2
        while node_id in used_topic_ids:
            node_id, n = f"{base}-{n}", n + 1
        used_topic_ids.add(node_id)
        topic_ids[topic.path] = node_id
        node = {"id": node_id, "kind": "topic", "title": topic.title,
                "sources": [{"list": parsed.file, "line": topic.line, "order": topic.order}]}
        if len(topic.path) > 1:
            node["topics"] = [topic_ids[topic.path[:-1]]]
        if topic.links:
            node["links"] = [_link(l) for l in topic.links]
        nodes.append(node)
    _week_order(parsed, topic_ids, nodes)

    old_ids = _previous_ids(previous)
    by_key: dict[tuple[str, str], dict] = {}
    by_index: dict[int, dict] = {}
    used_ids = {n["id"] for n in nodes} | used_topic_ids
    for index, item in enumerate(parsed.items):
        keys = _keys(item) if item.kind != "topic" else []
        existing = next((by_key[k] for k in keys if k in by_key), None)
        topic_id = topic_ids.get(item.topic) or topic_ids[(parsed.title,)]
        source = {"list": parsed.file, "line": item.line, "order": item.order}
        if existing is None:
            existing = _new_node(item, list_id, topic_id, used_ids, old_ids, keys, facts_only)
            nodes.append(existing)
        else:
            _merge(existing, item, topic_id, facts_only)
        existing.setdefault("sources", []).append(source)
        for topic_path, line, order in item.also:
            extra = topic_ids.get(topic_path)
            if extra and extra not in existing["topics"]:
                existing["topics"].append(extra)
            existing["sources"].append({"list": parsed.file, "line": line, "order": order})
        for key in keys:
            by_key.setdefault(key, existing)
        by_index[index] = existing
    for index, item in enumerate(parsed.items):
        for other in item.related_to:
            source, target = by_index[index], by_index.get(other)
            if target is not None and target is not source and target["id"] not in source.get("related", []):
                source.setdefault("related", []).append(target["id"])
    return {"list": {"id": list_id, "title": parsed.title, "file": parsed.file}, "nodes": nodes}


def _link(link) -> dict:
    out = {"url": link.url}
    if link.label:
        out["label"] = link.label
    if link.kind:
        out["kind"] = link.kind
    return out


def _new_node(item: ParsedItem, list_id: str, topic_id: str, used: set[str], old_ids: dict,
              keys: list, facts_only: bool) -> dict:
    if item.kind == "topic":
        base = f"{topic_id}/{slugify(item.title, 40)}"
    else:
        base = slugify(item.title)
    node_id, n = base, 2
    while node_id in used:
        node_id, n = f"{base}-{n}", n + 1
    used.add(node_id)
    node: dict = {"id": node_id, "kind": item.kind, "title": item.title, "topics": [topic_id]}
    if item.derived_title:
        node["derived_title"] = True
    previous = next((old_ids[k] for k in keys if k in old_ids), None)
    if previous and previous != node_id:
        node["aliases"] = [previous]
    if item.authors:
        node["authors"] = list(item.authors)
    if item.year:
        node["year"] = item.year
    if item.url:
        node["url"] = item.url
        ident = arxiv_id(item.url)
        if ident:
            node["arxiv"] = ident
    links = [_link(l) for l in item.links if l.url != item.url or l.label or l.kind]
    if links:
        node["links"] = links
    if item.tags:
        node["tags"] = list(dict.fromkeys(item.tags))
    if item.description and not facts_only:
        node["description"] = item.description
    return node


def _merge(node: dict, item: ParsedItem, topic_id: str, facts_only: bool) -> None:
    if topic_id not in node["topics"]:
        node["topics"].append(topic_id)
    if item.url and not node.get("url"):
        node["url"] = item.url
    if node.get("derived_title") and not item.derived_title:
        node["title"] = item.title
        del node["derived_title"]
    known = {l["url"] for l in node.get("links", [])} | {node.get("url")}
    for link in item.links:
        if link.url not in known:
            node.setdefault("links", []).append(_link(link))
            known.add(link.url)
    for tag in item.tags:
        if tag not in node.setdefault("tags", []):
            node["tags"].append(tag)
    if not node.get("authors") and item.authors:
        node["authors"] = list(item.authors)
    if not node.get("year") and item.year:
        node["year"] = item.year
    if item.description and not facts_only and not node.get("description"):
        node["description"] = item.description


def _week_order(parsed: ParsedList, topic_ids: dict, nodes: list[dict]) -> None:
    """Week N+1 requires week N, among sibling topics numbered that way."""
    by_parent: dict[tuple[str, ...], list[tuple[int, tuple[str, ...]]]] = {}
    for topic in parsed.topics:
        match = WEEK_RE.match(topic.title)
        if match and len(topic.path) > 1:
            by_parent.setdefault(topic.path[:-1], []).append((int(match.group(2)), topic.path))
    index = {n["id"]: n for n in nodes}
    for siblings in by_parent.values():
        siblings.sort()
        for (num_a, path_a), (num_b, path_b) in zip(siblings, siblings[1:]):
            later = index[topic_ids[path_b]]
            later.setdefault("requires", []).append({
                "id": topic_ids[path_a],
                "reason": f"{path_a[-1]} comes before {path_b[-1]} in {parsed.title}",
            })


def layer_yaml(layer: dict) -> str:
    header = f"# Imported from {layer['list']['file']} by `tracker import`. Safe to edit; re-import updates it.\n"
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return header + yaml.dump(layer, Dumper=dumper, sort_keys=False, allow_unicode=True, width=120)


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so an interrupted write loses nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def list_id_for(path: Path) -> str:
    return slugify(re.sub(r"\.(md|markdown|txt)$", "", path.name, flags=re.I))
