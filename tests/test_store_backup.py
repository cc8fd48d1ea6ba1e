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
        store.finish_run(run, outcome="passed", exit_code=0, metrics={"acc": 0.99})
        yield store


def sections(data: dict) -> dict:
    return {k: data[k] for k in ("progress", "history", "notes", "runs")}


def test_backup_file_is_versioned_json_with_everything(source, tmp_path):
    path = tmp_path / "backup.json"
    counts = write_backup(source, path)
    assert counts == {"progress": 2, "history": 4, "notes": 2, "runs": 1}
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (data["format"], data["version"]) == (FORMAT, VERSION)
    assert [p["node_id"] for p in data["progress"]] == ["attention", "resnet"]
    assert data["progress"][0]["finished_at"] == (T0 + timedelta(days=1)).isoformat()
    assert data["runs"][0]["metrics"] == {"acc": 0.99}
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
