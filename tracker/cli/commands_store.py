"""Commands over the progress store: mark, note, notes, history, stats, doctor, backup, restore.

Ids resolve through the graph (id, old id, alias or title) and are stored
under the canonical id. Every command writes in one transaction. Text from
notes and lists is untrusted: it is shown through ``safe``/``clean``, never
as markup.
"""

from __future__ import annotations

from datetime import datetime, time, timezone

from rich.table import Table
from rich.text import Text

from ..editor import edit_text
from ..errors import UserError
from ..store.times import UnreadableTime
from ..store.vocabulary import STATUSES
from ..text import clean
from .render import STATUS_MARKS, STATUS_STYLES, bar, safe

MARK_USAGE = ("%(prog)s [options] ID [ID ...] STATUS\n"
              "       %(prog)s [options] --undo ID [ID ...]")


def register(sub, common) -> None:
    p = sub.add_parser(
        "mark", parents=[common], usage=MARK_USAGE, help="set the status of nodes (STATUS goes last)",
        description=f"Set the status of one or more nodes; the status comes last: "
                    f"`tracker mark resnet alexnet read`. STATUS is one of: {', '.join(STATUSES)}. "
                    "With --undo, revert each node's last status change (the undo is recorded too).")
    p.add_argument("words", nargs="+", metavar="ID", help="node ids, aliases or titles, then STATUS")
    p.add_argument("--undo", action="store_true", help="revert the last status change of each ID")
    p.set_defaults(func=cmd_mark)

    p = sub.add_parser("note", parents=[common], help="add a markdown note to a node",
                       description="Add a note: -m TEXT, or write it in $VISUAL/$EDITOR. An empty note is not saved.")
    p.add_argument("id", help="node id, alias or title")
    p.add_argument("-m", "--message", metavar="TEXT", help="the note (markdown); without it, opens $EDITOR")
    p.add_argument("--shared", action="store_true",
                   help="show it to your study group (notes are private otherwise; `tracker share` changes it later)")
    p.set_defaults(func=cmd_note)

    p = sub.add_parser("notes", parents=[common], help="show notes, of one node or all")
    p.add_argument("id", nargs="?", help="node id, alias or title")
    p.add_argument("--recent", action="store_true", help="the latest edited first (as the TUI's notes list, N)")
    p.add_argument("--topic", help="only notes on items under this topic: a list heading, or a canonical topic "
                                   "(tracker topics --by topic)")
    p.set_defaults(func=cmd_notes)

    p = sub.add_parser("history", parents=[common], help="status changes over time")
    p.add_argument("id", nargs="?", help="only this node")
    p.add_argument("--since", metavar="DATE", help="from this ISO date or time (local), e.g. 2025-01-31")
    p.add_argument("-n", "--limit", type=int, default=None, help="newest N changes (default 50 without --since)")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("stats", parents=[common], help="progress per topic and list, reads per week, streak")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("doctor", parents=[common],
                       help="check the database; find and re-attach orphaned records; repair rows that do not parse")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--reattach", nargs=2, metavar=("OLD", "NEW"),
                      help="move progress, history and notes stored under OLD to node NEW")
    what.add_argument("--repair", nargs="?", const="", metavar="QUARANTINE_FILE",
                      help="rewrite times that parse into the stored form, and move rows with values that do not "
                           "parse to a quarantine file (a backup of just those rows: fix it, then `tracker restore` "
                           "it); the file goes beside the database unless named")
    p.set_defaults(func=cmd_doctor)

    p = sub.add_parser("backup", parents=[common], help="save progress, history, notes and runs as JSON")
    p.add_argument("file", help="backup file to write (replaced atomically)")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", parents=[common], help="merge a JSON backup into the database",
                       description="Merge a backup: new records are added, records newer in the backup update "
                                   "the database, records newer in the database are kept. Restoring twice "
                                   "changes nothing.")
    p.add_argument("file", help="backup file written by `tracker backup`")
    p.set_defaults(func=cmd_restore)


# helpers ------------------------------------------------------------------

def local(t: datetime | None) -> str:
    if isinstance(t, UnreadableTime):
        return f"unreadable time {clean(str(t.raw))!r}"
    return t.astimezone().strftime("%Y-%m-%d %H:%M") if t else ""


def iso(t: datetime | None):
    """ISO UTC text for JSON; a stored value that is not a time is given as it is."""
    if isinstance(t, UnreadableTime):
        return t.raw
    return t.astimezone(timezone.utc).isoformat() if t else None


def mark_of(status: str) -> Text:
    return Text(f"{STATUS_MARKS.get(status, '[?]')} ", style=STATUS_STYLES.get(status, "red"))


def current_id(ctx, stored_id: str) -> str | None:
    """The graph node a stored id belongs to now (None for orphans)."""
    return stored_id if stored_id in ctx.graph.nodes else ctx.graph.resolve(stored_id)


def stored_ids(ctx, node_id: str) -> list[str]:
    """The ids a node's records are stored under: its own, and old ids that now resolve to it."""
    return [node_id] + sorted(i for i in ctx.store.node_ids() if i != node_id and current_id(ctx, i) == node_id)


def title_of(ctx, stored_id: str) -> str:
    node_id = current_id(ctx, stored_id)
    return ctx.graph.nodes[node_id].title if node_id else stored_id


def parse_since(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise UserError(f"invalid --since {text!r}: use an ISO date like 2025-01-31") from None
    if len(text.strip()) <= 10:
        value = datetime.combine(value.date(), time())
    return value.astimezone() if value.tzinfo is None else value


# mark -----------------------------------------------------------------------

def _split_mark_words(words: list[str]) -> tuple[list[str], str]:
    *ids, status = words
    if status in STATUSES and ids:
        return ids, status
    if words[0] in STATUSES and len(words) > 1:
        raise UserError(f"the status goes last: tracker mark {' '.join(words[1:])} {words[0]}")
    if status in STATUSES:
        raise UserError("which node? usage: tracker mark ID [ID ...] STATUS")
    raise UserError(f"invalid status {status!r}: the last word must be one of {', '.join(STATUSES)}")


def cmd_mark(ctx) -> int:
    words = ctx.args.words
    ids, status = (words, None) if ctx.args.undo else _split_mark_words(words)
    node_ids = [ctx.resolve(i) for i in ids]  # every id checked before anything is written
    changes = ctx.store.undo(node_ids) if status is None else ctx.store.mark(node_ids, status)
    if ctx.json:
        ctx.print_json([{"id": c.node_id, "title": ctx.graph.nodes[c.node_id].title, "from": c.from_status,
                         "to": c.to_status, "changed": c.changed, "at": iso(c.at)} for c in changes])
        return 0
    for c in changes:
        line = Text(f"{STATUS_MARKS[c.to_status]} ", style=STATUS_STYLES[c.to_status])
        line.append_text(safe(ctx.graph.nodes[c.node_id].title, "bold"))
        line.append(f"  {c.node_id}  ", style="dim")
        if c.changed:
            line.append(f"{c.from_status} → {c.to_status}" + (" (undo)" if status is None else ""))
        else:
            line.append("nothing to undo" if status is None else f"already {c.to_status}", style="dim")
        ctx.console.print(line)
    if status == "read":
        _offer_review(ctx, [c.node_id for c in changes if c.changed])
    return 0


def _mastery(ctx, progress, topics: list[dict]) -> dict:
    """The three tracks (read, implemented, recalled) over everything and per shown topic."""
    from ..graph.membership import all_items
    from ..review.mastery import Mastery

    m = Mastery(ctx.graph, ctx.store, progress)
    shown = [t["id"] for entry in topics for t in (entry, *entry["children"])]
    return {"totals": m.of_items("all", all_items(ctx.graph)).to_json(),
            "topics": [dict(m.topic(t).to_json(), title=ctx.graph.nodes[t].title) for t in shown]}


def _print_mastery(ctx, mastery: dict) -> None:
    t = mastery["totals"]
    ctx.console.print(Text("Mastery ", style="bold") + Text(
        f"read {t['read']}/{t['items']}, implemented {t['implemented']}/{t['implementable']}, "
        f"recalled {t['recalled']}/{t['in_review']}"))
    for entry in mastery["topics"]:
        line = Text("  ") + safe(entry["title"], "bold") + Text(
            f": read {entry['read']}/{entry['items']}, implemented {entry['implemented']}/{entry['implementable']}, "
            f"recalled {entry['recalled']}/{entry['in_review']}")
        if entry["mean_retrievability"] is not None:
            line.append(f"  recall {entry['mean_retrievability']:.0%}", style="cyan")
        ctx.console.print(line)


def _offer_review(ctx, node_ids: list[str]) -> None:
    """Nodes just read that are not in review (and whose kind is not skipped): say how to add them."""
    from ..review.cards import card, skipped_kinds

    skipped = skipped_kinds(ctx.store)
    offer = [i for i in node_ids if ctx.graph.nodes[i].kind not in skipped | {"topic"} and card(ctx.store, i) is None]
    if offer:
        ctx.console.print(Text(f"review later? tracker review add {' '.join(offer)}", style="cyan"))


# notes ----------------------------------------------------------------------

def cmd_note(ctx) -> int:
    node_id = ctx.resolve(ctx.args.id)
    body = ctx.args.message if ctx.args.message is not None else edit_text()
    body = body.lstrip("\n").rstrip()
    if not body.strip():
        raise UserError(f"empty note: nothing saved for {node_id}")
    note = ctx.store.add_note(node_id, body, shared=ctx.args.shared)
    if ctx.json:
        ctx.print_json(_note_json(ctx, note))
        return 0
    ctx.console.print(Text("note added to ", style="green") + safe(ctx.graph.nodes[node_id].title, "bold")
                      + Text(f"  {note.uid[:8]}", style="dim"))
    return 0


def _note_json(ctx, note) -> dict:
    return {"uid": note.uid, "stored_id": note.node_id, "id": current_id(ctx, note.node_id),
            "title": title_of(ctx, note.node_id), "body": note.body,
            "created_at": iso(note.created_at), "updated_at": iso(note.updated_at), "shared": note.shared}


def cmd_notes(ctx) -> int:
    from rich.markdown import Markdown

    ids = stored_ids(ctx, ctx.resolve(ctx.args.id)) if ctx.args.id else None
    notes = ctx.store.notes(ids)
    if ctx.args.topic or ctx.args.recent:
        notes = _listed_notes(ctx, notes)
    if ctx.json:
        ctx.print_json([_note_json(ctx, n) for n in notes])
        return 0
    if not notes:
        ctx.console.print(Text("no notes yet", style="dim"))
        return 0
    last_heading = None
    for note in notes:
        heading = current_id(ctx, note.node_id) or note.node_id
        if heading != last_heading:
            title = safe(title_of(ctx, note.node_id), "bold")
            if current_id(ctx, note.node_id) is None:
                title.append("  (not in the graph: see `tracker doctor`)", style="yellow")
            ctx.console.rule(title, align="left")
            last_heading = heading
        stamp = f"{local(note.created_at)}" + (f", edited {local(note.updated_at)}"
                                                 if note.updated_at != note.created_at else "")
        ctx.console.print(Text(f"{stamp}  {note.uid[:8]}", style="dim"))
        ctx.console.print(Markdown(clean(note.body, keep_newlines=True)))
    return 0


def _listed_notes(ctx, notes) -> list:
    """The notes as the TUI's notes list picks and orders them (``graph.note_list``)."""
    from ..graph.note_list import note_entries
    from ..graph.topic_map import TOPIC, topic_map

    topic = ctx.args.topic
    if topic:
        canonical = {t.id for t in topic_map(ctx.graph).topics}
        key = topic[len(TOPIC):] if topic.startswith(TOPIC) else topic
        topic = TOPIC + key if key in canonical else ctx.resolve(topic)
    entries = note_entries(ctx.graph, notes, topic)
    if ctx.args.recent:
        by_uid = {n.uid: n for n in notes}
        return [by_uid[e.uid] for e in entries]
    kept = {e.uid for e in entries}
    return [n for n in notes if n.uid in kept]


# history --------------------------------------------------------------------

def cmd_history(ctx) -> int:
    since = parse_since(ctx.args.since) if ctx.args.since else None
    limit = ctx.args.limit if ctx.args.limit is not None else (None if since else 50)
    ids = stored_ids(ctx, ctx.resolve(ctx.args.id)) if ctx.args.id else None
    changes = ctx.store.history(ids, since=since, limit=limit)
    if ctx.json:
        ctx.print_json([{"stored_id": h.node_id, "id": current_id(ctx, h.node_id), "title": title_of(ctx, h.node_id),
                         "at": iso(h.at), "from": h.from_status, "to": h.to_status, "undo": h.is_undo,
                         "undone_at": iso(h.undone_at)} for h in changes])
        return 0
    if not changes:
        ctx.console.print(Text("no status changes" + (" since then" if since else " yet"), style="dim"))
        return 0
    for h in changes:
        line = Text(f"{local(h.at)}  ", style="dim")
        line.append_text(mark_of(h.to_status))
        line.append_text(safe(title_of(ctx, h.node_id)))
        line.append(f"  {h.node_id}", style="dim")
        line.append_text(safe(f"  {h.from_status} → {h.to_status}", "cyan"))
        if h.is_undo:
            line.append("  (undo)", style="yellow")
        elif h.undone_at:
            line.append("  (undone)", style="dim")
        ctx.console.print(line)
    return 0


# stats ----------------------------------------------------------------------

def _progress_row(table: Table, label: Text, entry: dict) -> None:
    counts = Text(f"{entry['read']}/{entry['total']}")
    if entry["skipped"]:
        counts.append(f" +{entry['skipped']} skipped", style="dim")
    table.add_row(label, bar(entry["read"], entry["total"]), counts)


def cmd_stats(ctx) -> int:
    from ..store.stats import summary

    progress = ctx.progress()
    data = summary(ctx.graph, ctx.store, progress)
    data["mastery"] = _mastery(ctx, progress, data["topics"])
    if ctx.json:
        ctx.print_json(data)
        return 0
    c = ctx.console
    t = data["totals"]
    c.print(Text("Read ", style="bold") + bar(t["read"], t["total"], 30)
            + Text(f" {t['read']}/{t['total']} items, {t['reading']} reading, {t['skipped']} skipped, "
                   f"{data['notes']} note{'s' if data['notes'] != 1 else ''}"))
    topics = Table(title="Topics", title_justify="left", show_header=False, box=None, padding=(0, 1))
    for entry in data["topics"]:
        _progress_row(topics, safe(entry["title"], "bold"), entry)
        for child in entry["children"]:
            _progress_row(topics, Text("  ") + safe(child["title"]), child)
    if data["topics"]:
        c.print(topics)
    lists = Table(title="Lists", title_justify="left", show_header=False, box=None, padding=(0, 1))
    for entry in data["lists"]:
        _progress_row(lists, safe(entry["title"]), entry)
    if data["lists"]:
        c.print(lists)
    weeks = Table(title="Reads per week (items read that are still read)", title_justify="left", show_header=False, box=None, padding=(0, 1))
    most = max((w["reads"] for w in data["weekly_reads"]), default=0)
    for week in data["weekly_reads"]:
        weeks.add_row(Text(week["week"], style="dim"), bar(week["reads"], most), Text(str(week["reads"])))
    c.print(weeks)
    _print_mastery(ctx, data["mastery"])
    days = data["streak_days"]
    c.print(Text("Streak: ", style="bold") + Text(f"{days} day{'s' if days != 1 else ''}",
                                                  style="green" if days else "dim"))
    return 0


# doctor ---------------------------------------------------------------------

def cmd_doctor(ctx) -> int:
    from ..store.health import bad_values

    if ctx.args.reattach:
        return _reattach(ctx, *ctx.args.reattach)
    if ctx.args.repair is not None:
        return _repair(ctx, ctx.args.repair or None)
    store = ctx.store
    problems = store.integrity_problems()
    schema = store.schema_revision()
    records = store.record_counts()
    bad = bad_values(store)
    orphans = [r for r in records.values() if current_id(ctx, r.node_id) is None]
    renamed = [r for r in records.values()
               if r.node_id not in ctx.graph.nodes and current_id(ctx, r.node_id) is not None]
    if ctx.json:
        ctx.print_json({"database": store.location, "schema": schema, "integrity_problems": problems,
                        "nodes_with_records": len(records), "bad_values": [b.to_json() for b in bad],
                        "orphans": [vars(r) for r in orphans],
                        "renamed": [dict(vars(r), current_id=current_id(ctx, r.node_id)) for r in renamed]})
        return 1 if problems or bad else 0
    c = ctx.console
    c.print(Text("database ", style="dim") + safe(store.location)
            + Text(f"  (schema {schema}, {len(records)} nodes with records)"))
    for problem in problems:
        c.print(Text("integrity  ", style="red") + safe(problem))
    for b in bad:
        c.print(Text("bad value  ", style="red") + safe(f"{b.section} row {b.row}, {b.column}: {b.problem}")
                + Text("  (repairable)" if b.fix else "", style="dim"))
    if bad:
        c.print(Text(f"{len(bad)} value(s) do not parse; fix with: tracker doctor --repair", style="yellow"))
        problems = problems or ["bad values"]
    for r in renamed:
        c.print(Text("renamed  ", style="cyan") + safe(r.node_id) + Text(" → ")
                + safe(current_id(ctx, r.node_id)) + Text("  (shown under the new id)", style="dim"))
    if not orphans:
        c.print(Text("no orphaned records", style="green"))
        return 1 if problems else 0
    c.print(Text(f"{len(orphans)} node id(s) with records are not in the graph (kept, never deleted):",
                 style="yellow"))
    for r in orphans:
        line = Text("  ") + safe(r.node_id, "bold")
        line.append(f"  status {r.status or '-'}, {r.history} changes, {r.notes} notes, {r.runs} runs"
                    + (f", a review card with {r.reviews} log rows" if r.in_review else ""), style="dim")
        c.print(line)
    c.print(Text("re-attach with: tracker doctor --reattach OLD NEW", style="dim"))
    return 1 if problems else 0


def _repair(ctx, quarantine: str | None) -> int:
    from ..store.health import repair

    result = repair(ctx.store, quarantine)
    if ctx.json:
        ctx.print_json({"repaired": result.repaired, "quarantined": result.quarantined,
                        "quarantine_file": str(result.file) if result.file else None})
        return 0
    c = ctx.console
    if not result.repaired and not result.file:
        c.print(Text("no bad values: nothing to repair", style="green"))
        return 0
    if result.repaired:
        c.print(Text(f"rewrote {result.repaired} time(s) into the stored form"))
    if result.file:
        moved = ", ".join(f"{n} {section}" for section, n in sorted(result.quarantined.items()))
        c.print(Text(f"moved {moved} row(s) with values that do not parse to ") + safe(str(result.file)))
        c.print(Text("fix them there, then: tracker restore ", style="dim") + safe(str(result.file), "dim"))
    return 0


def _reattach(ctx, old: str, new_key: str) -> int:
    new = ctx.resolve(new_key)
    result = ctx.store.reattach(old, new)
    if ctx.json:
        ctx.print_json(vars(result))
        return 0
    c = ctx.console
    c.print(Text(f"moved {result.history} status changes, {result.notes} notes, {result.runs} runs and "
                 f"{result.reviews} review records from ") + safe(old, "bold") + Text(" to ") + safe(new, "bold"))
    messages = {
        "moved": f"moved its status to {new}",
        "kept new": f"{new} already had a newer status; kept it and dropped the older one from {old}",
        "replaced": f"{old}'s status was newer than {new}'s; it replaced it",
    }
    if result.progress in messages:
        c.print(safe(messages[result.progress], "yellow" if result.progress != "moved" else ""))
    return 0


# backup / restore -----------------------------------------------------------

def cmd_backup(ctx) -> int:
    from ..store.backup import write_backup

    counts = write_backup(ctx.store, ctx.args.file)
    if ctx.json:
        ctx.print_json({"file": ctx.args.file, "counts": counts})
        return 0
    ctx.console.print(Text(f"saved {counts['progress']} statuses, {counts['history']} status changes, "
                           f"{counts['notes']} notes, {counts['runs']} runs, {counts['review_cards']} review cards "
                           f"and {counts['review_log']} review log entries to ") + safe(ctx.args.file))
    return 0


def cmd_restore(ctx) -> int:
    from ..store.backup import backup_member, read_backup, restore

    data = read_backup(ctx.args.file)  # validated before the database is opened for writing
    owner, me = backup_member(ctx.args.file), ctx.store.member
    result = restore(ctx.store, data)
    report = result.to_json()
    if ctx.json:
        ctx.print_json(dict(report, reattached=result.moved, reattached_here=result.reattached, member=me,
                            backup_member=owner))
        return 0
    line = Text("restored into ") + safe(me, "bold") + Text("'s records; no other member's were touched")
    if owner and owner != me:
        line = Text("warning: ", style="yellow") + Text("the backup holds ") + safe(owner, "bold") + Text(
            "'s records; they were restored as ") + safe(me, "bold") + Text("'s")
    ctx.console.print(line)
    for old, new in sorted(result.moved.items()):
        ctx.console.print(Text("restored ") + safe(old, "bold") + Text(" under ") + safe(new, "bold")
                          + Text("  (re-attached since the backup)", style="dim"))
    for old, new in sorted(result.reattached.items()):
        ctx.console.print(Text("re-attached ") + safe(old, "bold") + Text(" to ") + safe(new, "bold")
                          + Text("  (as it was where the backup was made)", style="dim"))
    for name, counts in report.items():
        line = Text(f"{name:>9}: ", style="bold")
        line.append(f"{counts['added']} added, {counts['updated']} updated, "
                    f"{counts['kept']} kept (newer in the database), {counts['unchanged']} unchanged")
        ctx.console.print(line)
    return 0
