"""Spaced review from the terminal: ``review`` (a session, or add/remove/skip), ``due``.

A session reads one line per step, so it works in any terminal and through
a pipe: Enter shows the back, 1-4 rate (Again, Hard, Good, Easy), u undoes
the last rating, q stops. Card text is untrusted and printed through ``safe``.
"""

from __future__ import annotations

import sys
from datetime import timedelta

from rich.text import Text

from ..errors import UserError
from .render import safe

ACTIONS = ("add", "remove", "skip", "unskip")


def register(sub, common) -> None:
    p = sub.add_parser(
        "review", parents=[common], help="review due cards; add/remove nodes; skip kinds",
        usage="%(prog)s [options]\n       %(prog)s [options] {add,remove} ID [ID ...]\n"
              "       %(prog)s [options] {skip,unskip} [KIND ...]",
        description="Without arguments, review the cards due now, one at a time: Enter shows the back, "
                    "1 Again, 2 Hard, 3 Good, 4 Easy, u undoes the last rating, q stops. "
                    "`review add ID...` / `review remove ID...` put nodes in or out of review (a removed "
                    "card keeps its history). `review skip KIND...` stops offering review for a kind "
                    "(video, article, ...); `review unskip KIND...` undoes that; `review skip` lists them. "
                    "Scheduling is FSRS (the fsrs package).")
    p.add_argument("words", nargs="*", metavar="ACTION ID", help="add|remove IDs, or skip|unskip KINDs")
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("plan", parents=[common], help="fit reads, runs and due reviews into weekly hours",
                       description="Plan the next weeks: the what-now queue (or the path to --target), each item "
                                   "costed by kind, its implementation to run, and due reviews at a few minutes "
                                   "each, fitted into --hours per week. Prerequisites always come first.")
    p.add_argument("--hours", type=float, required=True, help="study hours per week")
    p.add_argument("--weeks", type=int, default=4, help="how many weeks (default 4)")
    p.add_argument("--target", metavar="ID", help="plan the path to this node instead of the what-now queue")
    p.add_argument("--format", choices=("text", "markdown", "ics"), default="text",
                   help="text (default), a markdown checklist, or an iCalendar file with one event per week")
    p.add_argument("--minutes", action="append", default=[], metavar="KIND_OR_ID=N",
                   help="override an estimate, for a kind (paper=90) or one node (resnet=240); repeatable")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of the terminal")
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("due", parents=[common], help="list review cards due now (or within --days)")
    p.add_argument("--days", type=float, default=0.0, help="also list cards due within this many days")
    p.set_defaults(func=cmd_due)


def cmd_review(ctx) -> int:
    words = ctx.args.words
    if not words:
        return review_session(ctx)
    action, rest = words[0], words[1:]
    if action not in ACTIONS:
        raise UserError(f"unknown review action {action!r} (choose from: {', '.join(ACTIONS)}, "
                        "or nothing to start reviewing)")
    if action in ("skip", "unskip"):
        return _skip(ctx, action, rest)
    if not rest:
        raise UserError(f"review {action}: name at least one node")
    return _add_remove(ctx, action, rest)


def _add_remove(ctx, action: str, keys: list[str]) -> int:
    from ..review import cards

    node_ids = [ctx.resolve(k) for k in keys]  # every id checked before anything is written
    outcome = (cards.add if action == "add" else cards.remove)(ctx.store, node_ids)
    if ctx.json:
        ctx.print_json([{"id": i, "title": ctx.graph.nodes[i].title, "outcome": o} for i, o in outcome.items()])
        return 0
    words = {"added": "added to review", "back": "back in review (its history kept)",
             "already": "already in review", "removed": "removed from review (its history kept)",
             "not in review": "not in review"}
    for node_id, result in outcome.items():
        ctx.console.print(safe(ctx.graph.nodes[node_id].title, "bold") + Text(f"  {node_id}  ", style="dim")
                          + Text(words[result]))
    return 0


def _skip(ctx, action: str, kinds: list[str]) -> int:
    from ..graph.model import NODE_KINDS
    from ..review import cards

    for kind in kinds:
        if kind not in NODE_KINDS:
            raise UserError(f"unknown kind {kind!r} (choose from: {', '.join(NODE_KINDS)})")
    for kind in kinds:
        cards.set_skipped(ctx.store, kind, action == "skip")
    skipped = sorted(cards.skipped_kinds(ctx.store))
    if ctx.json:
        ctx.print_json({"skipped_kinds": skipped})
        return 0
    ctx.console.print(Text("review is not offered for: ") + Text(", ".join(skipped) or "(no kind skipped)"))
    return 0


def cmd_plan(ctx) -> int:
    from datetime import date

    from ..graph.model import NODE_KINDS
    from ..review import cards
    from ..review.plan import build_plan
    from ..review.plan_format import task_text, to_ics, to_markdown, week_heading

    args = ctx.args
    if not 0 < args.hours <= 24 * 7:
        raise UserError(f"--hours {args.hours:g}: give the study hours per week, more than 0 and at most 168")
    if not 1 <= args.weeks <= 104:
        raise UserError(f"--weeks {args.weeks}: give 1 to 104 weeks")
    from .commands_queue import stored_prefs

    overrides = dict(stored_prefs(ctx)[1])  # the learner's own estimates (`tracker estimate`), then --minutes
    for item in args.minutes:
        key, _, value = item.partition("=")
        if not value.strip().isdigit() or int(value) <= 0:
            raise UserError(f"--minutes {item!r}: write KIND=N or ID=N with N a whole number of minutes above 0")
        overrides[key if key in NODE_KINDS else ctx.resolve(key)] = int(value)
    tg, progress = ctx.graph, ctx.progress()
    target = ctx.resolve(args.target) if args.target else None
    slugs = {n.implementation for n in tg.nodes.values() if n.implementation}
    today = date.today()
    start = today - timedelta(days=today.weekday())
    horizon = start + timedelta(weeks=args.weeks)
    from datetime import datetime, time

    due = cards.due(ctx.store, datetime.combine(horizon, time()).astimezone())
    plan = build_plan(tg, progress, args.hours, args.weeks, due=due, passed=ctx.store.implemented(slugs),
                      start=start, target=target, overrides=overrides)
    if ctx.json:
        ctx.print_json([{"week": w.number, "start": w.start.isoformat(), "minutes": w.minutes, "budget": w.budget,
                         "over_budget": w.over_budget,
                         "tasks": [{"what": t.what, "id": t.node_id, "title": tg.nodes[t.node_id].title,
                                    "minutes": t.minutes} for t in w.tasks]} for w in plan])
        return 0
    if args.format == "text" and not args.output:
        for week in plan:
            ctx.console.print(Text(week_heading(week), style="bold red" if week.over_budget else "bold"))
            for task in week.tasks:
                ctx.console.print(Text("  [ ] ") + safe(task_text(tg, task)))
        return 0
    if args.format == "ics":
        data = to_ics(tg, plan)
    else:
        text = to_markdown(tg, plan) if args.format == "markdown" else "\n".join(
            line for w in plan for line in [week_heading(w), *(f"  [ ] {task_text(tg, t)}" for t in w.tasks)])
        data = (text.rstrip("\n") + "\n").encode("utf-8")
    if not args.output:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    from pathlib import Path

    target_file = Path(args.output).expanduser()
    try:
        target_file.write_bytes(data)
    except OSError as err:
        raise UserError(f"cannot write {target_file}: {err.strerror}") from None
    ctx.console.print(Text(f"plan for {len(plan)} weeks written to ") + safe(str(target_file)))
    return 0


def cmd_due(ctx) -> int:
    from ..review import cards, schedule
    from ..store.tables import utcnow

    now = utcnow()
    rows = {r.node_id: r for r in cards.cards(ctx.store)}
    due = cards.due(ctx.store, now + timedelta(days=max(ctx.args.days, 0)))
    today, week = cards.due_counts(ctx.store, now)
    entries = []
    for node_id, when in due:
        node = ctx.graph.nodes.get(node_id)
        entries.append({"id": node_id, "title": node.title if node else None, "kind": node.kind if node else None,
                        "due": when.isoformat(), "retrievability": round(schedule.retrievability(rows[node_id], now), 4),
                        "reviews": rows[node_id].last_review is not None})
    if ctx.json:
        ctx.print_json({"due_today": today, "due_this_week": week, "cards": entries})
        return 0
    ctx.console.print(Text(f"{today} due today, {week} this week", style="bold"))
    from .commands_store import local

    for (_, when), e in zip(due, entries):
        title = safe(e["title"] or f"{e['id']} (not in the graph)", "bold")
        ctx.console.print(Text(f"{local(when)}  ", style="dim") + title + Text(f"  {e['id']}", style="dim")
                          + Text(f"  recall {e['retrievability']:.0%}" if e["reviews"] else "  new", style="cyan"))
    return 0


# the session ------------------------------------------------------------

def review_session(ctx) -> int:
    from ..review.card_text import load_card_text
    from ..review.session import Session, counts_line

    session = Session(ctx.store, known=lambda node_id: node_id in ctx.graph.nodes)
    out = ctx.console
    out.print(Text(counts_line(ctx.store), style="bold"))
    if session.current is None:
        out.print("nothing to review now")
        return 0
    reviewed = 0
    while session.current is not None:
        node_id = session.current
        text = load_card_text(ctx.graph, ctx.store, node_id)
        out.print()
        out.print(Text(f"[{session.left} left]  ", style="dim") + safe(text.title, "bold")
                  + Text(f"  {text.kind}", style="cyan"))
        for prompt in text.prompts:
            out.print(Text("  Q: ") + safe(prompt))
        if _read("Enter shows the answer (q stops) > ") in ("q", None):
            break
        _print_back(out, text)
        while True:
            answer = _read("1 Again  2 Hard  3 Good  4 Easy  u undo  q stop > ")
            if answer is None or answer == "q":
                out.print(Text(f"stopped: {reviewed} reviewed; {counts_line(ctx.store)}", style="bold"))
                return 0
            if answer in ("1", "2", "3", "4"):
                out.print(Text(session.rate(int(answer)), style="green"))
                reviewed += 1
                break
            if answer == "u":
                message = session.undo()
                out.print(Text(message, style="yellow"))
                if message.startswith("undid"):
                    reviewed -= 1
                    break
                continue
            out.print(Text("type 1, 2, 3 or 4 to rate, u to undo, q to stop", style="dim"))
    out.print()
    out.print(Text(f"done: {reviewed} reviewed; {counts_line(ctx.store)}", style="bold"))
    return 0


def _print_back(out, text) -> None:
    out.print(Text("  ---", style="dim"))
    for body in text.notes:
        for line in body.splitlines():
            out.print(Text("  ") + safe(line))
    if not text.notes:
        out.print(Text("  (no notes yet: `tracker note ID` adds one; Q: lines become this card's questions)",
                       style="dim"))
    if text.claim:
        out.print(Text("  claim: ", style="bold") + safe(text.claim)
                  + Text(f"  [{text.verdict or 'not run yet'}]", style="cyan"))
    for title, reason in text.reasons:
        out.print(Text("  needs ", style="dim") + safe(title, "bold") + Text(": ") + safe(reason))


def _read(prompt: str) -> str | None:
    """One line from the user, stripped and lower-cased; None at end of input."""
    sys.stdout.write(prompt)
    sys.stdout.flush()
    line = sys.stdin.readline()
    if not line:
        sys.stdout.write("\n")
        return None
    return line.strip().lower()
