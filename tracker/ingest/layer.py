"""A parsed reading list as a graph layer: stable ids, identity within the list, week order.

Ids are lowercase slugs derived from titles (topics from their path), so
importing the same list again yields the same ids and progress stays attached.
Every id an entry had in an earlier import of the list is kept in ``old_ids``,
so progress stored against any of them still resolves.

Identity within the list follows ``tracker.graph.identity``: strong keys first
(arXiv, DOI, OpenReview, URL), never across a conflicting id; a URL that stands
for several differently titled entries, or a repository root, is a placeholder
and no key; a short or generic title merges only inside its own topic; a
label or derived title never merges.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..gc_pause import gc_paused
from ..graph.layer_cache import read_layer_cached
from ..graph.problems import GraphError
from ..text import clean
from ..graph.identity import (ID_KINDS, ids_of_url, is_placeholder_url, is_specific_title, kind_family,
                              normalize_title, normalize_url, record_ids, slugify, strong_keys)
from .classify import title_from_url
from .items import ParsedItem, ParsedLink, ParsedList
from . import yaml_out
from .parser import WEEK_RE

_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_UNTITLED = ("label", "derived", "context")
_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9._/-]*$")  # title sources that never identify an entry
Key = tuple[str, str]


@dataclass
class EntryTrace:
    """What one entry of the list became inside its layer (the loader adds cross-layer merges)."""

    line: int
    title: str
    node_id: str
    same_as_line: int | None = None  # merged with an earlier entry of the same list
    via: str | None = None  # the key kind that merged it: arxiv, doi, openreview, url, title
    derived: bool = False  # the title was made from a URL or an id
    resource_of: str | None = None  # a concept's resource link, not an entry of its own


def has_real_title(item: ParsedItem) -> bool:
    return not item.derived_title and item.title_source not in _UNTITLED


def item_ids(item: ParsedItem) -> dict[str, str]:
    """The entry's strong ids: what the parser found in its links and text, then its own URL."""
    return record_ids(item.url, **item.ids)


def _title_key(item: ParsedItem, topic_id: str) -> Key | None:
    if item.kind == "topic" or not has_real_title(item):
        return None
    norm = normalize_title(item.title)
    if not norm or (item.label and normalize_title(item.label) == norm):
        return None
    family = kind_family(item.kind)
    return ("title", f"{family}:{norm}" if is_specific_title(norm) else f"{family}:{norm}@{topic_id}")


def placeholder_urls(parsed: ParsedList) -> set[str]:
    """Normalised URLs that name no one thing in this list: a repo root or ``blob/master`` page, or a URL
    given for several differently titled entries (BatchNorm and Dropout both linking the list's repo)."""
    titles: dict[str, set[str]] = {}
    found: set[str] = set()
    for item in parsed.items:
        norm = normalize_url(item.url)
        if not norm or norm.startswith(tuple(f"{k}:" for k in ID_KINDS)):
            continue
        if is_placeholder_url(item.url, item.kind):
            found.add(norm)
        name = normalize_title(item.label or item.title) if (has_real_title(item) or item.label) else None
        if name:
            titles.setdefault(norm, set()).add(name)
    for topic in parsed.topics:
        for link in topic.links:
            if is_placeholder_url(link.url, link.kind):
                found.add(normalize_url(link.url) or "")
    return found | {url for url, names in titles.items() if len(names) > 1}


@dataclass
class _Previous:
    """The last import of this list: which ids its entries had, under which keys."""

    by_key: dict[Key, str] = field(default_factory=dict)
    old_ids: dict[str, list[str]] = field(default_factory=dict)
    items: dict[str, str] = field(default_factory=dict)  # id -> title of every entry node


_PREVIOUS_FIELDS = ("id", "kind", "title", "old_ids", "aliases", "resource_of", "url", "placeholder_url",
                    "derived_title", *ID_KINDS)


def _previous_nodes(path: Path) -> list:
    """The previous layer's nodes as dicts: its validated form when cached (an earlier import left it), else the
    raw YAML, so even a hand-broken layer still hands its ids on."""
    try:
        layer = read_layer_cached(path)
        return [{f: getattr(n, f) for f in _PREVIOUS_FIELDS} for n in layer.nodes]
    except GraphError:
        pass
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader) or {}
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        return []
    return data.get("nodes", []) if isinstance(data, dict) and isinstance(data.get("nodes"), list) else []


def read_previous(path: Path | None) -> _Previous:
    prev = _Previous()
    if path is None or not path.is_file():
        return prev
    for node in _previous_nodes(path):
        if not isinstance(node, dict) or not isinstance(node.get("id"), str) or node.get("resource_of"):
            continue
        node_id = node["id"]
        # Layers written before old_ids existed kept a renamed entry's previous id in aliases.
        earlier = (node.get("old_ids") or []) + [a for a in node.get("aliases") or [] if isinstance(a, str)
                                                 and _SLUG_RE.match(a)]
        prev.old_ids[node_id] = [i for i in dict.fromkeys(earlier) if isinstance(i, str) and i != node_id]
        if node.get("kind") == "topic":
            continue
        prev.items[node_id] = str(node.get("title", node_id))
        ids = {k: str(node[k]) for k in ID_KINDS if node.get(k)}
        for key in strong_keys(ids, node.get("url") if isinstance(node.get("url"), str) else None,
                               bool(node.get("placeholder_url"))):
            prev.by_key.setdefault(key, node_id)
        norm = normalize_title(str(node.get("title", "")))
        if norm and not node.get("derived_title") and is_specific_title(norm):
            prev.by_key.setdefault(("title", f"{kind_family(node.get('kind'))}:{norm}"), node_id)
    return prev


class _LayerBuilder:
    def __init__(self, parsed: ParsedList, facts_only: bool, previous: _Previous) -> None:
        self.parsed = parsed
        self.facts_only = facts_only
        self.previous = previous
        self.nodes: list[dict] = []
        self.used: set[str] = set()
        self.topic_ids: dict[tuple[str, ...], str] = {}
        self.topic_node: dict[tuple[str, ...], dict] = {}
        self.by_key: dict[Key, dict] = {}
        self.node_ids: dict[int, dict[str, set[str]]] = {}  # id(node) -> strong ids held, for conflicts
        self.link_urls: dict[int, set[str]] = {}  # id(node) -> link URLs held: dedup in O(1)
        self.first_line: dict[int, int] = {}
        self.placeholders = placeholder_urls(parsed)
        self.trace: list[EntryTrace] = []

    def source(self, line: int, order: int, label: str = "") -> dict:
        out = {"list": self.parsed.file, "line": line, "order": order}
        if label:
            out["label"] = label
        return out

    def unique(self, base: str) -> str:
        node_id, n = base, 2
        while node_id in self.used:
            node_id, n = f"{base}-{n}", n + 1
        self.used.add(node_id)
        return node_id

    # -- topics --------------------------------------------------------------
    def topics(self) -> None:
        for topic in self.parsed.topics:
            base = self.parsed.list_id
            if len(topic.path) > 1:  # siblings whose titles slug alike ("-", "") still get their own ids
                base = f"{self.topic_ids[topic.path[:-1]]}/{slugify(topic.path[-1], 40)}"
            node_id = self.unique(base)
            self.topic_ids[topic.path] = node_id
            node = {"id": node_id, "kind": "topic", "title": topic.title,
                    "sources": [self.source(topic.line, topic.order)]}
            if len(topic.path) > 1:
                node["topics"] = [self.topic_ids[topic.path[:-1]]]
            if topic.links:
                node["links"] = [_link(l) for l in topic.links]
                if any(normalize_url(l.url) in self.placeholders for l in topic.links):
                    node["placeholder_url"] = True
            self._carry_old_ids(node, node_id)
            self.nodes.append(node)
            self.topic_node[topic.path] = node
        _week_order(self.parsed, self.topic_ids, self.nodes)

    # -- entries -------------------------------------------------------------
    def entries(self) -> None:
        by_index: dict[int, dict] = {}
        resources: list[tuple[dict, int, int, ParsedLink]] = [
            (self.topic_node[topic.path], topic.line, topic.order, link)
            for topic in self.parsed.topics for link in topic.links if link.resource]
        for index, item in enumerate(self.parsed.items):
            topic_id = self.topic_ids.get(item.topic) or self.topic_ids[(self.parsed.title,)]
            ids = item_ids(item) if item.kind != "topic" else {}
            placeholder = normalize_url(item.url) in self.placeholders
            keys = strong_keys(ids, item.url, placeholder) if item.kind != "topic" else []
            title_key = _title_key(item, topic_id)
            if title_key:
                keys.append(title_key)
            found, via = self._find(keys, ids, item)
            if found is None:
                found = self._new_node(item, topic_id, ids, placeholder, keys)
                self.trace.append(EntryTrace(item.line, item.title, found["id"], derived=not has_real_title(item)))
            else:
                self._merge(found, item, topic_id, ids)
                self.trace.append(EntryTrace(item.line, item.title, found["id"], self.first_line[id(found)], via,
                                             derived=not has_real_title(item)))
            found["sources"].append(self.source(item.line, item.order, item.label))
            for topic_path, line, order in item.also:
                extra = self.topic_ids.get(topic_path)
                if extra and extra not in found["topics"]:
                    found["topics"].append(extra)
                found["sources"].append(self.source(line, order))
            for key in keys:
                self.by_key.setdefault(key, found)
            held = self.node_ids[id(found)]
            for kind, value in ids.items():
                held.setdefault(kind, set()).add(value)
            by_index[index] = found
            resources.extend((found, item.line, item.order, link) for link in item.links if link.resource)
        for index, item in enumerate(self.parsed.items):
            for other in item.related_to:
                node, target = by_index[index], by_index.get(other)
                if target is not None and target is not node:
                    _add_related(node, target["id"])
        self._resources(resources)

    def _conflicts(self, node: dict, ids: dict[str, str]) -> bool:
        held = self.node_ids[id(node)]
        return any(kind in held and value not in held[kind] for kind, value in ids.items())

    def _find(self, keys: list[Key], ids: dict[str, str], item: ParsedItem) -> tuple[dict | None, str | None]:
        for key in keys:
            node = self.by_key.get(key)
            if node is None or self._conflicts(node, ids):
                continue
            if key[0] == "title" and not _facts_agree(node, item):
                continue  # "Deep learning" (LeCun, 2015) and "Deep learning" (Goodfellow, 2016): two things
            return node, key[0]
        return None, None

    def _new_node(self, item: ParsedItem, topic_id: str, ids: dict[str, str], placeholder: bool,
                  keys: list[Key]) -> dict:
        base = f"{topic_id}/{slugify(item.title, 40)}" if item.kind == "topic" else slugify(item.id_title or item.title)
        node_id = self.unique(base)
        node: dict = {"id": node_id, "kind": item.kind, "title": item.title, "topics": [topic_id]}
        if item.kind == "topic" and not item.links and has_real_title(item):
            node["concept"] = True
        if not has_real_title(item):
            node["derived_title"] = True
        previous = next((self.previous.by_key[k] for k in keys if k in self.previous.by_key), None)
        self._carry_old_ids(node, node_id, previous)
        if item.authors:
            node["authors"] = list(item.authors)
        if item.year:
            node["year"] = item.year
        if item.stars:
            node["stars"] = item.stars
        if item.supplementary:
            node["supplementary"] = True
        if item.url:
            node["url"] = item.url
            if placeholder:
                node["placeholder_url"] = True
        for kind in ID_KINDS:
            if kind in ids:
                node[kind] = ids[kind]
        links = [_link(l) for l in item.links if l.url != item.url or l.label or l.kind]
        if links:
            node["links"] = links
        if item.tags:
            node["tags"] = list(dict.fromkeys(item.tags))
        if item.description and not self.facts_only:
            node["description"] = item.description
        node["sources"] = []
        self.nodes.append(node)
        self.node_ids[id(node)] = {}
        self.link_urls[id(node)] = {l["url"] for l in links} | {item.url}
        self.first_line[id(node)] = item.line
        return node

    def _carry_old_ids(self, node: dict, node_id: str, previous: str | None = None) -> None:
        """Every id this entry ever had: the previous id (when it changed) and all that one had."""
        old: list[str] = list(self.previous.old_ids.get(node_id, []))
        if previous and previous != node_id:
            old += [previous, *self.previous.old_ids.get(previous, [])]
        old = [i for i in dict.fromkeys(old) if i != node_id]
        if old:
            node["old_ids"] = old

    def _merge(self, node: dict, item: ParsedItem, topic_id: str, ids: dict[str, str]) -> None:
        if topic_id not in node["topics"]:
            node["topics"].append(topic_id)
        if node.get("supplementary") and not item.supplementary:
            del node["supplementary"]  # an extra in one place and core in another is core
        if item.url and not node.get("url"):
            node["url"] = item.url
        if node.get("derived_title") and has_real_title(item):
            node["title"] = item.title
            del node["derived_title"]
        for kind in ID_KINDS:
            if kind in ids and not node.get(kind):
                node[kind] = ids[kind]
        known = self.link_urls[id(node)]
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
        if item.stars and item.stars > node.get("stars", 0):
            node["stars"] = item.stars
        if item.description and not self.facts_only and not node.get("description"):
            node["description"] = item.description

    def _resources(self, resources: list[tuple[dict, int, int, ParsedLink]]) -> None:
        """A concept's resource links: an entry of this list with the same key gets a related edge and the
        concept's source; any other becomes a stub that the loader turns into (or merges with) a node only
        when another list or the curated graph names the same key."""
        stubs: dict[Key, dict] = {}
        for concept, line, order, link in resources:
            ids = ids_of_url(link.url)
            placeholder = is_placeholder_url(link.url, link.kind) or normalize_url(link.url) in self.placeholders
            keys = strong_keys(ids, link.url, placeholder)
            if not keys:
                continue
            source = self.source(line, order, link.label)
            target = next((self.by_key[k] for k in keys if k in self.by_key), None)
            if target is not None and target is not concept:
                _add_related(concept, target["id"])
                if source not in target["sources"]:
                    target["sources"].append(source)
                continue
            if target is concept:
                continue
            stub = next((stubs[k] for k in keys if k in stubs), None)
            if stub is None:
                kind = link.kind if link.kind not in (None, "topic") else "article"
                stub = {"id": self.unique(slugify(title_from_url(link.url))), "kind": kind,
                        "title": title_from_url(link.url), "derived_title": True, "supplementary": True,
                        "topics": [concept["id"] if concept["kind"] == "topic" else concept["topics"][0]],
                        "url": link.url, **{k: ids[k] for k in ID_KINDS if k in ids},
                        "resource_of": [], "sources": []}
                self.nodes.append(stub)
                for key in keys:
                    stubs.setdefault(key, stub)
            if concept["id"] not in stub["resource_of"]:
                stub["resource_of"].append(concept["id"])
            stub["sources"].append(source)
            self.trace.append(EntryTrace(line, link.label or link.url, stub["id"], via="resource",
                                         derived=True, resource_of=concept["id"]))


def _surname(author: str) -> str:
    author = author.split(",")[0] if "," in author else author
    return (normalize_title(author) or "").split(" ")[-1]


def _facts_agree(node: dict, item: ParsedItem) -> bool:
    """A title merge needs the year and the first author not to differ where both are known."""
    if node.get("year") and item.year and node["year"] != item.year:
        return False
    authors = node.get("authors")
    return not (authors and item.authors and _surname(authors[0]) != _surname(item.authors[0]))


def _add_related(node: dict, target_id: str) -> None:
    if target_id != node["id"] and target_id not in node.get("related", []):
        node.setdefault("related", []).append(target_id)


@gc_paused()
def build_layer(parsed: ParsedList, facts_only: bool = False, previous: Path | _Previous | None = None,
                trace: list[EntryTrace] | None = None) -> dict:
    """The YAML-ready dict for one list (see ``tracker.graph.schema``); ``trace`` collects what each entry became.

    ``previous`` is the list's last layer (its path, or ``read_previous`` of it): ids carry forward from it."""
    builder = _LayerBuilder(parsed, facts_only, previous if isinstance(previous, _Previous) else read_previous(previous))
    builder.topics()
    builder.entries()
    if trace is not None:
        trace.extend(builder.trace)
    return {"list": {"id": parsed.list_id, "title": parsed.title, "file": parsed.file}, "nodes": builder.nodes}


def _link(link: ParsedLink) -> dict:
    out = {"url": link.url}
    if link.label:
        out["label"] = link.label
    if link.kind:
        out["kind"] = link.kind
    return out


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


OVERRIDES = "overrides.yaml"
HEADER = ("# Imported from {file} by `tracker import`. Re-importing the list rewrites this file, so edits\n"
          "# made here are replaced; put your own titles, tags, requires and notes in " + OVERRIDES + " in\n"
          "# this folder, which no import touches (see README). Ids you had before stay in old_ids.\n")


def layer_yaml(layer: dict) -> str:
    """The layer as YAML with a header (no anchors: shared data is written out)."""
    return HEADER.format(file=clean(layer["list"]["file"])) + yaml_out.dump(layer)


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
    """The list's id, which names its layer file; never the overrides file's name."""
    list_id = slugify(re.sub(r"\.(md|markdown|txt)$", "", path.name, flags=re.I))
    return f"{list_id}-list" if f"{list_id}.yaml" == OVERRIDES else list_id
