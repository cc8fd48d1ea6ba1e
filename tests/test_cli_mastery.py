"""Three tracks (read, implemented, recalled) in `tracker stats` and `tracker next --track implemented`."""

from __future__ import annotations

import io
import json

import pytest

from tests.test_cli_store import GRAPH
from tracker.cli.main import main
from tracker.review import cards
from tracker.store import open_store


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TRACKER_DATA_DIR", str(tmp_path / "data"))
    for name in ("TRACKER_DB", "TRACKER_GRAPH_DATA"):
        monkeypatch.delenv(name, raising=False)
    graph = tmp_path / "graph"
    graph.mkdir()
    text = GRAPH.replace("{attention_id}", "attention").replace(
        "    title: Long Short-Term Memory\n", "    title: Long Short-Term Memory\n    implementation: lstm\n")
    (graph / "journey.yaml").write_text(text, encoding="utf-8")
    db = tmp_path / "tracker.db"

    def run(*args: str):
        monkeypatch.setattr("sys.stdin", io.StringIO(""))
        code = main([*args, "--graph-data", str(graph), "--db", str(db)])
        out, err = capsys.readouterr()
        assert code == 0, err
        return out

    run.db = db
    return run


def test_stats_and_next_count_the_three_tracks_apart(cli):
    cli("mark", "alexnet", "resnet", "lstm", "read")
    cli("review", "add", "resnet", "alexnet")
    with open_store(cli.db) as store:
        cards.rate(store, "resnet", 4)  # just reviewed, Easy: retrievability ~1
    mastery = json.loads(cli("stats", "--json"))["mastery"]
    assert {k: mastery["totals"][k] for k in ("read", "items", "implemented", "implementable", "recalled",
                                              "in_review")} == {
        "read": 3, "items": 4, "implemented": 0, "implementable": 1, "recalled": 1, "in_review": 2}
    topics = {t["id"]: (t["read"], t["items"], t["implemented"], t["implementable"], t["recalled"], t["in_review"])
              for t in mastery["topics"]}
    assert topics == {"basics": (3, 4, 0, 1, 1, 2), "cnn": (2, 2, 0, 0, 1, 2), "rnn": (1, 2, 0, 1, 0, 0)}
    assert mastery["topics"][1]["mean_retrievability"] == pytest.approx(0.5, abs=0.01)  # cnn: ~1 and 0
    out = cli("stats")
    assert "Convolutional Networks: read 2/2, implemented 0/0, recalled 1/2  recall 50%" in out
    assert [n["id"] for n in json.loads(cli("next", "--track", "implemented", "--json"))] == ["lstm"]
    assert "tracker run lstm --tests" in cli("next", "--track", "implemented")

    with open_store(cli.db) as store:
        run_id = store.start_run("lstm", "lstm", "test")
        store.finish_run(run_id, outcome="passed", exit_code=0)
    assert json.loads(cli("stats", "--json"))["mastery"]["totals"]["implemented"] == 1
    assert json.loads(cli("next", "--track", "implemented", "--json")) == []
    assert "nothing to run" in cli("next", "--track", "implemented")
