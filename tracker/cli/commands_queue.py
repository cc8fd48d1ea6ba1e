"""What to read now and the path to a target, with reasons; the learner's estimates and core/optional choices.

``next`` and ``path`` are registered with the other graph commands
(``commands_graph``); ``estimate`` and ``role`` here. Stored choices are
keyed by node id and followed through renames like progress.
"""

from __future__ import annotations

from rich.text import Text

from ..errors import UserError
from .render import bar, node_line, safe

ROLE_CHOICES = ("core", "optional", "auto")


def register(sub, common) -> None:
    p = sub.add_parser("estimate", parents=[common], help="your own time for an item (shown on paths and plans)")
    p.add_argument("id", help="node id, alias or title")
    p.add_argument("time", nargs="?", help="3h, 90m, 1h30 or minutes; leave out to show the estimate")
    p.add_argument("--clear", action="store_true", help="go back to the default for its kind")
    p.set_defaults(func=cmd_estimate)

    p = sub.add_parser("role", parents=[common], help="make an item core (it gates what follows) or optional "
                                                      "(left off paths); auto: as its list says")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("role", choices=ROLE_CHOICES)
    p.set_defaults(func=cmd_role)


def stored_prefs(ctx) -> tuple[dict[str, str], dict[str, int]]:
    """The learner's roles and estimates, keyed by current graph ids (an old id follows its node)."""
    from ..store.quick_read import read_prefs

    from ..graph.queries import by_current_id

    found = read_prefs(getattr(ctx.args, "db", None))
    estimates, roles = found if found is not None else (ctx.store.estimates(), ctx.store.roles())
    return by_current_id(ctx.graph, roles), by_current_id(ctx.graph, estimates)


# next ------------------------------------------------------------------------

def print_next(ctx, progress: dict[str, str], topic: str | None) -> int:
    from ..graph.queue import what_now

    tg = ctx.graph
    roles, _ = stored_prefs(ctx)
    queue = what_now(tg, progress, limit=ctx.args.n or None, topic=topic, roles=roles)
    if ctx.json:
        ctx.print_json([dict(tg.nodes[r.node_id].to_json(), lists_citing=len(tg.nodes[r.node_id].lists),
                             status=r.status, reasons=list(r.reasons), optional=r.optional) for r in queue.rows])
        return 0
    if not queue.rows:
        ctx.console.print(Text("nothing is ready: everything is read, or waiting on a prerequisite", style="dim"))
        return 0
    ctx.console.print(Text(queue.summary(), style="dim"))
    for rank, row in enumerate(queue.rows, 1):
        line = Text(f"{rank:>3}. ")
        line.append_text(node_line(tg.nodes[row.node_id], row.status))
        ctx.console.print(line)
        ctx.console.print(Text("       ") + safe(" · ".join(row.reasons), "dim"))
    return 0


# path ------------------------------------------------------------------------

def cmd_path(ctx) -> int:
    from ..graph.estimates import format_minutes
    from ..graph.path import learning_path

    tg = ctx.graph
    target = ctx.resolve(ctx.args.target)
    progress = ctx.progress()
    roles, estimates = stored_prefs(ctx)
    lp = learning_path(tg, target, progress, roles, estimates, optional=ctx.args.optional)
    if ctx.json:
        steps = []
        for i, why in zip(lp.steps, lp.explained()):
            steps.append(dict(tg.nodes[i].to_json(), status=lp.status(i), reason=why.reason,
                              needed_by=why.needed_by, via=why.via, minutes=lp.minutes.get(i)))
        ctx.print_json(steps)
        return 0
    c = ctx.console
    head = Text("Learning path to ", style="dim") + safe(tg.nodes[target].title, "bold")
    head.append(f"  {len(lp.steps)} steps, about {format_minutes(lp.total_minutes)}", style="dim")
    c.print(head)
    notes = []
    if lp.done:
        notes.append(f"{len(lp.done)} done" + ("" if ctx.args.done else " (--done lists them)"))
    if lp.hidden_optional and not ctx.args.optional:
        notes.append(f"{len(lp.hidden_optional)} optional left out (--optional shows them)")
    if notes:
        c.print(Text("  " + "; ".join(notes), style="dim"))
    if ctx.args.done:
        for i in lp.done:
            c.print(Text("   ✓  ") + node_line(tg.nodes[i], progress.get(i, "read")))
    for step, (i, why) in enumerate(zip(lp.steps, lp.explained()), 1):
        line = Text(f"{step:>3}. ")
        line.append_text(node_line(tg.nodes[i], lp.status(i)))
        if i in lp.minutes:
            line.append(f"  {format_minutes(lp.minutes[i])}", style="cyan")
        c.print(line)
        c.print(Text("       ") + safe(_why_text(tg, why), "dim"))
    done = sum(lp.status(i) in ("read", "skipped") for i in lp.steps) + len(lp.done)
    total = len(lp.steps) + len(lp.done)
    c.print(bar(done, total) + Text(f" {done}/{total}", style="dim"))
    return 0


def _why_text(tg, why) -> str:
    text = why.reason
    if why.needed_by:
        text += f" — for {tg.nodes[why.needed_by].title}"
    if why.via:
        text += f", via {why.via}"
    return text


# estimate and role -------------------------------------------------------------

def cmd_estimate(ctx) -> int:
    from ..graph.estimates import minutes_for, parse_duration, format_minutes

    node_id = ctx.resolve(ctx.args.id)
    node = ctx.graph.nodes[node_id]
    if ctx.args.clear and ctx.args.time:
        raise UserError("give a time or --clear, not both")
    if ctx.args.clear or ctx.args.time:
        ctx.store.set_estimate(node_id, None if ctx.args.clear else parse_duration(ctx.args.time))
    _, estimates = stored_prefs(ctx)
    minutes = minutes_for(node, estimates)
    own = node_id in estimates
    if ctx.json:
        ctx.print_json({"id": node_id, "minutes": minutes, "own": own})
        return 0
    line = safe(node.title, "bold") + Text(f"  {format_minutes(minutes)}", style="cyan")
    line.append("  (your estimate)" if own else f"  (the default for a {node.kind})", style="dim")
    ctx.console.print(line)
    return 0


def cmd_role(ctx) -> int:
    from ..graph.queries import is_optional

    ids = [ctx.resolve(key) for key in ctx.args.ids]
    role = None if ctx.args.role == "auto" else ctx.args.role
    for node_id in dict.fromkeys(ids):
        ctx.store.set_role(node_id, role)
    roles, _ = stored_prefs(ctx)
    tg = ctx.graph
    if ctx.json:
        ctx.print_json([{"id": i, "optional": is_optional(tg, i, roles), "own": i in roles} for i in ids])
        return 0
    for node_id in dict.fromkeys(ids):
        what = "optional" if is_optional(tg, node_id, roles) else "core"
        how = "your choice" if node_id in roles else "as its list says"
        ctx.console.print(safe(tg.nodes[node_id].title, "bold") + Text(f"  {what} ({how})", style="dim"))
    return 0
