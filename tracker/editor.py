"""Editing text in the user's own editor ($VISUAL or $EDITOR), run directly, never through a shell."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile

from .errors import UserError


def editor_command() -> list[str]:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        command = shlex.split(editor)
    except ValueError:
        raise UserError(f"cannot parse the editor command {editor!r}") from None
    if not command:
        raise UserError("$EDITOR is empty: set it, or use -m TEXT")
    return command


def edit_text(text: str = "") -> str:
    """Open the editor on a temporary markdown file holding ``text``; return what was saved.

    The file ends with a newline, as editors and POSIX expect; a text that
    comes back differing only by that newline is returned unchanged.
    """
    command = editor_command()
    fd, path = tempfile.mkstemp(prefix="tracker-note-", suffix=".md")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text if not text or text.endswith("\n") else text + "\n")
        try:
            result = subprocess.run([*command, path])
        except OSError as err:
            raise UserError(f"cannot start editor {command[0]!r}: {err.strerror or err}; set $EDITOR, or use -m TEXT") from None
        if result.returncode != 0:
            raise UserError(f"the editor exited with status {result.returncode}; nothing saved")
        with open(path, encoding="utf-8", errors="replace") as fh:
            edited = fh.read()
        return text if edited == text + "\n" else edited
    finally:
        os.unlink(path)
