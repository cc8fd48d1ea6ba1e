"""Backups as versioned JSON, written atomically and restored idempotently.

Every record has a natural key that survives moving between databases
(progress: node id; history: node, time, from, to; notes: uid; runs: slug,
kind, node, start), so restoring the same file twice changes nothing, and a
record that is newer in the database than in the backup is kept, not
overwritten, and counted as such.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from .api import Store
from .engine import SCHEMA_HEAD
from .tables import Note, Progress, Run, StatusChange, utcnow
from .vocabulary import RUN_KINDS, RUN_OUTCOMES, STATUSES, StoreError

FORMAT = "tracker-backup"
VERSION = 1
# Seconds to pause inside the restore transaction, after every row is written
# and before the commit; lets the crash-safety test kill a writer mid-transaction.
PAUSE_ENV = "TRACKER_DEBUG_RESTORE_PAUSE"

TABLES = {"progress": Progress, "history": StatusChange, "notes": Note, "runs": Run}
TIME_FIELDS = {"started_at", "finished_at", "updated_at", "at", "undone_at", "created_at", "ended_at"}
FIELDS = {
    "progress": ("node_id", "status", "started_at", "finished_at", "updated_at"),
    "history": ("node_id", "at", "from_status", "to_status", "is_undo", "undone_at"),
    "notes": ("uid", "node_id", "body", "created_at", "updated_at"),
    "runs": ("node_id", "slug", "kind", "started_at", "ended_at", "exit_code", "outcome", "metrics",
             "claim", "verdict", "output_tail"),
}
REQUIRED = {
    "progress": ("node_id", "status", "updated_at"),
    "history": ("node_id", "at", "from_status", "to_status"),
    "notes": ("uid", "node_id", "body", "created_at"),
    "runs": ("node_id", "slug", "kind", "started_at", "outcome"),
}
CHOICES = {"status": STATUSES, "from_status": STATUSES, "to_status": STATUSES, "kind": RUN_KINDS,
           "outcome": RUN_OUTCOMES}


@dataclass
class RestoreReport:
    """Per section: how many records were added, updated, kept (newer in the database) or unchanged."""

    counts: dict[str, Counter] = field(default_factory=lambda: {name: Counter() for name in TABLES})

    def to_json(self) -> dict[str, dict[str, int]]:
        keys = ("added", "updated", "kept", "unchanged")
        return {name: {k: counter[k] for k in keys} for name, counter in self.counts.items()}


# dumping ------------------------------------------------------------------

def _to_json(value: Any) -> Any:
    return value.astimezone(timezone.utc).isoformat() if isinstance(value, datetime) else value


def dump(store: Store) -> dict[str, Any]:
    """Everything in the store, read in one transaction so the snapshot is consistent."""
    data: dict[str, Any] = {"format": FORMAT, "version": VERSION, "schema": SCHEMA_HEAD,
                            "created_at": utcnow().isoformat()}
    with store.session() as s:
        for name, table in TABLES.items():
            columns = [getattr(table, f) for f in FIELDS[name]]
            order = table.node_id if name == "progress" else table.id
            rows = s.execute(sa.select(*columns).order_by(order))
            data[name] = [{f: _to_json(v) for f, v in zip(FIELDS[name], row)} for row in rows]
    return data


def write_backup(store: Store, path: str | os.PathLike[str]) -> dict[str, int]:
    """Write the backup next to its destination, then rename: the file is whole or untouched."""
    data = dump(store)
    target = Path(path).expanduser()
    if not target.parent.is_dir():
        raise StoreError(f"cannot write backup {target}: folder {target.parent} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as err:
        raise StoreError(f"cannot write backup {target}: {err.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise StoreError(f"cannot write backup {target}: {err.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return {name: len(data[name]) for name in TABLES}


# reading and validating ----------------------------------------------------

def read_backup(path: str | os.PathLike[str]) -> dict[str, list[dict[str, Any]]]:
    """Parse and fully validate a backup file before anything is written."""
    source = Path(path).expanduser()
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreError(f"no backup file {source}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise StoreError(f"cannot read backup {source}: {getattr(err, 'strerror', None) or err}") from None
    except json.JSONDecodeError as err:
        raise StoreError(f"{source}: not a backup (invalid JSON at line {err.lineno})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise StoreError(f"{source}: not a tracker backup")
    if not isinstance(data.get("version"), int) or data["version"] > VERSION:
        raise StoreError(f"{source}: backup format version {data.get('version')!r} is newer than this "
                         f"tracker understands ({VERSION}); upgrade tracker")
    return {name: _records(source, name, data.get(name, [])) for name in TABLES}


def _records(source: Path, name: str, rows: Any) -> list[dict[str, Any]]:
    if not isinstance(rows, list):
        raise StoreError(f"{source}: {name} must be a list")
    return [_record(source, f"{name}[{i}]", name, row) for i, row in enumerate(rows)]


def _record(source: Path, where: str, name: str, row: Any) -> dict[str, Any]:
    if not isinstance(row, dict):
        raise StoreError(f"{source}: {where} must be an object")
    missing = [f for f in REQUIRED[name] if row.get(f) in (None, "")]
    if missing:
        raise StoreError(f"{source}: {where}: missing {', '.join(missing)}")
    record = {f: row.get(f) for f in FIELDS[name]}
    for key, value in record.items():
        if key in TIME_FIELDS and value is not None:
            record[key] = _parse_time(source, f"{where}.{key}", value)
        elif key in CHOICES and value not in CHOICES[key]:
            raise StoreError(f"{source}: {where}.{key}: {value!r} is not one of {', '.join(CHOICES[key])}")
    if name == "notes" and record["updated_at"] is None:
        record["updated_at"] = record["created_at"]
    if name == "history":
        record["is_undo"] = bool(record["is_undo"])
    return record


def _parse_time(source: Path, where: str, value: Any) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise StoreError(f"{source}: {where}: {value!r} is not an ISO time") from None
    return parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed.astimezone(timezone.utc)


# restoring ----------------------------------------------------------------

def _compare(in_db: datetime, in_backup: datetime) -> str:
    if in_backup > in_db:
        return "updated"
    return "kept" if in_db > in_backup else "unchanged"


def restore(store: Store, data: dict[str, list[dict[str, Any]]]) -> RestoreReport:
    """Merge a validated backup into the store in one transaction."""
    report = RestoreReport()
    with store.session(write=True) as s:
        _restore_progress(s, data["progress"], report.counts["progress"])
        _restore_by_key(s, StatusChange, ("node_id", "at", "from_status", "to_status"), data["history"],
                        report.counts["history"])
        _restore_notes(s, data["notes"], report.counts["notes"])
        _restore_by_key(s, Run, ("slug", "kind", "node_id", "started_at"), data["runs"], report.counts["runs"])
        _pause_for_tests()
    return report


def _restore_progress(s, rows: list[dict], counts: Counter) -> None:
    existing = dict(s.execute(sa.select(Progress.node_id, Progress.updated_at)).all())
    new, seen = [], set()
    for row in rows:
        node_id = row["node_id"]
        if node_id in seen:
            counts["unchanged"] += 1
            continue
        seen.add(node_id)
        if node_id not in existing:
            new.append(row)
            counts["added"] += 1
            continue
        verdict = _compare(existing[node_id], row["updated_at"])
        counts[verdict] += 1
        if verdict == "updated":
            values = {k: v for k, v in row.items() if k != "node_id"}
            s.execute(sa.update(Progress).where(Progress.node_id == node_id).values(**values))
    if new:
        s.execute(sa.insert(Progress), new)


def _restore_notes(s, rows: list[dict], counts: Counter) -> None:
    existing = dict(s.execute(sa.select(Note.uid, Note.updated_at)).all())
    new, seen = [], set()
    for row in rows:
        uid = row["uid"]
        if uid in seen:
            counts["unchanged"] += 1
            continue
        seen.add(uid)
        if uid not in existing:
            new.append(row)
            counts["added"] += 1
            continue
        verdict = _compare(existing[uid], row["updated_at"])
        counts[verdict] += 1
        if verdict == "updated":
            values = {k: row[k] for k in ("node_id", "body", "updated_at")}
            s.execute(sa.update(Note).where(Note.uid == uid).values(**values))
    if new:
        s.execute(sa.insert(Note), new)


def _restore_by_key(s, table, key: tuple[str, ...], rows: list[dict], counts: Counter) -> None:
    """Append-only records: add those whose natural key is not there yet."""
    columns = [getattr(table, k) for k in key]
    existing = {tuple(r) for r in s.execute(sa.select(*columns)).all()}
    new = []
    for row in rows:
        natural = tuple(row[k] for k in key)
        if natural in existing:
            counts["unchanged"] += 1
            continue
        existing.add(natural)
        new.append(row)
        counts["added"] += 1
    if new:
        s.execute(sa.insert(table), new)


def _pause_for_tests() -> None:
    pause = os.environ.get(PAUSE_ENV)
    if pause:
        sys.stderr.write("tracker-debug: inside restore transaction\n")
        sys.stderr.flush()
        time.sleep(float(pause))
