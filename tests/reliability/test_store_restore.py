"""Backups and restores through real `tracker` processes on a real SQLite file.

Issue 12: a restore after `doctor --reattach` brought the orphan back and
counted its reads twice (item 11); malformed backups crashed `restore` or were
accepted with wrong values (item 13).
"""

from __future__ import annotations


import pytest

from tests.reliability.store_helpers import GRAPH, one_line_error, tracker  # noqa: F401 - the fixture

pytestmark = pytest.mark.slow


def test_restore_after_reattach_duplicates_nothing(tracker):
    tracker.write_graph(GRAPH + "  - {id: vgg, kind: paper, title: VGG, topics: [basics],"
                                " sources: [{list: journey.md, line: 6, order: 4}]}\n")
    assert tracker("mark", "vgg", "read").returncode == 0
    assert tracker("note", "vgg", "-m", "3x3 convolutions").returncode == 0
    assert tracker("backup", "before.json").returncode == 0
    tracker.write_graph()  # vgg leaves the graph: its records are orphans
    assert [o["node_id"] for o in tracker.json("doctor")["orphans"]] == ["vgg"]
    assert tracker("doctor", "--reattach", "vgg", "resnet").returncode == 0
    reads = tracker.json("stats")["totals"]["read"]
    before = tracker.rows()

    restored = tracker.json("restore", "before.json")
    assert (restored["reattached"], restored["reattached_here"]) == ({"vgg": "resnet"}, {})
    assert all(restored[name]["added"] == 0 for name in ("progress", "history", "notes", "runs"))
    assert tracker.rows() == before
    assert tracker.json("doctor")["orphans"] == []
    assert tracker.json("stats")["totals"]["read"] == reads
    assert len(tracker.json("history")) == 1


BAD_BACKUPS = {
    "date out of range": ('{"format": "tracker-backup", "version": 1, "history": [{"node_id": "a", '
                          '"at": "9999-12-31T23:59:59-05:00", "from_status": "unread", "to_status": "read"}]}',
                          "history[0].at: '9999-12-31T23:59:59-05:00' is out of range (it cannot be converted to UTC)"),
    "list as node id": ('{"format": "tracker-backup", "version": 1, "progress": [{"node_id": ["a"], '
                        '"status": "read", "updated_at": "2024-01-01T00:00:00"}]}',
                        "progress[0].node_id: ['a'] is not a valid string"),
    "deeply nested": ('{"format": "tracker-backup", "version": 1, "notes": ' + "[" * 200_000 + "]" * 200_000 + "}",
                      "not a backup (JSON nested too deeply to read)"),
    "version true": ('{"format": "tracker-backup", "version": true}', "version: True is not a backup format version"),
    "is_undo string": ('{"format": "tracker-backup", "version": 1, "history": [{"node_id": "a", "at": '
                       '"2024-01-01T00:00:00", "from_status": "unread", "to_status": "read", "is_undo": "false"}]}',
                       "history[0].is_undo: 'false' is not a valid boolean"),
    "metrics not a dict": ('{"format": "tracker-backup", "version": 1, "runs": [{"node_id": "a", "slug": "s", '
                           '"kind": "demo", "started_at": "2024-01-01T00:00:00", "outcome": "passed", '
                           '"metrics": "fast"}]}', "runs[0].metrics: 'fast' is not an object"),
}


def test_malformed_backups_are_refused_in_one_line_and_the_database_is_unchanged(tracker):
    assert tracker("mark", "alexnet", "read").returncode == 0
    assert tracker("note", "alexnet", "-m", "kept").returncode == 0
    before = tracker.rows()
    for name, (content, message) in BAD_BACKUPS.items():
        path = tracker.root / f"{name.replace(' ', '-')}.json"
        path.write_text(content)
        assert one_line_error(tracker("restore", str(path))).startswith(f"tracker: {path}: {message}"), name
        assert tracker.rows() == before, name
