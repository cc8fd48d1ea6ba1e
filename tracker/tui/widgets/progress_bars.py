"""Text progress bars for the dashboard: one line per topic, no animation, no clock."""

from __future__ import annotations

from rich.text import Text

from ..literal import literal

BAR_WIDTH = 24
TITLE_WIDTH = 34


def bar(done: int, total: int, width: int = BAR_WIDTH) -> Text:
    filled = round(width * done / total) if total else 0
    return Text("█" * filled, style="green") + Text("░" * (width - filled), style="dim")


def done_of(entry: dict) -> int:
    """Done means read (``tracker.graph.membership``); skipped items are shown apart."""
    return entry["read"]


def progress_line(title: str, entry: dict, indent: int = 0) -> Text:
    """``title  ████░░  done/total  (n reading)`` with the title cut to a fixed column."""
    name = (" " * indent) + title
    if len(name) > TITLE_WIDTH:
        name = name[: TITLE_WIDTH - 1] + "…"
    line = literal(f"{name:<{TITLE_WIDTH}} ", "bold" if indent == 0 else "")
    line.append_text(bar(done_of(entry), entry["total"]))
    line.append(f" {done_of(entry):>4}/{entry['total']:<4}", style="cyan")
    if entry.get("skipped"):
        line.append(f" +{entry['skipped']} skipped", style="dim")
    if entry.get("reading"):
        line.append(f" {entry['reading']} reading", style="yellow")
    return line


def topic_lines(topics: list[dict]) -> Text:
    lines = []
    for entry in topics:
        lines.append(progress_line(entry["title"], entry))
        lines.extend(progress_line(child["title"], child, indent=2) for child in entry["children"])
    return Text("\n").join(lines)
