"""The store's commands through the real CLI: in-process with capsys, and a few real subprocesses."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import date, timedelta

import pytest

from tracker.cli.main import main
from tracker.store.vocabulary import SCHEMA_HEAD

GRAPH = """
list: {id: journey, title: Deep Learning Journey, file: journey.md}
nodes:
  - {id: basics, kind: topic, title: Basics}
  - {id: cnn, kind: topic, title: Convolutional Networks, topics: [basics]}
  - {id: rnn, kind: topic, title: Recurrent Networks, topics: [basics]}
  - id: alexnet
    kind: paper
    title: ImageNet Classification with Deep Convolutional Neural Networks
    aliases: [AlexNet]
    topics: [cnn]
    sources: [{list: journey.md, line: 3, order: 1}]
  - id: resnet
    kind: paper
    title: Deep Residual Learning for Image Recognition
    aliases: [ResNet]
    topics: [cnn]
    requires: [{id: alexnet, reason: ResNet deepens the AlexNet recipe}]
    sources: [{list: journey.md, line: 4, order: 2}]
  - id: lstm
    kind: paper
    title: Long Short-Term Memory
    topics: [rnn]
    sources: [{list: journey.md, line: 5, order: 3}]
  - id: {attention_id}
    kind: paper
    title: Attention Is All You Need
    topics: [rnn]
    sources: [{list: journey.md, line: 6, order: 4}]
"""


def write_graph(folder, attention_id: str | None = "attention-is-all-you-need"):
    folder.mkdir(exist_ok=True)
    text = GRAPH.replace("{attention_id}", attention_id or "")
    if attention_id is None:
        text = text[: text.index("  - id: \n")]
    (folder / "journey.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    """Run ``tracker ...`` in-process against a small graph and a temporary database."""
    monkeypatch.setenv("TRACKER_DATA_DIR", str(tmp_path / "data"))
    for name in ("TRACKER_DB", "TRACKER_GRAPH_DATA", "EDITOR", "VISUAL"):
        monkeypatch.delenv(name, raising=False)
    graph = write_graph(tmp_path / "graph")
    db = tmp_path / "tracker.db"

    def run(*args: str, graph_dir=graph, database=db):
        code = main([*args, "--graph-data", str(graph_dir), "--db", str(database)])
        out, err = capsys.readouterr()
        return code, out, err

    run.graph, run.db, run.tmp = graph, db, tmp_path
    return run


def as_json(result):
    code, out, err = result
    assert code == 0, err
    return json.loads(out)


def test_mark_several_ids_by_id_alias_and_title_stores_canonical_ids(cli):
    data = as_json(cli("mark", "alexnet", "ResNet", "Long Short-Term Memory", "read", "--json"))
    assert [(d["id"], d["from"], d["to"], d["changed"]) for d in data] == [
        ("alexnet", "unread", "read", True), ("resnet", "unread", "read", True), ("lstm", "unread", "read", True)]
    with sqlite3.connect(cli.db) as conn:
        assert conn.execute("SELECT node_id, status FROM progress ORDER BY node_id").fetchall() == [
            ("alexnet", "read"), ("lstm", "read"), ("resnet", "read")]
    again = as_json(cli("mark", "resnet", "read", "--json"))
    assert again[0]["changed"] is False
    code, out, _ = cli("mark", "resnet", "read")
    assert code == 0 and "already read" in out


def test_progress_feeds_next_and_list(cli):
    assert [n["id"] for n in as_json(cli("next", "--json"))] == ["alexnet", "lstm", "attention-is-all-you-need"]
    cli("mark", "alexnet", "skipped")  # skipped counts as done for prerequisites
    assert "resnet" in [n["id"] for n in as_json(cli("next", "--json"))]
    listed = as_json(cli("list", "--status", "skipped", "--json"))
    assert [n["id"] for n in listed] == ["alexnet"]


@pytest.mark.parametrize("args, message", [
    (("mark", "read", "alexnet"), "the status goes last: tracker mark alexnet read"),
    (("mark", "alexnet", "done"), "invalid status 'done'"),
    (("mark", "read"), "which node?"),
    (("mark", "alexnet", "nonexistent-paper", "read"), "unknown node 'nonexistent-paper'"),
])
def test_mark_mistakes_are_one_line_errors_and_write_nothing(cli, args, message):
    code, out, err = cli(*args)
    assert code == 1
    assert err.startswith("tracker: ") and message in err and err.count("\n") == 1
    assert "Traceback" not in err + out
    if cli.db.exists():
        with sqlite3.connect(cli.db) as conn:
            assert conn.execute("SELECT count(*) FROM progress").fetchone() == (0,)


def test_undo_reverts_and_records_the_undo(cli):
    cli("mark", "lstm", "reading")
    cli("mark", "lstm", "read")
    undone = as_json(cli("mark", "--undo", "lstm", "--json"))
    assert (undone[0]["from"], undone[0]["to"], undone[0]["changed"]) == ("read", "reading", True)
    history = as_json(cli("history", "--json"))
    assert [(h["from"], h["to"], h["undo"], h["undone_at"] is not None) for h in history] == [
        ("unread", "reading", False, False), ("reading", "read", False, True), ("read", "reading", True, False)]
    code, out, _ = cli("mark", "--undo", "alexnet")
    assert code == 0 and "nothing to undo" in out


def test_notes_are_added_and_shown_without_markup_or_escapes(cli):
    body = "# Residuals\nIdentity shortcuts [bold red]not markup[/] \x1b[31mred\x1b[0m and a bell\x07."
    assert cli("note", "resnet", "-m", body)[0] == 0
    cli("note", "resnet", "-m", "second thought")
    code, out, _ = cli("notes", "resnet")
    assert code == 0
    assert "Residuals" in out and "[bold red]not markup[/]" in out and "second thought" in out
    assert "\x1b" not in out and "\x07" not in out
    notes = as_json(cli("notes", "--json"))
    assert [n["body"] for n in notes] == [body, "second thought"]  # stored as written, cleaned on display
    assert all(n["id"] == "resnet" for n in notes)


def test_note_from_editor_and_empty_note(cli, monkeypatch):
    editor = cli.tmp / "editor.py"
    editor.write_text("import sys\nopen(sys.argv[1], 'a').write('\\n\\nwritten in the editor\\n')\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    assert cli("note", "lstm")[0] == 0
    assert [n["body"] for n in as_json(cli("notes", "lstm", "--json"))] == ["written in the editor"]
    empty = cli.tmp / "empty.py"
    empty.write_text("")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {empty}")
    code, _, err = cli("note", "lstm")
    assert code == 1 and "empty note: nothing saved" in err
    code, _, err = cli("note", "lstm", "-m", "   ")
    assert code == 1 and "empty note" in err
    monkeypatch.setenv("EDITOR", "/nonexistent/editor")
    code, _, err = cli("note", "lstm")
    assert code == 1 and "cannot start editor" in err
    assert len(as_json(cli("notes", "lstm", "--json"))) == 1


def test_history_since(cli):
    cli("mark", "alexnet", "read")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    assert as_json(cli("history", "--since", tomorrow, "--json")) == []
    assert [h["id"] for h in as_json(cli("history", "--since", yesterday, "--json"))] == ["alexnet"]
    code, _, err = cli("history", "--since", "last tuesday")
    assert code == 1 and "invalid --since 'last tuesday'" in err


def test_stats(cli):
    cli("mark", "alexnet", "resnet", "read")
    cli("mark", "lstm", "skipped")
    cli("note", "lstm", "-m", "skipped it")
    data = as_json(cli("stats", "--json"))
    assert data["totals"] == {"read": 2, "reading": 0, "skipped": 1, "total": 4}
    assert data["notes"] == 1
    basics = data["topics"][0]
    assert (basics["id"], basics["read"], basics["total"]) == ("basics", 2, 4)
    assert {c["id"]: (c["read"], c["skipped"], c["total"]) for c in basics["children"]} == {
        "cnn": (2, 0, 2), "rnn": (0, 1, 2)}
    assert data["lists"] == [{"list": "journey.md", "title": "Deep Learning Journey", "read": 2, "reading": 0,
                              "skipped": 1, "total": 4}]
    assert len(data["weekly_reads"]) == 8 and data["weekly_reads"][-1]["reads"] == 2
    assert data["streak_days"] == 1
    code, out, _ = cli("stats")
    assert code == 0
    assert "2/4" in out and "Convolutional Networks" in out and "█" in out and "Streak: 1 day" in out


def test_renamed_node_keeps_its_progress_and_orphans_are_reported_and_reattached(cli):
    cli("mark", "attention-is-all-you-need", "read")
    cli("note", "attention-is-all-you-need", "-m", "multi-head attention")
    renamed = write_graph(cli.tmp / "graph-v2", attention_id="transformer")
    listed = as_json(cli("list", "--status", "read", "--json", graph_dir=renamed))
    assert [n["id"] for n in listed] == ["transformer"]  # the old id resolves to the new node
    assert [n["body"] for n in as_json(cli("notes", "transformer", "--json", graph_dir=renamed))] == [
        "multi-head attention"]
    report = as_json(cli("doctor", "--json", graph_dir=renamed))
    assert (report["schema"], report["integrity_problems"], report["orphans"]) == (SCHEMA_HEAD, [], [])
    assert [(r["node_id"], r["current_id"]) for r in report["renamed"]] == [
        ("attention-is-all-you-need", "transformer")]

    removed = write_graph(cli.tmp / "graph-v3", attention_id=None)
    cli("mark", "lstm", "reading", graph_dir=removed)  # lstm has newer progress than the orphan
    report = as_json(cli("doctor", "--json", graph_dir=removed))
    assert [(o["node_id"], o["status"], o["history"], o["notes"]) for o in report["orphans"]] == [
        ("attention-is-all-you-need", "read", 1, 1)]
    code, out, _ = cli("doctor", graph_dir=removed)
    assert code == 0 and "attention-is-all-you-need" in out and "--reattach" in out

    code, out, _ = cli("doctor", "--reattach", "attention-is-all-you-need", "Long Short-Term Memory", graph_dir=removed)
    assert code == 0
    assert "moved 1 status changes, 1 notes" in out and "already had a newer status" in out
    assert as_json(cli("doctor", "--json", graph_dir=removed))["orphans"] == []
    assert [n["body"] for n in as_json(cli("notes", "lstm", "--json", graph_dir=removed))] == ["multi-head attention"]
    assert [n["id"] for n in as_json(cli("list", "--status", "reading", "--json", graph_dir=removed))] == ["lstm"]
    code, _, err = cli("doctor", "--reattach", "attention-is-all-you-need", "lstm", graph_dir=removed)
    assert code == 1 and "nothing is stored under" in err


def test_backup_and_restore_commands(cli):
    cli("mark", "alexnet", "read")
    cli("note", "alexnet", "-m", "GPUs!")
    backup = cli.tmp / "backup.json"
    code, out, _ = cli("backup", str(backup))
    assert code == 0 and "saved 1 statuses, 1 status changes, 1 notes" in out
    other = cli.tmp / "other.db"
    first = as_json(cli("restore", str(backup), "--json", database=other))
    assert first["progress"]["added"] == 1 and first["notes"]["added"] == 1
    code, out, _ = cli("restore", str(backup), database=other)
    assert code == 0 and "0 added, 0 updated, 0 kept (newer in the database), 1 unchanged" in out
    assert as_json(cli("notes", "--json", database=other))[0]["body"] == "GPUs!"
    code, _, err = cli("restore", str(cli.tmp / "missing.json"))
    assert code == 1 and "no backup file" in err


def test_database_problems_are_one_line_errors(cli):
    text = cli.tmp / "todo.txt"
    text.write_bytes(b"not a database at all\n")
    code, _, err = cli("mark", "alexnet", "read", database=text)
    assert code == 1 and "not a tracker database" in err
    assert text.read_bytes() == b"not a database at all\n"
    code, _, err = cli("stats", database=cli.tmp / "no-such-folder" / "t.db")
    assert code == 1 and "does not exist" in err and not (cli.tmp / "no-such-folder").exists()
    cli("mark", "alexnet", "read")
    with sqlite3.connect(cli.db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffff_future'")
    code, _, err = cli("next")
    assert code == 1 and "written by a newer tracker" in err and err.count("\n") == 1


def run_tracker(*args: str, env_dir) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(env_dir), "TRACKER_DATA_DIR": str(env_dir / "data")}
    return subprocess.run([sys.executable, "-m", "tracker.cli.main", *args], capture_output=True, text=True,
                          env=env, timeout=120)


@pytest.mark.slow
def test_real_process_marks_and_exits_0(cli):
    common = ["--graph-data", str(cli.graph), "--db", str(cli.db)]
    ok = run_tracker("mark", "resnet", "alexnet", "read", "--json", *common, env_dir=cli.tmp)
    assert ok.returncode == 0, ok.stderr
    assert [d["id"] for d in json.loads(ok.stdout)] == ["resnet", "alexnet"]
    assert ok.stderr == ""


@pytest.mark.slow
def test_real_process_refuses_a_text_file_as_database_without_traceback(cli):
    text = cli.tmp / "notes.md"
    text.write_text("# my notes\n")
    proc = run_tracker("mark", "lstm", "read", "--graph-data", str(cli.graph), "--db", str(text), env_dir=cli.tmp)
    assert proc.returncode == 1
    assert proc.stderr == f"tracker: {text} is not a tracker database (not an SQLite file); left it untouched\n"
    assert proc.stdout == ""
    assert text.read_text() == "# my notes\n"


def test_topics_with_a_childless_root_topic_lists_it_with_no_items(cli, tmp_path):
    """An imported list that came out empty leaves a root topic with nothing under it."""
    (cli.graph / "empty.yaml").write_text("nodes:\n  - {id: empty-list, kind: topic, title: Empty list}\n",
                                          encoding="utf-8")
    forest = as_json(cli("topics", "--json"))
    assert [(t["id"], t["done"], t["items"], t["children"]) for t in forest if t["id"] == "empty-list"] == [
        ("empty-list", 0, 0, [])]
    code, out, err = cli("topics")
    assert code == 0 and err == "" and "Empty list  0/0  empty-list" in out


def test_memory_database_refuses_writes_in_one_line_and_reads_work(cli):
    code, out, err = cli("mark", "alexnet", "read", database="sqlite://")
    assert code == 1 and out == ""
    assert err == ("tracker: sqlite:// is an in-memory database: the change would be lost when tracker exits, "
                   "so nothing was written; give --db a file path\n")
    code, _, err = cli("note", "alexnet", "-m", "lost?", database="sqlite://")
    assert code == 1 and "in-memory database" in err
    assert [n["id"] for n in as_json(cli("next", "-n", "1", "--json", database="sqlite://"))] == ["alexnet"]


def spoil_rows(db):
    """Values another tool could leave in SQLite, which does not enforce column types."""
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE progress SET updated_at = 'garbage', started_at = '2024-13-45' WHERE node_id = 'alexnet'")
        conn.execute("UPDATE progress SET updated_at = '2026-01-01T10:00:00+02:00' WHERE node_id = 'lstm'")
        conn.execute("UPDATE status_history SET at = 'yesterday', to_status = 'bogus' WHERE node_id = 'alexnet'")
        conn.execute("UPDATE notes SET created_at = 42")
        conn.execute("INSERT INTO runs (node_id, slug, kind, started_at, outcome, metrics) "
                     "VALUES ('lstm', 'lstm', 'demo', 'nope', 'weird', '{bad')")


def test_bad_rows_do_not_stop_any_command_and_doctor_repairs_them(cli):
    cli("mark", "alexnet", "read")
    cli("mark", "lstm", "reading")
    cli("note", "alexnet", "-m", "keep me")
    spoil_rows(cli.db)
    for args in (("mark", "alexnet", "reading"), ("mark", "--undo", "lstm"), ("notes",), ("notes", "alexnet"),
                 ("history",), ("stats",), ("list",), ("next",), ("topics",)):
        code, _, err = cli(*args)
        assert (code, err) == (0, ""), args
    assert as_json(cli("notes", "--json"))[0]["created_at"] == 42  # as stored
    assert "unreadable time 'yesterday'" in cli("history")[1]
    backup = cli.tmp / "b.json"
    assert cli("backup", str(backup))[0] == 0
    assert json.loads(backup.read_text())["notes"][0]["created_at"] == 42

    with sqlite3.connect(cli.db) as conn:  # the marks above rewrote these rows; spoil them again
        conn.execute("UPDATE progress SET updated_at = 'garbage', started_at = '2024-13-45' WHERE node_id = 'alexnet'")
        conn.execute("UPDATE progress SET updated_at = '2026-01-01T10:00:00+02:00' WHERE node_id = 'lstm'")
    code, out, _ = cli("doctor")
    assert code == 1 and "9 value(s) do not parse; fix with: tracker doctor --repair" in out
    assert "bad value  notes row 1, created_at: int 42 is not a time" in out
    report = json.loads(cli("doctor", "--json")[1])
    assert {(b["section"], b["column"], b["repairable"]) for b in report["bad_values"]} == {
        ("progress", "started_at", False), ("progress", "updated_at", False), ("progress", "updated_at", True),
        ("history", "at", False), ("history", "to_status", False), ("notes", "created_at", False),
        ("runs", "started_at", False), ("runs", "outcome", False), ("runs", "metrics", False)}

    quarantine = cli.tmp / "quarantine.json"
    code, out, err = cli("doctor", "--repair", str(quarantine))
    assert code == 0 and err == "" and "rewrote 1 time(s)" in out
    assert json.loads(cli("doctor", "--json")[1])["bad_values"] == []
    with sqlite3.connect(cli.db) as conn:
        assert conn.execute("SELECT updated_at FROM progress WHERE node_id = 'lstm'").fetchall() == [
            ("2026-01-01 08:00:00.000000",)]
    held = json.loads(quarantine.read_text())
    assert [n["body"] for n in held["notes"]] == ["keep me"] and held["notes"][0]["created_at"] == 42
    assert [r["outcome"] for r in held["runs"]] == ["weird"] and held["runs"][0]["metrics"] == "{bad"
    assert [p["node_id"] for p in held["progress"]] == ["alexnet"]

    code, _, err = cli("restore", str(quarantine))  # refused, naming the value to fix, and nothing written
    assert code == 1 and err.startswith(f"tracker: {quarantine}: progress[0].started_at: '2024-13-45' is not")
    held["progress"][0].update(started_at=None, updated_at="2026-01-02T00:00:00+00:00")
    held["history"][0].update(at="2026-01-02T00:00:00+00:00", to_status="read")
    held["notes"][0]["created_at"] = "2026-01-02T00:00:00+00:00"
    held["runs"][0].update(started_at="2026-01-02T00:00:00+00:00", outcome="passed", metrics=None)
    quarantine.write_text(json.dumps(held))
    assert cli("restore", str(quarantine))[0] == 0
    assert [n["body"] for n in as_json(cli("notes", "alexnet", "--json"))] == ["keep me"]
    assert json.loads(cli("doctor", "--json")[1])["bad_values"] == []
