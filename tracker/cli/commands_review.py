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
