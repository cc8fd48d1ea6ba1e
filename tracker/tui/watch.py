"""Noticing writes made by other processes (another window, ``tracker mark``) to the same SQLite file.

SQLite's ``PRAGMA data_version`` changes on a connection when another
connection commits, and costs next to nothing when nothing did, so the app
asks it on a short timer and re-reads the statuses only after a change.
Other databases (a PostgreSQL URL) are not watched: the app says so once.
"""

from __future__ import annotations

import sqlite3
import threading

from ..store.quick_read import sqlite_file
from ..store.vocabulary import SQLITE_MAGIC

POLL_INTERVAL_S = 0.5


class DatabaseWatch:
    """One read-only connection kept open, used from one thread at a time."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._lock = threading.Lock()
        self._version = self._data_version()

    @classmethod
    def open(cls, target) -> DatabaseWatch | None:
        path = sqlite_file(target)
        try:
            if path is None or not path.is_file():
                return None
            with open(path, "rb") as handle:
                if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                    return None
            conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=1, check_same_thread=False)
            return cls(conn)
        except (OSError, sqlite3.Error):
            return None

    def _data_version(self) -> int | None:
        try:
            return self._conn.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error:
            return None

    def changed(self) -> bool:
        """True once for every batch of commits made elsewhere since the last call."""
        with self._lock:
            version = self._data_version()
            if version is None or version == self._version:
                return False
            self._version = version
            return True

    def statuses(self) -> dict[str, str] | None:
        """node id -> status as the file holds it now; None when it cannot be read (locked, damaged)."""
        with self._lock:
            try:
                return dict(self._conn.execute("SELECT node_id, status FROM progress"))
            except sqlite3.Error:
                return None

    def close(self) -> None:
        with self._lock:
            self._conn.close()
