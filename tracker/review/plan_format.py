"""The weekly plan as text lines, a Markdown checklist, or an iCalendar file (one event per week).

Titles are untrusted: Markdown escapes them (``export.md_text``), iCalendar
text values are escaped by the ``icalendar`` package itself.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from ..export import md_text
from ..text import clean

VERBS = {"review": "Review", "read": "Read", "run": "Run the implementation of"}


def hours(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h}h {m:02d}m" if h else f"{m}m"


def week_heading(week) -> str:
    flag = f" — over budget by {hours(week.minutes - week.budget)}" if week.over_budget else ""
    return (f"Week {week.number} (from {week.start:%Y-%m-%d}): {hours(week.minutes)} of {hours(week.budget)}, "
            f"{week.count('read')} to read, {week.count('review')} to review, {week.count('run')} to run{flag}")


def task_text(tg, task) -> str:
    return f"{VERBS[task.what]} {clean(tg.nodes[task.node_id].title)} ({hours(task.minutes)})"


def to_markdown(tg, plan) -> str:
    lines = ["# Study plan", ""]
    for week in plan:
        lines += [f"## {md_text(week_heading(week))}", ""]
        for task in week.tasks:
            title = md_text(tg.nodes[task.node_id].title)
            lines.append(f"- [ ] {VERBS[task.what]} {title} ({hours(task.minutes)}) `{task.node_id}`")
        if not week.tasks:
            lines.append("- nothing planned")
        lines.append("")
    return "\n".join(lines)


def to_ics(tg, plan) -> bytes:
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//tracker//study plan//EN")
    cal.add("version", "2.0")
    for week in plan:
        event = Event()
        event.add("uid", f"tracker-plan-week-{week.number}-{week.start:%Y%m%d}")
        event.add("dtstamp", datetime.combine(week.start, time(), tzinfo=timezone.utc))
        event.add("dtstart", week.start)
        event.add("dtend", week.start + timedelta(days=7))
        event.add("summary", week_heading(week))
        event.add("description", "\n".join(task_text(tg, t) for t in week.tasks) or "nothing planned")
        cal.add_component(event)
    return cal.to_ical()
