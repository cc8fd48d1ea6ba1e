"""The Textual app: four modes (browse, next up, dashboard, runs), global keys, start-up.

Start-up paints the browse screen first and loads the graph and the store in
a worker, so the first frame never waits for YAML or SQL. Screens are
imported when first shown. Node actions live in ``actions.py``, runs in
``runs.py``, data in ``session.py``. Once the store is open, a timer asks
the database whether another process wrote to it (``watch.py``) and redraws
what changed.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable, Iterable
from typing import Any
from datetime import date, datetime, timezone
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.signal import Signal
from textual.worker import Worker, WorkerState

from ..errors import UserError
from .actions import NODE_ACTIONS, NodeActions
from .bindings import APP_BINDINGS, BINDING_IDS
from .commands import NodeSearch
from .continuity import ContinuityActions
from .review_actions import ReviewActions
from .runs import RunActions
from .session import Session
from .settings import load_keymap, load_settings, save_settings
from .watch import POLL_INTERVAL_S

EXIT_AFTER_ENV = "TRACKER_EXIT_AFTER_FIRST_PAINT"  # "1": exit at first paint; "ready": once the graph shows
TRACE_ENV = "TRACKER_STARTUP_TRACE"  # a file to append start-up timestamps to (benchmarks)


def _browse():
    from .screens.browse import BrowseScreen

    return BrowseScreen()


def _next_up():
    from .screens.next_up import NextUpScreen

    return NextUpScreen()


def _dashboard():
    from .screens.dashboard import DashboardScreen

    return DashboardScreen()


def _runs():
    from .screens.run_panel import RunPanelScreen

    return RunPanelScreen()


class TrackerApp(NodeActions, RunActions, ReviewActions, ContinuityActions, App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "tracker"
    BINDINGS = APP_BINDINGS
    MODES = {"browse": _browse, "next": _next_up, "dashboard": _dashboard, "run": _runs}
    DEFAULT_MODE = "browse"
    COMMANDS = App.COMMANDS | {NodeSearch}

    def __init__(self, ctx, *, implementations_root: Path | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        super().__init__()
        self.session = Session(ctx, implementations_root)
        self.clock = clock or (lambda: datetime.now(timezone.utc))  # tests freeze it
        self.load_error = ""
        self._load_started = False
        self._write_lock = asyncio.Lock()
        self.user_keymap: dict[str, str] = {}
        # What changed, for whichever screens are alive: node ids, node ids, run events, nothing.
        self.progress_signal: Signal[list[str]] = Signal(self, "progress")
        self.details_signal: Signal[str] = Signal(self, "details")
        self.run_signal: Signal[tuple] = Signal(self, "run")
        self.ready_signal: Signal[None] = Signal(self, "ready")

    # start-up --------------------------------------------------------------------
    def on_mount(self) -> None:
        theme = load_settings().get("theme")
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.user_keymap, problems = load_keymap(BINDING_IDS)
        if self.user_keymap:
            self.set_keymap(self.user_keymap)
        for problem in problems:
            self.warn(problem)

    def _remember_theme(self, theme) -> None:
        try:
            save_settings(theme=theme.name)
        except OSError as err:
            self.warn(f"cannot remember the theme: {err}")

    def first_paint(self) -> None:
        """Called by the first screen once drawn: only now start loading (the loader would slow the paint)."""
        self._trace("first_paint")
        if os.environ.get(EXIT_AFTER_ENV) == "1":
            self.exit(0)
            return
        if not self._load_started:
            self._load_started = True
            self.load_session()

    @work(thread=True, group="load", exit_on_error=False)
    def load_session(self) -> None:
        self.session.load()  # the outcome arrives as a worker state change, never a blocking call back

    def _watching(self, watched: bool) -> None:
        if watched:
            self.set_interval(POLL_INTERVAL_S, self._poll, name="database watch")

    def _poll(self) -> None:
        """Ask whether another process wrote to the database (a no-op query when nothing changed)."""
        if not any(w.group == "poll" and not w.is_finished for w in self.workers):
            self.run_worker(self.session.changes_elsewhere, thread=True, group="poll", exit_on_error=False)

    def _changed_elsewhere(self, moved: list[str] | None) -> None:
        if moved is None:
            return
        if moved:
            self.progress_signal.publish(moved)
        self.details_signal.publish("")  # notes or runs may have changed too: redraw what is shown

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "poll" and event.state == WorkerState.SUCCESS:
            self._changed_elsewhere(event.worker.result)
            return
        if event.worker.group == "reload":
            if event.state == WorkerState.SUCCESS:
                for warning in self.session.graph.warnings:
                    self.warn(warning)
                self.refresh_bindings()
                self.ready_signal.publish(None)
            elif event.state == WorkerState.ERROR:
                error = event.worker.error
                self.warn(str(error) if isinstance(error, UserError) else f"{type(error).__name__}: {error}", "error")
            return
        if event.worker.group != "load":
            return
        if event.state == WorkerState.SUCCESS:
            self._loaded()
        elif event.state == WorkerState.ERROR:
            error = event.worker.error
            self._load_failed(str(error) if isinstance(error, UserError) else f"{type(error).__name__}: {error}")

    def _loaded(self) -> None:
        for problem in self.session.problems:
            self.warn(problem, severity="error")
        for warning in self.session.graph.warnings:
            self.warn(warning)
        # Statuses were read without the database libraries; open the store now, off the UI
        # thread and ahead of the first mark (which queues behind this on the write lock),
        # then watch the file for other processes' writes.
        self._store_write(lambda: (self.session.store, self.session.watch_database())[1], self._watching)
        self.refresh_bindings()
        self.ready_signal.publish(None)
        self.call_after_refresh(self._ready_painted)

    def reload_graph(self) -> None:
        """After an import: read the graph again (off the UI thread); screens rebuild on ``ready_signal``."""
        self.ctx_graph_stale()
        self.run_worker(self.session.load, thread=True, group="reload", exit_on_error=False)

    def ctx_graph_stale(self) -> None:
        self.session.ctx.__dict__.pop("graph", None)  # Context.graph is a cached_property

    def import_list(self) -> None:
        from .screens.import_list import ImportScreen

        def done(summary: str | None) -> None:
            if summary:
                self.notify(summary, title="imported", markup=False)

        self.push_screen(ImportScreen(), done)

    def _ready_painted(self) -> None:
        self._trace("ready")
        if os.environ.get(EXIT_AFTER_ENV) == "ready":
            self.exit(0)

    def _load_failed(self, message: str) -> None:
        self.load_error = message
        self.ready_signal.publish(None)
        self.notify(message, title="cannot load the graph", severity="error", timeout=30, markup=False)

    @staticmethod
    def _trace(event: str) -> None:
        path = os.environ.get(TRACE_ENV)
        if path:
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(json.dumps({"event": event, "t": time.time()}) + "\n")

    # shared helpers for screens and actions ----------------------------------------
    def today(self) -> date:
        return self.clock().astimezone().date()

    @property
    def selected(self) -> str | None:
        """The node the keys act on: the row highlighted now on the screen in front, read synchronously.

        Never a value a later message updates (a key pressed right after a
        cursor move must act on the new row), and never a node from another
        screen (the dashboard has none, so the node keys are off there).
        """
        if not self.session.loaded:
            return None
        highlighted = getattr(self.screen, "highlighted_node", None)
        return highlighted() if callable(highlighted) else None

    def select(self, node_id: str | None) -> None:
        """The highlight moved: the footer's node keys depend on what is highlighted."""
        self.refresh_bindings()

    def jump_to(self, node_id: str, *, record: bool = True) -> None:
        """Show a node in the browse tree (from search, the details' relations, lists); ``[`` comes back."""
        if not self.session.loaded or node_id not in self.session.graph.nodes:
            return
        if record:
            self.record_jump(node_id)
        self.select(node_id)
        if self.current_mode != "browse":
            self.switch_mode("browse")
        self.call_later(self._reveal, node_id)

    def _reveal(self, node_id: str) -> None:
        from .screens.browse import BrowseScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, BrowseScreen):
            self.pop_screen()
        browse = self.screen_stack[0]
        if isinstance(browse, BrowseScreen):
            browse.reveal(node_id)

    def write(self, job: Callable[[], Any], then: Callable[[Any], None]) -> None:
        """Run a store write off the UI thread, in order; ``then`` gets its result back on the UI thread.

        A database locked by another process makes a write wait (up to the
        store's busy timeout): the UI must stay live meanwhile, and the
        failure arrives as a notification.
        """
        self._store_write(job, then)

    @work(group="store", exit_on_error=False)
    async def _store_write(self, job: Callable[[], Any], then: Callable[[Any], None]) -> None:
        async with self._write_lock:  # FIFO: marks and undos land in the order they were pressed
            try:
                result = await asyncio.to_thread(job)
            except UserError as err:
                self.report(err)
                return
        then(result)

    def report(self, err: Exception) -> None:
        self.notify(str(err), severity="error", timeout=8, markup=False)

    def warn(self, message: str, severity: str = "warning") -> None:
        self.notify(message, severity=severity, markup=False)

    # actions -----------------------------------------------------------------------
    def action_show_mode(self, mode: str) -> None:
        if self.current_mode != mode:
            self.switch_mode(mode)

    def action_search(self) -> None:
        self.action_command_palette()

    def action_notes_list(self) -> None:
        """N: every note, recent first, filtered by topic; Enter opens one in the editor."""
        if not self.session.loaded:
            return
        from .screens.notes_list import NotesListScreen

        self.push_screen(NotesListScreen())

    def toggle_tree_by_topic(self) -> None:
        """The palette's "Tree by topic / by list": the browse tree's T, from any screen."""
        from .screens.browse import BrowseScreen

        if self.current_mode != "browse":
            self.switch_mode("browse")
        self.call_later(lambda: isinstance(self.screen, BrowseScreen) and self.screen.action_toggle_by_topic())

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.quitting:  # keys typed after q are still queued: they must not open screens now
            return action == "quit"
        if action == "cancel_run":
            return self._active_run is not None
        if action == "show_mode":  # the footer leaves out the screen you are on
            return parameters[0] != self.current_mode
        if action in ("undo", "notes_list"):  # with nothing of this window's to undo, z says so
            return True if self.session.loaded else None
        if action in NODE_ACTIONS:
            return self.node_action_allowed(action, self.selected)
        return True

    def get_system_commands(self, screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for title, help_text, callback in (
            ("Browse", "The topic tree and the selected node's details", lambda: self.action_show_mode("browse")),
            ("Next up", "Unread items whose prerequisites are done", lambda: self.action_show_mode("next")),
            ("Dashboard", "Progress, reads per week, streak", lambda: self.action_show_mode("dashboard")),
            ("Runs", "The run panel: demo and test output", lambda: self.action_show_mode("run")),
            ("Review", "Review the cards due now, one at a time (FSRS)", self.action_review),
            ("Add to review", "Put the selected item in spaced review", self.action_review_add),
            ("Weekly plan", "What to read, review and run each week, in your weekly hours", self.action_plan),
            ("Notes", "Every note, recent first: filter by topic, open one, follow its wiki-links",
             self.action_notes_list),
            ("Tree by topic / by list", "The topic tree as one topic map across lists, or one root per list",
             self.toggle_tree_by_topic),
            ("Mark read", "Mark the selected item read", lambda: self.action_mark("read")),
            ("Mark reading", "Mark the selected item as being read", lambda: self.action_mark("reading")),
            ("Mark skipped", "Mark the selected item skipped", lambda: self.action_mark("skipped")),
            ("Mark unread", "Mark the selected item unread", lambda: self.action_mark("unread")),
            ("Undo", "Undo the last mark", self.action_undo),
            ("Local graph", "What the selected node requires and what needs it, two hops each way",
             self.action_local_graph),
            ("Back", "Back to where you were before the last jump", self.action_history_back),
            ("Bulk mark", "Mark the selected items, a topic's items or the filtered view read or skipped",
             self.action_bulk_mark),
            ("Forward", "Forward again, after going back", self.action_history_forward),
            ("Edit notes", "Edit the selected node's notes", self.action_edit_notes),
            ("Learning path", "The plan that ends at the selected node", self.action_learning_path),
            ("Open link", "Open the selected node's link in the browser", self.action_open_link),
            ("Run quick demo", "Run the selected node's demo, quick version", lambda: self.action_run("demo", True)),
            ("Run demo", "Run the selected node's full demo", lambda: self.action_run("demo", False)),
            ("Run tests", "Run the selected node's implementation tests", lambda: self.action_run("test")),
            ("Import a reading list", "Preview a markdown list's entries and merges, then add it to the graph",
             self.import_list),
            ("Help", "Every key and its binding id", self.action_help),
        ):
            yield SystemCommand(title, help_text, callback)

    # shutdown ------------------------------------------------------------------------
    quitting = False

    def exit(self, *args, **kwargs) -> None:
        self.quitting = True
        super().exit(*args, **kwargs)

    async def action_quit(self) -> None:
        self.kill_active_run()
        await super().action_quit()

    def on_unmount(self) -> None:
        self.kill_active_run()
        self.save_view_state()
        self.session.close()


def run_app(ctx) -> int:
    """Entry point used by ``tracker`` with no command."""
    app = TrackerApp(ctx)
    result = app.run()
    return int(result or 0) if app.return_code is None else app.return_code
