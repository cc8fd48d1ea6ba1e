"""Import reading lists as layers: plan (parse, build, validate the whole graph), report, then write.

The report is data (``ListReport``), so the CLI prints it and the TUI shows it:
"N entries -> M nodes", every merge into a node another layer made with the
key that caused it, what each entry became (for ``--dry-run``), and warnings
for results worth a look: a node gathering many entries of one list, merged
titles that differ a lot, titles made from a link, entries skipped.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from ..graph.files import layer_files
from ..graph.identity import is_specific_title, normalize_title
from ..graph.layer_cache import read_layer_cached, remember_layer
from ..graph.loader import build_graph, validate_layer_in_memory
from ..graph.merger import MergeLog
from ..graph.model import TopicGraph
from ..graph.schema import LayerFile
from ..graph.problems import GraphError
from .items import ParsedList
from .layer import EntryTrace, build_layer, layer_yaml, list_id_for, read_previous, write_atomic
from .parser import parse_file
from .reading import UnreadableList

MANY_ENTRIES = 3  # a node holding more entries than this from one list is probably a false merge
KEY_NAMES = {"arxiv": "arXiv id", "doi": "DOI", "openreview": "OpenReview id", "url": "URL", "alias": "curated alias",
             "title": "title", "id": "id", "resource": "shared resource"}


@dataclass
class EntryOutcome:
    """One line of the preview: what an entry became."""

    line: int
    title: str
    node_id: str
    node_title: str
    how: str  # "new", "same as line N by URL", "merged into an existing node by arXiv id", "resource of ..."


@dataclass
class ListReport:
    file: str
    list_id: str
    layer: str
    entries: int = 0
    nodes: int = 0
    topics: int = 0
    checked: int = 0
    outcomes: list[EntryOutcome] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)  # merges into nodes other layers made, with their key
    warnings: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)  # entries of the previous import that this one lacks
    refused: str = ""  # why this list was not imported ("" when it was)

    @property
    def summary(self) -> str:
        return f"{_count(self.entries, 'entry', 'entries')} \u2192 {_count(self.nodes, 'node')}, {_count(self.topics, 'topic')}"


@dataclass
class ImportPlan:
    reports: list[ListReport]
    graph: TopicGraph | None
    failures: list[str]  # files that could not be read at all
    texts: dict[Path, str] = field(default_factory=dict)  # layer path -> YAML to write
    parsed: dict[Path, ParsedList] = field(default_factory=dict)
    node_of: dict[Path, list[str]] = field(default_factory=dict)  # layer -> final node id of each item
    validated: dict[Path, LayerFile] = field(default_factory=dict)
    dirs: list[Path] = field(default_factory=list)  # the folders the graph was built from
    files: set[str] = field(default_factory=set)  # and its layer files

    def write(self) -> None:
        for path, text in self.texts.items():
            write_atomic(path, text)
            if path in self.validated:
                remember_layer(path, text, self.validated[path])

    def warm_cache(self, dirs: list[Path], known_implementations: set[str] | None) -> None:
        """After ``write``: when ``dirs`` are the folders the graph was built from, cache it for the next command."""
        if self.graph is None or {d.resolve() for d in dirs} != {d.resolve() for d in self.dirs}:
            return
        from ..graph.cache import save_graph_cache

        if {str(p.resolve()) for p in layer_files(dirs)} == self.files:  # the graph is these files' merge
            save_graph_cache(dirs, known_implementations, self.graph)

    def checked_nodes(self) -> list[str]:
        """Node ids of ``- [x]`` entries, in order."""
        found = []
        for path, parsed in self.parsed.items():
            for item, node_id in zip(parsed.items, self.node_of[path]):
                if item.checked and node_id:
                    found.append(node_id)
        return list(dict.fromkeys(found))


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def plan_import(files: list[Path], target_dir: Path, base_dirs: list[Path], facts_only: bool = False,
                replace: bool = False, known_implementations: set[str] | None = None,
                base_url: str | None = None) -> ImportPlan:
    """Parse, build and validate every list with the graph it joins; nothing is written.

    Raises GraphError when the graph after the import would be invalid.
    """
    reports: list[ListReport] = []
    failures: list[str] = []
    staged: dict[Path, tuple[dict, str, ParsedList, list[EntryTrace], ListReport]] = {}
    for path in files:
        try:
            parsed = parse_file(path, list_id_for(path), base_url=base_url)
        except UnreadableList as err:
            failures.append(str(err))
            continue
        out = target_dir / f"{parsed.list_id}.yaml"
        trace: list[EntryTrace] = []
        previous = read_previous(out)
        layer = build_layer(parsed, facts_only=facts_only, previous=previous, trace=trace)
        report = ListReport(parsed.file, parsed.list_id, str(out), topics=len(parsed.topics),
                            checked=sum(1 for i in parsed.items if i.checked))
        report.warnings += [str(w) for w in parsed.warnings]
        report.lost = _lost(previous, layer)
        previous_count = len(previous.items)
        if report.lost and len(report.lost) * 2 > previous_count and not replace:
            shown = ", ".join(repr(t) for t in report.lost[:5]) + (", ..." if len(report.lost) > 5 else "")
            report.refused = (f"refusing to replace {out}: this import keeps {previous_count - len(report.lost)} of its "
                              f"{previous_count} entries and would drop {len(report.lost)} ({shown}); "
                              f"pass --replace to replace it anyway")
        if out in staged:
            report.refused = (f"not importing {path}: {staged[out][2].file} in this import has the same list id "
                              f"{parsed.list_id!r}, and both would write {out}; rename one")
        reports.append(report)
        if not report.refused:
            staged[out] = (layer, layer_yaml(layer), parsed, trace, report)
    if not staged:
        return ImportPlan(reports, None, failures)
    targets = {p.resolve() for p in staged}
    dirs = list(base_dirs)
    if target_dir.resolve() not in {d.resolve() for d in dirs}:
        dirs.append(target_dir)
    problems: list[str] = []
    layers = []
    for path in layer_files(dirs):
        if path.resolve() in targets:
            continue
        try:
            layers.append((str(path), read_layer_cached(path)))
        except GraphError as err:
            problems.extend(err.problems)
    validated = {}
    for out, (layer, text, *_rest) in staged.items():
        try:  # validate the dict we built: no second YAML parse of what we just wrote
            validated[out] = validate_layer_in_memory(layer, str(out), text)
            layers.append((str(out), validated[out]))
        except GraphError as err:
            problems.extend(err.problems)
    if problems:
        raise GraphError(problems)
    log = MergeLog()
    graph = build_graph(layers, known_implementations, log=log)
    plan = ImportPlan(reports, graph, failures, validated=validated, dirs=dirs,
                      files={str(p.resolve()) for p in layer_files(dirs)} | {str(o.resolve()) for o in staged})
    for out, (layer, text, parsed, trace, report) in staged.items():
        plan.texts[out] = text
        plan.parsed[out] = parsed
        plan.node_of[out] = _describe(report, str(out), parsed, trace, graph, log)
    return plan


def _lost(previous, layer: dict) -> list[str]:
    if not previous.items:
        return []
    kept = set()
    for node in layer["nodes"]:
        kept.add(node["id"])
        kept.update(node.get("old_ids", []))
    return [title for node_id, title in previous.items.items() if node_id not in kept]


def _describe(report: ListReport, file: str, parsed: ParsedList, trace: list[EntryTrace], graph: TopicGraph,
              log: MergeLog) -> list[str]:
    """Fill the report from the layer trace and the loader's merges; return each item's final node id."""
    joined = {m.record_id: m for m in log.merges if m.file == file}

    def final(layer_id: str) -> str | None:
        if layer_id in joined:
            return joined[layer_id].node_id
        node_id = log.file_ids.get((file, layer_id), layer_id)
        return node_id if node_id in graph.nodes else None

    node_of: list[str] = []
    per_node: dict[str, list[int]] = {}
    untitled: list[tuple[int, str]] = []
    for entry in trace:
        node_id = final(entry.node_id)
        node = graph.nodes.get(node_id) if node_id else None
        if entry.resource_of is not None:
            how = (f"resource of line {entry.line}'s concept: a link of it only" if node is None
                   else f"resource of line {entry.line}'s concept: the node {node_id!r}")
            report.outcomes.append(EntryOutcome(entry.line, entry.title, node_id or "", node.title if node else "", how))
            continue
        node_of.append(node_id or "")
        per_node.setdefault(node_id or "", []).append(entry.line)
        how = "new"
        if entry.same_as_line is not None:
            how = f"same as line {entry.same_as_line} by {KEY_NAMES.get(entry.via, entry.via)}"
        merge = joined.get(entry.node_id)
        if merge is not None and node is not None and node.files and node.files[0] != file:
            where = "the curated graph" if node_id in log.curated else Path(node.files[0]).name
            how = f"merged into {node.title!r} ({node_id}, from {where}) by {KEY_NAMES.get(merge.via, merge.via)}"
            if entry.same_as_line is None:  # report each node once, at its first entry
                report.merges.append(f"{report.file}:{entry.line}: {entry.title!r} -> {how}")
                if merge.via not in ("alias",) and not entry.derived and _differ(entry.title, node):
                    report.warnings.append(f"{report.file}:{entry.line}: merged titles differ a lot: "
                                           f"{entry.title!r} and {node.title!r} (by {KEY_NAMES.get(merge.via)})")
        elif entry.same_as_line is not None and entry.via not in ("title",) and not entry.derived and node is not None \
                and _differ(entry.title, node):
            report.warnings.append(f"{report.file}:{entry.line}: merged titles differ a lot: {entry.title!r} and "
                                   f"{node.title!r} (by {KEY_NAMES.get(entry.via, entry.via)})")
        if entry.derived and node is not None and node.derived_title:
            untitled.append((entry.line, node.title))
        report.outcomes.append(EntryOutcome(entry.line, entry.title, node_id or "", node.title if node else "", how))
    if len(untitled) <= MANY_ENTRIES:
        report.warnings += [f"{report.file}:{line}: no title found; named {title!r} from its link (the node needs "
                            f"a title)" for line, title in untitled]
    else:
        lines = ", ".join(str(line) for line, _ in untitled[:10]) + (", ..." if len(untitled) > 10 else "")
        report.warnings.append(f"{report.file}:{untitled[0][0]}: {len(untitled)} entries have no title and were "
                               f"named from their links (lines {lines}): those nodes need titles")
    for node_id, lines in per_node.items():
        if node_id and len(lines) > MANY_ENTRIES:
            report.warnings.append(f"{report.file}:{lines[0]}: {len(lines)} entries of this list became one node, "
                                   f"{graph.nodes[node_id].title!r} (lines {', '.join(map(str, lines[:8]))}"
                                   f"{', ...' if len(lines) > 8 else ''}): check they are one thing")
    report.outcomes.sort(key=lambda o: o.line)  # resources after their concept, all in file order
    report.entries = max(parsed.entries, len(node_of))
    report.nodes = len({n for n in node_of if n})
    return node_of


def _differ(title: str, node) -> bool:
    """Two specific titles that share few words, neither containing the other: a short name ("ViT",
    "Vanilla GAN") or one of the node's aliases says little, so it never counts."""
    na, nb = normalize_title(title) or "", normalize_title(node.title) or ""
    if not is_specific_title(na) or not is_specific_title(nb) or na in nb or nb in na:
        return False
    if na in {normalize_title(a) for a in node.aliases}:
        return False
    wa, wb = set(na.split()), set(nb.split())
    overlap = len(wa & wb) / min(len(wa), len(wb))
    return overlap < 0.5 and difflib.SequenceMatcher(None, na, nb).ratio() < 0.5
