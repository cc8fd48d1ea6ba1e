"""Review cards and the review log in the store, one transaction per call.

Every card and log row belongs to the store's member (``Store.member``);
each query here is filtered to it.

The log is append-only: a rating adds a row, an undo adds a row naming the
rating it cancels, and the card is replayed from its effective ratings. A card
taken out of review keeps its state and log (``active`` false) for its return.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from ..store.api import Store
from ..store.tables import ReviewCard, ReviewEntry, ReviewSkipKind, utcnow
from ..store.vocabulary import StoreError
from . import schedule

CARDS = ReviewCard.__table__
LOG = ReviewEntry.__table__
SKIP = ReviewSkipKind.__table__


@dataclass(frozen=True)
class Rated:
    node_id: str
    rating: int
    uid: str
    due: datetime
    state: int


def add(store: Store, node_ids: Iterable[str], now: datetime | None = None) -> dict[str, str]:
    """Put nodes in review: node id -> "added", "back" (was removed; state kept) or "already"."""
    now = now or utcnow()
    outcome = {}
    me = store.member
    with store.connection(write=True) as conn:
        for node_id in dict.fromkeys(node_ids):
            active = conn.execute(sa.select(CARDS.c.active).where(_card(me, node_id))).first()
            if active is None:
                conn.execute(CARDS.insert().values(member=me, node_id=node_id, active=True, added_at=now, updated_at=now,
                                                   **schedule.card_columns(schedule.new_card(now))))
                outcome[node_id] = "added"
            elif active[0]:
                outcome[node_id] = "already"
            else:
                conn.execute(CARDS.update().where(_card(me, node_id)).values(active=True, updated_at=now))
                outcome[node_id] = "back"
    return outcome


def remove(store: Store, node_ids: Iterable[str], now: datetime | None = None) -> dict[str, str]:
    """Take nodes out of review: "removed" or "not in review". Their state and log are kept."""
    now = now or utcnow()
    outcome = {}
    with store.connection(write=True) as conn:
        for node_id in dict.fromkeys(node_ids):
            done = conn.execute(CARDS.update().where(_card(store.member, node_id), CARDS.c.active.is_(True))
                                .values(active=False, updated_at=now))
            outcome[node_id] = "removed" if done.rowcount else "not in review"
    return outcome


def rate(store: Store, node_id: str, rating: int, now: datetime | None = None,
         duration_ms: int | None = None) -> Rated:
    """Rate a card 1-4 (Again, Hard, Good, Easy): one log row, the card rescheduled by fsrs."""
    if rating not in schedule.RATINGS:
        raise StoreError(f"invalid rating {rating!r} (choose 1 Again, 2 Hard, 3 Good, 4 Easy)")
    now = now or utcnow()
    uid = uuid.uuid4().hex
    with store.connection(write=True) as conn:
        row = conn.execute(sa.select(CARDS).where(_card(store.member, node_id))).first()
        if row is None or not row.active:
            raise StoreError(f"{node_id!r} is not in review (add it: tracker review add {node_id})")
        if row.last_review is not None and now < row.last_review:
            now = row.last_review  # a clock that went back: the log stays in order
        card = schedule.review(schedule.card_from_row(row), rating, now)
        conn.execute(LOG.insert().values(uid=uid, member=store.member, node_id=node_id, rating=rating,
                                         reviewed_at=now, duration_ms=duration_ms))
        conn.execute(CARDS.update().where(_card(store.member, node_id))
                     .values(updated_at=now, **schedule.card_columns(card)))
    return Rated(node_id, rating, uid, card.due, int(card.state))


def undo(store: Store, node_id: str | None = None, now: datetime | None = None) -> Rated | None:
    """Cancel the latest rating still in effect (of one node, or of any): None when there is none."""
    now = now or utcnow()
    me = store.member
    with store.connection(write=True) as conn:
        undone = sa.select(LOG.c.undoes).where(LOG.c.member == me, LOG.c.undoes.is_not(None))
        query = (sa.select(LOG.c.uid, LOG.c.node_id, LOG.c.rating, LOG.c.reviewed_at)
                 .where(LOG.c.member == me, LOG.c.rating.is_not(None), LOG.c.uid.not_in(undone)))
        if node_id is not None:
            query = query.where(LOG.c.node_id == node_id)
        last = conn.execute(query.order_by(LOG.c.reviewed_at.desc(), LOG.c.id.desc()).limit(1)).first()
        if last is None:
            return None
        conn.execute(LOG.insert().values(uid=uuid.uuid4().hex, member=me, node_id=last.node_id, rating=None,
                                         reviewed_at=max(now, last.reviewed_at), undoes=last.uid))
        card = replay_node(conn, me, last.node_id, now)
    return Rated(last.node_id, last.rating, last.uid, card.due if card else now, int(card.state) if card else 1)


def _card(member: str, node_id: str):
    return sa.and_(CARDS.c.member == member, CARDS.c.node_id == node_id)


def effective_ratings(conn: sa.Connection, member: str, node_id: str) -> list[tuple[int, datetime]]:
    mine = sa.and_(LOG.c.member == member, LOG.c.node_id == node_id)
    undone = sa.select(LOG.c.undoes).where(LOG.c.undoes.is_not(None), mine)
    rows = conn.execute(sa.select(LOG.c.rating, LOG.c.reviewed_at)
                        .where(mine, LOG.c.rating.is_not(None), LOG.c.uid.not_in(undone))
                        .order_by(LOG.c.reviewed_at, LOG.c.id))
    return [(r.rating, r.reviewed_at) for r in rows]


def replay_node(conn: sa.Connection, member: str, node_id: str, now: datetime):
    """Set a card's state to what fsrs gives for its effective log (after an undo or a restore)."""
    row = conn.execute(sa.select(CARDS.c.added_at).where(_card(member, node_id))).first()
    if row is None:
        return None
    card = schedule.replay(row.added_at, effective_ratings(conn, member, node_id))
    conn.execute(CARDS.update().where(_card(member, node_id))
                 .values(updated_at=now, **schedule.card_columns(card)))
    return card


DUE_QUERY = (sa.select(CARDS.c.node_id, CARDS.c.due)
             .where(CARDS.c.member == sa.bindparam("who"), CARDS.c.active.is_(True),
                    CARDS.c.due <= sa.bindparam("until"))
             .order_by(CARDS.c.due, CARDS.c.node_id))


def due(store: Store, until: datetime | None = None) -> list[tuple[str, datetime]]:
    """Active cards due by ``until`` (default now), soonest first: one scan of the covering index."""
    with store.connection() as conn:
        return [tuple(r) for r in conn.execute(DUE_QUERY, {"who": store.member, "until": until or utcnow()})]


def due_counts(store: Store, now: datetime | None = None) -> tuple[int, int]:
    """(due by the end of today, local time; due within the next 7 days)."""
    now = now or utcnow()
    local = now.astimezone()
    end_of_today = (local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1))
    count = sa.select(sa.func.count()).where(CARDS.c.member == store.member, CARDS.c.active.is_(True),
                                             CARDS.c.due <= sa.bindparam("until"))
    with store.connection() as conn:
        today = conn.execute(count, {"until": end_of_today}).scalar_one()
        week = conn.execute(count, {"until": now + timedelta(days=7)}).scalar_one()
    return today, max(week, today)


def cards(store: Store, active_only: bool = True) -> list:
    query = sa.select(CARDS).where(CARDS.c.member == store.member).order_by(CARDS.c.node_id)
    if active_only:
        query = query.where(CARDS.c.active.is_(True))
    with store.connection() as conn:
        return list(conn.execute(query))


def card(store: Store, node_id: str):
    with store.connection() as conn:
        return conn.execute(sa.select(CARDS).where(_card(store.member, node_id))).first()


def log(store: Store, node_id: str | None = None) -> list:
    query = sa.select(LOG).where(LOG.c.member == store.member).order_by(LOG.c.reviewed_at, LOG.c.id)
    if node_id is not None:
        query = query.where(LOG.c.node_id == node_id)
    with store.connection() as conn:
        return list(conn.execute(query))


# Whole elapsed days since the last review, as fsrs counts them (timedelta.days: floored), from the stored
# UTC text, to the millisecond; NULL for a card never reviewed.
ELAPSED = ("SELECT node_id, stability, MAX(0, CAST((julianday(?) - julianday(last_review)) * 86400000 AS INTEGER)"
           " / 86400000) FROM review_cards WHERE member = ? AND active")
# The same curve evaluated by SQLite itself, where it was built with its math functions (3.35+): no
# Python work per card. 0 for a card never reviewed.
CURVE = ("SELECT node_id, CASE WHEN last_review IS NULL OR NOT stability > 0 THEN 0.0 ELSE pow(1.0 + :factor * "
         "(MAX(0, CAST((:now - julianday(last_review)) * 86400000 AS INTEGER) / 86400000)) / stability, "
         ":decay) END FROM review_cards WHERE member = :member AND active")


def retrievabilities(store: Store, now: datetime | None = None) -> dict[str, float]:
    """Each active card's retrievability now, by node id (0 for a card never reviewed).

    fsrs's own forgetting curve with the scheduler's own decay and factor
    (``schedule.curve``), on rows read straight from SQLite in one scan:
    building 100,000 fsrs cards (or SQLAlchemy rows) takes seconds, this
    tens of milliseconds. Tests check it against fsrs card by card.
    """
    now = now or utcnow()
    if store.engine.dialect.name != "sqlite":
        return {row.node_id: schedule.retrievability(row, now) for row in cards(store)}
    factor, decay = schedule.curve()
    stamp = now.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    with store.connection() as conn:
        raw = conn.connection.driver_connection
        try:
            now_jd = raw.execute("SELECT julianday(?)", (stamp,)).fetchone()[0]  # parsed once, not per card
            return dict(raw.execute(CURVE, {"factor": factor, "now": now_jd, "decay": decay,
                                            "member": store.member}).fetchall())
        except sqlite3.OperationalError:  # no math functions in this SQLite: the curve in Python
            return curve_in_python(raw, stamp, factor, decay, store.member)


def curve_in_python(raw, stamp: str, factor: float, decay: float, member: str) -> dict[str, float]:
    """``retrievabilities`` for an SQLite built without math functions: elapsed days in SQL, the power here."""
    rows = raw.execute(ELAPSED, (stamp, member)).fetchall()
    return {node_id: 0.0 if days is None or not stability or stability <= 0
            else (1 + factor * days / stability) ** decay for node_id, stability, days in rows}


def skipped_kinds(store: Store) -> set[str]:
    with store.connection() as conn:
        return set(conn.execute(sa.select(SKIP.c.kind).where(SKIP.c.member == store.member)).scalars())


def set_skipped(store: Store, kind: str, skipped: bool, now: datetime | None = None) -> bool:
    """Leave a kind out of review (or bring it back); True when this changed anything."""
    with store.connection(write=True) as conn:
        if skipped:
            mine = sa.and_(SKIP.c.member == store.member, SKIP.c.kind == kind)
            if conn.execute(sa.select(SKIP.c.kind).where(mine)).first():
                return False
            conn.execute(SKIP.insert().values(member=store.member, kind=kind, updated_at=now or utcnow()))
            return True
        return bool(conn.execute(SKIP.delete().where(SKIP.c.member == store.member, SKIP.c.kind == kind)).rowcount)
