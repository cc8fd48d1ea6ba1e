"""Noticing writes made by other processes (another window, ``tracker mark``) to the same SQLite file.

SQLite's ``PRAGMA data_version`` changes on a connection when another
connection commits, and costs next to nothing when nothing did, so the app
asks it on a short timer and re-reads the statuses only after a change.
It misses commits in one case, measured here: once another process, closing
last, checkpointed and removed the WAL file under this connection. So the
database and WAL files' size and modification time are compared too (two
``stat`` calls). Other databases (a PostgreSQL URL) are not watched.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from ..config import default_member
from ..store.quick_read import sqlite_file

POLL_INTERVAL_S = 0.5


class DatabaseWatch:
    """One read-only connection kept open, used from one thread at a time."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self._files = (path, path.with_name(path.name + "-wal"))
        self._lock = threading.Lock()
        self._version = self._signature()

    @classmethod
    def open(cls, target) -> DatabaseWatch | None:
        """A watch on the SQLite file ``target`` names, or None (no such file, not SQLite, a server URL).

        The file is never opened with plain ``open()``: closing any other
        descriptor on it would drop this process's SQLite locks (POSIX
        locks are per process), and another process could then remove the
        WAL under the app's live connections.
        """
        path = sqlite_file(target)
        if path is None or not path.is_file():
            return None
        try:
            conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=1, check_same_thread=False)
        except sqlite3.Error:
            return None
        try:
            conn.execute("PRAGMA schema_version").fetchall()  # "file is not a database" for anything else
        except sqlite3.Error:
            conn.close()
            return None
        return cls(conn, path)

    def _data_version(self) -> int | None:
        try:
            # fetchall steps the statement to its end: a statement left open would hold a read
            # snapshot, and the connection would then never see another process's commit
            return self._conn.execute("PRAGMA data_version").fetchall()[0][0]
        except sqlite3.Error:
            return None

    def _signature(self) -> tuple:
        stamps = []
        for file in self._files:
            try:
                info = os.stat(file)
                stamps.append((info.st_ino, info.st_size, info.st_mtime_ns))
            except OSError:
                stamps.append(None)
        return (self._data_version(), *stamps)

    def changed(self) -> bool:
        """True once for every batch of commits made elsewhere since the last call."""
        with self._lock:
            signature = self._signature()
            if signature[0] is None or signature == self._version:
                return False
            self._version = signature
            return True

    def statuses(self) -> dict[str, str] | None:
        """node id -> status as the file holds it now; None when it cannot be read (locked, damaged)."""
        with self._lock:
            try:
                return dict(self._conn.execute("SELECT node_id, status FROM progress WHERE member = ?",
                                               (default_member(),)).fetchall())
            except sqlite3.Error:
                return None

    def close(self) -> None:
        with self._lock:
            self._conn.close()
