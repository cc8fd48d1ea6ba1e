"""The dashboard's progress rows as a table that fits any width: titles give way (with an ellipsis)
before the bar, the counts and the skipped/reading figures do."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from ..literal import literal
from .progress_bars import bar

BAR_WIDTH = 24
NARROW_BAR = 10


def progress_table(entries: list[tuple[str, dict, int]], width: int) -> Table:
    """Rows of (title, tally, indent); done means read, skipped and reading are shown apart."""
    bar_width = BAR_WIDTH if width >= 100 else NARROW_BAR
    table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1), expand=False)
    table.add_column(no_wrap=True, overflow="ellipsis", ratio=1, min_width=8, max_width=40)
    table.add_column(no_wrap=True, width=bar_width)
    table.add_column(no_wrap=True, justify="right")
    table.add_column(no_wrap=True)
    for title, entry, indent in entries:
        extra = Text()
        if entry.get("skipped"):
            extra.append(f"+{entry['skipped']} skipped", style="dim")
        if entry.get("reading"):
            extra.append((" · " if extra else "") + f"{entry['reading']} reading", style="yellow")
        table.add_row(literal(" " * indent + title, "bold" if indent == 0 else ""),
                      bar(entry["read"], entry["total"], width=bar_width),
                      Text(f"{entry['read']}/{entry['total']}", style="cyan"), extra)
    return table


def topic_rows(topics: list[dict]) -> list[tuple[str, dict, int]]:
    rows = []
    for entry in topics:
        rows.append((entry["title"], entry, 0))
        rows.extend((child["title"], child, 2) for child in entry["children"])
    return rows
