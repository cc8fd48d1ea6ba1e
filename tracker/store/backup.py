"""Backups as versioned JSON, written atomically and restored idempotently.

Every record has a natural key that survives moving between databases
(progress: node id; history: node, time, from, to; notes: uid; runs: slug,
kind, node, start), so restoring the same file twice changes nothing, and a
record that is newer in the database than in the backup is kept, not
overwritten, and counted as such. Records moved by ``doctor --reattach``
after the backup was taken are recognised by everything but their node id,
and the backup's old id is restored under the new one (``moved_ids``).

A backup holds one member's rows (``member`` names them): on a group
database a member backs up and restores only their own, and a restore
writes every record as the restoring member's, touching no one else's rows.

A backup always works, even of a database with rows that do not parse: such
values are written as they are stored. Restoring validates the whole file
first (``backup_model``) and writes nothing unless every record is valid.
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

from .api import Store, move_records
from .engine import SCHEMA_HEAD
from .tables import NodePref, Note, Progress, ReviewCard, ReviewEntry, ReviewSkipKind, Run, StatusChange, utcnow
from .vocabulary import StoreError

FORMAT = "tracker-backup"
VERSION = 4  # 2 added the review sections, 3 node_prefs, 4 the member and shared notes; older files still restore
# Seconds to pause inside the restore transaction, after every row is written
# and before the commit; lets the crash-safety test kill a writer mid-transaction.
PAUSE_ENV = "TRACKER_DEBUG_RESTORE_PAUSE"

TABLES = {"progress": Progress, "history": StatusChange, "notes": Note, "runs": Run,
          "review_cards": ReviewCard, "review_log": ReviewEntry, "review_skip_kinds": ReviewSkipKind,
          "node_prefs": NodePref}
TIME_FIELDS = {"started_at", "finished_at", "updated_at", "at", "undone_at", "created_at", "ended_at",
               "due", "last_review", "added_at", "reviewed_at"}
FIELDS = {
    "progress": ("node_id", "status", "started_at", "finished_at", "updated_at"),
    "history": ("node_id", "at", "from_status", "to_status", "is_undo", "undone_at"),
    "notes": ("uid", "node_id", "body", "created_at", "updated_at", "shared"),
    "runs": ("node_id", "slug", "kind", "started_at", "ended_at", "exit_code", "outcome", "metrics",
             "claim", "verdict", "output_tail", "measured", "threshold", "curves", "tests"),  # not pid/host: local
    "review_cards": ("node_id", "active", "state", "step", "stability", "difficulty", "due", "last_review",
                     "added_at", "updated_at"),
    "review_log": ("uid", "node_id", "rating", "reviewed_at", "duration_ms", "undoes"),
    "review_skip_kinds": ("kind", "updated_at"),
    "node_prefs": ("node_id", "estimate_minutes", "role", "updated_at"),
}
# a row's key; others: id
KEYS = {"progress": "node_id", "review_cards": "node_id", "review_skip_kinds": "kind", "node_prefs": "node_id"}
RAW_FIELDS = TIME_FIELDS | {"metrics", "is_undo", "active", "shared"}  # read as stored: a value that does not parse is still backed up


@dataclass
class RestoreReport:
    """Per section: how many records were added, updated, kept (newer in the database) or unchanged.

    ``moved`` maps backup node ids to the ids their records were re-attached to since;
    ``reattached`` the database ids that were moved as the backup's database had moved them.
    """

    counts: dict[str, Counter] = field(default_factory=lambda: {name: Counter() for name in TABLES})
    moved: dict[str, str] = field(default_factory=dict)
    reattached: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, dict[str, int]]:
        keys = ("added", "updated", "kept", "unchanged")
        return {name: {k: counter[k] for k in keys} for name, counter in self.counts.items()}


# dumping ------------------------------------------------------------------

def stored_time_json(value: Any) -> Any:
    """A stored time as ISO UTC text; a value that is not a time is returned as it is."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
            value = parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed
        except ValueError:
            return value
    if isinstance(value, datetime):
        try:
            return value.astimezone(timezone.utc).isoformat()
        except OverflowError:
            return value.isoformat()
    return value


def stored_json(value: Any) -> Any:
    """Stored JSON text decoded; text that is not JSON is returned as it is."""
    if isinstance(value, (str, bytes)):
        try:
            return json.loads(value)
        except (ValueError, RecursionError):
            return value if isinstance(value, str) else value.decode("utf-8", "replace")
    return value


def raw_columns(table, names: tuple[str, ...]) -> list:
    """The columns, with times and JSON read as stored (no parsing that could fail)."""
    return [sa.type_coerce(getattr(table, f), sa.Text) if f in RAW_FIELDS else getattr(table, f) for f in names]


def to_record(names: tuple[str, ...], row) -> dict[str, Any]:
    """A database row as a backup record (times ISO where they parse, raw where they do not)."""
    record = {}
    for name, value in zip(names, row):
        if name in TIME_FIELDS:
            value = stored_time_json(value)
        elif name == "metrics":
            value = stored_json(value)
        elif name in ("is_undo", "active", "shared") and value in (0, 1):
            value = bool(value)
        elif isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        record[name] = value
    return record


def dump(store: Store) -> dict[str, Any]:
    """Everything in the store, read in one transaction so the snapshot is consistent."""
    data: dict[str, Any] = {"format": FORMAT, "version": VERSION, "schema": SCHEMA_HEAD,
                            "created_at": utcnow().isoformat(), "member": store.member}
    with store.session() as s:
        for name, table in TABLES.items():
            order = getattr(table, KEYS.get(name, "id"))
            rows = s.execute(sa.select(*raw_columns(table, FIELDS[name])).where(table.member == store.member)
                             .order_by(order))
            data[name] = [to_record(FIELDS[name], row) for row in rows]
    return data


def write_backup(store: Store, path: str | os.PathLike[str]) -> dict[str, int]:
    """Write the backup next to its destination, then rename: the file is whole or untouched."""
    data = dump(store)
    write_json_atomic(data, path, "backup")
    return {name: len(data[name]) for name in TABLES}


def backup_member(path: str | os.PathLike[str]) -> str | None:
    """Whose rows a backup file holds (None for files from before members)."""
    try:
        data = json.loads(Path(path).expanduser().read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    member = data.get("member") if isinstance(data, dict) else None
    return member if isinstance(member, str) else None


def write_json_atomic(data: dict[str, Any], path: str | os.PathLike[str], what: str) -> None:
    target = Path(path).expanduser()
    if not target.parent.is_dir():
        raise StoreError(f"cannot write {what} {target}: folder {target.parent} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as err:
        raise StoreError(f"cannot write {what} {target}: {err.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise StoreError(f"cannot write {what} {target}: {err.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# reading and validating ----------------------------------------------------

def read_backup(path: str | os.PathLike[str]) -> dict[str, list[dict[str, Any]]]:
    """Parse and fully validate a backup file before anything is written."""
    from pydantic import ValidationError

    from .backup_model import Backup, first_problem

    source = Path(path).expanduser()
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreError(f"no backup file {source}") from None
    except IsADirectoryError:
        raise StoreError(f"cannot read backup {source}: it is a folder") from None
    except (OSError, UnicodeDecodeError) as err:
        raise StoreError(f"cannot read backup {source}: {getattr(err, 'strerror', None) or err}") from None
    except json.JSONDecodeError as err:
        raise StoreError(f"{source}: not a backup (invalid JSON at line {err.lineno})") from None
    except RecursionError:
        raise StoreError(f"{source}: not a backup (JSON nested too deeply to read)") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise StoreError(f"{source}: not a tracker backup")
    version = data.get("version")
    if type(version) is not int or version < 1:
        raise StoreError(f"{source}: version: {version!r} is not a backup format version (a whole number)")
    if version > VERSION:
        raise StoreError(f"{source}: backup format version {version!r} is newer than this "
                         f"tracker understands ({VERSION}); upgrade tracker")
    try:
        backup = Backup.model_validate(data)
    except ValidationError as err:
        raise StoreError(f"{source}: {first_problem(err)}") from None
    except RecursionError:
        raise StoreError(f"{source}: not a backup (JSON nested too deeply to read)") from None
    sections = {name: [dict(record) for record in getattr(backup, name)] for name in TABLES}
    for note in sections["notes"]:
        if note["updated_at"] is None:
            note["updated_at"] = note["created_at"]
    return sections


# restoring ----------------------------------------------------------------

def _compare(in_db: datetime, in_backup: datetime) -> str:
    if in_backup > in_db:
        return "updated"
    return "kept" if in_db > in_backup else "unchanged"


def restore(store: Store, data: dict[str, list[dict[str, Any]]]) -> RestoreReport:
    """Merge a validated backup into the store member's rows, in one transaction."""
    report = RestoreReport()
    me = store.member
    data = {name: [dict(r, member=me) for r in rows] for name, rows in data.items()}
    with store.session(write=True) as s:
        report.moved, moved_here = moved_ids(s, data, me)
        for old, new in sorted(moved_here.items()):  # re-attached where the backup was made: do it here too
            move_records(s, me, old, new)
            s.flush()
        report.reattached = moved_here
        if report.moved:
            data = {name: [dict(r, node_id=report.moved.get(r["node_id"], r["node_id"])) if "node_id" in r else r
                           for r in rows]
                    for name, rows in data.items()}
            # the newest status of the ids that now coincide is the one restored
            data["progress"] = sorted(data["progress"], key=lambda r: r["updated_at"], reverse=True)
        _restore_progress(s, me, data["progress"], report.counts["progress"])
        _restore_by_key(s, me, StatusChange, ("node_id", "at", "from_status", "to_status"), data["history"],
                        report.counts["history"])
        _restore_notes(s, me, data["notes"], report.counts["notes"])
        _restore_by_key(s, me, Run, ("slug", "kind", "node_id", "started_at"), data["runs"], report.counts["runs"])
        _restore_reviews(s, me, data, report.counts)
        _restore_prefs(s, me, data.get("node_prefs", []), report.counts["node_prefs"])
        _pause_for_tests()
    return report


# A record without its node id: what still identifies it after a re-attach moved it.
SIGNATURES = {
    "progress": (Progress, ("status", "updated_at")),
    "history": (StatusChange, ("at", "from_status", "to_status", "is_undo")),
    "notes": (Note, ("uid",)),
    "runs": (Run, ("slug", "kind", "started_at")),
}


def moved_ids(s, data: dict[str, list[dict[str, Any]]], member: str) -> tuple[dict[str, str], dict[str, str]]:
    """Ids a ``doctor --reattach`` changed between the backup and the database, both ways.

    Returns (backup id -> database id) for re-attaches made in the database
    since the backup, and (database id -> backup id) for re-attaches made
    before the backup was taken elsewhere. An id is mapped only when the
    other side holds nothing under it (a re-attach moves everything) and all
    its matching records point to one same id; otherwise it is left as it is.
    """
    in_db = {name: _signatures(_signed(s, member, table, key)) for name, (table, key) in SIGNATURES.items()}
    in_backup = {name: _signatures(((tuple(r[k] for k in key), r["node_id"]) for r in data[name]))
                 for name, (_, key) in SIGNATURES.items()}
    since, before = _votes(in_backup, in_db), _votes(in_db, in_backup)
    # When nothing else tells the two apart (b held nothing of its own on either side), a re-attach
    # here since the backup and one there before it look alike; the database's naming is kept.
    before = {old: new for old, new in before.items() if old not in since.values() and new not in since}
    return since, before


def _signatures(pairs) -> dict[tuple, set[str]]:
    found: dict[tuple, set[str]] = {}
    for sig, node_id in pairs:
        found.setdefault(sig, set()).add(node_id)
    return found


def _votes(source: dict[str, dict[tuple, set[str]]], other: dict[str, dict[tuple, set[str]]]) -> dict[str, str]:
    """Ids in ``source`` that ``other`` lacks, mapped to the one id ``other`` keeps their records under."""
    other_ids = set().union(*(ids for sigs in other.values() for ids in sigs.values()))
    votes: dict[str, set[str]] = {}
    for name, sigs in source.items():
        for sig, ids in sigs.items():
            candidates = other[name].get(sig, set()) - ids
            for node_id in ids - other_ids:
                if len(candidates) == 1:
                    votes.setdefault(node_id, set()).update(candidates)
    return {old: next(iter(new)) for old, new in votes.items() if len(new) == 1}


def _signed(s, member: str, table, key: tuple[str, ...]):
    columns = [getattr(table, k) for k in key]
    for row in s.execute(sa.select(*columns, table.node_id).where(table.member == member)):
        yield tuple(row[:-1]), row[-1]


def _restore_progress(s, member: str, rows: list[dict], counts: Counter) -> None:
    existing = dict(s.execute(sa.select(Progress.node_id, Progress.updated_at).where(Progress.member == member)).all())
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
        _newer_wins(s, Progress, member, row, existing[node_id], counts)
    if new:
        s.execute(sa.insert(Progress), new)


def _newer_wins(s, table, member: str, row: dict, in_db: datetime, counts: Counter) -> str:
    """A row keyed by (member, node): the backup's version replaces the database's only when it is newer."""
    verdict = _compare(in_db, row["updated_at"])
    counts[verdict] += 1
    if verdict == "updated":
        values = {k: v for k, v in row.items() if k not in ("node_id", "member")}
        s.execute(sa.update(table).where(table.member == member, table.node_id == row["node_id"]).values(**values))
    return verdict


def _restore_notes(s, member: str, rows: list[dict], counts: Counter) -> None:
    """Notes by uid; a uid that is another member's note in this database is theirs, and left alone."""
    owners = dict(s.execute(sa.select(Note.uid, Note.member)).all())
    existing = dict(s.execute(sa.select(Note.uid, Note.updated_at).where(Note.member == member)).all())
    new, seen = [], set()
    for row in rows:
        uid = row["uid"]
        if uid in seen:
            counts["unchanged"] += 1
            continue
        seen.add(uid)
        if owners.get(uid, member) != member:
            counts["kept"] += 1
            continue
        if uid not in existing:
            new.append(row)
            counts["added"] += 1
            continue
        verdict = _compare(existing[uid], row["updated_at"])
        counts[verdict] += 1
        if verdict == "updated":
            values = {k: row[k] for k in ("node_id", "body", "updated_at", "shared")}
            s.execute(sa.update(Note).where(Note.member == member, Note.uid == uid).values(**values))
    if new:
        s.execute(sa.insert(Note), new)


def _restore_by_key(s, member: str, table, key: tuple[str, ...], rows: list[dict], counts: Counter,
                    everyone: bool = False) -> None:
    """Append-only records: add those whose natural key is not there yet (among the member's, or anyone's)."""
    columns = [getattr(table, k) for k in key]
    query = sa.select(*columns) if everyone else sa.select(*columns).where(table.member == member)
    existing = {tuple(r) for r in s.execute(query).all()}
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


def _restore_reviews(s, member: str, data: dict[str, list[dict]], counts: dict[str, Counter]) -> None:
    """Cards by node (the newer ``active`` wins, the earlier ``added_at`` stays), logs by uid, then replay.

    A card's schedule is never taken from the file: every card that gained a
    log row or changed is replayed through fsrs from the merged log, so the
    result is the same whichever side a rating was made on.
    """
    from ..review.cards import replay_node

    touched = set()
    cards = {r.node_id: r for r in s.execute(sa.select(ReviewCard.node_id, ReviewCard.added_at,
                                                        ReviewCard.updated_at).where(ReviewCard.member == member))}
    for row in data.get("review_cards", []):
        node_id, have = row["node_id"], cards.get(row["node_id"])
        if node_id in touched:
            continue
        if have is None:
            s.execute(sa.insert(ReviewCard), [row])
            counts["review_cards"]["added"] += 1
            touched.add(node_id)
            continue
        verdict = _compare(have.updated_at, row["updated_at"])
        counts["review_cards"][verdict] += 1
        values = {}
        if verdict == "updated":
            values.update(active=row["active"], updated_at=row["updated_at"])
        if row["added_at"] < have.added_at:
            values["added_at"] = row["added_at"]
        if values:
            s.execute(sa.update(ReviewCard).where(ReviewCard.member == member, ReviewCard.node_id == node_id)
                      .values(**values))
            touched.add(node_id)
    known = set(s.execute(sa.select(ReviewEntry.uid)).scalars())  # uids are unique across members
    _restore_by_key(s, member, ReviewEntry, ("uid",), data.get("review_log", []), counts["review_log"],
                    everyone=True)
    touched.update(r["node_id"] for r in data.get("review_log", []) if r["uid"] not in known)
    _restore_by_key(s, member, ReviewSkipKind, ("kind",), data.get("review_skip_kinds", []),
                    counts["review_skip_kinds"])
    s.flush()
    conn = s.connection()
    for node_id in sorted(touched):
        card = conn.execute(sa.select(ReviewCard.updated_at).where(ReviewCard.member == member,
                                                                  ReviewCard.node_id == node_id)).first()
        if card is not None:
            replay_node(conn, member, node_id, card.updated_at)


def _restore_prefs(s, member: str, rows: list[dict], counts: Counter) -> None:
    """A node's estimate and role: the newer row wins whole (a cleared choice is a newer row too)."""
    existing = dict(s.execute(sa.select(NodePref.node_id, NodePref.updated_at).where(NodePref.member == member)).all())
    for row in sorted(rows, key=lambda r: r["updated_at"], reverse=True):
        node_id = row["node_id"]
        if node_id not in existing:
            s.execute(sa.insert(NodePref), [row])
            existing[node_id] = row["updated_at"]
            counts["added"] += 1
            continue
        if _newer_wins(s, NodePref, member, row, existing[node_id], counts) == "updated":
            existing[node_id] = row["updated_at"]


def _pause_for_tests() -> None:
    pause = os.environ.get(PAUSE_ENV)
    if pause:
        sys.stderr.write("tracker-debug: inside restore transaction\n")
        sys.stderr.flush()
        time.sleep(float(pause))
