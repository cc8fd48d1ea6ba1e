"""Progress figures for ``tracker stats`` (and the TUI): per topic, per list, per week, streak.

What an item is and what done means come from ``tracker.graph.membership``,
so these totals are the tree's and ``tracker topics``'s. The database does
the counting it is good at (reads in a time window, via indexes); the graph
side is one pass over the items. Days and weeks are the user's local ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from ..graph.membership import is_item
from .tables import Progress, StatusChange

WEEKS = 8


COUNTED = ("read", "reading", "skipped")


def _tally(counts: list[int]) -> dict[str, int]:
    return {"read": counts[0], "reading": counts[1], "skipped": counts[2], "total": counts[3]}


def _reported_topics(tg, depth: int) -> list[tuple[str, int]]:
    """The topics shown, with their level: roots, then (depth 2) their sub-topics; concepts are items."""
    shown = []

    def walk(topic_id: str, level: int) -> None:
        shown.append((topic_id, level))
        if level < depth:
            for child in tg.children(topic_id):
                if not is_item(tg, child):
                    walk(child, level + 1)

    for root in tg.roots():
        if not is_item(tg, root):
            walk(root, 1)
    return shown


def progress_tallies(tg, progress: Mapping[str, str], depth: int = 2) -> dict[str, Any]:
    """Totals, per-topic and per-list tallies from one pass over the items.

    Items are first grouped by (their topics, their lists, their status), a
    handful of groups, which are then spread over the shown topics: each item
    counts once under every shown topic above it, however many paths lead
    there, and once per list that cites it.
    """
    groups: Counter = Counter()
    for node in tg.nodes.values():
        if is_item(tg, node.id):
            sources = node.sources
            names = (sources[0].list,) if len(sources) == 1 else tuple(node.lists)
            groups[(tuple(node.topics), names, progress.get(node.id))] += 1

    shown = _reported_topics(tg, depth)
    shown_ids = {t for t, _ in shown}
    above: dict[str, frozenset[str]] = {}  # topic -> the shown topics at or above it

    def shown_above(topic_id: str, trail: frozenset[str] = frozenset()) -> frozenset[str]:
        if topic_id not in above:
            found = {topic_id} & shown_ids
            for parent in tg.nodes[topic_id].topics:
                if parent not in trail:
                    found |= shown_above(parent, trail | {topic_id})
            above[topic_id] = frozenset(found)
        return above[topic_id]

    slot = {status: i for i, status in enumerate(COUNTED)}
    topic_counts = {t: [0, 0, 0, 0] for t in shown_ids}
    list_counts: dict[str, list[int]] = {}
    totals = [0, 0, 0, 0]
    for (topics, names, status), count in groups.items():
        index = slot.get(status)
        targets = set().union(*map(shown_above, topics))
        for counts in [totals, *(topic_counts[t] for t in targets),
                       *(list_counts.setdefault(n, [0, 0, 0, 0]) for n in names)]:
            counts[3] += count
            if index is not None:
                counts[index] += count

    tree: list[dict[str, Any]] = []
    stack: list[list[dict[str, Any]]] = []
    for topic_id, level in shown:
        entry = {"id": topic_id, "title": tg.nodes[topic_id].title, **_tally(topic_counts[topic_id]),
                 "children": []}
        del stack[level - 1:]
        (stack[-1] if stack else tree).append(entry)
        stack.append(entry["children"])
    titles = {}
    for list_id, info in tg.lists.items():
        titles[list_id] = titles[info.get("file", list_id)] = info.get("title") or list_id
    lists = [{"list": name, "title": titles.get(name, name), **_tally(counts)}
             for name, counts in list_counts.items()]
    return {"totals": _tally(totals), "topics": tree, "lists": lists}


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time()).astimezone()


def standing_read_times(store, since: datetime | None = None) -> list[datetime]:
    """For each item read now, when it was marked read (its latest read mark that was not undone).

    A read that was later set back to unread, reading or skipped, by a mark
    or an undo, no longer counts; reading something twice counts once, at
    the read that stands.
    """
    history, progress = StatusChange.__table__, Progress.__table__
    latest = sa.func.max(history.c.at, type_=history.c.at.type)
    query = (sa.select(latest)
             .join(progress, sa.and_(progress.c.member == history.c.member, progress.c.node_id == history.c.node_id))
             .where(history.c.member == store.member, progress.c.status == "read", history.c.to_status == "read",
                    history.c.is_undo.is_(False), history.c.undone_at.is_(None))
             .group_by(history.c.node_id))
    if since is not None:
        query = query.having(latest >= since)
    with store.connection() as conn:
        return sorted(conn.execute(query).scalars())


def weekly_reads(read_times: list[datetime], today: date, weeks: int = WEEKS) -> list[dict[str, Any]]:
    """Reads per ISO week, oldest first, ending with the current week."""
    per_week = Counter(week_start(t.astimezone().date()) for t in read_times)
    starts = [week_start(today) - timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]
    out = []
    for start in starts:
        year, week, _ = start.isocalendar()
        out.append({"week": f"{year}-W{week:02d}", "start": start.isoformat(), "reads": per_week[start]})
    return out


def streak_length(read_days: set[date], today: date) -> int:
    """Consecutive days with a read, ending today (or yesterday: today's read may still come)."""
    day = today if today in read_days else today - timedelta(days=1)
    count = 0
    while day in read_days:
        count += 1
        day -= timedelta(days=1)
    return count


def current_streak(store, today: date, recent: list[datetime], window_start: date) -> int:
    """The streak: reads already fetched cover the window; older days are probed a batch at a time."""
    days = {t.astimezone().date() for t in recent}
    length = streak_length(days, today)
    first = (today if today in days else today - timedelta(days=1)) - timedelta(days=length - 1)
    if length == 0 or first > window_start:
        return length  # the day before the streak is inside the window, so it had no read
    day, batch = first - timedelta(days=1), 32
    while True:
        probes = [day - timedelta(days=i) for i in range(batch)]
        found = store.days_with_reads([(local_midnight(d), local_midnight(d + timedelta(days=1))) for d in probes])
        for hit in found:
            if not hit:
                return length
            length += 1
        day -= timedelta(days=batch)
        batch = min(batch * 2, 512)


def summary(tg, store, progress: Mapping[str, str], today: date | None = None) -> dict[str, Any]:
    """Everything ``tracker stats`` shows, as plain data."""
    today = today or date.today()
    window_start = week_start(today) - timedelta(weeks=WEEKS - 1)
    since = local_midnight(window_start)
    recent = store.read_times(since=since)  # every read mark not undone: the streak counts days of reading
    tallies = progress_tallies(tg, progress)
    return {
        "totals": tallies["totals"],
        "recorded": store.status_totals(),
        "notes": store.note_count(),
        "topics": tallies["topics"],
        "lists": tallies["lists"],
        "weekly_reads": weekly_reads(standing_read_times(store, since), today),  # reads that still stand
        "streak_days": current_streak(store, today, recent, window_start),
    }
