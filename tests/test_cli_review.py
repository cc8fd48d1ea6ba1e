"""`tracker review`, `tracker due` and the review offer on `mark read`, through the real CLI and a real database."""

from __future__ import annotations

import io
import json
import sqlite3

import pytest

from tests.test_cli_store import write_graph
from tracker.cli.main import main


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TRACKER_DATA_DIR", str(tmp_path / "data"))
    for name in ("TRACKER_DB", "TRACKER_GRAPH_DATA", "EDITOR", "VISUAL"):
        monkeypatch.delenv(name, raising=False)
    graph, db = write_graph(tmp_path / "graph"), tmp_path / "tracker.db"

    def run(*args: str, stdin: str = ""):
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main([*args, "--graph-data", str(graph), "--db", str(db)])
        out, err = capsys.readouterr()
        return code, out, err

    run.db = db
    return run


def ok(result) -> str:
    code, out, err = result
    assert code == 0, err
    return out


def log_rows(db) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT node_id, rating, undoes IS NOT NULL FROM review_log ORDER BY id").fetchall()


def test_marking_read_offers_review_unless_the_kind_is_skipped_or_it_is_in_review(cli):
    assert "review later? tracker review add resnet alexnet" in ok(cli("mark", "resnet", "alexnet", "read"))
    ok(cli("review", "add", "lstm"))
    assert "review later?" not in ok(cli("mark", "lstm", "read"))
    assert "review is not offered for: paper" in ok(cli("review", "skip", "paper"))
    assert "review later?" not in ok(cli("mark", "attention-is-all-you-need", "read"))
    assert "(no kind skipped)" in ok(cli("review", "unskip", "paper"))
    code, _, err = cli("review", "skip", "podcast")
    assert code == 1 and "unknown kind 'podcast'" in err and "Traceback" not in err


def test_add_remove_and_due_json(cli):
    added = json.loads(ok(cli("review", "add", "ResNet", "alexnet", "--json")))
    assert [(a["id"], a["outcome"]) for a in added] == [("resnet", "added"), ("alexnet", "added")]
    due = json.loads(ok(cli("due", "--json")))
    assert (due["due_today"], due["due_this_week"]) == (2, 2)
    assert sorted(c["id"] for c in due["cards"]) == ["alexnet", "resnet"]
    assert all(c["retrievability"] == 0.0 and c["reviews"] is False for c in due["cards"])
    assert "removed from review" in ok(cli("review", "remove", "alexnet"))
    assert [c["id"] for c in json.loads(ok(cli("due", "--json")))["cards"]] == ["resnet"]
    code, _, err = cli("review", "add", "nonesuch")
    assert code == 1 and "unknown node 'nonesuch'" in err


def test_a_session_shows_front_then_back_rates_undoes_and_counts(cli):
    ok(cli("note", "resnet", "-m", "Q: why does [red]depth[/red] hurt plain nets?\nidentity shortcuts fix it"))
    ok(cli("review", "add", "resnet", "alexnet"))
    # alexnet first (added first, same due time sorts by id): Good; undo; Again; then resnet: Easy
    out = ok(cli("review", stdin="\n3\n\nu\n\n1\n\n4\n"))
    assert out.startswith("2 due today, 2 this week")
    assert "What problem does this paper solve, and how?" in out  # alexnet has no notes: the paper default
    assert "Q: why does [red]depth[/red] hurt plain nets?" in out  # the learner's prompt, shown literally
    assert "identity shortcuts fix it" in out  # the back: notes
    assert "needs ImageNet Classification with Deep Convolutional Neural Networks: ResNet deepens the AlexNet recipe" in out
    assert out.index("Good: next review in 10 min") < out.index("undid Good") < out.index("Again: next review in 1 min")
    assert "Easy: next review in 8 days" in out
    assert "done: 2 reviewed; 1 due today, 1 this week" in out  # alexnet is back in a minute
    assert log_rows(cli.db) == [("alexnet", 3, 0), ("alexnet", None, 1), ("alexnet", 1, 0), ("resnet", 4, 0)]


def test_a_session_stops_on_q_and_at_end_of_input_without_losing_ratings(cli):
    ok(cli("review", "add", "resnet", "alexnet"))
    out = ok(cli("review", stdin="\n2\n\nq\n"))
    assert "stopped: 1 reviewed" in out
    out = ok(cli("review", stdin="\n"))  # input ends at the rating prompt
    assert "stopped: 0 reviewed" in out
    assert log_rows(cli.db) == [("alexnet", 2, 0)]


def test_unknown_review_action_is_one_line(cli):
    code, _, err = cli("review", "frobnicate")
    assert code == 1 and err.startswith("tracker: unknown review action 'frobnicate'") and err.count("\n") == 1


def test_doctor_reports_a_card_left_on_a_removed_node_and_reattach_moves_it(cli):
    ok(cli("review", "add", "lstm"))
    ok(cli("review", stdin="\n3\n"))
    with sqlite3.connect(cli.db) as conn:  # as if the graph had renamed lstm to an id it no longer knows
        conn.execute("UPDATE review_cards SET node_id = 'gone-lstm'")
        conn.execute("UPDATE review_log SET node_id = 'gone-lstm'")
    report = json.loads(ok(cli("doctor", "--json")))
    assert [(o["node_id"], o["reviews"], o["in_review"]) for o in report["orphans"]] == [("gone-lstm", 1, True)]
    assert "a review card with 1 log rows" in cli("doctor")[1]
    assert "0 runs and 2 review records from gone-lstm to lstm" in ok(cli("doctor", "--reattach", "gone-lstm", "lstm"))
    assert json.loads(ok(cli("doctor", "--json")))["orphans"] == []
    assert log_rows(cli.db) == [("lstm", 3, 0)]
