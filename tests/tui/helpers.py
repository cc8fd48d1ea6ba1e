"""Helpers shared by the TUI tests: fixed times, waiting for the app, reading the screen."""

from __future__ import annotations

import time
from datetime import date, datetime, timezone

import sqlalchemy as sa

from tracker.store.tables import Run

TODAY = date(2024, 3, 14)


def at(day: int, hour: int = 12) -> datetime:
    """A fixed time in March 2024 (noon UTC), for deterministic dates."""
    return datetime(2024, 3, day, hour, tzinfo=timezone.utc)


async def wait_for(pilot, predicate, timeout: float = 15.0) -> None:
    """Let the app run until ``predicate()`` holds (workers, timers and refreshes included)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {getattr(predicate, '__name__', predicate)}")
        await pilot.pause(0.05)
    await pilot.pause()


async def settle(pilot) -> None:
    """Wait for queued store writes (marks, undos, note saves) to land and their results to show."""
    app = pilot.app
    await wait_for(pilot, lambda: not any(w.group in ("store", "notes") and not w.is_finished
                                          for w in app.workers))
    await pilot.pause()


async def loaded(pilot) -> None:
    """Wait until the graph is loaded and the tree shows it with a highlighted row."""
    app = pilot.app
    from tracker.tui.widgets.topic_tree import TopicTree

    def ready() -> bool:
        if not app.session.loaded or app.selected is None:
            return False
        tree = app.screen_stack[0].query(TopicTree)
        return bool(tree) and bool(tree.first().root.children)

    await wait_for(pilot, ready)


def row_labels(tree) -> list[str]:
    """Every visible row of a tree, indented by depth, as plain text."""
    out = []

    def walk(node, depth):
        for child in node.children:
            out.append("  " * depth + child.label.plain)
            if child.is_expanded:
                walk(child, depth + 1)

    walk(tree.root, 0)
    return out


def screen_text(app) -> str:
    """What the terminal shows right now, as plain text (the way Textual's SVG screenshot is made)."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, record=True,
                      legacy_windows=False, safe_box=False, color_system="truecolor")
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


def seed(store) -> None:
    """Fixed progress, a note and a passing test run, all at frozen times (dashboard, snapshots)."""
    store.mark("lonely", "read", at=at(4))
    store.mark("perceptron", "read", at=at(13))
    store.mark("backprop", "read", at=at(14, 9))
    store.mark("markup-title", "skipped", at=at(14, 10))
    store.mark("ansi-title", "reading", at=at(14, 11))
    store.add_note("perceptron", "a note")
    run_id = store.start_run("backprop", "tiny", "test")
    store.finish_run(run_id, outcome="passed", exit_code=0)
    with store.session(write=True) as s:  # the store stamps runs with the real clock: freeze it
        s.execute(sa.update(Run).values(started_at=at(14, 8), ended_at=at(14, 8)))
