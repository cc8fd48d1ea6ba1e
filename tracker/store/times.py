"""Stored times read defensively, without SQLAlchemy (the CLI imports this to show them).

SQLite does not enforce column types, so a time column can hold text that is
not a time. Reading it gives an ``UnreadableTime``: it sorts and converts as
the epoch, so nothing that only compares or formats times crashes, and it
keeps the raw value, which is shown as it is and written back unchanged.
"""

from __future__ import annotations

from datetime import datetime, timezone


class UnreadableTime(datetime):
    """A stored time that does not parse: sorts as the epoch, and keeps the raw value for reports."""

    raw: object = None

    @classmethod
    def of(cls, raw: object) -> UnreadableTime:
        value = cls(1970, 1, 1, tzinfo=timezone.utc)
        value.raw = raw
        return value


def parse_stored_time(value: object) -> datetime | None:
    """A stored SQLite time as aware UTC; ``UnreadableTime`` when it is not an ISO time."""
    if value is None or isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        return UnreadableTime.of(value)
    try:
        parsed = datetime.fromisoformat(value)
        return parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        return UnreadableTime.of(value)
