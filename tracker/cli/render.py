"""Shared pieces of CLI output: safe text for untrusted strings, status marks, bars."""

from __future__ import annotations

from rich.text import Text

from ..text import clean

STATUS_MARKS = {"unread": "[ ]", "reading": "[~]", "read": "[x]", "skipped": "[-]"}
STATUS_STYLES = {"unread": "", "reading": "yellow", "read": "green", "skipped": "dim"}


def safe(text: str | None, style: str = "") -> Text:
    """Untrusted text as a rich Text: never parsed as markup, control codes removed."""
    return Text(clean(text), style=style)


def node_line(node, status: str = "unread") -> Text:
    line = Text(STATUS_MARKS.get(status, "[ ]") + " ", style=STATUS_STYLES.get(status, ""))
    line.append(clean(node.title), style="bold" if node.kind == "paper" else "")
    extras = []
    if node.authors:
        extras.append(clean(node.authors[0]) + (" et al." if len(node.authors) > 1 else ""))
    if node.year:
        extras.append(str(node.year))
    if extras:
        line.append(f" ({', '.join(extras)})", style="dim")
    line.append(f"  {node.kind}", style="cyan")
    line.append(f"  {node.id}", style="dim")
    return line


def bar(done: int, total: int, width: int = 20) -> Text:
    filled = round(width * done / total) if total else 0
    return Text("█" * filled, style="green") + Text("░" * (width - filled), style="dim")
