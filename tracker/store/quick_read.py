"""Every recorded status, read with the standard library's sqlite3.

Read-only commands (next, list, show, search, path, topics) need one query,
but importing SQLAlchemy and SQLModel costs about half a second of CPU, most
of such a command's start-up. When the database is a plain SQLite file
already at the current schema, this answers directly, read-only. Anything
else (no file yet, an older schema to migrate, a server URL, a lock or read
error) returns None and the caller opens the full store, which creates,
migrates or explains.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ..config import DB_ENV, default_db_url
from .vocabulary import BUSY_TIMEOUT_S, SCHEMA_HEAD


def sqlite_file(target: str | os.PathLike[str] | None) -> Path | None:
    """The file a --db value, TRACKER_DB or the default names; None for anything but a plain path."""
    text = os.fspath(target) if target is not None else (os.environ.get(DB_ENV) or default_db_url())
    if text.startswith("sqlite:///") and "?" not in text:
        text = text[len("sqlite:///"):]
    elif "://" in text:
        return None
    return Path(text).expanduser().absolute()


def read_statuses(target: str | os.PathLike[str] | None = None, member: str | None = None) -> dict[str, str] | None:
    """The member's node id -> status, oldest change first (as ``Store.statuses``), or None to use the full store."""
    rows = _query(target, "SELECT node_id, status FROM progress WHERE member = ? ORDER BY updated_at", member)
    return None if rows is None else dict(rows)


def read_prefs(target: str | os.PathLike[str] | None = None,
               member: str | None = None) -> tuple[dict[str, int], dict[str, str]] | None:
    """The member's own estimates (minutes) and core/optional roles, as ``Store.estimates``/``roles``; or None."""
    rows = _query(target, "SELECT node_id, estimate_minutes, role FROM node_pref WHERE member = ?", member)
    if rows is None:
        return None
    return ({n: m for n, m, _ in rows if m is not None}, {n: r for n, _, r in rows if r is not None})


def _query(target, sql: str, member: str | None) -> list[tuple] | None:
    """One read-only query for the member, or None where the full store must answer (see the module doc)."""
    from ..config import default_member

    path = sqlite_file(target)
    try:
        if path is None or not path.is_file():
            return None
        # Never open() the file ourselves: closing any descriptor of it drops every SQLite lock this
        # process holds on it (POSIX locks are per process); a foreign file fails the query below.
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    except (OSError, sqlite3.Error):
        return None
    try:
        revisions = [r for (r,) in conn.execute("SELECT version_num FROM alembic_version")]
        if revisions != [SCHEMA_HEAD]:
            return None
        return conn.execute(sql, (member or default_member(),)).fetchall()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
