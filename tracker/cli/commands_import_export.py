"""``tracker import`` (reading lists into graph layers) and ``tracker export``."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from rich.text import Text

from ..config import graph_dirs, user_lists_dir
from ..errors import UserError


def register(sub, common) -> None:
    p = sub.add_parser("import", parents=[common], help="import markdown reading lists into the graph")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--into", type=Path, metavar="DIR",
                   help="folder for the YAML layers (default: your data folder, beside the database)")
    p.add_argument("--facts-only", action="store_true",
                   help="leave out notes copied from the list (titles, links, authors, years only)")
    p.add_argument("--dry-run", action="store_true", help="parse and report, write nothing")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", parents=[common], help="export the graph")
    p.add_argument("--format", choices=("json", "graphml", "mermaid", "bibtex", "markdown"), default="json")
    p.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    p.set_defaults(func=cmd_export)


def cmd_import(ctx) -> int:
    from ..gc_pause import gc_paused

    with gc_paused():  # a large import builds millions of long-lived objects
        return _import(ctx)


def _import(ctx) -> int:
    from ..graph.loader import GraphError, layer_files, load_graph
    from ..impl_meta import discover
    from ..ingest.layer import build_layer, layer_yaml, list_id_for, write_atomic
    from ..ingest.parser import parse_file
    from ..ingest.reading import UnreadableList

    target_dir = ctx.args.into or user_lists_dir()
    planned: dict[Path, tuple[str, object]] = {}
    failures = 0
    warnings = []
    for path in ctx.args.files:
        try:
            parsed = parse_file(path, list_id_for(path))
        except UnreadableList as err:
            sys.stderr.write(f"tracker: {err}\n")
            failures += 1
            continue
        warnings.extend(parsed.warnings)
        out = target_dir / f"{parsed.list_id}.yaml"
        layer = build_layer(parsed, facts_only=ctx.args.facts_only, previous=out)
        planned[out] = (layer_yaml(layer), parsed)
    for warning in warnings:
        sys.stderr.write(f"warning: {warning}\n")
    if not planned:
        raise UserError("nothing imported")

    # Validate the graph as it would be after the import, before touching any file.
    base_dirs = graph_dirs(ctx.args.graph_data)
    if target_dir.resolve() not in {d.resolve() for d in base_dirs}:
        base_dirs.append(target_dir)
    with tempfile.TemporaryDirectory() as tmp:
        staged = {}
        for out, (text, _) in planned.items():
            staged[out.resolve()] = Path(tmp) / out.name
            staged[out.resolve()].write_text(text, encoding="utf-8")
        files = [f for f in layer_files(base_dirs) if f.resolve() not in staged] + list(staged.values())
        try:
            graph = load_graph(files, known_implementations=set(discover()))
        except GraphError as err:
            raise UserError("the import would make the graph invalid; nothing written:\n"
                            + "\n".join(f"  {p}" for p in err.problems)) from None
    for warning in graph.warnings:  # e.g. a requirement dropped because it contradicts a list's week order
        sys.stderr.write(f"warning: {warning}\n")
    summary = []
    for out, (text, parsed) in planned.items():
        if not ctx.args.dry_run:
            try:
                write_atomic(out, text)
            except OSError as err:
                raise UserError(f"cannot write {out}: {err.strerror}") from None
        ids = {graph.resolve(n) for n in _item_ids(text)}
        summary.append({"file": parsed.file, "layer": str(out), "list": parsed.list_id, "items": len(parsed.items),
                        "topics": len(parsed.topics), "nodes": len(ids), "warnings": len(parsed.warnings),
                        "checked": sum(1 for i in parsed.items if i.checked)})
    marked = 0 if ctx.args.dry_run else _mark_checked(ctx, planned, graph)
    if ctx.json:
        ctx.print_json({"imported": summary, "marked_read": marked, "failed": failures})
    else:
        for entry in summary:
            line = Text(f"{entry['file']}: ", style="bold")
            line.append(f"{entry['items']} entries -> {entry['nodes']} nodes, {entry['topics']} topics"
                        f"{', ' + str(entry['warnings']) + ' warnings' if entry['warnings'] else ''}")
            line.append(f"  {'(dry run)' if ctx.args.dry_run else '-> ' + entry['layer']}", style="dim")
            ctx.console.print(line)
        if marked:
            ctx.console.print(Text(f"marked {marked} checked items as read", style="green"))
    return 1 if failures else 0


def _item_ids(text: str) -> list[str]:
    import yaml

    data = yaml.safe_load(text) or {}
    return [n["id"] for n in data.get("nodes", []) if n.get("kind") != "topic"]


def _mark_checked(ctx, planned, graph) -> int:
    """``- [x]`` task-list items become read, unless progress is already recorded."""
    from ..graph.identity import slugify

    checked = []
    for _, (text, parsed) in planned.items():
        for item in parsed.items:
            if item.checked:
                node_id = graph.resolve(item.title) or graph.resolve(slugify(item.title))
                if node_id:
                    checked.append(node_id)
    if not checked:
        return 0
    try:
        store = ctx.store
    except ImportError:
        return 0
    known = store.statuses()
    fresh = [i for i in dict.fromkeys(checked) if i not in known]
    if fresh:
        store.mark(fresh, "read")
    return len(fresh)


def cmd_export(ctx) -> int:
    from .. import export

    tg = ctx.graph
    fmt = ctx.args.format
    if fmt == "json":
        text = export.to_json(tg)
    elif fmt == "graphml":
        text = export.to_graphml(tg)
    elif fmt == "mermaid":
        text = export.to_mermaid(tg)
    elif fmt == "bibtex":
        text = export.to_bibtex(tg)
    else:
        text = export.to_markdown(tg, ctx.progress())
    if ctx.args.output:
        from ..ingest.layer import write_atomic

        try:
            write_atomic(ctx.args.output, text)
        except OSError as err:
            raise UserError(f"cannot write {ctx.args.output}: {err.strerror}") from None
    else:
        sys.stdout.write(text)
    return 0
