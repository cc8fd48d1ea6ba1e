"""Load graph layers from YAML, merge records of the same thing, build the graph.

Layers are read in order (shipped graph first, then the user's imports); in
each folder files are read in path order, so ``curated/`` comes before
``lists/``. The first layer to define a node owns its id and title; later
records of the same thing add aliases, links, tags, topics and sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import yaml
from pydantic import ValidationError

from ..gc_pause import gc_paused
from .contradictions import describe, own_requirement, waiting_cycles
from .files import layer_files
from .identity import arxiv_id, normalize_title, normalize_url, slugify
from .problems import GraphError
from .model import PART_OF, RELATED, REQUIRES, LinkRef, Node, SourceRef, TopicGraph
from .schema import LayerFile, NodeSpec


_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: same rules, 10x faster


@dataclass
class _Record:
    spec: NodeSpec
    file: str
    index: int

    @property
    def line(self) -> int:
        return line_of(self.file, self.index)


_LINE_CACHE: dict[str, list[int]] = {}


def line_of(file: str, index: int) -> int:
    """The line of the index-th node of a file, found only when an error needs it."""
    if file not in _LINE_CACHE:
        try:
            _LINE_CACHE[file] = _node_lines(Path(file).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            _LINE_CACHE[file] = []
    lines = _LINE_CACHE[file]
    return lines[index] if index < len(lines) else 1


def _node_lines(text: str) -> list[int]:
    """Line numbers (1-based) of each entry of the top-level ``nodes`` list."""
    try:
        root = yaml.compose(text, Loader=_SafeLoader)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if getattr(key, "value", None) == "nodes" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def read_layer_file(path: Path) -> LayerFile:
    """Parse and validate one YAML file; errors name the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise GraphError([f"{path}: not UTF-8 text ({err.reason} at byte {err.start})"]) from None
    except OSError as err:
        raise GraphError([f"{path}: cannot read ({err.strerror})"]) from None
    try:
        data = yaml.load(text, Loader=_SafeLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        problem = getattr(err, "problem", None) or str(err)
        raise GraphError([f"{path}{where}: invalid YAML: {problem}"]) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise GraphError([f"{path}:1: expected a mapping with 'nodes', got {type(data).__name__}"])
    try:
        layer = LayerFile.model_validate(data)
    except ValidationError as err:
        lines = _node_lines(text)
        problems = []
        for e in err.errors():
            loc = e["loc"]
            line = 1
            where = ".".join(str(p) for p in loc)
            if len(loc) >= 2 and loc[0] == "nodes" and isinstance(loc[1], int):
                if loc[1] < len(lines):
                    line = lines[loc[1]]
                entry = data.get("nodes", [])[loc[1]]
                node_id = entry.get("id") if isinstance(entry, dict) else None
                field = ".".join(str(p) for p in loc[2:]) or "entry"
                where = f"node {node_id!r} field {field}" if node_id else f"node #{loc[1] + 1} field {field}"
            problems.append(f"{path}:{line}: {where}: {e['msg']}")
        raise GraphError(problems) from None
    _LINE_CACHE.pop(str(path), None)
    return layer


class _Where:
    """``file:line: node 'id'`` for error messages, computed only when one is printed."""

    def __init__(self, rec: _Record) -> None:
        self.rec = rec

    def __format__(self, spec: str) -> str:
        return f"{self.rec.file}:{self.rec.line}: node {self.rec.spec.id!r}"


class _Merger:
    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.records: dict[str, list[_Record]] = {}
        self.id_aliases: dict[str, str] = {}
        self.keys: dict[tuple[str, str], str] = {}
        self.file_ids: dict[tuple[str, str], str] = {}

    def _identity_keys(self, spec: NodeSpec) -> list[tuple[str, str]]:
        keys: list[tuple[str, str]] = []
        ident = spec.arxiv or arxiv_id(spec.url)
        if ident:
            keys.append(("arxiv", ident))
        url = normalize_url(spec.url)
        if url:
            keys.append(("url", url))
        family = "text" if spec.kind in ("paper", "article") else spec.kind
        titles = ([] if spec.derived_title else [spec.title]) + list(spec.aliases)
        for title in titles:
            norm = normalize_title(title)
            if norm:
                keys.append(("title", f"{family}:{norm}"))
                # A curated alias names one thing whatever kind a list calls it.
                keys.append(("alias", norm))
        return keys

    def _same_thing(self, node_id: str, spec: NodeSpec) -> bool:
        """An id match counts only when the records could be the same thing."""
        node = self.nodes[node_id]
        if node.is_topic or spec.kind == "topic":
            return node.is_topic and spec.kind == "topic"
        keys = set(self._identity_keys(spec))
        if any(self.keys.get(k) == node_id for k in keys):
            return True
        family = {"paper": "text", "article": "text"}
        if family.get(node.kind, node.kind) != family.get(spec.kind, spec.kind):
            return False
        return not keys or normalize_title(node.title) == normalize_title(spec.title)

    def _find(self, spec: NodeSpec) -> str | None:
        for candidate in (spec.id, self.id_aliases.get(spec.id)):
            if candidate in self.nodes and self._same_thing(candidate, spec):
                return candidate
        if spec.kind == "topic":
            return None
        for key in self._identity_keys(spec):
            if key in self.keys:
                return self.keys[key]
        return None

    def add(self, spec: NodeSpec, file: str, index: int) -> None:
        found = self._find(spec)
        if found is None and spec.id in self.nodes:
            # Same id, different thing (e.g. a talk and a paper both titled "Deep Learning"):
            # give this record a free id; references from its own file still reach it.
            n = 2
            while f"{spec.id}-{n}" in self.nodes:
                n += 1
            self.file_ids[(file, spec.id)] = f"{spec.id}-{n}"
            spec = spec.model_copy(update={"id": f"{spec.id}-{n}"})
        if found is None:
            node = Node(id=spec.id, kind=spec.kind, title=spec.title or spec.id, derived_title=spec.derived_title)
            self.nodes[spec.id] = node
            found = spec.id
        node = self.nodes[found]
        if node.derived_title and spec.title and not spec.derived_title:
            node.title, node.derived_title = spec.title, False  # a real title beats one made from a URL
        if spec.id != found:
            self.id_aliases.setdefault(spec.id, found)
        self._merge_fields(node, spec)
        node.files.append(file) if file not in node.files else None
        self.records.setdefault(found, []).append(_Record(spec, file, index))
        if not node.is_topic:
            aliases = {normalize_title(a) for a in spec.aliases}
            for key in self._identity_keys(spec):
                if key[0] != "alias" or key[1] in aliases:
                    self.keys.setdefault(key, found)
        for alias in spec.aliases:
            slug = slugify(alias, max_length=200)
            if slug not in self.nodes:
                self.id_aliases.setdefault(slug, found)

    @staticmethod
    def _merge_fields(node: Node, spec: NodeSpec) -> None:
        def union(into: list, items: list) -> None:
            for item in items:
                if item not in into:
                    into.append(item)

        if (spec.title and not spec.derived_title and spec.title != node.title
                and normalize_title(spec.title) != normalize_title(node.title)):
            union(node.aliases, [spec.title])
        union(node.aliases, [a for a in spec.aliases if a != node.title])
        if not node.authors:
            node.authors = list(spec.authors)
        node.year = node.year or spec.year
        node.url = node.url or spec.url
        node.arxiv = node.arxiv or spec.arxiv or arxiv_id(spec.url)
        known = {l.url for l in node.links}
        for link in spec.links:
            if link.url not in known:
                node.links.append(LinkRef(link.url, link.label, link.kind))
                known.add(link.url)
        union(node.tags, spec.tags)
        union(node.topics, spec.topics)
        if spec.description and not node.description:
            node.description = spec.description
        node.implementation = node.implementation or spec.implementation
        node.no_implementation = node.no_implementation or spec.no_implementation
        for src in spec.sources:
            ref = SourceRef(src.list, src.line, src.order)
            if ref not in node.sources:
                node.sources.append(ref)


@gc_paused()
def load_graph(dirs: list[Path] | Path, known_implementations: set[str] | None = None) -> TopicGraph:
    """Read every layer, validate, merge and build the typed DiGraph."""
    if isinstance(dirs, Path):
        dirs = [dirs]
    problems: list[str] = []
    layers: list[tuple[str, LayerFile]] = []
    for path in layer_files(dirs):
        try:
            layers.append((str(path), read_layer_file(path)))
        except GraphError as err:
            problems.extend(err.problems)
    return build_graph(layers, known_implementations, problems)


@gc_paused()
def build_graph(layers: list[tuple[str, LayerFile]], known_implementations: set[str] | None = None,
                problems: list[str] | None = None) -> TopicGraph:
    """Merge validated layers, in order, into one graph; raise GraphError listing every problem."""
    problems = list(problems or [])
    warnings: list[str] = []
    merger = _Merger()
    lists: dict[str, dict] = {}
    for path, layer in layers:
        if layer.list:
            lists[layer.list.id] = layer.list.model_dump()
        seen: dict[str, int] = {}
        for index, spec in enumerate(layer.nodes):
            if spec.id in seen:
                problems.append(f"{path}:{line_of(str(path), index)}: duplicate id {spec.id!r} "
                                f"(first defined at line {line_of(str(path), seen[spec.id])})")
                continue
            seen[spec.id] = index
            merger.add(spec, str(path), index)
    graph = nx.DiGraph()
    for node_id in merger.nodes:
        graph.add_node(node_id)

    def resolve(ref: str, file: str | None = None) -> str | None:
        if file and (file, ref) in merger.file_ids:
            return merger.file_ids[(file, ref)]
        if ref in merger.nodes:
            return ref
        return merger.id_aliases.get(ref)

    for node_id, records in merger.records.items():
        for rec in records:
            resolve_here = lambda ref, f=rec.file: resolve(ref, f)  # noqa: E731
            where = _Where(rec)
            for topic in rec.spec.topics:
                target = resolve_here(topic)
                if target is None:
                    problems.append(f"{where}: unknown topic {topic!r}")
                elif target != node_id:
                    graph.add_edge(node_id, target, kind=PART_OF)
            for req in rec.spec.requires:
                target = resolve_here(req.id)
                if target is None:
                    problems.append(f"{where}: requires unknown node {req.id!r}")
                elif target == node_id:
                    problems.append(f"{where}: requires itself")
                else:
                    graph.add_edge(node_id, target, kind=REQUIRES, reason=req.reason)
            for rel in rec.spec.related:
                target = resolve_here(rel)
                if target is None:
                    problems.append(f"{where}: related to unknown node {rel!r}")
                elif target != node_id and not graph.has_edge(node_id, target):
                    graph.add_edge(node_id, target, kind=RELATED)
            impl = rec.spec.implementation
            if impl and known_implementations is not None and impl not in known_implementations:
                warnings.append(f"{where}: implementation {impl!r} is not installed (no implementations/{impl}/meta.toml)")
    # Resolve topic names on nodes to canonical ids for display and export.
    for node in merger.nodes.values():
        node.topics = [t for t in dict.fromkeys(resolve(t) or t for t in node.topics) if t != node.id]
    problems.extend(_cycle_problems(graph, merger))
    if not problems:  # only meaningful once every edge resolved and no plain cycle exists
        problems.extend(_resolve_waiting_cycles(graph, merger, warnings))
    if problems:
        raise GraphError(problems)
    title_index: dict[str, str] = {}
    for node in merger.nodes.values():
        for title in [node.title, *node.aliases]:
            norm = normalize_title(title)
            if norm:
                title_index.setdefault(norm, node.id)
    return TopicGraph(merger.nodes, graph, merger.id_aliases, title_index, lists, warnings)


def _cycle_problems(graph: nx.DiGraph, merger: _Merger) -> list[str]:
    for kind in (REQUIRES, PART_OF):
        sub = nx.DiGraph([(u, v) for u, v, d in graph.edges(data=True) if d["kind"] == kind])
        if nx.is_directed_acyclic_graph(sub):
            continue
        try:
            cycle = nx.find_cycle(sub)
        except nx.NetworkXNoCycle:
            continue
        ids = [u for u, _ in cycle] + [cycle[0][0]]
        first = merger.records[cycle[0][0]][0]
        files = sorted({r.file for u in ids for r in merger.records[u]})
        noun = "prerequisite" if kind == REQUIRES else "topic membership"
        return [f"{first.file}:{first.line}: {noun} cycle: {' -> '.join(ids)} (files: {', '.join(files)})"]
    return []


def _resolve_waiting_cycles(graph: nx.DiGraph, merger: _Merger, warnings: list[str]) -> list[str]:
    """Drop items' own requirements that deadlock against week order (warnings); report the rest (problems)."""
    topics = {node_id for node_id, node in merger.nodes.items() if node.kind == "topic"}
    cycles = waiting_cycles(graph, topics)
    for _ in range(1000):  # each round drops one edge; real graphs need a handful at most
        droppable = [(cycle, edge) for cycle in cycles if (edge := own_requirement(graph, cycle))]
        if not droppable:
            break
        cycle, (item, required) = droppable[0]
        graph.remove_edge(item, required)
        warnings.append(f"{_declared_at(merger, item, required)}: ignoring '{item}' requires '{required}': "
                        f"with the order of the weeks it would wait for itself ({describe(cycle)})")
        cycles = waiting_cycles(graph, topics)
    return [f"{merger.records[_first_unit(c)][0].file}:{merger.records[_first_unit(c)][0].line}: these items "
            f"wait for each other through their topics' prerequisites, so none can ever be ready: {describe(c)}"
            for c in cycles]


def _first_unit(cycle: list) -> str:
    return next(n for n in cycle if isinstance(n, str))


def _declared_at(merger: _Merger, item: str, required: str) -> str:
    """file:line of the record whose requires names ``required``."""
    for rec in merger.records[item]:
        for req in rec.spec.requires:
            ref = merger.file_ids.get((rec.file, req.id)) or (req.id if req.id in merger.nodes else None)
            if (ref or merger.id_aliases.get(req.id)) == required:
                return f"{rec.file}:{rec.line}"
    first = merger.records[item][0]
    return f"{first.file}:{first.line}"
