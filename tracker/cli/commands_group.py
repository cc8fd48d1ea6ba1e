"""A study group's view from the terminal: ``group`` (members by topic), ``group ID`` (who did what), ``group init``.

Member names are database role names and note bodies are untrusted text:
both are printed through ``safe``/``clean``, never as markup.
"""

from __future__ import annotations

from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text

from ..errors import UserError
from ..text import clean
from .render import safe


def register(sub, common) -> None:
    p = sub.add_parser(
        "group", parents=[common], help="the study group: each member's progress per topic, or who did what on a node",
        usage="%(prog)s [options]\n       %(prog)s [options] ID\n       %(prog)s [options] init",
        description="Without ID: per member and per topic, how many items each has read, implemented (tests passed) "
                    "and recalled (in review, retrievability >= 0.9). With ID: who has read, is reading or has "
                    "implemented that node, with dates, and the notes members shared on it. `group init` (the "
                    "organiser, on PostgreSQL) creates the member role, grants it the tables and turns on "
                    "row-level security, so each member changes only their own rows.")
    p.add_argument("target", nargs="?", metavar="ID", help="a node id, alias or title; or `init`")
    p.set_defaults(func=cmd_group)

    p = sub.add_parser("share", parents=[common], help="share one of your notes with the group (or --private)",
                       description="Notes are private unless shared. NOTE is the note's id (or its first "
                                   "characters) as `tracker notes` shows it.")
    p.add_argument("note", metavar="NOTE", help="the note's id, or enough of its first characters")
    p.add_argument("--private", action="store_true", help="make it private again")
    p.set_defaults(func=cmd_share)


def cmd_group(ctx) -> int:
    if ctx.args.target == "init":
        return cmd_group_init(ctx)
    if ctx.args.target:
        return cmd_group_node(ctx, ctx.resolve(ctx.args.target))
    from ..group_view import group_summary, top_topics

    tg = ctx.graph
    topics = top_topics(tg)
    summary = group_summary(tg, ctx.store, topics)
    if ctx.json:
        ctx.print_json([{"member": m.member, "total": m.total.to_json(),
                         "topics": [t.to_json() for t in m.topics]} for m in summary])
        return 0
    table = Table(title=Text(f"{len(summary)} member{'s' if len(summary) != 1 else ''} on {ctx.store.location}"),
                  title_justify="left")
    table.add_column("member")
    table.add_column("topic")
    for what in ("read", "implemented", "recalled"):
        table.add_column(what, justify="right")
    for member in summary:
        rows = [("all topics", member.total)] + [(tg.nodes[t.topic_id].title, t) for t in member.topics]
        for i, (title, t) in enumerate(rows):
            table.add_row(safe(member.member, "bold") if i == 0 else Text(""), safe(title),
                          f"{t.read}/{t.items}", f"{t.implemented}/{t.implementable}", f"{t.recalled}/{t.in_review}",
                          end_section=i == len(rows) - 1)
    ctx.console.print(table)
    return 0


def cmd_group_node(ctx, node_id: str) -> int:
    from ..group_view import node_group
    from .commands_store import iso, local

    group = node_group(ctx.graph, ctx.store, node_id)
    title = ctx.graph.nodes[node_id].title
    if ctx.json:
        ctx.print_json({"id": node_id, "title": title, "members": group.of,
                        "who": [{"member": m.member, "status": m.status, "since": iso(m.since),
                                 "implemented_at": iso(m.implemented_at)} for m in group.members],
                        "shared_notes": [{"member": n.member, "uid": n.uid, "body": n.body, "shared": n.shared,
                                          "updated_at": iso(n.updated_at)} for n in group.shared_notes]})
        return 0
    ctx.console.print(safe(title, "bold"))
    ctx.console.print(Text(group.read_line()))
    for m in group.members:
        line = Text("  ") + safe(m.member, "bold") + Text(f"  {m.status}")
        if m.since is not None:
            line.append(f" since {local(m.since)}", style="dim")
        if m.implemented_at is not None:
            line.append(f"  implemented {local(m.implemented_at)}", style="green")
        ctx.console.print(line)
    others = [n for n in group.shared_notes if n.shared]
    for note in others:
        ctx.console.rule(safe(f"{note.member}'s note") + Text(f"  {local(note.updated_at)}", style="dim"),
                         align="left")
        ctx.console.print(Markdown(clean(note.body, keep_newlines=True)))
    if not group.members and not others:
        ctx.console.print(Text("nobody in the group has started it yet", style="dim"))
    return 0


def cmd_group_init(ctx) -> int:
    from ..store.group_setup import MEMBER_ROLE, initialise

    setup = initialise(ctx.store.engine)
    if ctx.json:
        ctx.print_json({"database": setup.database, "organiser": setup.organiser, "role": MEMBER_ROLE,
                        "role_created": setup.role_created, "tables": list(setup.tables)})
        return 0
    ctx.console.print(Text(f"{setup.database}: row-level security on for {len(setup.tables)} tables; "
                           f"members write only their own rows", style="green"))
    ctx.console.print(Text(("created" if setup.role_created else "kept") + f" the group role {MEMBER_ROLE}"))
    ctx.console.print(Text("To let a member in (as a role that may create roles):"))
    for command in setup.member_commands():
        ctx.console.print(Text(f"  {command}"))
    return 0


def cmd_share(ctx) -> int:
    prefix = ctx.args.note.strip()
    if len(prefix) < 4:
        raise UserError(f"note id {prefix!r} is too short: give at least 4 characters")
    mine = [n for n in ctx.store.notes() if n.uid.startswith(prefix)]
    if not mine:
        raise UserError(f"you have no note {prefix!r} (tracker notes lists yours)")
    if len(mine) > 1:
        raise UserError(f"{len(mine)} of your notes start with {prefix!r}; give more characters")
    note = ctx.store.share_note(mine[0].uid, not ctx.args.private)
    where = ctx.graph.nodes[note.node_id].title if note.node_id in ctx.graph.nodes else note.node_id
    state = "shared with the group" if note.shared else "private"
    ctx.console.print(Text(f"note {note.uid[:8]} on ") + safe(where, "bold") + Text(f" is now {state}"))
    return 0
