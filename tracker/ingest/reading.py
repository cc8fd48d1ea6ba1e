"""Turn a file's bytes into text the parser can trust, warning about what was repaired.

Handles undecodable bytes, binary files, empty files, huge lines, control
characters and terminal escapes (dropped: list text is shown literally, never
interpreted) and the classic UTF-8-read-as-cp1252 mojibake (``â€™`` for ``’``).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..text import clean
from .items import ImportWarning

MAX_LINE = 20_000
MAX_BYTES = 20 * 1024 * 1024
# Runs of characters that UTF-8 bytes become when decoded as cp1252/latin-1.
_MOJIBAKE_RE = re.compile(r"[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{1,3}")


class UnreadableList(Exception):
    """The file cannot be imported at all (missing, binary, a folder)."""


def _repair(match: re.Match[str]) -> str:
    chunk = match.group()
    for codec in ("cp1252", "latin-1"):
        try:
            return chunk.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return chunk


def fix_mojibake(text: str) -> str:
    return _MOJIBAKE_RE.sub(_repair, text)


def looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    if not head:
        return False
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls / len(head) > 0.1


def read_list(path: Path) -> tuple[str, list[ImportWarning]]:
    """The file's text, and warnings (file:line) about anything repaired."""
    name = clean(str(path))  # a file name with control characters must not reach the terminal
    warnings: list[ImportWarning] = []
    try:
        if path.is_dir():
            raise UnreadableList(f"{name}: is a folder, not a markdown file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UnreadableList(f"{name}: {size} bytes is too large for a reading list (limit {MAX_BYTES})")
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableList(f"{name}: no such file") from None
    except PermissionError:
        raise UnreadableList(f"{name}: permission denied") from None
    except OSError as err:
        raise UnreadableList(f"{name}: cannot read ({err.strerror})") from None
    if looks_binary(data):
        raise UnreadableList(f"{name}: looks like a binary file, not markdown; skipped")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        warnings.append(ImportWarning(name, 1, "empty file: nothing to import"))
        return "", warnings
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        for number, raw in enumerate(data.split(b"\n"), 1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as err:
                warnings.append(ImportWarning(name, number, f"undecodable bytes at column {err.start + 1} replaced with U+FFFD"))
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, 1):
        if len(line) > MAX_LINE:
            warnings.append(ImportWarning(name, number, f"line of {len(line)} characters cut to {MAX_LINE}"))
            lines[number - 1] = line[:MAX_LINE]
        safe = clean(lines[number - 1], keep_newlines=True)
        if safe != lines[number - 1]:
            warnings.append(ImportWarning(name, number, "control characters and terminal escapes dropped"))
            lines[number - 1] = safe
        repaired = fix_mojibake(lines[number - 1])
        if repaired != lines[number - 1]:
            warnings.append(ImportWarning(name, number, "repaired mis-encoded characters (mojibake)"))
            lines[number - 1] = repaired
    return "\n".join(lines), warnings
