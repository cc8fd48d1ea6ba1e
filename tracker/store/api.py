"""The Store: progress, status history, notes and runs, one transaction per method.

A Store acts for one member (``Store.member``): every row it writes is that
member's, and every read of "my progress" is filtered to it, so members of
a study group sharing one database never see or overwrite each other's
state. The group's views read across members (``members``,
``group_progress``, ``visible_notes``, ``as_member``).

Writes take the database's write lock first (``BEGIN IMMEDIATE`` on SQLite),
so concurrent writers queue instead of failing; every public method is one
transaction, so a command's changes land together or not at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from .engine import WRITE_OPTION, Target
from .tables import NodePref, Note, Progress, Run, StatusChange, utcnow
from .vocabulary import FINISHED_OUTCOMES, ROLES, RUN_KINDS, RUN_OUTCOMES, StoreError, check_choice, check_status

OUTPUT_TAIL_CHARS = 20_000


@dataclass(frozen=True)
class Change:
    """The outcome of marking (or undoing) one node."""

    node_id: str
    from_status: str
    to_status: str
    changed: bool
    at: datetime | None = None
    history_id: int | None = None  # the history row a mark wrote: undo checks it is still the latest


class NoteConflict(StoreError):
    """The note changed since the editor read it: both versions are carried, neither is written over."""

    def __init__(self, uid: str, mine: str, theirs: Note, expected: datetime) -> None:
        super().__init__(f"the note changed elsewhere at {theirs.updated_at:%Y-%m-%d %H:%M} "
                         f"since it was opened; nothing was written over")
        self.uid, self.mine, self.theirs, self.expected = uid, mine, theirs, expected


@dataclass(frozen=True)
class RecordCounts:
    """What the store holds under one node id (for ``doctor``)."""

    node_id: str
    status: str | None
    history: int
    notes: int
    runs: int
    reviews: int = 0  # review log rows (a card with no ratings yet counts as none)
    in_review: bool = False
    prefs: bool = False  # an estimate or core/optional choice is stored


@dataclass(frozen=True)
class Reattached:
    old: str
    new: str
    history: int
    notes: int
    runs: int
    progress: str  # "moved", "kept new" (NEW's status was newer), "replaced" or "none"
    reviews: int = 0  # review log rows moved, plus one for a card
    prefs: str = "none"  # the estimate/role row: "moved", "merged" (both had one) or "none"


PROGRESS = Progress.__table__
HISTORY = StatusChange.__table__
NOTES = Note.__table__
# Statements of the hot write path, built once: building and cache-keying them
# per call cost more than the SQL itself.
CURRENT_STATUS = sa.select(PROGRESS.c.status, PROGRESS.c.started_at).where(
    PROGRESS.c.member == sa.bindparam("who"), PROGRESS.c.node_id == sa.bindparam("key"))
INSERT_PROGRESS = PROGRESS.insert()
UPDATE_PROGRESS = PROGRESS.update().where(PROGRESS.c.member == sa.bindparam("who"),
                                          PROGRESS.c.node_id == sa.bindparam("key"))
INSERT_HISTORY = HISTORY.insert()
INSERT_NOTE = NOTES.insert()


def status_times(status: str, started_at: datetime | None, now: datetime) -> dict[str, Any]:
    """The progress columns for a new status, keeping started/finished times consistent with it."""
    if status == "unread":
        started_at = None
    elif status in ("reading", "read") and started_at is None:
        started_at = now
    return {"status": status, "started_at": started_at, "finished_at": now if status == "read" else None,
            "updated_at": now}


class Store:
    def __init__(self, engine: Engine, target: Target, member: str, owns_engine: bool = True) -> None:
        self.engine = engine
        self.target = target
        self.member = member
        self._owns_engine = owns_engine

    @property
    def location(self) -> str:
        return self.target.display

    def as_member(self, member: str) -> Store:
        """The same database seen as another member (for the group's views; the server decides what it may write)."""
        return Store(self.engine, self.target, member, owns_engine=False)

    def close(self) -> None:
        if self._owns_engine:
            self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def connection(self, write: bool = False) -> Iterator[sa.Connection]:
        """One transaction on a plain connection (the lean path for hot writes)."""
        try:
            with self.engine.connect() as conn:
                if write:
                    conn.execution_options(**{WRITE_OPTION: True})
                with conn.begin():
                    yield conn
        except sa.exc.DBAPIError as err:
            raise self._error(err) from None

    @contextmanager
    def session(self, write: bool = False) -> Iterator[Session]:
        """One transaction as an ORM session; committed on success, rolled back on any error."""
        try:
            with self.engine.connect() as conn:
                if write:
                    conn.execution_options(**{WRITE_OPTION: True})
                with Session(bind=conn, expire_on_commit=False) as session:
                    with session.begin():
                        yield session
        except sa.exc.DBAPIError as err:
            raise self._error(err) from None

    def _error(self, err: sa.exc.DBAPIError) -> StoreError:
        if self.engine.dialect.name != "sqlite":
            from .server_errors import describe

            return StoreError(describe(err, self.target.url, writing=True))
        message = str(err.orig or err).strip().splitlines()[0]
        return StoreError(f"database error in {self.location}: {message}")

    # progress -----------------------------------------------------------

    def statuses(self) -> dict[str, str]:
        """Every recorded status, oldest change first (so a later one wins when ids merge)."""
        query = (sa.select(PROGRESS.c.node_id, PROGRESS.c.status).where(PROGRESS.c.member == self.member)
                 .order_by(PROGRESS.c.updated_at))
        with self.connection() as conn:
            return dict(conn.execute(query).all())

    def progress(self, node_id: str) -> Progress | None:
        with self.session() as s:
            return s.get(Progress, (self.member, node_id))

    def all_progress(self) -> list[Progress]:
        with self.session() as s:
            return list(s.exec(select(Progress).where(Progress.member == self.member).order_by(Progress.node_id)))

    def mark(self, node_ids: str | Iterable[str], status: str, at: datetime | None = None) -> list[Change]:
        """Mark nodes; a node already in that status is left alone (no history row)."""
        check_status(status)
        ids = [node_ids] if isinstance(node_ids, str) else list(node_ids)
        now = at or utcnow()
        changes = []
        with self.connection(write=True) as conn:
            for node_id in dict.fromkeys(ids):
                row = self._current(conn, node_id)
                old = row.status if row else "unread"
                if old == status:
                    changes.append(Change(node_id, old, status, False))
                    continue
                self._set(conn, node_id, row, status, now)
                written = conn.execute(INSERT_HISTORY, {"member": self.member, "node_id": node_id, "at": now,
                                                        "from_status": old, "to_status": status, "is_undo": False})
                changes.append(Change(node_id, old, status, True, now, written.inserted_primary_key[0]))
        return changes

    def undo(self, node_ids: str | Iterable[str]) -> list[Change]:
        """Revert each node's latest change that is not itself an undo or already undone."""
        ids = [node_ids] if isinstance(node_ids, str) else list(node_ids)
        now = utcnow()
        changes = []
        with self.connection(write=True) as conn:
            for node_id in dict.fromkeys(ids):
                last = conn.execute(
                    sa.select(HISTORY.c.id, HISTORY.c.from_status)
                    .where(HISTORY.c.member == self.member, HISTORY.c.node_id == node_id, HISTORY.c.is_undo.is_(False),
                           HISTORY.c.undone_at.is_(None))
                    .order_by(HISTORY.c.at.desc(), HISTORY.c.id.desc())
                    .limit(1)
                ).first()
                row = self._current(conn, node_id)
                current = row.status if row else "unread"
                if last is None:
                    changes.append(Change(node_id, current, current, False))
                    continue
                conn.execute(HISTORY.update().where(HISTORY.c.id == last.id).values(undone_at=now))
                self._set(conn, node_id, row, last.from_status, now)
                conn.execute(INSERT_HISTORY, {"member": self.member, "node_id": node_id, "at": now,
                                              "from_status": current, "to_status": last.from_status, "is_undo": True})
                changes.append(Change(node_id, current, last.from_status, True, now))
        return changes

    def _current(self, conn: sa.Connection, node_id: str):
        return conn.execute(CURRENT_STATUS, {"who": self.member, "key": node_id}).first()

    def _set(self, conn: sa.Connection, node_id: str, row, status: str, now: datetime) -> None:
        values = status_times(status, row.started_at if row else None, now)
        if row is None:
            conn.execute(INSERT_PROGRESS, {"member": self.member, "node_id": node_id, **values})
        else:
            conn.execute(UPDATE_PROGRESS, {"who": self.member, "key": node_id, **values})

    def history(self, node_ids: Iterable[str] | None = None, since: datetime | None = None,
                limit: int | None = None) -> list[StatusChange]:
        """Status changes, oldest first (the newest ``limit`` when limited)."""
        query = (select(StatusChange).where(StatusChange.member == self.member)
                 .order_by(col(StatusChange.at).desc(), col(StatusChange.id).desc()))
        if node_ids is not None:
            query = query.where(col(StatusChange.node_id).in_(list(node_ids)))
        if since is not None:
            query = query.where(StatusChange.at >= since)
        if limit:
            query = query.limit(limit)
        with self.session() as s:
            return list(reversed(s.exec(query).all()))

    def status_totals(self) -> dict[str, int]:
        with self.session() as s:
            rows = s.execute(sa.select(Progress.status, sa.func.count()).where(Progress.member == self.member)
                             .group_by(Progress.status))
            return dict(rows.all())

    def read_times(self, since: datetime | None = None, until: datetime | None = None) -> list[datetime]:
        """When nodes were marked read, oldest first.

        Undone marks do not count, and neither do undos (an undo back to
        ``read`` restores a read that is already counted).
        """
        query = sa.select(StatusChange.at).where(
            StatusChange.member == self.member, StatusChange.to_status == "read", col(StatusChange.is_undo).is_(False),
            col(StatusChange.undone_at).is_(None))
        if since is not None:
            query = query.where(StatusChange.at >= since)
        if until is not None:
            query = query.where(StatusChange.at < until)
        with self.session() as s:
            return list(s.execute(query.order_by(StatusChange.at)).scalars())

    def days_with_reads(self, days: list[tuple[datetime, datetime]]) -> list[bool]:
        """For each [start, end) range, whether anything was marked read in it (cheap index probes)."""
        probe = sa.select(HISTORY.c.id).where(
            HISTORY.c.member == self.member, HISTORY.c.to_status == "read", HISTORY.c.is_undo.is_(False), HISTORY.c.undone_at.is_(None),
            HISTORY.c.at >= sa.bindparam("start"), HISTORY.c.at < sa.bindparam("end")).limit(1)
        with self.connection() as conn:
            return [conn.execute(probe, {"start": start, "end": end}).first() is not None for start, end in days]

    # notes --------------------------------------------------------------

    def add_note(self, node_id: str, body: str, shared: bool = False) -> Note:
        if not body.strip():
            raise StoreError("empty note: nothing saved")
        now = utcnow()
        note = Note(uid=uuid.uuid4().hex, member=self.member, node_id=node_id, body=body, shared=shared,
                    created_at=now, updated_at=now)
        with self.connection(write=True) as conn:
            note.id = conn.execute(INSERT_NOTE, note.model_dump(exclude={"id"})).inserted_primary_key[0]
        return note

    def update_note(self, uid: str, body: str, expected_updated_at: datetime | None = None) -> Note:
        """Replace a note's body; with ``expected_updated_at``, only if nobody changed it since then.

        The check and the write are one transaction (compare-and-set on
        ``updated_at``): a note edited meanwhile raises ``NoteConflict``,
        which carries both versions, and is left as the other writer left it.
        """
        with self.session(write=True) as s:
            note = self._own_note(s, uid)
            if expected_updated_at is not None and note.updated_at != expected_updated_at:
                s.expunge(note)
                raise NoteConflict(uid, body, note, expected_updated_at)
            note.body, note.updated_at = body, max(utcnow(), note.updated_at + timedelta(microseconds=1))
            s.add(note)
        return note

    def _own_note(self, s: Session, uid: str) -> Note:
        note = s.exec(select(Note).where(Note.uid == uid)).first()
        if note is None:
            raise StoreError(f"no note {uid!r}")
        if note.member != self.member:
            raise StoreError(f"note {uid[:8]} is {note.member}'s; a member changes only their own notes")
        return note

    def share_note(self, uid: str, shared: bool = True) -> Note:
        """Show one of my notes to the group, or make it private again."""
        with self.session(write=True) as s:
            note = self._own_note(s, uid)
            note.shared = shared
            note.updated_at = max(utcnow(), note.updated_at + timedelta(microseconds=1))
            s.add(note)
        return note

    def notes(self, node_ids: Iterable[str] | None = None) -> list[Note]:
        """My notes, oldest first."""
        return self._notes(Note.member == self.member, node_ids)

    def visible_notes(self, node_ids: Iterable[str] | None = None) -> list[Note]:
        """My notes and the ones other members shared, oldest first."""
        return self._notes(sa.or_(Note.member == self.member, col(Note.shared).is_(True)), node_ids)

    def _notes(self, who, node_ids: Iterable[str] | None) -> list[Note]:
        query = select(Note).where(who).order_by(Note.created_at, Note.id)
        if node_ids is not None:
            query = query.where(col(Note.node_id).in_(list(node_ids)))
        with self.session() as s:
            return list(s.exec(query))

    def note_count(self) -> int:
        with self.session() as s:
            return s.execute(sa.select(sa.func.count()).select_from(Note)
                             .where(Note.member == self.member)).scalar_one()

    # runs ---------------------------------------------------------------

    def start_run(self, node_id: str, slug: str, kind: str, claim: str | None = None, *,
                  pid: int | None = None, pid_started: int | None = None, host: str | None = None) -> int:
        """A new ``running`` row; ``pid``/``pid_started``/``host`` name the process that will finish it."""
        check_choice(kind, RUN_KINDS, "run kind")
        run = Run(member=self.member, node_id=node_id, slug=slug, kind=kind, started_at=utcnow(), claim=claim, pid=pid,
                  pid_started=pid_started, host=host)
        with self.session(write=True) as s:
            s.add(run)
            s.flush()
            return int(run.id)

    def finish_run(self, run_id: int, *, outcome: str, exit_code: int | None = None,
                   metrics: dict[str, Any] | None = None, claim: str | None = None,
                   verdict: str | None = None, output_tail: str | None = None,
                   curves: dict[str, Any] | None = None, figures: dict[str, float | None] | None = None,
                   seconds: float | None = None, tests: dict[str, int] | None = None) -> Run:
        """Record a run's end. ``seconds`` (the watcher's own clock) sets ``ended_at`` from ``started_at``."""
        check_choice(outcome, RUN_OUTCOMES, "run outcome")
        with self.session(write=True) as s:
            run = s.get(Run, run_id)
            if run is None or run.member != self.member:
                raise StoreError(f"no run {run_id}" if run is None else f"run {run_id} is {run.member}'s")
            run.ended_at, run.outcome, run.exit_code = utcnow(), outcome, exit_code
            if seconds is not None and run.started_at is not None:
                from datetime import timedelta  # noqa: PLC0415 - this hunk stays independent of the imports

                run.ended_at = run.started_at + timedelta(seconds=max(seconds, 0.0))
            run.metrics = metrics if metrics is not None else run.metrics
            run.claim = claim if claim is not None else run.claim
            run.verdict = verdict if verdict is not None else run.verdict
            if output_tail is not None:
                run.output_tail = output_tail[-OUTPUT_TAIL_CHARS:]
            if curves is not None:
                run.curves = curves
            if figures is not None:
                run.measured, run.threshold = figures.get("measured"), figures.get("threshold")
            if tests is not None:
                run.tests = tests
            s.add(run)
        return run

    def interrupt_orphaned_runs(self, host: str, alive: Callable[[int, int | None], bool]) -> list[int]:
        """Mark ``interrupted`` this host's runs that say ``running`` but whose watcher is gone.

        One query on ``ix_runs_outcome`` (nothing else when no run is open);
        ``alive(pid, start time)`` tells a live watcher from a dead or reused
        pid. Rows from before pids were recorded (pid NULL) cannot be
        running any more and are closed too. Returns the ids closed.
        """
        query = sa.select(Run.id, Run.pid, Run.pid_started, Run.host).where(Run.outcome == "running",
                                                                          Run.member == self.member)
        with self.connection() as conn:
            open_runs = conn.execute(query).all()
        stale = [row.id for row in open_runs
                 if row.pid is None or (row.host == host and not alive(row.pid, row.pid_started))]
        if not stale:
            return []
        now = utcnow()
        update = (sa.update(Run).where(col(Run.id).in_(stale), Run.outcome == "running")
                  .values(outcome="interrupted", ended_at=now))
        with self.connection(write=True) as conn:
            conn.execute(update)
        return stale

    def runs(self, node_id: str | None = None, slug: str | None = None, limit: int | None = 50) -> list[Run]:
        """Runs, newest first."""
        query = select(Run).where(Run.member == self.member).order_by(col(Run.started_at).desc(), col(Run.id).desc())
        if node_id is not None:
            query = query.where(Run.node_id == node_id)
        if slug is not None:
            query = query.where(Run.slug == slug)
        if limit:
            query = query.limit(limit)
        with self.session() as s:
            return list(s.exec(query))

    def last_run(self, slug: str, kind: str, finished: bool = False) -> Run | None:
        """The latest run of ``slug``'s demo or tests; ``finished``: the latest that reached a verdict."""
        query = select(Run).where(Run.member == self.member, Run.slug == slug, Run.kind == kind)
        if finished:
            query = query.where(col(Run.outcome).in_(FINISHED_OUTCOMES))
        with self.session() as s:
            return s.exec(query.order_by(col(Run.started_at).desc(), col(Run.id).desc()).limit(1)).first()

    def run(self, run_id: int) -> Run | None:
        with self.session() as s:
            run = s.get(Run, run_id)
            return run if run is not None and run.member == self.member else None

    def implemented(self, slugs: Iterable[str]) -> set[str]:
        """The slugs whose latest test run with a verdict passed (a cancelled or crashed run changes nothing)."""
        wanted = list(dict.fromkeys(slugs))
        if not wanted:
            return set()
        finished = sa.and_(Run.member == self.member, Run.kind == "test", col(Run.outcome).in_(FINISHED_OUTCOMES))
        latest = (sa.select(Run.slug, sa.func.max(Run.id).label("last_id"))
                  .where(finished, col(Run.slug).in_(wanted)).group_by(Run.slug).subquery())
        query = sa.select(Run.slug).join(latest, Run.id == latest.c.last_id).where(Run.outcome == "passed")
        with self.session() as s:
            return set(s.execute(query).scalars())

    def is_implemented(self, slug: str) -> bool:
        return slug in self.implemented([slug])

    # per-node choices -------------------------------------------------------

    def set_estimate(self, node_id: str, minutes: int | None, at: datetime | None = None) -> None:
        """The learner's own time for a node, in minutes; ``None`` goes back to the per-kind default."""
        if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0):
            raise StoreError(f"invalid estimate {minutes!r}: a whole number of minutes above 0")
        self._set_pref(node_id, at, estimate_minutes=minutes)

    def set_role(self, node_id: str, role: str | None, at: datetime | None = None) -> None:
        """Core or optional on learning paths; ``None`` goes back to what the reading list says."""
        if role is not None:
            check_choice(role, ROLES, "role")
        self._set_pref(node_id, at, role=role)

    def estimates(self) -> dict[str, int]:
        """Node id -> the learner's minutes, for nodes that have one."""
        return self._prefs(NodePref.estimate_minutes)

    def roles(self) -> dict[str, str]:
        """Node id -> ``core`` or ``optional``, for nodes the learner flipped."""
        return self._prefs(NodePref.role)

    def _prefs(self, column) -> dict[str, Any]:
        query = sa.select(NodePref.node_id, column).where(NodePref.member == self.member, column.is_not(None))
        with self.connection() as conn:
            return dict(conn.execute(query).all())

    def _set_pref(self, node_id: str, at: datetime | None, **values: Any) -> None:
        now = at or utcnow()
        with self.session(write=True) as s:
            row = s.get(NodePref, (self.member, node_id))
            if row is None:
                row = NodePref(member=self.member, node_id=node_id, updated_at=now)
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_at = now
            s.add(row)

    # maintenance ----------------------------------------------------------

    def schema_revision(self) -> str | None:
        with self.connection() as conn:
            return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()

    def integrity_problems(self) -> list[str]:
        """SQLite's own consistency check (empty when healthy; not available elsewhere)."""
        if self.engine.dialect.name != "sqlite":
            return []
        with self.connection() as conn:
            found = [row[0] for row in conn.exec_driver_sql("PRAGMA quick_check")]
        return [] if found == ["ok"] else found

    def node_ids(self) -> set[str]:
        """Every node id that has a status, a history entry or a note."""
        from .tables import ReviewCard

        query = sa.union(*(sa.select(t.c.node_id).where(t.c.member == self.member)
                           for t in (PROGRESS, HISTORY, NOTES, ReviewCard.__table__, NodePref.__table__)))
        with self.connection() as conn:
            return set(conn.execute(query).scalars())

    def record_counts(self) -> dict[str, RecordCounts]:
        """Every node id that has any record, with what is stored under it."""
        with self.session() as s:
            mine = self.member
            status = dict(s.execute(sa.select(Progress.node_id, Progress.status).where(Progress.member == mine)).all())
            counts = {}
            from .tables import ReviewCard, ReviewEntry

            for table in (StatusChange, Note, Run, ReviewEntry):
                rows = s.execute(sa.select(table.node_id, sa.func.count()).where(table.member == mine)
                                 .group_by(table.node_id))
                counts[table] = dict(rows.all())
            carded = set(s.execute(sa.select(ReviewCard.node_id).where(ReviewCard.member == mine)).scalars())
            preferred = set(s.execute(sa.select(NodePref.node_id).where(NodePref.member == mine)).scalars())
        ids = set(status).union(*counts.values(), carded, preferred)
        return {i: RecordCounts(i, status.get(i), counts[StatusChange].get(i, 0), counts[Note].get(i, 0),
                                counts[Run].get(i, 0), counts[ReviewEntry].get(i, 0), i in carded, i in preferred)
                for i in sorted(ids)}

    def reattach(self, old: str, new: str) -> Reattached:
        """Move everything stored under ``old`` to ``new``; if both have a status, the newer wins."""
        if old == new:
            raise StoreError(f"{old!r} is already attached to itself")
        with self.session(write=True) as s:
            result = move_records(s, self.member, old, new)
            if result.progress == "none" and result.prefs == "none" and not (
                    result.history or result.notes or result.runs or result.reviews):
                raise StoreError(f"nothing is stored under {old!r}")
        return result

    # the group ---------------------------------------------------------------

    def members(self) -> list[str]:
        """Everyone with any row in this database (just me on a database of my own), sorted."""
        from .tables import ReviewCard

        query = sa.union(*(sa.select(t.c.member) for t in (PROGRESS, HISTORY, NOTES, Run.__table__,
                                                              ReviewCard.__table__)))
        with self.connection() as conn:
            found = set(conn.execute(query).scalars())
        return sorted(found | {self.member})

    def group_progress(self, node_id: str) -> list[Progress]:
        """Every member's progress row on one node."""
        with self.session() as s:
            return list(s.exec(select(Progress).where(Progress.node_id == node_id).order_by(Progress.member)))

    def group_implemented(self, slug: str) -> dict[str, datetime | None]:
        """member -> when the slug's tests last passed, for members whose latest finished test run passed."""
        finished = sa.and_(Run.slug == slug, Run.kind == "test", col(Run.outcome).in_(FINISHED_OUTCOMES))
        latest = (sa.select(Run.member, sa.func.max(Run.id).label("last_id")).where(finished)
                  .group_by(Run.member).subquery())
        query = (sa.select(Run.member, Run.ended_at).join(latest, Run.id == latest.c.last_id)
                 .where(Run.outcome == "passed"))
        with self.session() as s:
            return dict(s.execute(query).all())


def move_records(s: Session, member: str, old: str, new: str) -> Reattached:
    """Everything ``member`` stored under ``old`` moved to ``new`` in the caller's transaction (reattach, restore)."""
    moved = {}
    for table in (StatusChange, Note, Run):
        result = s.execute(sa.update(table).where(table.member == member, table.node_id == old).values(node_id=new))
        moved[table] = result.rowcount
    old_row, new_row = s.get(Progress, (member, old)), s.get(Progress, (member, new))
    if old_row is None:
        outcome = "none"
    elif new_row is None:
        s.add(Progress(member=member, node_id=new, status=old_row.status, started_at=old_row.started_at,
                       finished_at=old_row.finished_at, updated_at=old_row.updated_at))
        s.delete(old_row)
        outcome = "moved"
    else:
        if old_row.updated_at > new_row.updated_at:
            new_row.status, new_row.started_at = old_row.status, old_row.started_at
            new_row.finished_at, new_row.updated_at = old_row.finished_at, old_row.updated_at
            s.add(new_row)
            outcome = "replaced"
        else:
            outcome = "kept new"
        s.delete(old_row)
    s.flush()  # the progress row's delete lands before any insert that reuses its key
    reviews = _move_review(s, member, old, new)
    prefs = _move_prefs(s, member, old, new)
    return Reattached(old, new, moved[StatusChange], moved[Note], moved[Run], outcome, reviews, prefs)


def _move_prefs(s: Session, member: str, old: str, new: str) -> str:
    """The estimate and role follow the node; where both ids have a choice, the newer one is kept."""
    old_row, new_row = s.get(NodePref, (member, old)), s.get(NodePref, (member, new))
    if old_row is None:
        return "none"
    if new_row is None:
        s.add(NodePref(member=member, node_id=new, estimate_minutes=old_row.estimate_minutes, role=old_row.role,
                       updated_at=old_row.updated_at))
        s.delete(old_row)
        return "moved"
    newer, older = (old_row, new_row) if old_row.updated_at > new_row.updated_at else (new_row, old_row)
    for name in ("estimate_minutes", "role"):
        value = getattr(newer, name)
        setattr(new_row, name, value if value is not None else getattr(older, name))
    new_row.updated_at = newer.updated_at
    s.add(new_row)
    s.delete(old_row)
    return "merged"


def _move_review(s: Session, member: str, old: str, new: str) -> int:
    """The review log follows the node; two cards become one, replayed by fsrs from the joined log."""
    from ..review.cards import replay_node
    from .tables import ReviewCard, ReviewEntry

    moved = s.execute(sa.update(ReviewEntry).where(ReviewEntry.member == member, ReviewEntry.node_id == old)
                      .values(node_id=new)).rowcount
    old_card, new_card = s.get(ReviewCard, (member, old)), s.get(ReviewCard, (member, new))
    if old_card is None:
        return moved
    at = max(old_card.updated_at, new_card.updated_at) if new_card else old_card.updated_at
    if new_card is None:
        s.execute(sa.update(ReviewCard).where(ReviewCard.member == member, ReviewCard.node_id == old)
                  .values(node_id=new))
    else:
        new_card.added_at = min(new_card.added_at, old_card.added_at)
        new_card.active = new_card.active or old_card.active
        s.delete(old_card)
    s.flush()
    replay_node(s.connection(), member, new, at)
    return moved + 1
