"""The group commands on an SQLite file shared by two members (TRACKER_MEMBER), end to end through the CLI."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def graph(write_layer):
    return write_layer("""
        nodes:
          - {id: week-1, kind: topic, title: Week 1}
          - {id: resnet, kind: paper, title: Deep Residual Learning, topics: [week-1]}
          - {id: lenet, kind: paper, title: "Gradient-Based [bold]Learning[/bold]", topics: [week-1]}
    """)


def as_member(monkeypatch, cli, name, *args):
    monkeypatch.setenv("TRACKER_MEMBER", name)
    return cli(*args)


def test_two_members_keep_their_own_progress_and_see_each_other_in_group(cli, graph, tmp_path, monkeypatch):
    db = str(tmp_path / "group.db")
    common = ("--graph-data", str(graph), "--db", db)
    assert as_member(monkeypatch, cli, "ana", "mark", "resnet", "lenet", "read", *common)[0] == 0
    assert as_member(monkeypatch, cli, "bo", "mark", "resnet", "reading", *common)[0] == 0
    code, out, _ = as_member(monkeypatch, cli, "bo", "next", "--json", *common)
    assert code == 0
    code, out, _ = as_member(monkeypatch, cli, "ana", "group", "--json", *common)
    data = {m["member"]: m["total"] for m in json.loads(out)}
    assert {m: (t["read"], t["items"]) for m, t in data.items()} == {"ana": (2, 2), "bo": (0, 2)}
    code, out, _ = as_member(monkeypatch, cli, "bo", "group", "resnet", *common)
    assert code == 0 and "read by 1 of 2 (ana); reading now: bo" in out
    code, out, _ = as_member(monkeypatch, cli, "bo", "stats", "--json", *common)
    assert code == 0


def test_shared_notes_show_in_group_and_private_ones_do_not(cli, graph, tmp_path, monkeypatch):
    db = str(tmp_path / "group.db")
    common = ("--graph-data", str(graph), "--db", db)
    as_member(monkeypatch, cli, "ana", "note", "resnet", "-m", "private musing", *common)
    code, out, _ = as_member(monkeypatch, cli, "ana", "note", "resnet", "-m", "ask me about [red]shortcuts[/red]",
                             "--shared", "--json", *common)
    uid = json.loads(out)["uid"]
    code, out, _ = as_member(monkeypatch, cli, "bo", "group", "resnet", *common)
    assert "ask me about [red]shortcuts[/red]" in out and "private musing" not in out  # literal, never markup
    code, out, _ = as_member(monkeypatch, cli, "bo", "notes", "--json", *common)
    assert json.loads(out) == []  # bo's own notes: none
    code, _, err = as_member(monkeypatch, cli, "bo", "share", uid[:8], "--private", *common)
    assert code != 0 and "no note" in err
    assert as_member(monkeypatch, cli, "ana", "share", uid[:8], "--private", *common)[0] == 0
    code, out, _ = as_member(monkeypatch, cli, "bo", "group", "resnet", *common)
    assert "shortcuts" not in out


def test_restoring_a_members_backup_touches_only_their_rows(cli, graph, tmp_path, monkeypatch):
    solo, group = str(tmp_path / "solo.db"), str(tmp_path / "group.db")
    g = ("--graph-data", str(graph))
    as_member(monkeypatch, cli, "ana", "mark", "resnet", "read", *g, "--db", solo)
    as_member(monkeypatch, cli, "ana", "backup", str(tmp_path / "ana.json"), *g, "--db", solo)
    assert json.loads((tmp_path / "ana.json").read_text())["member"] == "ana"
    as_member(monkeypatch, cli, "bo", "mark", "resnet", "skipped", *g, "--db", group)
    as_member(monkeypatch, cli, "ana", "mark", "lenet", "reading", *g, "--db", group)
    code, out, _ = as_member(monkeypatch, cli, "ana", "restore", str(tmp_path / "ana.json"), *g, "--db", group)
    assert code == 0 and "no other member's were touched" in out
    from tracker.store import open_store

    with open_store(group, member="bo") as bo, open_store(group, member="ana") as ana:
        assert bo.statuses() == {"resnet": "skipped"}
        assert ana.statuses() == {"lenet": "reading", "resnet": "read"}
        assert len(bo.history()) == 1


def test_group_init_on_sqlite_says_it_needs_a_server(cli, graph, tmp_path):
    code, _, err = cli("group", "init", "--graph-data", str(graph), "--db", str(tmp_path / "t.db"))
    assert code != 0 and "PostgreSQL" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
