"""Read-only graph commands: topics, list, show, search, next, path."""

from __future__ import annotations

from rich.text import Text
from rich.tree import Tree

from ..errors import UserError
from ..graph import queries
from ..graph.model import NODE_KINDS
from .render import bar, node_line, safe


def register(sub, common) -> None:
    p = sub.add_parser("topics", parents=[common], help="the topic tree with item counts")
    p.add_argument("--depth", type=int, default=None, help="levels to show")
    p.add_argument("--by", choices=("list", "topic"), default="list",
                   help="list: one root per reading list (default); topic: the canonical topic map across lists")
    p.set_defaults(func=cmd_topics)

    p = sub.add_parser("list", parents=[common], help="items, optionally by topic and kind")
    p.add_argument("--topic", help="topic id or title")
    p.add_argument("--kind", choices=NODE_KINDS)
    p.add_argument("--status", choices=("unread", "reading", "read", "skipped"))
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", parents=[common], help="everything about one node")
    p.add_argument("id", help="node id, alias or title")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("search", parents=[common],
                       help="fuzzy search over names, descriptions, reasons, claims and your notes; forgives typos")
    p.add_argument("text", nargs="+")
    p.add_argument("-n", type=int, default=20, help="maximum results")
    p.add_argument("--kind", choices=NODE_KINDS)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("next", parents=[common], help="what to read now: what you are reading, then what is ready, with reasons")
    p.add_argument("-n", type=int, default=10, help="how many rows (0: all)")
    p.add_argument("--topic", help="only under this topic")
    p.add_argument("--track", choices=("read", "implemented"), default="read",
                   help="read: what is ready to read (default); implemented: read items whose "
                        "implementation's tests have not passed here yet")
    p.set_defaults(func=cmd_next)

    p = sub.add_parser("path", parents=[common], help="the learning path to a target, each step with its reason")
    p.add_argument("target", help="node id, alias or title")
    p.add_argument("--optional", action="store_true", help="include optional (supplementary) steps")
    p.add_argument("--done", action="store_true", help="list the steps already done")
    p.set_defaults(func=cmd_path)

    from .commands_queue import register as register_queue  # estimate, role

    register_queue(sub, common)


def _topic_label(tg, topic_id: str, counts) -> Text:
    tally = counts[topic_id]
    label = safe(tg.nodes[topic_id].title, "bold")
    label.append(f"  {tally.read}/{tally.total}", style="cyan")
    if tally.skipped:
        label.append(f" +{tally.skipped} skipped", style="dim")
    label.append(f"  {topic_id}", style="dim")
    return label


def cmd_topics(ctx) -> int:
    from ..graph import membership

    if ctx.args.by == "topic":
        from .commands_topic_map import cmd_topics_by_topic

        return cmd_topics_by_topic(ctx)
    tg = ctx.graph
    progress = ctx.progress()
    counts = {}  # the tree's and `tracker stats`'s count: done means read, skipped shown apart

    def subtree(topic_id: str, depth: int) -> dict:
        kids = [c for c in tg.children(topic_id) if not tg.is_unit(c)]
        tally = counts[topic_id] = membership.topic_tally(tg, topic_id, progress)  # 0/0 for an empty list
        return {
            "id": topic_id, "title": tg.nodes[topic_id].title, "done": tally.done, "items": tally.total,
            "read": tally.read, "reading": tally.reading, "skipped": tally.skipped,
            "children": [subtree(k, depth + 1) for k in kids] if ctx.args.depth is None or depth < ctx.args.depth else [],
        }

    forest = [subtree(r, 1) for r in tg.roots()]
    if ctx.json:
        ctx.print_json(forest)
        return 0

    def build(tree: Tree, entry: dict) -> None:
        for child in entry["children"]:
            build(tree.add(_topic_label(tg, child["id"], counts)), child)

    for entry in forest:
        tree = Tree(_topic_label(tg, entry["id"], counts))
        build(tree, entry)
        ctx.console.print(tree)
    return 0


def _topic_id(ctx, key: str) -> str:
    node_id = ctx.resolve(key)
    if not ctx.graph.nodes[node_id].is_topic:
        raise UserError(f"{key!r} is a {ctx.graph.nodes[node_id].kind}, not a topic")
    return node_id


def cmd_list(ctx) -> int:
    tg = ctx.graph
    progress = ctx.progress()
    if ctx.args.topic:
        ids = queries.items_under(tg, _topic_id(ctx, ctx.args.topic))
    else:
        ids = [n.id for n in sorted(tg.nodes.values(), key=lambda n: queries.sort_key(n)) if tg.is_unit(n.id)]
    if ctx.args.kind:
        ids = [i for i in ids if tg.nodes[i].kind == ctx.args.kind]
    if ctx.args.status:
        ids = [i for i in ids if progress.get(i, "unread") == ctx.args.status]
    if ctx.json:
        ctx.print_json([dict(tg.nodes[i].to_json(), status=progress.get(i, "unread")) for i in ids])
        return 0
    for i in ids:
        ctx.console.print(node_line(tg.nodes[i], progress.get(i, "unread")))
    ctx.console.print(Text(f"{len(ids)} items", style="dim"))
    return 0


def show_data(ctx, node_id: str) -> dict:
    tg = ctx.graph
    node = tg.nodes[node_id]
    progress = ctx.progress()
    data = node.to_json()
    data["description"] = node.description
    data["status"] = progress.get(node_id, "unread")
    data["prerequisites"] = [
        {"id": r, "title": tg.nodes[r].title, "reason": tg.reason(node_id, r), "status": progress.get(r, "unread")}
        for r in tg.out_ids(node_id, "requires")
    ]
    data["inherited_prerequisites"] = [
        {"id": r, "title": tg.nodes[r].title, "via": t, "reason": tg.reason(t, r)}
        for t in queries.ordering_ancestors(tg, node_id) for r in tg.out_ids(t, "requires")
    ]
    data["dependents"] = [{"id": d, "title": tg.nodes[d].title} for d in tg.in_ids(node_id, "requires")]
    data["related"] = [{"id": r, "title": tg.nodes[r].title}
                       for r in tg.out_ids(node_id, "related") + tg.in_ids(node_id, "related")]
    data["no_implementation"] = node.no_implementation
    if node.implementation:
        data["implementation_detail"] = implementation_detail(ctx, node.implementation)
    if node.is_topic:
        data["children"] = tg.children(node_id)
    return data


def implementation_detail(ctx, slug: str) -> dict:
    """The linked implementation's claim and its last demo and test results on this machine."""
    from ..impl_meta import MetaError, discover

    try:
        meta = discover().get(slug)
    except MetaError:
        meta = None
    detail: dict = {"slug": slug, "installed": meta is not None}
    if meta:
        detail.update(title=meta.title, claim=meta.claim, expected_cpu_seconds=meta.expected_cpu_seconds)
    for kind in ("demo", "test"):  # the last run, and the last one that reached a verdict (a cancel hides none)
        for key, run in ((f"last_{kind}", ctx.store.last_run(slug, kind)),
                         (f"{kind}_verdict", ctx.store.last_run(slug, kind, finished=True))):
            detail[key] = None if run is None else {
                "outcome": run.outcome, "when": run.started_at.isoformat(), "claim": run.claim, "verdict": run.verdict}
    detail["implemented"] = bool(detail["test_verdict"] and detail["test_verdict"]["outcome"] == "passed")
    return detail


def cmd_show(ctx) -> int:
    node_id = ctx.resolve(ctx.args.id)
    data = show_data(ctx, node_id)
    if ctx.json:
        ctx.print_json(data)
        return 0
    c = ctx.console
    node = ctx.graph.nodes[node_id]
    c.print(safe(node.title, "bold"))
    meta = Text(f"{node.kind}  ", style="cyan")
    meta.append(f"id {node.id}  status {data['status']}", style="dim")
    c.print(meta)
    for label, value in (("authors", ", ".join(node.authors)), ("year", str(node.year or "")),
                         ("aliases", "; ".join(node.aliases)), ("tags", " ".join(node.tags)),
                         ("arXiv", node.arxiv or ""), ("url", node.url or "")):
        if value:
            c.print(Text(f"{label:>13}  ", style="dim") + safe(value))
    for link in node.links:
        c.print(Text(f"{'link':>13}  ", style="dim") + safe(f"[{link.label or link.kind or 'link'}] {link.url}"))
    if node.description:
        c.print(Text(f"{'notes':>13}  ", style="dim") + safe(node.description[:500]))
    if node.topics:
        c.print(Text(f"{'topics':>13}  ", style="dim") + safe(", ".join(node.topics)))
    for src in node.sources:
        c.print(Text(f"{'from':>13}  ", style="dim") + safe(f"{src.list}:{src.line}"))
    for req in data["prerequisites"]:
        c.print(Text(f"{'requires':>13}  ", style="dim") + safe(f"{req['id']} — {req['reason']}"))
    for req in data["inherited_prerequisites"]:
        c.print(Text(f"{'requires':>13}  ", style="dim") + safe(f"{req['id']} (via {req['via']}) — {req['reason']}"))
    for dep in data["dependents"]:
        c.print(Text(f"{'needed by':>13}  ", style="dim") + safe(dep["id"]))
    for rel in data["related"]:
        c.print(Text(f"{'related':>13}  ", style="dim") + safe(rel["id"]))
    if node.implementation:
        detail = data["implementation_detail"]
        c.print(Text(f"{'code':>13}  ", style="dim") + safe(f"implementations/{node.implementation}  (tracker run {node.id})"))
        if detail.get("claim"):
            c.print(Text(f"{'claim':>13}  ", style="dim") + safe(detail["claim"]))
        for kind in ("demo", "test"):
            last, verdict = detail[f"last_{kind}"], detail[f"{kind}_verdict"]
            if verdict:
                c.print(Text(f"{kind + ' verdict':>13}  ", style="dim")
                        + safe(f"{verdict['outcome']} ({verdict['when'][:16]})"))
            if last and last != verdict:
                c.print(Text(f"{'last ' + kind:>13}  ", style="dim") + safe(f"{last['outcome']} ({last['when'][:16]})"))
        if not detail["installed"]:
            c.print(Text(f"{'':>13}  implementation not installed", style="red"))
    elif node.no_implementation:
        c.print(Text(f"{'code':>13}  ", style="dim") + safe(f"none: {node.no_implementation}"))
    if node.is_topic:
        for child in data["children"]:
            c.print(Text(f"{'contains':>13}  ", style="dim") + safe(f"{child} — {ctx.graph.nodes[child].title}"))
    return 0


def cmd_search(ctx) -> int:
    tg = ctx.graph
    kinds = {ctx.args.kind} if ctx.args.kind else None
    hits = queries.search(tg, " ".join(ctx.args.text), limit=ctx.args.n, kinds=kinds, extra=_search_extra(ctx))
    if ctx.json:
        ctx.print_json([{"id": h.id, "title": tg.nodes[h.id].title, "kind": tg.nodes[h.id].kind,
                         "score": round(h.score, 3), "matched": h.field} for h in hits])
        return 0
    if not hits:
        ctx.console.print(Text("no matches", style="dim"))
        return 1
    progress = ctx.progress()
    for hit in hits:
        line = node_line(tg.nodes[hit.id], progress.get(hit.id, "unread"))
        if hit.field in ("note", "claim", "about", "reason"):  # found in what is said about it, not its name
            line.append(f"  matched {hit.field}", style="yellow")
        ctx.console.print(line)
    return 0


def _search_extra(ctx) -> list:
    """The user's notes and the implementations' claims, searched with the graph (no store: no notes)."""
    from ..graph.search import search_texts
    from ..impl_meta import MetaError, discover
    from ..store import StoreError

    try:
        claims = {slug: meta.claim for slug, meta in discover().items()}
    except MetaError:
        claims = {}
    try:
        notes = ctx.store.notes()
    except (StoreError, UserError):
        notes = []
    return search_texts(ctx.graph, notes, claims)


def cmd_next(ctx) -> int:
    tg = ctx.graph
    progress = ctx.progress()
    topic = _topic_id(ctx, ctx.args.topic) if ctx.args.topic else None
    if ctx.args.track == "implemented":
        return _next_to_run(ctx, progress, topic)
    from .commands_queue import print_next

    return print_next(ctx, progress, topic)


def _next_to_run(ctx, progress, topic: str | None) -> int:
    """Read items whose implementation has not passed its tests on this machine, in list order."""
    from ..graph.membership import items_of
    from ..graph.model import sort_key
    from ..review.mastery import Mastery

    tg = ctx.graph
    ids = Mastery(tg, ctx.store, progress).not_run()
    if topic is not None:
        under = set(items_of(tg, topic))
        ids = [i for i in ids if i in under]
    ids = sorted(ids, key=lambda i: sort_key(tg.nodes[i]))[: ctx.args.n]
    if ctx.json:
        ctx.print_json([dict(tg.nodes[i].to_json(), implementation=tg.nodes[i].implementation) for i in ids])
        return 0
    if not ids:
        ctx.console.print(Text("nothing to run: every read item with an implementation has passed its tests here",
                               style="dim"))
        return 0
    for rank, i in enumerate(ids, 1):
        line = Text(f"{rank:>3}. ")
        line.append_text(node_line(tg.nodes[i], progress.get(i, "unread")))
        line.append(f"  tracker run {tg.nodes[i].implementation} --tests", style="cyan")
        ctx.console.print(line)
    return 0


def cmd_path(ctx) -> int:
    from .commands_queue import cmd_path as explained_path

    return explained_path(ctx)
    ctx.console.print(Text("Learning plan for ", style="dim") + safe(tg.nodes[target].title, "bold")
                      + Text(f"  ({len(plan)} steps)", style="dim"))
    for step, i in enumerate(plan, 1):
        line = Text(f"{step:>3}. ")
        line.append_text(node_line(tg.nodes[i], progress.get(i, "unread")))
        ctx.console.print(line)
    done, total = sum(progress.get(i) in ("read", "skipped") for i in plan), len(plan)
    ctx.console.print(bar(done, total) + Text(f" {done}/{total}", style="dim"))
    return 0
