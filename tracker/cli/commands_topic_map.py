"""``tracker topics --by topic``: the canonical topic map across lists, counted as the "by list" tree is."""

from __future__ import annotations

from rich.text import Text
from rich.tree import Tree

from ..graph import membership
from ..graph.topic_map import REST, TOPIC, topic_map
from .render import safe


def cmd_topics_by_topic(ctx) -> int:
    tg = ctx.graph
    progress = ctx.progress()
    view = topic_map(tg)
    depth_limit = ctx.args.depth

    def subtree(row: str, depth: int) -> dict:
        tally = membership.tally(view.items(row), progress)
        kids = [c for c in view.children(row) if view.is_group(c)]
        entry = {"id": row, "title": view.title(row), "group": _group_kind(row),
                 "done": tally.done, "items": tally.total, "read": tally.read, "reading": tally.reading,
                 "skipped": tally.skipped}
        if row in view.matched:
            entry["matched"] = round(view.matched[row], 1)  # filed by heading similarity, not by the curated map
        entry["children"] = [subtree(k, depth + 1) for k in kids] if depth_limit is None or depth < depth_limit else []
        return entry

    forest = [subtree(r, 1) for r in view.roots() if view.is_group(r)]
    if ctx.json:
        ctx.print_json(forest)
        return 0
    for entry in forest:
        tree = Tree(_label(entry))
        _build(tree, entry)
        ctx.console.print(tree)
    return 0


def _group_kind(row: str) -> str:
    if row.startswith(TOPIC):
        return "canonical"
    return "list-rest" if row.startswith(REST) else "list-topic"


def _build(tree: Tree, entry: dict) -> None:
    for child in entry["children"]:
        _build(tree.add(_label(child)), child)


def _label(entry: dict) -> Text:
    label = safe(entry["title"], "bold")
    label.append(f"  {entry['read']}/{entry['items']}", style="cyan")
    if entry["skipped"]:
        label.append(f" +{entry['skipped']} skipped", style="dim")
    if "matched" in entry:
        label.append(f"  matched by heading ({entry['matched']:.0f}%)", style="yellow")
    row = entry["id"]
    label.append(f"  {row[len(REST):] if row.startswith(REST) else row}", style="dim")
    return label
