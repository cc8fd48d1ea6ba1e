"""Backups: a faithful round trip, idempotent restores, newer data kept, atomic writes, bad files refused."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from tracker.store import StoreError, open_store
from tracker.store.backup import FORMAT, VERSION, dump, read_backup, restore, write_backup

T0 = datetime(2024, 3, 1, 9, 30, tzinfo=timezone.utc)


@pytest.fixture
def source(tmp_path):
    with open_store(tmp_path / "source.db") as store:
        store.mark(["attention", "resnet"], "reading", at=T0)
        store.mark("attention", "read", at=T0 + timedelta(days=1))
        store.undo("resnet")
        store.add_note("attention", "# Key idea\nsoftmax(QK^T)V — ünïcode kept")
        store.add_note("gone-node", "an orphan's note survives backups")
        run = store.start_run("lstm-paper", "lstm", "test", claim="copies sequences")
        store.finish_run(run, outcome="passed", exit_code=0, metrics={"acc": 0.99},
                         curves={"loss": [[1, 2.5], [2, 1.25]]}, figures={"measured": 0.97, "threshold": 0.9},
                         tests={"passed": 12, "skipped": 1})
        yield store


def sections(data: dict) -> dict:
    return {k: data[k] for k in ("progress", "history", "notes", "runs")}


def test_backup_file_is_versioned_json_with_everything(source, tmp_path):
    path = tmp_path / "backup.json"
    counts = write_backup(source, path)
    assert counts == {"progress": 2, "history": 4, "notes": 2, "runs": 1, "review_cards": 0, "review_log": 0,
                      "review_skip_kinds": 0, "node_prefs": 0}
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (data["format"], data["version"]) == (FORMAT, VERSION)
    assert [p["node_id"] for p in data["progress"]] == ["attention", "resnet"]
    assert data["progress"][0]["finished_at"] == (T0 + timedelta(days=1)).isoformat()
    assert data["runs"][0]["metrics"] == {"acc": 0.99}
    run = data["runs"][0]
    assert (run["measured"], run["threshold"], run["tests"]) == (0.97, 0.9, {"passed": 12, "skipped": 1})
    assert run["curves"] == {"loss": [[1, 2.5], [2, 1.25]]} and "pid" not in run and "host" not in run
    assert "ünïcode" in path.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir() if "backup" in p.name) == ["backup.json"]


def test_restore_into_an_empty_database_reproduces_it_and_twice_changes_nothing(source, tmp_path):
    path = tmp_path / "backup.json"
    write_backup(source, path)
    with open_store(tmp_path / "target.db") as target:
        first = restore(target, read_backup(path)).to_json()
        assert first["progress"] == {"added": 2, "updated": 0, "kept": 0, "unchanged": 0}
        assert first["history"]["added"] == 4 and first["notes"]["added"] == 2 and first["runs"]["added"] == 1
        assert sections(dump(target)) == sections(dump(source))
        second = restore(target, read_backup(path)).to_json()
        assert all(c["added"] == c["updated"] == c["kept"] == 0 for c in second.values())
        assert second["history"]["unchanged"] == 4
        assert sections(dump(target)) == sections(dump(source))
        # undo still works on restored history: the last real change of attention was reading -> read
        assert target.undo("attention")[0].to_status == "reading"


def test_restore_keeps_newer_database_rows_and_takes_newer_backup_rows(source, tmp_path):
    path = tmp_path / "backup.json"
    write_backup(source, path)
    later = datetime.now(timezone.utc) + timedelta(seconds=1)
    source.mark("attention", "skipped", at=later)  # newer than the backup: must survive
    note = source.notes(["gone-node"])[0]
    data = read_backup(path)
    data["progress"][1]["status"] = "skipped"  # resnet: the backup is newer than the database
    data["progress"][1]["updated_at"] = later + timedelta(days=1)
    data["notes"][0]["body"] = "edited elsewhere"
    data["notes"][0]["updated_at"] = later
    report = restore(source, data).to_json()
    assert report["progress"] == {"added": 0, "updated": 1, "kept": 1, "unchanged": 0}
    assert report["notes"] == {"added": 0, "updated": 1, "kept": 0, "unchanged": 1}
    assert source.statuses() == {"attention": "skipped", "resnet": "skipped"}
    bodies = {n.uid: n.body for n in source.notes()}
    assert bodies[note.uid] == "an orphan's note survives backups"
    assert "edited elsewhere" in bodies.values()


def test_failed_restore_writes_nothing(source, tmp_path):
    path = tmp_path / "backup.json"
    write_backup(source, path)
    data = read_backup(path)
    data["notes"].append(dict(data["notes"][0], uid="x", body=None))  # NOT NULL violation in the database
    before = dump(source)
    with open_store(tmp_path / "target.db") as target:
        with pytest.raises(StoreError, match="database error"):
            restore(target, data)
        assert sections(dump(target)) == {"progress": [], "history": [], "notes": [], "runs": []}
    assert sections(dump(source)) == sections(before)


def test_backup_replaces_an_existing_file_atomically(source, tmp_path):
    path = tmp_path / "backup.json"
    path.write_text("old backup")
    write_backup(source, path)
    assert json.loads(path.read_text())["format"] == FORMAT
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".backup.json")] == []


def test_backup_into_a_missing_folder_is_an_error(source, tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        write_backup(source, tmp_path / "nope" / "b.json")


@pytest.mark.parametrize("content, message", [
    ("not json", "invalid JSON at line 1"),
    ('{"format": "something-else"}', "not a tracker backup"),
    ('{"format": "tracker-backup", "version": 99}', "version 99 is newer"),
    ('{"format": "tracker-backup", "version": 1, "progress": {}}', "progress must be a list"),
    ('{"format": "tracker-backup", "version": 1, "progress": [{"node_id": "a", "status": "done", '
     '"updated_at": "2024-01-01T00:00:00+00:00"}]}', r"progress\[0\].status: 'done' is not one of"),
    ('{"format": "tracker-backup", "version": 1, "notes": [{"uid": "u", "node_id": "a", "body": "b", '
     '"created_at": "yesterday"}]}', r"notes\[0\].created_at: 'yesterday' is not an ISO time"),
    ('{"format": "tracker-backup", "version": 1, "history": [{"node_id": "a"}]}', r"history\[0\]: missing at"),
])
def test_invalid_backups_are_refused_with_the_place(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(StoreError, match=message):
        read_backup(path)


def test_missing_backup_file(tmp_path):
    with pytest.raises(StoreError, match="no backup file"):
        read_backup(tmp_path / "none.json")


# strict validation (issue 12 item 13) ---------------------------------------------

def backup_text(**sections) -> str:
    return json.dumps({"format": FORMAT, "version": VERSION, **sections})


GOOD_RUN = {"node_id": "a", "slug": "s", "kind": "demo", "started_at": "2024-01-01T00:00:00+00:00",
            "outcome": "passed"}
GOOD_HISTORY = {"node_id": "a", "at": "2024-01-01T00:00:00+00:00", "from_status": "unread", "to_status": "read"}


@pytest.mark.parametrize("content, message", [
    ('{"format": "tracker-backup", "version": true}', r"version: True is not a backup format version"),
    ('{"format": "tracker-backup", "version": "1"}', r"version: '1' is not a backup format version"),
    (backup_text(history=[dict(GOOD_HISTORY, is_undo="false")]),
     r"history\[0\].is_undo: 'false' is not a valid boolean"),
    (backup_text(history=[GOOD_HISTORY, dict(GOOD_HISTORY, node_id=["a"])]),
     r"history\[1\].node_id: \['a'\] is not a valid string"),
    (backup_text(notes=[{"uid": "u", "node_id": "a", "body": "b", "created_at": "0001-01-01T00:00:00+05:00"}]),
     r"notes\[0\].created_at: '0001-01-01T00:00:00\+05:00' is out of range"),
    (backup_text(notes=[{"uid": "u", "node_id": "a", "body": "b", "created_at": "2024-02-30T00:00:00"}]),
     r"notes\[0\].created_at: '2024-02-30T00:00:00' is not an ISO time"),
    (backup_text(runs=[dict(GOOD_RUN, metrics=[1, 2])]), r"runs\[0\].metrics: \[1, 2\] is not an object"),
    (backup_text(runs=[dict(GOOD_RUN, metrics={"loss": {"deep": 1}})]),
     r"runs\[0\].metrics: it has 'loss' = \{'deep': 1\}: a metric must be a number"),
    (backup_text(runs=[dict(GOOD_RUN, exit_code="0")]), r"runs\[0\].exit_code: '0' is not a valid integer"),
    (backup_text(runs=[GOOD_RUN, GOOD_RUN, dict(GOOD_RUN, outcome="won")]), r"runs\[2\].outcome: 'won' is not one of"),
    (backup_text(progress=[{"node_id": "", "status": "read", "updated_at": "2024-01-01T00:00:00"}]),
     r"progress\[0\].node_id: must not be empty"),
    (backup_text(progress=[{"node_id": "a", "status": "read", "updated_at": "2024-01-01T00:00:00", "colour": 1}]),
     r"progress\[0\].colour: unknown field"),
    (backup_text(progress=["a"]), r"progress\[0\]: 'a' is not an object"),
    ('{"format": "tracker-backup", "version": 1, "runs": [{"metrics": ' + '[' * 100_000 + ']' * 100_000 + '}]}',
     "JSON nested too deeply to read"),
])
def test_malformed_backups_name_the_first_bad_record_and_change_nothing(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with open_store(tmp_path / "t.db") as store:
        store.mark("keep", "read", at=T0)
        before = dump(store)
        with pytest.raises(StoreError, match=message) as caught:
            restore(store, read_backup(path))
        assert str(caught.value).startswith(f"{path}: ") and "\n" not in str(caught.value)
        assert sections(dump(store)) == sections(before)


def test_valid_backup_values_keep_their_types(tmp_path):
    path = tmp_path / "ok.json"
    path.write_text(backup_text(history=[dict(GOOD_HISTORY, is_undo=False)],
                                runs=[dict(GOOD_RUN, exit_code=0, metrics={"acc": 1, "loss": 0.5, "note": None})],
                                notes=[{"uid": "u", "node_id": "a", "body": "", "created_at": "2024-01-01T05:00:00+05:00"}]))
    data = read_backup(path)
    assert data["history"][0]["is_undo"] is False
    assert data["runs"][0]["metrics"] == {"acc": 1, "loss": 0.5, "note": None}
    assert data["notes"][0]["created_at"] == data["notes"][0]["updated_at"] == datetime(2024, 1, 1, tzinfo=timezone.utc)


# restore after doctor --reattach (issue 12 item 11) -----------------------------------

def test_restore_after_reattach_maps_the_old_id_and_duplicates_nothing(source, tmp_path):
    source.mark("lstm-paper", "reading", at=T0 + timedelta(days=2))
    path = tmp_path / "before-reattach.json"
    write_backup(source, path)
    source.reattach("attention", "transformer")
    source.reattach("lstm-paper", "lstm")
    before = sections(dump(source))
    reads_before = len(source.read_times())

    report = restore(source, read_backup(path))
    assert report.moved == {"attention": "transformer", "lstm-paper": "lstm"}
    assert sections(dump(source)) == before  # nothing added: no orphan back, no read counted twice
    assert len(source.read_times()) == reads_before
    assert "attention" not in source.node_ids() and "lstm-paper" not in {r.node_id for r in source.runs()}
    counts = report.to_json()
    assert counts["history"] == {"added": 0, "updated": 0, "kept": 0, "unchanged": 5}
    assert counts["runs"] == {"added": 0, "updated": 0, "kept": 0, "unchanged": 1}


def test_restore_still_adds_records_of_ids_the_database_never_had(source, tmp_path):
    path = tmp_path / "b.json"
    write_backup(source, path)
    with open_store(tmp_path / "other.db") as other:
        other.mark("transformer", "read", at=T0)  # same time and change as nothing in the backup
        report = restore(other, read_backup(path))
        assert report.moved == {}
        assert report.to_json()["history"]["added"] == 4
        assert {"attention", "resnet", "transformer"} <= other.node_ids()


# backups of rows that do not parse (issue 12 item 12) ----------------------------------

def test_backup_of_unparsable_rows_keeps_their_values_as_they_are(source, tmp_path):
    import sqlite3

    with sqlite3.connect(source.target.path) as conn:
        conn.execute("UPDATE progress SET updated_at = 'not a time' WHERE node_id = 'resnet'")
        conn.execute("UPDATE status_history SET at = 20240301 WHERE id = 1")
        conn.execute("UPDATE runs SET metrics = '{not json'")
    path = tmp_path / "b.json"
    assert write_backup(source, path) == {"progress": 2, "history": 4, "notes": 2, "runs": 1, "review_cards": 0,
                                          "review_log": 0, "review_skip_kinds": 0, "node_prefs": 0}
    data = json.loads(path.read_text())
    assert data["progress"][1]["updated_at"] == "not a time"
    assert data["history"][0]["at"] == 20240301
    assert data["runs"][0]["metrics"] == "{not json"
    assert data["progress"][0]["updated_at"] == (T0 + timedelta(days=1)).isoformat()  # good rows as before
    with pytest.raises(StoreError, match=r"progress\[1\].updated_at: 'not a time' is not an ISO time"):
        read_backup(path)


def test_restore_of_a_backup_made_after_a_reattach_elsewhere_moves_the_records_here_too(source, tmp_path):
    source.mark("transformer", "reading", at=T0 + timedelta(days=3))  # the new node has a status of its own
    with open_store(tmp_path / "laptop.db") as laptop:  # a copy of this database, taken before the re-attach
        restore(laptop, read_backup(_backup(source, tmp_path / "copy.json")))
        source.reattach("attention", "transformer")
        report = restore(laptop, read_backup(_backup(source, tmp_path / "after.json")))
        assert (report.moved, report.reattached) == ({}, {"attention": "transformer"})
        assert sections(dump(laptop)) == sections(dump(source))  # nothing twice, the orphan gone
        assert all(c["added"] == 0 for c in report.to_json().values())


def test_an_undecidable_rename_keeps_the_databases_naming(source, tmp_path):
    path = _backup(source, tmp_path / "b.json")
    source.reattach("attention", "transformer")  # transformer held nothing: either side could be the newer
    report = restore(source, read_backup(path))
    assert (report.moved, report.reattached) == ({"attention": "transformer"}, {})
    assert "attention" not in source.node_ids()


def _backup(store, path):
    write_backup(store, path)
    return path
