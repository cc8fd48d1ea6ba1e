"""Review cards on a real SQLite file: fsrs intervals with a frozen clock, undo, the 0004 migration, backups."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from alembic import command
from fsrs import Card, Rating, Scheduler

from tracker.review import cards, schedule
from tracker.store import StoreError, open_store
from tracker.store.backup import read_backup, restore, write_backup
from tracker.store.engine import SCHEMA_HEAD, alembic_config

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def fsrs_dues(ratings: list[int], gaps: list[timedelta]) -> list[datetime]:
    """What fsrs itself gives, straight from the library, for ratings made at T0 + gaps."""
    scheduler, card, dues = Scheduler(enable_fuzzing=False), Card(card_id=1, due=T0), []
    for rating, gap in zip(ratings, gaps):
        card, _ = scheduler.review_card(card, Rating(rating), review_datetime=T0 + gap)
        dues.append(card.due)
    return dues


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "t.db") as s:
        yield s


@pytest.mark.parametrize("ratings", [[3, 3, 3, 3], [1, 3, 3, 4], [4, 4, 2, 1, 3], [2, 1, 1, 3, 3]])
def test_rating_sequences_give_the_intervals_fsrs_gives(store, ratings):
    cards.add(store, ["resnet"], T0)
    gaps, at = [], timedelta()
    for _ in ratings:  # review when due (or 10 minutes after the last one while learning)
        gaps.append(at)
        at += timedelta(days=3)
    dues = [cards.rate(store, "resnet", r, T0 + g).due for r, g in zip(ratings, gaps)]
    assert dues == fsrs_dues(ratings, gaps)
    assert len(cards.log(store, "resnet")) == len(ratings)


def test_good_good_is_due_in_ten_minutes_then_in_two_days(store):
    cards.add(store, ["lstm"], T0)
    assert cards.rate(store, "lstm", 3, T0).due == T0 + timedelta(minutes=10)
    later = T0 + timedelta(minutes=10)
    assert cards.rate(store, "lstm", 3, later).due == later + timedelta(days=2)


def test_undo_appends_to_the_log_and_restores_the_exact_previous_card(store):
    cards.add(store, ["a"], T0)
    cards.rate(store, "a", 3, T0)
    before = cards.card(store, "a")
    cards.rate(store, "a", 4, T0 + timedelta(minutes=10))
    undone = cards.undo(store, now=T0 + timedelta(minutes=11))
    assert (undone.node_id, undone.rating) == ("a", 4)
    after = cards.card(store, "a")
    assert (after.state, after.step, after.stability, after.difficulty, after.due, after.last_review) == (
        before.state, before.step, before.stability, before.difficulty, before.due, before.last_review)
    log = cards.log(store, "a")
    assert [(e.rating, e.undoes) for e in log] == [(3, None), (4, None), (None, log[1].uid)]
    assert cards.undo(store, now=T0 + timedelta(minutes=12)).rating == 3  # then the one before
    assert cards.card(store, "a").last_review is None
    assert cards.undo(store, now=T0 + timedelta(minutes=13)) is None


def test_removed_cards_keep_their_state_and_are_not_due(store):
    cards.add(store, ["a", "b"], T0)
    cards.rate(store, "a", 3, T0)
    kept = cards.card(store, "a")
    assert cards.remove(store, ["a", "zzz"], T0) == {"a": "removed", "zzz": "not in review"}
    assert [n for n, _ in cards.due(store, T0 + timedelta(days=30))] == ["b"]
    with pytest.raises(StoreError, match="not in review"):
        cards.rate(store, "a", 3, T0)
    assert cards.add(store, ["a", "b"], T0) == {"a": "back", "b": "already"}
    assert cards.card(store, "a").due == kept.due
    with pytest.raises(StoreError, match="invalid rating 5"):
        cards.rate(store, "a", 5, T0)


def test_due_lists_soonest_first_and_counts_today_and_this_week(store):
    cards.add(store, ["x", "y", "z"], T0)
    cards.rate(store, "y", 4, T0)  # easy on a new card: days away
    cards.rate(store, "z", 3, T0)  # ten minutes
    assert cards.card(store, "y").due == T0 + timedelta(days=8)
    assert cards.due(store, T0 + timedelta(minutes=20)) == [("x", T0), ("z", T0 + timedelta(minutes=10))]
    assert cards.due_counts(store, T0) == (2, 2)  # y is due in 8 days: neither today nor this week
    assert cards.due_counts(store, T0 + timedelta(days=2)) == (2, 3)


def test_retrievability_is_fsrs_and_zero_before_any_review(store):
    cards.add(store, ["a", "b"], T0)
    cards.rate(store, "a", 4, T0)
    now = T0 + timedelta(days=5)
    card = cards.card(store, "a")
    expected = Scheduler(enable_fuzzing=False).get_card_retrievability(
        Card(card_id=1, state=card.state, step=card.step, stability=card.stability, difficulty=card.difficulty,
             due=card.due, last_review=card.last_review), now)
    assert cards.retrievabilities(store, now) == {"a": pytest.approx(expected), "b": 0.0}
    assert 0 < expected < 1


def test_migration_from_0003_keeps_rows_and_adds_the_review_tables(tmp_path):
    path = tmp_path / "old.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0003")
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO progress (node_id, status, updated_at) VALUES "
                             "('resnet', 'read', '2025-05-01 10:00:00.000000')")
        conn.exec_driver_sql("INSERT INTO notes (uid, node_id, body, created_at, updated_at) VALUES "
                             "('u1', 'resnet', 'Q: why residuals?', '2025-05-01 10:00:00.000000', "
                             "'2025-05-01 10:00:00.000000')")
    engine.dispose()
    with open_store(path) as store:
        assert store.statuses() == {"resnet": "read"}
        assert [n.body for n in store.notes()] == ["Q: why residuals?"]
        assert cards.add(store, ["resnet"], T0) == {"resnet": "added"}
        cards.rate(store, "resnet", 3, T0)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(SCHEMA_HEAD,)]
        assert conn.execute("SELECT node_id, rating FROM review_log").fetchall() == [("resnet", 3)]
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"ix_review_cards_active_due", "ix_review_log_member_node_at"} <= indexes


def test_backup_round_trip_of_cards_logs_and_skipped_kinds_is_idempotent(tmp_path):
    with open_store(tmp_path / "a.db") as a:
        cards.add(a, ["p", "q"], T0)
        cards.rate(a, "p", 3, T0)
        cards.rate(a, "p", 1, T0 + timedelta(minutes=10))
        cards.undo(a, now=T0 + timedelta(minutes=11))
        cards.remove(a, ["q"], T0 + timedelta(minutes=12))
        cards.set_skipped(a, "video", True, T0)
        counts = write_backup(a, tmp_path / "b.json")
        original = cards.cards(a, active_only=False)
    assert (counts["review_cards"], counts["review_log"], counts["review_skip_kinds"]) == (2, 3, 1)
    data = read_backup(tmp_path / "b.json")
    with open_store(tmp_path / "c.db") as c:
        first = restore(c, data).to_json()
        second = restore(c, data).to_json()
        assert cards.cards(c, active_only=False) == original
        assert cards.skipped_kinds(c) == {"video"}
    assert first["review_log"]["added"] == 3 and first["review_cards"]["added"] == 2
    assert second["review_log"] == {"added": 0, "updated": 0, "kept": 0, "unchanged": 3}
    assert second["review_cards"] == {"added": 0, "updated": 0, "kept": 0, "unchanged": 2}


def test_restore_merges_ratings_made_on_two_machines_and_replays_them(tmp_path):
    with open_store(tmp_path / "home.db") as home, open_store(tmp_path / "work.db") as work:
        cards.add(home, ["p"], T0)
        cards.rate(home, "p", 3, T0)
        write_backup(home, tmp_path / "home.json")
        restore(work, read_backup(tmp_path / "home.json"))
        cards.rate(work, "p", 3, T0 + timedelta(minutes=10))  # the second rating made at work
        write_backup(work, tmp_path / "work.json")
        restore(home, read_backup(tmp_path / "work.json"))
        assert cards.card(home, "p").due == fsrs_dues([3, 3], [timedelta(), timedelta(minutes=10)])[-1]
        assert len(cards.log(home, "p")) == 2


def test_reattach_moves_the_card_and_its_log(store):
    cards.add(store, ["old-id"], T0)
    cards.rate(store, "old-id", 3, T0)
    store.add_note("old-id", "x")
    store.reattach("old-id", "new-id")
    assert cards.card(store, "old-id") is None
    assert cards.card(store, "new-id").last_review == T0
    assert [e.node_id for e in cards.log(store)] == ["new-id"]


def test_the_one_scan_retrievability_matches_fsrs_card_by_card(store):
    import random

    from tracker.review.heatmap import topic_recall
    from tracker.review.schedule import retrievability

    rng = random.Random(3)
    ids = [f"n{i}" for i in range(60)]
    cards.add(store, ids, T0)
    for node_id in ids[:50]:  # ten are never reviewed
        at = T0
        for _ in range(rng.randint(1, 4)):
            at += timedelta(days=rng.uniform(0, 9), seconds=rng.randint(0, 86399))
            cards.rate(store, node_id, rng.randint(1, 4), at)
    for days in (0, 1, 17, 400):
        now = T0 + timedelta(days=40 + days, hours=rng.uniform(0, 23))
        fast = cards.retrievabilities(store, now)
        one_by_one = {row.node_id: retrievability(row, now) for row in cards.cards(store)}
        assert fast.keys() == one_by_one.keys() and all(fast[i] == pytest.approx(one_by_one[i], abs=1e-12)
                                                        for i in ids)
        factor, decay = schedule.curve()
        with store.connection() as conn:  # the path for an SQLite without math functions agrees too
            slow = cards.curve_in_python(conn.connection.driver_connection,
                                         now.strftime("%Y-%m-%d %H:%M:%S.%f"), factor, decay, store.member)
        assert all(slow[i] == pytest.approx(one_by_one[i], abs=1e-12) for i in ids)
    assert sum(v == 0.0 for v in fast.values()) >= 10
    means = topic_recall(["a", "b", "empty"], {"a": ids[:2], "b": ids[50:], "empty": ["zzz"]}.__getitem__, fast)
    assert means == {"a": pytest.approx((fast[ids[0]] + fast[ids[1]]) / 2), "b": 0.0, "empty": None}
