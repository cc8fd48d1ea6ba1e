"""End to end in a real terminal: launch `tracker` in tmux, navigate, mark, quit, check the database."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tracker.store import open_store

TMUX = shutil.which("tmux")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(TMUX is None, reason="tmux is not installed: the terminal smoke test needs it")]


class Terminal:
    """One tmux session on a private server socket, so the user's own tmux is never touched."""

    def __init__(self, command: str, size: tuple[int, int] = (120, 40)) -> None:
        self.socket = f"tracker-test-{uuid.uuid4().hex[:8]}"
        self.tmux([
            "new-session", "-d", "-s", "tui", "-x", str(size[0]), "-y", str(size[1]), command])

    def tmux(self, args: list[str]) -> str:
        return subprocess.run([TMUX, "-L", self.socket, *args], check=True, capture_output=True,
                              text=True, timeout=10).stdout

    def screen(self) -> str:
        return self.tmux(["capture-pane", "-p", "-t", "tui"])

    def keys(self, *keys: str) -> None:
        self.tmux(["send-keys", "-t", "tui", *keys])

    def wait_for(self, text: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text in screen:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")
            time.sleep(0.1)

    def close(self) -> None:
        subprocess.run([TMUX, "-L", self.socket, "kill-server"], capture_output=True, timeout=10)


def test_tracker_in_tmux_marks_an_item_and_quits(graph_dir, db_path, tmp_path):
    tracker = Path(sys.executable).parent / "tracker"
    env = f"TRACKER_DATA_DIR={tmp_path / 'data'} TERM=xterm-256color"
    command = (f"env {env} {tracker} --graph-data {graph_dir} --db {db_path}; "
               f"echo TRACKER-EXITED-$?; sleep 30")
    term = Terminal(command)
    try:
        term.wait_for("Course  0/7")
        term.keys("Enter")
        term.wait_for("Basics  0/4")
        term.keys("Down", "Enter")
        term.wait_for("The Perceptron  paper")
        term.keys("Down")
        term.wait_for("id perceptron")  # the details pane follows the cursor
        term.keys("r")
        screen = term.wait_for("[x] The Perceptron")
        assert "Basics  1/4" in screen and "Course  1/7" in screen
        term.keys("q")
        term.wait_for("TRACKER-EXITED-0", timeout=20)
    finally:
        term.close()
    with open_store(db_path) as store:
        assert store.statuses() == {"perceptron": "read"}
        assert [(h.from_status, h.to_status) for h in store.history()] == [("unread", "read")]


def test_at_80x24_a_key_sent_with_the_cursor_move_marks_the_new_row(graph_dir, db_path, tmp_path):
    """Down and i arrive in one write, as when typed quickly: i must mark the row Down moved to."""
    tracker = Path(sys.executable).parent / "tracker"
    env = f"TRACKER_DATA_DIR={tmp_path / 'data'} TERM=xterm-256color"
    command = (f"env {env} {tracker} --graph-data {graph_dir} --db {db_path}; "
               f"echo TRACKER-EXITED-$?; sleep 30")
    term = Terminal(command, size=(80, 24))
    try:
        term.wait_for("Course  0/7")
        term.keys("Enter")
        term.wait_for("Basics  0/4")
        term.keys("Down", "Enter")
        term.wait_for("The Perceptron  paper")
        term.keys("Down")
        term.wait_for("id perceptron")
        screen = term.screen()
        footer = screen.rstrip().splitlines()[-1]
        assert footer.lstrip().startswith("r i s u Mark  e Note  o Open  p Path")  # the node keys first
        assert "Learning represe…  paper" in screen  # cut with an ellipsis, the kind kept
        term.keys("Down", "i")
        term.wait_for("[~] Learning")
        term.keys("q")
        term.wait_for("TRACKER-EXITED-0", timeout=20)
    finally:
        term.close()
    with open_store(db_path) as store:
        assert store.statuses() == {"backprop": "reading"}


def test_external_editor_over_a_note_changed_meanwhile_keeps_both(graph_dir, db_path, tmp_path):
    """E suspends the app for $EDITOR; another process edits the note meanwhile: nothing is written over."""
    with open_store(db_path) as store:
        note = store.add_note("perceptron", "first thoughts")
    other = tmp_path / "other_window.py"
    other.write_text("from tracker.store import open_store\n"
                     f"with open_store({str(db_path)!r}) as store:\n"
                     f"    store.update_note({note.uid!r}, 'their version')\n")
    editor = tmp_path / "editor.py"
    editor.write_text("import subprocess, sys\n"
                      f"subprocess.run([sys.executable, {str(other)!r}], check=True)\n"
                      "with open(sys.argv[1], 'a') as fh:\n"
                      "    fh.write('my addition\\n')\n")
    tracker = Path(sys.executable).parent / "tracker"
    env = f"TRACKER_DATA_DIR={tmp_path / 'data'} TERM=xterm-256color EDITOR='{sys.executable} {editor}'"
    command = (f"env {env} {tracker} --graph-data {graph_dir} --db {db_path}; "
               f"echo TRACKER-EXITED-$?; sleep 30")
    term = Terminal(command)
    try:
        term.wait_for("Course  0/7")
        term.keys("Enter")
        term.wait_for("Basics  0/4")
        term.keys("Down", "Enter")
        term.wait_for("The Perceptron  paper")
        term.keys("Down")
        term.wait_for("id perceptron")
        term.keys("E")
        screen = term.wait_for("This note was changed elsewhere")
        assert "their version" in screen and "my addition" in screen
        term.keys("C-b")  # keep both
        term.wait_for("kept both")
        term.keys("Escape")
        term.wait_for("id perceptron")
        term.keys("q")
        term.wait_for("TRACKER-EXITED-0", timeout=20)
    finally:
        term.close()
    with open_store(db_path) as store:
        bodies = [n.body for n in store.notes(["perceptron"])]
    # the editor got the note with a final newline and added a line under it
    assert bodies == ["their version", "first thoughts\nmy addition\n"]
