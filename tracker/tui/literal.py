"""Untrusted strings turned into renderables that show exactly what was typed.

Titles, authors and notes come from reading lists and users: a title such as
``[bold]x[/]`` must appear with its brackets, and escape sequences must never
reach the terminal. Every widget gets its text through these helpers.
"""

from __future__ import annotations

import re
from datetime import datetime

from rich.text import Text

from ..text import clean

# Only colour (SGR) sequences survive in run logs; cursor moves, titles and other controls go.
_NON_SGR = re.compile(r"\x1b\[[0-?]*[ -/]*[@-ln-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f]")


def literal(text: str | None, style: str = "") -> Text:
    """One line of untrusted text, never parsed as markup."""
    return Text(clean(text), style=style)


def literal_block(text: str | None) -> str:
    """Multi-line untrusted text (markdown notes) with control characters removed."""
    return clean(text, keep_newlines=True)


def escape_markup(text: str | None) -> str:
    """For the few Textual APIs that only take markup strings (palette help)."""
    from textual.markup import escape

    return escape(clean(text))


def ansi_line(text: str) -> Text:
    """A line of our own subprocess output with its colours kept (pytest) and other controls removed."""
    text = _CONTROLS.sub("", _NON_SGR.sub("", text.replace("\t", "    ")))
    return Text.from_ansi(text)


def local_date(moment: datetime | None) -> str:
    """A stored UTC time as the user's local calendar day."""
    return moment.astimezone().strftime("%Y-%m-%d") if moment else ""
