"""The store's tables, keyed by the graph's stable node ids.

Node ids are plain strings with no foreign key: the graph lives in YAML and
changes between versions, while progress and notes must outlive renames and
removals (``tracker doctor`` re-attaches orphans). Times are stored as UTC.

SQLite does not enforce column types, so a row edited by hand or by another
tool can hold a time or JSON that does not parse. Such values are read
defensively (``UnreadableTime``, ``None`` metrics) instead of crashing every
command that touches the row; ``tracker doctor`` reports and repairs them.
"""

import json
from datetime import datetime, timezone
from typing import Any, Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .times import UnreadableTime, parse_stored_time


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(sa.types.TypeDecorator):
    """Timezone-aware UTC in and out, on every backend.

    SQLite has no time zones, so values are stored as naive UTC text (which
    also sorts correctly); PostgreSQL gets ``timestamptz``.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[datetime], dialect) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: store times must be timezone-aware")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Optional[datetime], dialect) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)

    def result_processor(self, dialect, coltype):
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        return parse_stored_time  # SQLite's own parser raises on a value it cannot read

    def bind_processor(self, dialect):
        inner = super().bind_processor(dialect)
        if dialect.name != "sqlite":
            return inner

        def process(value):
            if isinstance(value, UnreadableTime):
                return value.raw  # written back as it was found: never replaced by a made-up time
            return inner(value) if inner else value

        return process


class LenientJSON(sa.types.TypeDecorator):
    """JSON that reads as ``None`` when the stored text is not JSON (SQLite does not check it)."""

    impl = sa.JSON
    cache_ok = True

    def result_processor(self, dialect, coltype):
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)

        def load(value):
            if value is None or not isinstance(value, (str, bytes)):
                return value
            try:
                return json.loads(value)
            except (ValueError, RecursionError):
                return None

        return load


class Progress(SQLModel, table=True):
    """The current status of one node (no row means unread)."""

    __tablename__ = "progress"
    # Covering index: all statuses in change order is an index-only scan.
    __table_args__ = (sa.Index("ix_progress_updated_at", "member", "updated_at", "node_id", "status"),
                      sa.Index("ix_progress_node_id", "node_id"))

    member: str = Field(primary_key=True)  # whose row: a study group shares one database
    node_id: str = Field(primary_key=True)
    status: str
    started_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    finished_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class StatusChange(SQLModel, table=True):
    """One status change; undoing marks it ``undone_at`` and adds an ``is_undo`` row."""

    __tablename__ = "status_history"
    __table_args__ = (sa.Index("ix_status_history_member_to_status_at", "member", "to_status", "at"),
                      sa.Index("ix_status_history_member_node", "member", "node_id"))

    id: Optional[int] = Field(default=None, primary_key=True)
    member: str
    node_id: str
    at: datetime = Field(sa_type=UTCDateTime)
    from_status: str
    to_status: str
    is_undo: bool = False
    undone_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)


class Note(SQLModel, table=True):
    """A markdown note; ``uid`` identifies it across backups and machines."""

    __tablename__ = "notes"
    __table_args__ = (sa.UniqueConstraint("uid", name="uq_notes_uid"),
                      sa.Index("ix_notes_member_node", "member", "node_id"))

    id: Optional[int] = Field(default=None, primary_key=True)
    uid: str
    member: str
    node_id: str = Field(index=True)
    body: str = Field(sa_type=sa.Text)
    shared: bool = False  # private unless the member shares it with the group
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class Run(SQLModel, table=True):
    """One launch of an implementation's demo or tests, and what it showed.

    ``pid``, ``pid_started`` (the process start time in clock ticks since boot)
    and ``host`` name the process that watches the run, so a run whose watcher
    died without recording an outcome can be told from one still going.
    """

    __tablename__ = "runs"
    __table_args__ = (sa.Index("ix_runs_member_slug_kind", "member", "slug", "kind"),
                      sa.Index("ix_runs_outcome", "outcome"))

    id: Optional[int] = Field(default=None, primary_key=True)
    member: str
    node_id: str = Field(index=True)
    slug: str
    kind: str
    started_at: datetime = Field(sa_type=UTCDateTime)
    ended_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    exit_code: Optional[int] = None
    outcome: str = "running"
    metrics: Optional[dict[str, Any]] = Field(default=None, sa_type=LenientJSON)
    claim: Optional[str] = Field(default=None, sa_type=sa.Text)
    verdict: Optional[str] = None
    output_tail: Optional[str] = Field(default=None, sa_type=sa.Text)
    pid: Optional[int] = None
    pid_started: Optional[int] = Field(default=None, sa_type=sa.BigInteger)
    host: Optional[str] = None
    measured: Optional[float] = None
    threshold: Optional[float] = None
    curves: Optional[dict[str, Any]] = Field(default=None, sa_type=sa.JSON)  # label -> [[step, value], ...]
    tests: Optional[dict[str, Any]] = Field(default=None, sa_type=sa.JSON)  # outcome -> count


class ReviewCard(SQLModel, table=True):
    """A node's spaced-review card: the fsrs card state, kept so the due query is one index scan.

    The state is always what replaying the node's effective review log
    through fsrs gives (``tracker.review.schedule``); ``active`` is false for a
    card taken out of review, whose state and log are kept for when it comes back.
    """

    __tablename__ = "review_cards"
    # Covering index: the active cards in due order is an index-only scan.
    __table_args__ = (sa.Index("ix_review_cards_active_due", "member", "active", "due", "node_id"),)

    member: str = Field(primary_key=True)  # whose row: a study group shares one database
    node_id: str = Field(primary_key=True)
    active: bool = True
    state: int = 1  # fsrs.State: 1 learning, 2 review, 3 relearning
    step: Optional[int] = 0
    stability: Optional[float] = None
    difficulty: Optional[float] = None
    due: datetime = Field(sa_type=UTCDateTime)
    last_review: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    added_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class ReviewEntry(SQLModel, table=True):
    """One rating (1-4), or the undo of one (``undoes`` names it; ``rating`` is NULL). Never updated or deleted."""

    __tablename__ = "review_log"
    __table_args__ = (sa.UniqueConstraint("uid", name="uq_review_log_uid"),
                      sa.Index("ix_review_log_member_node_at", "member", "node_id", "reviewed_at"))

    id: Optional[int] = Field(default=None, primary_key=True)
    uid: str
    member: str
    node_id: str
    rating: Optional[int] = None
    reviewed_at: datetime = Field(sa_type=UTCDateTime)
    duration_ms: Optional[int] = None
    undoes: Optional[str] = None


class ReviewSkipKind(SQLModel, table=True):
    """A node kind left out of review (videos, link dumps): marking such a node read offers nothing."""

    __tablename__ = "review_skip_kinds"

    member: str = Field(primary_key=True)  # whose row: a study group shares one database
    kind: str = Field(primary_key=True)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class NodePref(SQLModel, table=True):
    """A learner's own choices for one node: minutes it takes them, and core or optional on paths.

    NULL means "not chosen": the graph's default (per-kind estimate, the
    importer's core/supplementary mark) applies. A row whose choices are all
    cleared is kept, so its ``updated_at`` still wins over an older backup.
    """

    __tablename__ = "node_pref"
    __table_args__ = (
        sa.CheckConstraint("role IS NULL OR role IN ('core', 'optional')", name="ck_node_pref_role"),
        sa.CheckConstraint("estimate_minutes IS NULL OR estimate_minutes > 0", name="ck_node_pref_estimate"),
    )

    member: str = Field(primary_key=True)
    node_id: str = Field(primary_key=True)
    estimate_minutes: Optional[int] = None
    role: Optional[str] = None
    updated_at: datetime = Field(sa_type=UTCDateTime)
