"""The Store API on a real SQLite file: statuses, history, undo, notes, runs, re-attaching."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tracker.store import StoreError, open_store


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "tracker.db") as s:
        yield s


def test_mark_records_status_times_and_history(store):
    changes = store.mark(["a", "b"], "reading")
    assert [(c.node_id, c.from_status, c.to_status, c.changed) for c in changes] == [
        ("a", "unread", "reading", True), ("b", "unread", "reading", True)]
    started = store.progress("a").started_at
    assert started is not None and started.tzinfo == timezone.utc
    assert store.progress("a").finished_at is None

    store.mark("a", "read")
    row = store.progress("a")
    assert row.status == "read"
    assert row.started_at == started  # starting time survives finishing
    assert row.finished_at is not None and row.finished_at >= started
    assert store.statuses() == {"b": "reading", "a": "read"}
    assert [(h.node_id, h.from_status, h.to_status) for h in store.history()] == [
        ("a", "unread", "reading"), ("b", "unread", "reading"), ("a", "reading", "read")]


def test_marking_the_same_status_is_not_a_change(store):
    store.mark("a", "read")
    again = store.mark("a", "read")
    assert again[0].changed is False
    assert len(store.history()) == 1


def test_marking_unread_clears_times(store):
    store.mark("a", "read")
    store.mark("a", "unread")
    row = store.progress("a")
    assert (row.status, row.started_at, row.finished_at) == ("unread", None, None)


def test_invalid_status_is_refused_and_nothing_written(store):
    with pytest.raises(StoreError, match="invalid status 'done'"):
        store.mark("a", "done")
    assert store.statuses() == {}
    assert store.history() == []


def test_undo_walks_back_through_history_and_is_recorded(store):
    store.mark("a", "reading")
    store.mark("a", "read")
    first = store.undo("a")[0]
    assert (first.from_status, first.to_status, first.changed) == ("read", "reading", True)
    assert store.progress("a").status == "reading"
    second = store.undo("a")[0]
    assert (second.from_status, second.to_status) == ("reading", "unread")
    assert store.progress("a").status == "unread"
    nothing = store.undo("a")[0]
    assert nothing.changed is False
    history = store.history()
    assert [(h.from_status, h.to_status, h.is_undo, h.undone_at is not None) for h in history] == [
        ("unread", "reading", False, True),
        ("reading", "read", False, True),
        ("read", "reading", True, False),
        ("reading", "unread", True, False),
    ]


def test_undone_reads_do_not_count_as_reads(store):
    store.mark("a", "read")
    store.mark("b", "read")
    store.mark("b", "skipped")
    store.undo("b")  # back to read: the original read of b still counts once
    store.undo("a")  # a was never really read
    assert len(store.read_times()) == 1


def test_history_filters_by_node_and_time(store):
    old = datetime(2024, 1, 1, 12, tzinfo=timezone.utc)
    store.mark("a", "read", at=old)
    store.mark("b", "read")
    assert [h.node_id for h in store.history(["a"])] == ["a"]
    assert [h.node_id for h in store.history(since=old + timedelta(days=1))] == ["b"]
    assert store.history(["a"])[0].at == old
    assert [h.node_id for h in store.history(limit=1)] == ["b"]


def test_statuses_put_the_latest_change_last(store):
    store.mark("new-id", "read", at=datetime(2024, 1, 2, tzinfo=timezone.utc))
    store.mark("old-id", "reading", at=datetime(2024, 1, 1, tzinfo=timezone.utc))
    assert list(store.statuses()) == ["old-id", "new-id"]


def test_naive_times_are_refused(store):
    with pytest.raises(Exception, match="naive datetime"):
        store.mark("a", "read", at=datetime(2024, 1, 1))
    assert store.statuses() == {}


def test_notes_are_kept_per_node_with_times(store):
    first = store.add_note("a", "# First\nbody")
    store.add_note("a", "second")
    store.add_note("b", "other")
    assert [n.body for n in store.notes(["a"])] == ["# First\nbody", "second"]
    assert store.note_count() == 3
    assert first.created_at == first.updated_at
    edited = store.update_note(first.uid, "changed")
    assert edited.body == "changed" and edited.updated_at > edited.created_at
    assert store.notes(["a"])[0].body == "changed"
    with pytest.raises(StoreError, match="empty note"):
        store.add_note("a", "  \n ")
    with pytest.raises(StoreError, match="no note"):
        store.update_note("missing", "x")


def test_runs_lifecycle_and_latest(store):
    run_id = store.start_run("lstm-paper", "lstm", "demo", claim="learns to copy")
    running = store.last_run("lstm", "demo")
    assert (running.id, running.outcome, running.ended_at) == (run_id, "running", None)
    done = store.finish_run(run_id, outcome="passed", exit_code=0, metrics={"loss": 0.01, "acc": [1, 2]},
                            verdict="REPRODUCED", output_tail="x" * 30_000)
    assert done.ended_at is not None and done.outcome == "passed"
    loaded = store.last_run("lstm", "demo")
    assert loaded.metrics == {"loss": 0.01, "acc": [1, 2]}
    assert loaded.claim == "learns to copy" and loaded.verdict == "REPRODUCED"
    assert len(loaded.output_tail) == 20_000
    second = store.start_run("lstm-paper", "lstm", "test")
    assert [r.id for r in store.runs(slug="lstm")] == [second, run_id]
    assert [r.id for r in store.runs(node_id="lstm-paper", limit=1)] == [second]
    with pytest.raises(StoreError, match="run kind"):
        store.start_run("x", "lstm", "benchmark")
    with pytest.raises(StoreError, match="run outcome"):
        store.finish_run(second, outcome="great")
    with pytest.raises(StoreError, match="no run"):
        store.finish_run(9999, outcome="passed")


def test_implemented_means_latest_finished_test_run_passed(store):
    def test_run(slug: str, outcome: str) -> None:
        store.finish_run(store.start_run(slug, slug, "test"), outcome=outcome)

    test_run("lstm", "passed")
    test_run("ntm", "passed")
    test_run("ntm", "failed")
    test_run("vlae", "failed")
    test_run("vlae", "passed")
    store.finish_run(store.start_run("gpipe", "gpipe", "demo"), outcome="passed")  # a demo is not a test
    store.start_run("lstm", "lstm", "test")  # still running: the last finished one counts
    assert store.implemented(["lstm", "ntm", "vlae", "gpipe", "none"]) == {"lstm", "vlae"}
    assert store.is_implemented("lstm") and not store.is_implemented("ntm")
    assert store.implemented([]) == set()


def test_record_counts_and_reattach_moves_everything(store):
    store.mark("old", "reading")
    store.add_note("old", "n")
    store.start_run("old", "lstm", "demo")
    counts = store.record_counts()["old"]
    assert (counts.status, counts.history, counts.notes, counts.runs) == ("reading", 1, 1, 1)
    result = store.reattach("old", "new")
    assert (result.history, result.notes, result.runs, result.progress) == (1, 1, 1, "moved")
    assert store.statuses() == {"new": "reading"}
    assert set(store.record_counts()) == {"new"}
    with pytest.raises(StoreError, match="nothing is stored under 'old'"):
        store.reattach("old", "new")


def test_reattach_keeps_the_newer_status(store):
    t0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
    store.mark("old", "read", at=t0)
    store.mark("new", "reading", at=t0 + timedelta(days=1))
    assert store.reattach("old", "new").progress == "kept new"
    assert store.statuses() == {"new": "reading"}
    store.mark("older", "skipped", at=t0 + timedelta(days=2))
    assert store.reattach("older", "new").progress == "replaced"
    assert store.statuses() == {"new": "skipped"}
    assert len(store.history(["new"])) == 3
