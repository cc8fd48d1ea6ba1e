"""Untrusted text made safe to show: no terminal control sequences, no markup.

Text from reading lists and notes is shown literally. Rich/Textual markup is
neutralised by callers using ``rich.text.Text`` (never markup strings); this
module removes what ``Text`` would still pass to the terminal: ANSI escape
sequences and other control characters.
"""

from __future__ import annotations

import re

_ANSI_RE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str | None, keep_newlines: bool = False) -> str:
    """Remove escape sequences and control characters; keep printable text."""
    if not text:
        return ""
    text = _ANSI_RE.sub("", text)
    if not keep_newlines:
        text = text.replace("\n", " ").replace("\t", " ")
    return _CONTROL_RE.sub(lambda m: "\ufffd" if m.group() == "\x1b" else "", text)


def is_safe_url(url: str | None) -> bool:
    """Only plain http(s) links are ever opened."""
    if not url:
        return False
    lowered = url.strip().lower()
    return lowered.startswith(("http://", "https://")) and not _CONTROL_RE.search(url) and " " not in url.strip()
