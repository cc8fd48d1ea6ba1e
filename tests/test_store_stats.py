"""Weekly reads and streaks in local days, and the streak's look-back past the 8-week window."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from tracker.store import open_store
from tracker.store.stats import current_streak, streak_length, week_start, weekly_reads

TODAY = date(2025, 3, 12)  # a Wednesday


def at_local(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour)).astimezone()


def test_streak_counts_consecutive_days_ending_today_or_yesterday():
    days = {TODAY, TODAY - timedelta(days=1), TODAY - timedelta(days=2), TODAY - timedelta(days=4)}
    assert streak_length(days, TODAY) == 3
    assert streak_length(days - {TODAY}, TODAY) == 2  # today's read may still come
    assert streak_length(days - {TODAY, TODAY - timedelta(days=1)}, TODAY) == 0
    assert streak_length(set(), TODAY) == 0


def test_weekly_reads_are_grouped_by_iso_week_oldest_first():
    reads = [at_local(TODAY), at_local(TODAY - timedelta(days=2)),  # Monday of this week
             at_local(TODAY - timedelta(days=3)),  # Sunday: last week
             at_local(TODAY - timedelta(weeks=7)), at_local(TODAY - timedelta(weeks=8))]  # outside the window
    weeks = weekly_reads(reads, TODAY)
    assert [w["week"] for w in weeks] == [f"2025-W{n:02d}" for n in range(4, 12)]
    assert [w["reads"] for w in weeks] == [1, 0, 0, 0, 0, 0, 1, 2]
    assert weeks[-1]["start"] == week_start(TODAY).isoformat() == "2025-03-10"


def test_streak_reaches_back_past_the_window(tmp_path):
    with open_store(tmp_path / "t.db") as store:
        for back in range(100):  # a read every day for 100 days
            store.mark(f"n{back}", "read", at=at_local(TODAY - timedelta(days=back), hour=9))
        store.mark("n200", "read", at=at_local(TODAY - timedelta(days=200)))
        window_start = week_start(TODAY) - timedelta(weeks=7)
        recent = store.read_times(since=datetime.combine(window_start, time()).astimezone())
        assert len(recent) == (TODAY - window_start).days + 1
        assert current_streak(store, TODAY, recent, window_start) == 100


@pytest.mark.parametrize("days_back, expected", [(0, 1), (1, 1), (2, 0)])
def test_streak_of_a_single_read(tmp_path, days_back, expected):
    with open_store(tmp_path / "t.db") as store:
        store.mark("a", "read", at=at_local(TODAY - timedelta(days=days_back)))
        start = week_start(TODAY) - timedelta(weeks=7)
        assert current_streak(store, TODAY, store.read_times(), start) == expected


def test_weekly_reads_count_only_reads_that_still_stand(tmp_path):
    from tracker.store.stats import standing_read_times

    monday = week_start(TODAY)
    with open_store(tmp_path / "t.db") as store:
        store.mark("kept", "read", at=at_local(monday))
        store.mark("set-back", "read", at=at_local(monday))
        store.mark("set-back", "unread", at=at_local(monday, 13))  # a read set back to unread: no read
        store.mark("undone", "read", at=at_local(monday))
        store.undo("undone")
        store.mark("twice", "read", at=at_local(monday - timedelta(weeks=1)))
        store.mark("twice", "reading", at=at_local(monday, 9))
        store.mark("twice", "read", at=at_local(monday, 10))  # read again: counts once, this week
        store.mark("restored", "read", at=at_local(monday - timedelta(weeks=2)))
        store.mark("restored", "skipped", at=at_local(monday, 11))
        store.undo("restored")  # the skip undone: the read of two weeks ago stands again
        times = standing_read_times(store)
        assert len(times) == 3 + 1 - 1  # kept, twice, restored
        weeks = weekly_reads(times, TODAY)
        assert [w["reads"] for w in weeks][-3:] == [1, 0, 2]
        since = datetime.combine(monday, time()).astimezone()
        assert len(standing_read_times(store, since)) == 2
        assert sum(w["reads"] for w in weekly_reads(store.read_times(), TODAY)) == 5  # the events, for contrast
