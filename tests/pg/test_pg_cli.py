"""The organiser's and a member's commands against a real server, through the CLI as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO


def tracker(*args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    import os

    env = dict(os.environ, **(env_extra or {}))
    env.pop("TRACKER_MEMBER", None)
    return subprocess.run([sys.executable, "-m", "tracker.cli.main", *args], capture_output=True, text=True,
                          cwd=REPO, env=env, timeout=120)


@pytest.fixture
def graph(write_layer):
    return write_layer("""
        nodes:
          - {id: week-1, kind: topic, title: Week 1}
          - {id: resnet, kind: paper, title: Deep Residual Learning, topics: [week-1]}
    """)


def test_organiser_sets_up_and_members_mark_their_own(pg_store_db, graph):
    g = ("--graph-data", str(graph))
    init = tracker("group", "init", *g, "--db", pg_store_db.url())
    assert init.returncode == 0, init.stderr
    assert "row-level security on" in init.stdout and "GRANT tracker_member TO alice;" in init.stdout
    for name in ("alice", "bob"):
        pg_store_db.add_role(name)
        pg_store_db.cluster.admin(f"GRANT tracker_member TO {name}")
    assert tracker("mark", "resnet", "read", *g, "--db", pg_store_db.url("alice")).returncode == 0
    assert tracker("mark", "resnet", "reading", *g, "--db", pg_store_db.url("bob")).returncode == 0
    shown = tracker("group", "resnet", *g, "--db", pg_store_db.url("bob"))
    assert shown.returncode == 0 and "read by 1 of 2 (alice); reading now: bob" in shown.stdout
    out = tracker("group", "--json", *g, "--db", pg_store_db.url("alice"))
    assert {m["member"]: m["total"]["read"] for m in json.loads(out.stdout)} == {"alice": 1, "bob": 0}


def test_a_wrong_password_is_one_line_without_a_traceback(pg_store_db, graph):
    pg_store_db.add_role("alice")
    result = tracker("mark", "resnet", "read", "--graph-data", str(graph), "--db",
                     pg_store_db.url("alice", password="nope"))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "wrong or missing password" in lines[0] and "PostgreSQL at" in lines[0]


def test_a_member_without_the_grants_is_told_what_to_ask_for(pg_store_db, graph):
    pg_store_db.add_role("stranger")
    result = tracker("mark", "resnet", "read", "--graph-data", str(graph), "--db", pg_store_db.url("stranger"))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "group init" in result.stderr


def test_every_store_command_works_on_a_server(pg_store_db, graph, tmp_path, cli):
    g = ("--graph-data", str(graph), "--db", pg_store_db.url())
    commands = [
        ("mark", "resnet", "read"), ("note", "resnet", "-m", "a note"), ("notes",), ("history",), ("stats",),
        ("next",), ("path", "resnet"), ("review", "add", "resnet"), ("due", "--days", "30"),
        ("plan", "--hours", "3", "--weeks", "1"), ("doctor",), ("backup", str(tmp_path / "b.json")),
        ("restore", str(tmp_path / "b.json")), ("group",), ("group", "resnet"), ("mark", "--undo", "resnet"),
    ]
    for args in commands:  # in-process: the same main() the console script runs
        code, _out, err = cli(*args, *g)
        assert code == 0 and "Traceback" not in err, (args, err)
    assert pg_store_db.sql("SELECT member, status FROM progress") == [("organiser", "unread")]
