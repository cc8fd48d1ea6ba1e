"""The weekly plan: budgets respected, prerequisites before dependents, reviews included; markdown and ics out."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta, timezone

import pytest
from icalendar import Calendar

from tests.test_cli_store import write_graph
from tracker.cli.main import main
from tracker.graph import queries
from tracker.graph.loader import load_graph
from tracker.review.plan import REVIEW_MINUTES, build_plan

MONDAY = date(2026, 3, 2)


def positions(plan) -> dict[str, tuple[int, int]]:
    return {t.node_id: (w.number, k) for w in plan for k, t in enumerate(w.tasks) if t.what == "read"}


@pytest.mark.parametrize("hours", [2.5, 4, 9])
def test_weeks_stay_in_budget_and_prerequisites_come_first(tmp_path, hours):
    tg = load_graph([write_graph(tmp_path / "g")])
    due = [("lstm", datetime(2026, 3, 10, 9, tzinfo=timezone.utc)),  # week 2
           ("alexnet", datetime(2026, 2, 1, tzinfo=timezone.utc))]  # overdue: week 1
    plan = build_plan(tg, {"lstm": "read"}, hours, 4, due=due, passed=set(), start=MONDAY)
    assert [w.start for w in plan] == [MONDAY + timedelta(weeks=n) for n in range(4)]
    assert all(w.minutes <= w.budget == round(hours * 60) and not w.over_budget for w in plan)
    assert [(t.node_id, t.minutes) for t in plan[0].tasks if t.what == "review"] == [("alexnet", REVIEW_MINUTES)]
    assert [(t.node_id, t.minutes) for t in plan[1].tasks if t.what == "review"] == [("lstm", REVIEW_MINUTES)]
    placed = positions(plan)
    assert set(placed) == {"alexnet", "resnet", "attention-is-all-you-need"}  # lstm is read already
    for node_id, where in placed.items():
        for needed in queries.prerequisite_items(tg, node_id):
            if needed in placed:
                assert placed[needed] < where, (needed, node_id)
    assert placed["alexnet"] < placed["resnet"]


def test_an_item_longer_than_a_week_goes_alone_and_is_flagged(tmp_path):
    tg = load_graph([write_graph(tmp_path / "g")])
    plan = build_plan(tg, {}, 1, 3, due=[], passed=set(), start=MONDAY, overrides={"alexnet": 200, "paper": 30})
    assert [t.node_id for t in plan[0].tasks] == ["alexnet"] and plan[0].over_budget  # alone, and said so
    assert [w.over_budget for w in plan[1:]] == [False, False]
    assert positions(plan)["resnet"][0] == 2  # after alexnet's week, never in it
    assert sum(t.what == "read" for w in plan for t in w.tasks) == 4


def test_a_target_plans_its_path_and_runs_follow_unrun_implementations(tmp_path):
    tg = load_graph([write_graph(tmp_path / "g")])
    tg.nodes["alexnet"].implementation = "alexnet"  # as the shipped graph links it
    plan = build_plan(tg, {}, 10, 2, due=[], passed=set(), start=MONDAY, target="resnet")
    assert [(t.what, t.node_id) for t in plan[0].tasks] == [("read", "alexnet"), ("run", "alexnet"),
                                                            ("read", "resnet")]
    ran = build_plan(tg, {}, 10, 2, due=[], passed={"alexnet"}, start=MONDAY, target="resnet")
    assert [t.what for t in ran[0].tasks] == ["read", "read"]


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TRACKER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TRACKER_DB", raising=False)
    graph, db = write_graph(tmp_path / "graph"), tmp_path / "t.db"

    def run(*args):
        monkeypatch.setattr("sys.stdin", io.StringIO(""))
        code = main([*args, "--graph-data", str(graph), "--db", str(db)])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_plan_cli_json_markdown_and_ics(cli, tmp_path):
    assert cli("review", "add", "lstm")[0] == 0
    code, out, _ = cli("plan", "--hours", "5", "--weeks", "2", "--json")
    weeks = json.loads(out)
    assert code == 0 and len(weeks) == 2 and weeks[0]["budget"] == 300
    assert {"what": "review", "id": "lstm", "title": "Long Short-Term Memory", "minutes": 3} in weeks[0]["tasks"]
    code, out, _ = cli("plan", "--hours", "5", "--format", "markdown")
    assert code == 0 and out.startswith("# Study plan") and "- [ ] Review Long Short-Term Memory (3m) `lstm`" in out
    code, out, _ = cli("plan", "--hours", "5", "--weeks", "3", "--format", "ics", "-o", str(tmp_path / "p.ics"))
    events = Calendar.from_ical((tmp_path / "p.ics").read_bytes()).walk("VEVENT")
    assert code == 0 and len(events) == 3
    assert "Review Long Short-Term Memory (3m)" in str(events[0]["DESCRIPTION"])
    assert (events[1].decoded("DTSTART") - events[0].decoded("DTSTART")) == timedelta(days=7)
    for bad, message in ((["--hours", "0"], "--hours 0"), (["--hours", "5", "--minutes", "paper=x"], "paper=x"),
                         (["--hours", "5", "--target", "nonesuch"], "unknown node 'nonesuch'")):
        code, _, err = cli("plan", *bad)
        assert code == 1 and message in err and "Traceback" not in err
