"""The store's fixed words (statuses, run kinds and outcomes) and its error type.

Kept free of SQLAlchemy so the CLI can validate input and import the error
without paying for the database libraries.
"""

from __future__ import annotations

from ..errors import UserError

# The newest migration. Opening a database already at this revision skips
# loading Alembic, and read-only commands read it without SQLAlchemy
# (quick_read); tests check it matches migrations/versions.
SCHEMA_HEAD = "0006"
BUSY_TIMEOUT_S = 30  # how long a connection waits for another process's write lock
STATUSES = ("unread", "reading", "read", "skipped")
RUN_KINDS = ("demo", "test")
RUN_OUTCOMES = ("running", "passed", "failed", "cancelled", "interrupted", "timed out", "crashed")
FINISHED_OUTCOMES = ("passed", "failed")  # the run got to its verdict
ROLES = ("core", "optional")  # a node on a learning path: needed, or left out unless asked for


class StoreError(UserError):
    """A database problem the user can act on; the CLI shows it as one line."""


def check_status(status: str) -> str:
    if status not in STATUSES:
        raise StoreError(f"invalid status {status!r} (choose from: {', '.join(STATUSES)})")
    return status


def check_choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise StoreError(f"invalid {what} {value!r} (choose from: {', '.join(allowed)})")
    return value
