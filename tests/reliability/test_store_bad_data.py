"""Bad rows, odd databases and empty lists through real `tracker` processes on a real SQLite file.

Issue 12: a bad timestamp row crashed `mark`, `notes` and `backup` (items 12);
`--db sqlite://` took writes and lost them, two alembic_version rows blamed a
newer tracker (18); `topics` crashed on an empty imported list (14).
"""

from __future__ import annotations

import json

import pytest

from tests.reliability.store_helpers import one_line_error, tracker  # noqa: F401 - the fixture

pytestmark = pytest.mark.slow


def test_a_bad_timestamp_row_stops_no_command_and_doctor_quarantines_it(tracker):
    assert tracker("mark", "alexnet", "lstm", "read").returncode == 0
    assert tracker("note", "alexnet", "-m", "my note").returncode == 0
    tracker.sql("UPDATE status_history SET at = 'last tuesday' WHERE node_id = 'alexnet'")
    tracker.sql("UPDATE notes SET created_at = '2024-99-99 25:00:00'")
    tracker.sql("UPDATE progress SET started_at = 'soon' WHERE node_id = 'lstm'")

    for args in (["notes", "alexnet"], ["mark", "resnet", "reading"], ["backup", "b.json"]):  # the three
        proc = tracker(*args)
        assert (proc.returncode, proc.stderr) == (0, ""), (args, proc.stderr)
    backup = json.loads((tracker.root / "b.json").read_text())
    assert [n["created_at"] for n in backup["notes"]] == ["2024-99-99 25:00:00"]  # exported as stored

    doctor = tracker("doctor")
    assert doctor.returncode == 1 and "Traceback" not in doctor.stderr
    assert "bad value  history row 1, at: 'last tuesday' is not a time" in doctor.stdout
    assert "3 value(s) do not parse" in doctor.stdout

    repaired = tracker("doctor", "--repair")
    assert repaired.returncode == 0 and repaired.stderr == ""
    [quarantine] = list(tracker.root.glob("tracker-quarantine-*.json"))
    assert quarantine.parent == tracker.db.parent
    held = json.loads(quarantine.read_text())
    assert [n["body"] for n in held["notes"]] == ["my note"]
    assert tracker.json("doctor")["bad_values"] == []
    assert tracker("notes").stdout.strip() == "no notes yet"

    message = one_line_error(tracker("restore", str(quarantine)))
    assert "progress[0].started_at: 'soon' is not an ISO time" in message
    held["progress"][0]["started_at"] = None
    held["history"][0]["at"] = "2024-05-01T10:00:00+00:00"
    held["notes"][0]["created_at"] = "2024-05-01T10:00:00+00:00"
    quarantine.write_text(json.dumps(held))
    assert tracker("restore", str(quarantine)).returncode == 0
    assert [n["body"] for n in tracker.json("notes")] == ["my note"]


def test_memory_database_refuses_writes_and_says_so(tracker):
    message = one_line_error(tracker("mark", "alexnet", "read", db="sqlite://"))
    assert "sqlite:// is an in-memory database: the change would be lost" in message
    assert tracker("next", db="sqlite://").returncode == 0


def test_two_schema_rows_are_reported_as_damage(tracker):
    assert tracker("mark", "alexnet", "read").returncode == 0
    tracker.sql("INSERT INTO alembic_version VALUES ('0001')")
    before = tracker.rows()
    message = one_line_error(tracker("next"))
    assert "is damaged: its alembic_version table records 2 schema versions" in message
    assert "newer tracker" not in message
    assert tracker.rows() == before


def test_topics_after_importing_an_empty_list(tracker):
    empty = tracker.root / "empty.md"
    empty.write_text("")
    imported = tracker("import", str(empty))
    assert "Traceback" not in imported.stderr
    proc = tracker("topics")
    assert proc.returncode == 0 and proc.stderr == ""
    assert "Basics  0/3  basics" in proc.stdout
