"""Progress figures for ``tracker stats`` (and the TUI): per topic, per list, per week, streak.

The database does the counting it is good at (totals, reads in a time
window, via indexes); the graph side is one pass over the items. Days and
weeks are the user's local ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from ..graph.queries import items_under

WEEKS = 8


def tally(item_ids: list[str], progress: Mapping[str, str]) -> dict[str, int]:
    counts = Counter(progress.get(i, "unread") for i in item_ids)
    return {"read": counts["read"], "reading": counts["reading"], "skipped": counts["skipped"],
            "total": len(item_ids)}


def topic_progress(tg, progress: Mapping[str, str], depth: int = 2) -> list[dict[str, Any]]:
    """Top-level topics and (with depth 2) their sub-topics."""

    def entry(topic_id: str, level: int) -> dict[str, Any]:
        data = {"id": topic_id, "title": tg.nodes[topic_id].title, **tally(items_under(tg, topic_id), progress)}
        kids = [c for c in tg.children(topic_id) if tg.nodes[c].is_topic] if level < depth else []
        data["children"] = [entry(k, level + 1) for k in kids]
        return data

    return [entry(root, 1) for root in tg.roots()]


def list_progress(tg, progress: Mapping[str, str]) -> list[dict[str, Any]]:
    """Each reading list's items (the lists that cite them), in the order lists appear."""
    members: dict[str, list[str]] = {}
    for node in tg.nodes.values():
        if not node.is_topic:
            for name in node.lists:
                members.setdefault(name, []).append(node.id)
    titles = {}
    for list_id, info in tg.lists.items():
        titles[list_id] = titles[info.get("file", list_id)] = info.get("title") or list_id
    return [{"list": name, "title": titles.get(name, name), **tally(ids, progress)}
            for name, ids in members.items()]


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time()).astimezone()


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
    """The streak, fetching older reads only while it runs back past what we have."""
    days = {t.astimezone().date() for t in recent}
    start = window_start
    span = 64
    while True:
        length = streak_length(days, today)
        first = (today if today in days else today - timedelta(days=1)) - timedelta(days=length - 1)
        if length == 0 or first > start:
            return length
        older = store.read_times(since=local_midnight(start - timedelta(days=span)), until=local_midnight(start))
        if not older:
            return length
        days.update(t.astimezone().date() for t in older)
        start -= timedelta(days=span)
        span *= 2


def summary(tg, store, progress: Mapping[str, str], today: date | None = None) -> dict[str, Any]:
    """Everything ``tracker stats`` shows, as plain data."""
    today = today or date.today()
    window_start = week_start(today) - timedelta(weeks=WEEKS - 1)
    recent = store.read_times(since=local_midnight(window_start))
    items = [n.id for n in tg.nodes.values() if not n.is_topic]
    return {
        "totals": tally(items, progress),
        "recorded": store.status_totals(),
        "notes": store.note_count(),
        "topics": topic_progress(tg, progress),
        "lists": list_progress(tg, progress),
        "weekly_reads": weekly_reads(recent, today),
        "streak_days": current_streak(store, today, recent, window_start),
    }
