"""The tracker CLI as a real subprocess against a real SQLite file, with an isolated data folder."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

GRAPH = """
list: {id: journey, title: Journey, file: journey.md}
nodes:
  - {id: basics, kind: topic, title: Basics}
  - id: alexnet
    kind: paper
    title: AlexNet
    topics: [basics]
    sources: [{list: journey.md, line: 3, order: 1}]
  - id: resnet
    kind: paper
    title: ResNet
    topics: [basics]
    requires: [{id: alexnet, reason: deeper}]
    sources: [{list: journey.md, line: 4, order: 2}]
  - id: lstm
    kind: paper
    title: Long Short-Term Memory
    topics: [basics]
    sources: [{list: journey.md, line: 5, order: 3}]
"""


@dataclass
class Tracker:
    """``tracker ...`` in a fresh process; every run gets the same graph, database and data folder."""

    root: Path

    @property
    def db(self) -> Path:
        return self.root / "tracker.db"

    @property
    def graph(self) -> Path:
        return self.root / "graph"

    def write_graph(self, text: str = GRAPH) -> None:
        self.graph.mkdir(exist_ok=True)
        (self.graph / "journey.yaml").write_text(text, encoding="utf-8")

    def __call__(self, *args: str, db: str | None = None, graph: bool = True) -> subprocess.CompletedProcess:
        env = {"PATH": "/usr/bin:/bin", "HOME": str(self.root), "TRACKER_DATA_DIR": str(self.root / "data"),
               "TRACKER_CACHE_DIR": str(self.root / "cache"), "PYTHONPATH": str(REPO)}
        options = ["--db", db or str(self.db)] + (["--graph-data", str(self.graph)] if graph else [])
        return subprocess.run([sys.executable, "-m", "tracker.cli.main", *args, *options], capture_output=True,
                              text=True, env=env, cwd=self.root, timeout=120)

    def json(self, *args: str, **kw):
        proc = self(*args, "--json", **kw)
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
        return json.loads(proc.stdout)

    def sql(self, statement: str, *params) -> list[tuple]:
        with sqlite3.connect(self.db) as conn:
            return conn.execute(statement, params).fetchall()

    def rows(self) -> dict[str, list[tuple]]:
        """Every row of the store's tables, to compare a database before and after."""
        return {t: self.sql(f"SELECT * FROM {t} ORDER BY 1") for t in ("progress", "status_history", "notes", "runs")}


def one_line_error(proc: subprocess.CompletedProcess) -> str:
    """The error of a command that failed cleanly: exit 1, one line, no traceback."""
    assert proc.returncode == 1, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith("tracker: ")
    return proc.stderr.strip()


@pytest.fixture
def tracker(tmp_path):
    """A Tracker with the small graph written, for tests that import this fixture."""
    t = Tracker(tmp_path)
    t.write_graph()
    return t
