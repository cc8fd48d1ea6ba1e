"""``tracker import`` (reading lists into graph layers) and ``tracker export``."""

from __future__ import annotations

import sys
from pathlib import Path

from rich.text import Text

from ..config import graph_dirs, user_lists_dir
from ..errors import UserError
from ..text import clean


def register(sub, common) -> None:
    p = sub.add_parser("import", parents=[common], help="import markdown reading lists into the graph")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--into", type=Path, metavar="DIR",
                   help="folder for the YAML layers (default: your data folder, beside the database)")
    p.add_argument("--facts-only", action="store_true",
                   help="leave out notes copied from the list (titles, links, authors, years only)")
    p.add_argument("--dry-run", action="store_true",
                   help="show what each entry would become and what it would merge with; write nothing")
    p.add_argument("--replace", action="store_true",
                   help="replace a layer even when the new import lost most of its entries")
    p.add_argument("--base-url", metavar="URL", help="resolve the list's relative links against this URL")
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
    from ..graph.problems import GraphError
    from ..impl_meta import discover
    from ..ingest.importer import plan_import

    target_dir = ctx.args.into or user_lists_dir()
    try:
        known = set(discover())
        plan = plan_import(ctx.args.files, target_dir, graph_dirs(ctx.args.graph_data),
                           facts_only=ctx.args.facts_only, replace=ctx.args.replace,
                           known_implementations=known, base_url=ctx.args.base_url)
    except GraphError as err:
        raise UserError("the import would make the graph invalid; nothing written:\n"
                        + "\n".join(f"  {p}" for p in err.problems)) from None
    for failure in plan.failures:
        sys.stderr.write(f"tracker: {clean(failure)}\n")
    for report in plan.reports:
        for warning in report.warnings:
            sys.stderr.write(f"warning: {clean(warning)}\n")
        if report.refused:
            sys.stderr.write(f"tracker: {clean(report.refused)}\n")
    for warning in plan.graph.warnings if plan.graph else []:  # e.g. a requirement against a list's week order
        sys.stderr.write(f"warning: {clean(warning)}\n")
    if plan.graph is None:
        raise UserError("nothing imported")
    if not ctx.args.dry_run:
        try:
            plan.write()
        except OSError as err:
            raise UserError(f"cannot write {err.filename or target_dir}: {err.strerror}") from None
        plan.warm_cache(graph_dirs(ctx.args.graph_data), known)
    marked = 0 if ctx.args.dry_run else _mark_checked(ctx, plan.checked_nodes())
    imported = [r for r in plan.reports if not r.refused]
    if ctx.json:
        ctx.print_json({"imported": [_report_json(r) for r in imported], "marked_read": marked,
                        "refused": [r.refused for r in plan.reports if r.refused], "failed": len(plan.failures),
                        "dry_run": bool(ctx.args.dry_run)})
    else:
        for report in imported:
            _print_report(ctx, report)
        if marked:
            ctx.console.print(Text(f"marked {marked} checked items as read", style="green"))
    return 1 if plan.failures or len(imported) < len(plan.reports) else 0


SHOWN_MERGES = 30  # a big list merges thousands of entries; the preview and --json list them all


def _report_json(report) -> dict:
    return {"file": report.file, "layer": report.layer, "list": report.list_id, "items": report.entries,
            "entries": report.entries, "nodes": report.nodes, "topics": report.topics,
            "warnings": len(report.warnings), "checked": report.checked, "merges": report.merges,
            "warning_lines": report.warnings, "lost": report.lost,
            "outcomes": [{"line": o.line, "title": o.title, "node": o.node_id, "node_title": o.node_title,
                          "how": o.how} for o in report.outcomes]}


def _print_report(ctx, report) -> None:
    """Text built with Text.append: titles from the list are never read as Rich markup."""
    line = Text(f"{clean(report.file)}: ", style="bold")
    line.append(report.summary + (f", {len(report.warnings)} warnings" if report.warnings else ""))
    line.append(f"  {'(dry run, nothing written)' if ctx.args.dry_run else '-> ' + clean(report.layer)}", style="dim")
    ctx.console.print(line)
    if ctx.args.dry_run:
        for o in report.outcomes:
            row = Text(f"  {report.file}:{o.line}: ", style="dim")
            row.append(clean(o.title))
            row.append(f" -> {clean(o.node_id) or '(no node)'}: ", style="dim")
            row.append(clean(o.how))
            ctx.console.print(row)
    elif report.merges:
        ctx.console.print(Text(f"  {len(report.merges)} merged into existing nodes:", style="dim"))
        for merge in report.merges[:SHOWN_MERGES]:
            ctx.console.print(Text(f"  {clean(merge)}"))
        if len(report.merges) > SHOWN_MERGES:
            ctx.console.print(Text(f"  ... and {len(report.merges) - SHOWN_MERGES} more (--dry-run or --json "
                                   f"lists every one)", style="dim"))


def _mark_checked(ctx, node_ids: list[str]) -> int:
    """``- [x]`` task-list items become read, unless progress is already recorded."""
    if not node_ids:
        return 0
    try:
        store = ctx.store
    except ImportError:
        return 0
    known = store.statuses()
    fresh = [i for i in node_ids if i not in known]
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
