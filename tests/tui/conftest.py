"""Fixtures for the TUI tests: a small graph, a temporary database and data dir, tiny implementations.

Nothing here touches the real user data dir: ``TRACKER_DATA_DIR`` and
``TRACKER_DB`` point into ``tmp_path`` for every test, and the clock the app
shows is frozen.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pytest

from tests.tui.helpers import TODAY, at
from tracker.cli.context import Context

GRAPH = r'''
list: {id: course, title: Course, file: course.md}
nodes:
  - id: course
    kind: topic
    title: Course
    sources: [{list: course.md, line: 1, order: 1}]
  - id: basics
    kind: topic
    title: Basics
    topics: [course]
    sources: [{list: course.md, line: 2, order: 2}]
  - id: advanced
    kind: topic
    title: Advanced
    topics: [course]
    requires: [{id: basics, reason: Basics come first}]
    sources: [{list: course.md, line: 10, order: 10}]
  - id: classics
    kind: topic
    title: Classics
    topics: [course]
    sources: [{list: course.md, line: 20, order: 20}]
  - id: perceptron
    kind: paper
    title: The Perceptron
    aliases: [Rosenblatt perceptron]
    authors: [Frank Rosenblatt]
    year: 1958
    url: https://example.org/perceptron
    tags: [classic]
    topics: [basics]
    sources: [{list: course.md, line: 3, order: 3}]
  - id: backprop
    kind: paper
    title: Learning representations by back-propagating errors
    aliases: [Backprop]
    authors: [David Rumelhart, Geoffrey Hinton, Ronald Williams]
    year: 1986
    url: https://example.org/backprop
    links:
      - {url: "javascript:alert(1)", label: sneaky}
      - {url: "https://example.org/backprop-notes", label: Lecture notes}
    topics: [basics, classics]
    requires: [{id: perceptron, reason: Backprop trains multilayer perceptrons}]
    implementation: tiny
    sources: [{list: course.md, line: 4, order: 4}]
  - id: markup-title
    kind: article
    title: "[bold red]x[/] not markup"
    authors: ["[i]Mallory[/i]"]
    topics: [basics]
    sources: [{list: course.md, line: 5, order: 5}]
  - id: ansi-title
    kind: video
    title: "Escape \e[31mred\e[0m title"
    topics: [basics]
  - id: transformer
    kind: paper
    title: Attention Is All You Need
    authors: [Ashish Vaswani]
    year: 2017
    topics: [advanced]
    requires: [{id: backprop, reason: Trained end to end with backprop}]
    related: [perceptron]
    no_implementation: Too big for a laptop.
    sources: [{list: course.md, line: 11, order: 11}]
  - id: hanging
    kind: code
    title: A demo that never ends
    topics: [advanced]
    implementation: hang
    sources: [{list: course.md, line: 12, order: 12}]
  - id: missing-code
    kind: code
    title: Code that is not installed
    topics: [advanced]
    implementation: ghost
    sources: [{list: course.md, line: 13, order: 13}]
  - id: lonely
    kind: book
    title: A book filed nowhere
'''

META = '''title = "{title}"
papers = ["backprop"]
claim = "{claim}"
default_steps = 5
quick_steps = 5
expected_cpu_seconds = 1.0
'''

TINY_DEMO = r'''
import json, sys

def event(kind, **data):
    print("@@tracker " + json.dumps({"event": kind, **data}), flush=True)

print("\x1b[32mtiny demo starting\x1b[0m", flush=True)
event("start", total=5, title="tiny")
for step in range(1, 6):
    loss = 1.0 / step
    print(f"step {step}/5  loss {loss:.3f}", flush=True)
    event("progress", step=step, metrics={"loss": loss, "acc": step / 5})
event("claim", text="loss falls below 0.25", measured=0.2, threshold=0.25, reproduced=True)
event("end", status="reproduced")
sys.exit(0)
'''

HANG_DEMO = r'''
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
print(f"child {child.pid}", flush=True)
time.sleep(600)
'''


def write_implementations(root: Path) -> Path:
    """``root/implementations`` with a tiny demo that finishes and one that hangs (no torch)."""
    impls = root / "implementations"
    impls.mkdir(parents=True)
    (impls / "__init__.py").write_text("")
    for slug, title, claim, demo in (("tiny", "Tiny demo", "loss falls below 0.25", TINY_DEMO),
                                     ("hang", "Hanging demo", "never finishes", HANG_DEMO)):
        folder = impls / slug
        folder.mkdir()
        (folder / "__init__.py").write_text("")
        (folder / "meta.toml").write_text(META.format(title=title, claim=claim))
        (folder / "demo.py").write_text(demo)
    (impls / "tiny" / "test_tiny.py").write_text("def test_ok():\n    assert 1 + 1 == 2\n")
    return impls


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Every test gets its own data dir and database, in UTC."""
    monkeypatch.setenv("TRACKER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "tracker.db"))
    monkeypatch.delenv("TRACKER_GRAPH_DATA", raising=False)
    monkeypatch.delenv("TRACKER_EXIT_AFTER_FIRST_PAINT", raising=False)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def graph_dir(tmp_path) -> Path:
    folder = tmp_path / "graph"
    folder.mkdir()
    (folder / "course.yaml").write_text(GRAPH, encoding="utf-8")
    return folder


@pytest.fixture
def impl_root(tmp_path) -> Path:
    return write_implementations(tmp_path / "code")


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "tracker.db"


@pytest.fixture
def make_app(graph_dir, impl_root, db_path):
    from tracker.tui.app import TrackerApp

    def make(**kwargs):
        ctx = Context(argparse.Namespace(graph_data=str(graph_dir), db=str(db_path), json=False))
        return TrackerApp(ctx, implementations_root=impl_root, clock=lambda: at(TODAY.day), **kwargs)

    return make


@pytest.fixture
def store(db_path):
    from tracker.store import open_store

    with open_store(db_path) as s:
        yield s
