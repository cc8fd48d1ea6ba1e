"""Load graph layers from YAML, merge records of the same thing, build the graph.

Files are read from each folder in path order, then merged in a canonical
order (curated layers first, then imported lists by list id; see
``tracker.graph.merger`` for the identity rules), so the graph never depends
on which list was imported first. The first record of a thing owns its id and
title; later records add links, tags, topics and sources.
"""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import yaml
from pydantic import ValidationError

from ..gc_pause import gc_paused
from .contradictions import describe, own_requirement, waiting_cycles
from .files import layer_files
from .identity import normalize_title
from .merger import MergeLog, Merger as _Merger, Record as _Record, canonical_order
from .problems import GraphError
from .model import PART_OF, RELATED, REQUIRES, CanonicalTopic, LinkRef, Node, SourceRef, TopicGraph
from .schema import LayerFile, NodeSpec


_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: same rules, 10x faster


_LINE_CACHE: dict[str, list[int]] = {}


_TEXTS: dict[str, str] = {}  # layers validated from memory (an import's preview): their would-be text


def line_of(file: str, index: int) -> int:
    """The line of the index-th node of a file, found only when an error needs it."""
    if file not in _LINE_CACHE:
        try:
            text = _TEXTS[file] if file in _TEXTS else Path(file).read_text(encoding="utf-8")
            _LINE_CACHE[file] = _node_lines(text)
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
    _guard_aliases(text, data, path)
    layer = validate_layer(data, str(path), text)
    _LINE_CACHE.pop(str(path), None)
    return layer


def validate_layer(data: dict, path: str, text: str) -> LayerFile:
    """Validate a layer's data; errors name the file, line, node and field (lines found in ``text``)."""
    try:
        return LayerFile.model_validate(data)
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


def validate_layer_in_memory(data: dict, path: str, text: str) -> LayerFile:
    """Validate a layer not yet written to ``path``: later error lines point into ``text``, not the old file."""
    _TEXTS[path] = text
    _LINE_CACHE.pop(path, None)
    return validate_layer(data, path, text)


MAX_EXPANSION = 50  # YAML aliases may repeat data, but not blow a layer up beyond this many times its size
_ANCHOR_RE = re.compile(r"(?:^|[\s\[{,:-])&[^\s]")


def _guard_aliases(text: str, data: object, path: Path) -> None:
    """Refuse a layer whose YAML aliases expand it far past its size (a 127 KB file once cost 1.5 GB)."""
    if "*" not in text or not _ANCHOR_RE.search(text):
        return
    budget = MAX_EXPANSION * max(len(text) // 8, 10_000)  # about one value per 8 bytes written
    stack, seen = [data], 0
    while stack:
        value = stack.pop()
        seen += 1
        if seen > budget:
            raise GraphError([f"{path}:1: YAML aliases expand this layer more than {MAX_EXPANSION} times "
                              f"its size; write the repeated data out, or remove the aliases (&/*)"])
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


class _Where:
    """``file:line: node 'id'`` for error messages, computed only when one is printed."""

    def __init__(self, rec: _Record) -> None:
        self.rec = rec

    def __format__(self, spec: str) -> str:
        return f"{self.rec.file}:{self.rec.line}: node {self.rec.spec.id!r}"


@gc_paused()
def load_graph(dirs: list[Path] | Path, known_implementations: set[str] | None = None) -> TopicGraph:
    """Read every layer (each unchanged file's validated form comes from ``layer_cache``), merge, build."""
    from .layer_cache import read_layer_cached

    if isinstance(dirs, Path):
        dirs = [dirs]
    problems: list[str] = []
    layers: list[tuple[str, LayerFile]] = []
    for path in layer_files(dirs):
        try:
            layers.append((str(path), read_layer_cached(path)))
        except GraphError as err:
            problems.extend(err.problems)
    return build_graph(layers, known_implementations, problems)


@gc_paused()
def build_graph(layers: list[tuple[str, LayerFile]], known_implementations: set[str] | None = None,
                problems: list[str] | None = None, log: MergeLog | None = None) -> TopicGraph:
    """Merge validated layers into one graph; raise GraphError listing every problem.

    Layers merge in ``canonical_order`` (curated first, then lists by id), whatever order they come in;
    ``log`` collects every record that joined a node another record created, with the key that did it.
    """
    problems = list(problems or [])
    warnings: list[str] = []
    merger = _Merger()
    lists: dict[str, dict] = {}
    for path, layer in canonical_order(layers):
        if layer.list:
            lists[layer.list.id] = layer.list.model_dump()
        seen: dict[str, int] = {}
        for index, spec in enumerate(layer.nodes):
            if spec.id in seen:
                problems.append(f"{path}:{line_of(str(path), index)}: duplicate id {spec.id!r} "
                                f"(first defined at line {line_of(str(path), seen[spec.id])})")
                continue
            seen[spec.id] = index
            merger.add(spec, str(path), index, curated=layer.list is None)
    merger.settle_resources()
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
            for concept in rec.spec.resource_of:  # a concept's resource that became a node
                target = resolve_here(concept)
                if target is not None and target != node_id and not graph.has_edge(target, node_id):
                    graph.add_edge(target, node_id, kind=RELATED)
            for rel in rec.spec.related:
                target = resolve_here(rel)
                if target is None:
                    problems.append(f"{where}: related to unknown node {rel!r}")
                elif target != node_id and not graph.has_edge(node_id, target):
                    graph.add_edge(node_id, target, kind=RELATED)
            impl = rec.spec.implementation
            if impl and known_implementations is not None and impl not in known_implementations:
                warnings.append(f"{where}: implementation {impl!r} is not installed (no implementations/{impl}/meta.toml)")
    _apply_overrides(layers, graph, merger, resolve, warnings, known_implementations)
    for node_id, records in merger.records.items():  # supplementary only if no record says it is core
        node = merger.nodes[node_id]
        node.curated = node_id in merger.curated
        node.supplementary = not node.curated and all(r.spec.supplementary for r in records)
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
    for node in merger.nodes.values():  # a list's own names for a node come after every real one
        for title in node.also_titled:
            norm = normalize_title(title)
            if norm:
                title_index.setdefault(norm, node.id)
    topic_map = _topic_map(layers, resolve, warnings)
    if log is not None:
        log.merges.extend(merger.merges)
        log.file_ids.update(merger.file_ids)
        log.curated.update(merger.curated)
    return TopicGraph(merger.nodes, graph, merger.id_aliases, title_index, lists, warnings, topic_map)


def _topic_map(layers, resolve, warnings: list[str]) -> list[CanonicalTopic]:
    """The curated layers' canonical topics, references resolved; an unknown one is a warning and is left out."""
    topics: dict[str, CanonicalTopic] = {}
    for path, layer in canonical_order(layers):
        if layer.list is not None and layer.topic_map:
            warnings.append(f"{path}: a topic map belongs in a curated layer, not a list's; it is ignored")
            continue
        for entry in layer.topic_map:
            refs = {}
            for field in ("headings", "nodes"):
                refs[field] = []
                for ref in getattr(entry, field):
                    target = resolve(ref)
                    if target is None:
                        warnings.append(f"{path}: topic map {entry.id!r} names unknown node {ref!r}; it is left out")
                    else:
                        refs[field].append(target)
            if entry.id in topics:
                warnings.append(f"{path}: topic map {entry.id!r} is defined twice; the first one is kept")
                continue
            topics[entry.id] = CanonicalTopic(entry.id, entry.title, tuple(entry.keywords),
                                              tuple(dict.fromkeys(refs["headings"])), tuple(dict.fromkeys(refs["nodes"])))
    return list(topics.values())


def _apply_overrides(layers, graph: nx.DiGraph, merger: _Merger, resolve, warnings: list[str],
                     known_implementations: set[str] | None = None) -> None:
    """The user's overrides, applied last so no import can undo them; a stale one is a warning, not an error."""
    for path, layer in canonical_order(layers):
        for n, override in enumerate(layer.overrides, start=1):
            node_id = resolve(override.id)
            if node_id is None:
                warnings.append(f"{path}: override #{n} names unknown node {override.id!r}; it is ignored")
                continue
            node = merger.nodes[node_id]
            if override.title:
                node.title, node.derived_title = override.title, False
            node.tags.extend(t for t in override.tags if t not in node.tags)
            if override.notes is not None:
                node.description = override.notes
            if override.implementation:
                impl = override.implementation
                if known_implementations is not None and impl not in known_implementations:
                    warnings.append(f"{path}: override #{n}: implementation {impl!r} is not installed "
                                    f"(no implementations/{impl}/meta.toml)")
                node.implementation, node.no_implementation = impl, None
            for req in override.requires:
                target = resolve(req.id)
                if target is None or target == node_id:
                    warnings.append(f"{path}: override #{n}: {override.id!r} cannot require {req.id!r}; ignored")
                else:
                    graph.add_edge(node_id, target, kind=REQUIRES, reason=req.reason)


def _acyclic(edges: list[tuple[str, str]]) -> bool:
    """Kahn's algorithm on plain dicts: several times faster than networkx on a 100k-node graph."""
    out: dict[str, list[str]] = {}
    indegree: dict[str, int] = {}
    for u, v in edges:
        out.setdefault(u, []).append(v)
        indegree[v] = indegree.get(v, 0) + 1
        indegree.setdefault(u, 0)
    ready = [n for n, d in indegree.items() if d == 0]
    seen = 0
    while ready:
        node = ready.pop()
        seen += 1
        for target in out.get(node, ()):
            indegree[target] -= 1
            if indegree[target] == 0:
                ready.append(target)
    return seen == len(indegree)


def _cycle_problems(graph: nx.DiGraph, merger: _Merger) -> list[str]:
    for kind in (REQUIRES, PART_OF):
        edges = [(u, v) for u, v, k in graph.edges(data="kind") if k == kind]
        if _acyclic(edges):
            continue
        sub = nx.DiGraph(edges)
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
