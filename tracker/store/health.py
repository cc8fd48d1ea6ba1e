"""Rows that do not parse: found, repaired where the value can be read, quarantined where it cannot.

SQLite does not enforce column types, so a hand edit or another tool can
leave a time that is not a time, a status outside the vocabulary or metrics
that are not JSON. Commands read such rows defensively; ``tracker doctor``
lists them, and ``doctor --repair`` rewrites times that parse but are not in
the stored form (they would sort wrongly), then moves every row that still
has a bad value into a quarantine file. That file is a backup of just those
rows, values as they were: fix it by hand and ``tracker restore`` it.
Nothing is deleted before the quarantine file is safely on disk.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from .api import Store
from .backup import FIELDS, FORMAT, KEYS, TABLES, VERSION, raw_columns, to_record, write_json_atomic
from .tables import utcnow
from .vocabulary import RUN_KINDS, RUN_OUTCOMES, SCHEMA_HEAD, STATUSES

REQUIRED_TIMES = {"updated_at", "at", "created_at", "due", "added_at", "reviewed_at"}
CHOICES = {"status": STATUSES, "from_status": STATUSES, "to_status": STATUSES, "kind": RUN_KINDS,
           "outcome": RUN_OUTCOMES}


@dataclass(frozen=True)
class BadValue:
    """One value that does not parse; ``fix`` is the stored form to rewrite it to, when there is one."""

    section: str  # the backup section: progress, history, notes, runs
    row: str  # the row's key: node id (progress) or row id
    column: str
    value: Any
    problem: str
    fix: str | None = None

    def to_json(self) -> dict[str, Any]:
        value = self.value if isinstance(self.value, (str, int, float, bool, type(None))) else repr(self.value)
        return {"section": self.section, "row": self.row, "column": self.column, "value": value,
                "problem": self.problem, "repairable": self.fix is not None}


@dataclass(frozen=True)
class RepairReport:
    repaired: int
    quarantined: dict[str, int]
    file: Path | None


def _stored_form(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


def _check_time(column: str, value: Any) -> tuple[str, str | None] | None:
    """None when fine; otherwise (problem, stored form if it can be repaired)."""
    if value is None:
        return ("missing (a time is required)", None) if column in REQUIRED_TIMES else None
    if isinstance(value, datetime):  # a backend with real time types
        return None
    if not isinstance(value, str):
        return f"{type(value).__name__} {value!r} is not a time", None
    try:
        parsed = datetime.fromisoformat(value)
        parsed = parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed
        stored = _stored_form(parsed)
    except (ValueError, OverflowError):
        return f"{value!r} is not a time", None
    if stored != value:
        return f"{value!r} is not in the stored form (it sorts wrongly)", stored
    return None


def _check(column: str, value: Any) -> tuple[str, str | None] | None:
    if column in ("started_at", "finished_at", "updated_at", "at", "undone_at", "created_at", "ended_at"):
        return _check_time(column, value)
    if column in CHOICES and value not in CHOICES[column]:
        return f"{value!r} is not one of {', '.join(CHOICES[column])}", None
    if column in ("node_id", "uid", "slug") and (not isinstance(value, str) or not value):
        return f"{value!r} is not an id", None
    if column == "is_undo" and value not in (0, 1):
        return f"{value!r} is not true or false", None
    if column == "metrics" and value is not None and not isinstance(_json(value), dict):
        return f"{value!r} is not a JSON object", None
    return None


def _json(value: Any) -> Any:
    if not isinstance(value, (str, bytes)):
        return value
    try:
        return json.loads(value)
    except (ValueError, RecursionError):
        return None


def _rows(store: Store):
    """(section, key, {column: raw value}) for every row, read in one transaction."""
    with store.session() as s:
        for name, table in TABLES.items():
            keyed = name in KEYS  # its key is one of its fields; the others are keyed by id
            names = FIELDS[name] + (() if keyed else ("id",))
            columns = raw_columns(table, FIELDS[name]) + ([] if keyed else [table.id])
            for row in s.execute(sa.select(*columns).where(table.member == store.member)):
                values = dict(zip(names, row))
                yield name, str(values[KEYS.get(name, "id")]), values


def bad_values(store: Store) -> list[BadValue]:
    """Every value in the database that does not parse, table by table."""
    found = []
    for section, key, values in _rows(store):
        for column, value in values.items():
            problem = None if column == "id" else _check(column, value)
            if problem:
                found.append(BadValue(section, key, column, value, *problem))
    return found


def default_quarantine_path(store: Store) -> Path:
    from ..config import user_data_dir

    folder = store.target.path.parent if store.target.path else user_data_dir()
    return folder / f"tracker-quarantine-{utcnow():%Y%m%dT%H%M%S}.json"


def repair(store: Store, quarantine: str | os.PathLike[str] | None = None) -> RepairReport:
    """Rewrite repairable times; move rows with any other bad value to a quarantine file, then delete them."""
    bad = bad_values(store)
    fixes = [b for b in bad if b.fix is not None]
    doomed: dict[str, set[str]] = {}
    for b in bad:
        if b.fix is None:
            doomed.setdefault(b.section, set()).add(b.row)
    path = None
    if doomed:
        path = Path(quarantine).expanduser() if quarantine else default_quarantine_path(store)
        records = {name: [] for name in TABLES}
        for section, key, values in _rows(store):
            if key in doomed.get(section, ()):
                records[section].append(to_record(FIELDS[section], [values[f] for f in FIELDS[section]]))
        write_json_atomic({"format": FORMAT, "version": VERSION, "schema": SCHEMA_HEAD,
                           "created_at": utcnow().isoformat(), **records},
                          path, "quarantine file")
    with store.session(write=True) as s:
        for b in fixes:
            if b.row in doomed.get(b.section, ()):
                continue
            table = TABLES[b.section].__table__
            key = table.c[KEYS.get(b.section, "id")]
            s.execute(table.update().where(table.c.member == store.member, key == _key(b))
                      .values({b.column: sa.literal(b.fix, sa.Text)}))
        for section, keys in doomed.items():
            table = TABLES[section].__table__
            key = table.c[KEYS.get(section, "id")]
            s.execute(table.delete().where(table.c.member == store.member,
                                           key.in_([_key_of(section, k) for k in keys])))
    return RepairReport(len([b for b in fixes if b.row not in doomed.get(b.section, ())]),
                        {section: len(keys) for section, keys in doomed.items()}, path)


def _key(b: BadValue):
    return _key_of(b.section, b.row)


def _key_of(section: str, key: str):
    return key if section in KEYS else int(key)
