"""The TUI's model: the graph, the store and the in-memory progress, behind one small API.

Screens never talk to SQL or the graph loader directly. Every store problem
surfaces as ``UserError`` (``StoreError`` is one), which the app shows as a
notification; nothing here imports Textual, so it is tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UserError
from ..impl_meta import IMPLEMENTATIONS_ROOT, ImplementationMeta, MetaError, discover

if TYPE_CHECKING:  # the graph libraries load in the start-up worker, after the first paint
    from ..store.api import Change
    from .viewmodel import GraphView, Relation


@dataclass(frozen=True)
class EditedNote:
    """The version of a note an editor works on: saving checks nobody changed it since."""

    node_id: str
    uid: str | None
    body: str
    updated_at: datetime | None
    shared: bool = False  # shown to the study group


@dataclass(frozen=True)
class Undone:
    """What an undo did: the mark it was for, whether it changed anything, and any later change
    made elsewhere that stopped it (then nothing was written)."""

    mark: Any
    changed: bool = False
    since: Any = None


@dataclass(frozen=True)
class BatchMark:
    """Several items marked at once (a bulk mark): one entry of the undo list, undone together."""

    status: str
    label: str  # what was marked, for the toasts: "the 4 items of Basics"
    changes: tuple = ()  # store.api.Change, one per item whose status it changed

    @property
    def node_ids(self) -> list[str]:
        return [c.node_id for c in self.changes]


@dataclass
class NodeDetails:
    """Everything the details pane shows about one node, gathered in one place."""

    node_id: str
    status: str
    started: Any = None
    finished: Any = None
    updated: Any = None
    counts: Any = None  # a membership.Tally, for topics
    tracks: Any = None  # mastery.NodeTracks (or TopicTracks): read, implemented, recalled
    relations: list[Relation] = field(default_factory=list)
    notes: list[Any] = field(default_factory=list)
    implementation: ImplementationMeta | None = None
    last_demo: Any = None
    last_test: Any = None
    demo_verdict: Any = None  # the latest demo/test run that got to a verdict (a cancel does not hide it)
    test_verdict: Any = None
    store_error: str = ""
    group: Any = None  # group_view.NodeGroup, on a database shared by more than one member


class Session:
    """Loaded once (in a worker), then asked and told things by the screens."""

    def __init__(self, ctx, implementations_root: Path | None = None) -> None:
        self.ctx = ctx
        self.implementations_root = Path(implementations_root or IMPLEMENTATIONS_ROOT)
        self.view: GraphView | None = None
        self.progress: dict[str, str] = {}
        self.implementations: dict[str, ImplementationMeta] = {}
        self.problems: list[str] = []
        self._undo: list[Change | BatchMark] = []
        self._watch = None
        self._members: list[str] | None = None  # who shares the database; asked once, again after outside writes

    # loading -----------------------------------------------------------------
    def load(self) -> None:
        """Load the graph, progress and implementations; store problems are kept, not raised.

        A graph that does not load raises ``UserError``: there is nothing to show without it.
        """
        from .viewmodel import GraphView

        self.view = GraphView(self.ctx.graph)
        try:
            self.implementations = discover(self.implementations_root)
        except MetaError as err:
            self.problems.append(str(err))
        try:
            self.progress = self.ctx.progress()
        except UserError as err:
            self.problems.append(str(err))

    @property
    def loaded(self) -> bool:
        return self.view is not None

    @property
    def graph(self):
        return self.view.tg

    @property
    def store(self):
        return self.ctx.store

    def status(self, node_id: str) -> str:
        return self.progress.get(node_id, "unread")

    # marking -------------------------------------------------------------------
    def markable(self, node_id: str) -> bool:
        """Units are marked; topics with items are tracked through those items."""
        return node_id in self.graph.nodes and self.graph.is_unit(node_id)

    def mark(self, node_id: str, status: str, at: datetime | None = None) -> Change | None:
        """Set one unit's status; None when it already had it. The mark joins this session's undo list."""
        if not self.markable(node_id):
            raise UserError("a topic is tracked through its items: mark those instead")
        change = self.store.mark(node_id, status, at=at)[0]
        if not change.changed:
            return None
        self.progress[node_id] = status
        self._undo.append(change)
        return change

    def mark_many(self, node_ids: list[str], status: str, label: str, at: datetime | None = None) -> BatchMark | None:
        """Mark several units in one transaction; None when none changed. The batch is one undo entry."""
        units = [n for n in dict.fromkeys(node_ids) if self.markable(n)]
        changes = tuple(c for c in self.store.mark(units, status, at=at) if c.changed) if units else ()
        if not changes:
            return None
        for change in changes:
            self.progress[change.node_id] = status
        batch = BatchMark(status, label, changes)
        self._undo.append(batch)
        return batch

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo(self, *, anyway: bool = False) -> Undone:
        """Revert this session's latest mark, only if it is still the node's latest change.

        When something else (another window, ``tracker mark``) changed the node
        since, nothing is written: the result says what that change was, and
        ``anyway=True`` then sets the node back to what it was before this
        session's mark (a new mark, so the other change stays in the history).
        """
        if not self._undo:
            return Undone(None)
        mine = self._undo[-1]
        if isinstance(mine, BatchMark):
            return self._undo_batch(mine, anyway)
        latest = self.latest_change(mine.node_id)
        if latest is not None and latest.id != mine.history_id:
            if not anyway:
                return Undone(mine, since=latest)
            self._undo.pop()
            change = self.store.mark(mine.node_id, mine.from_status)[0]
            self.progress[mine.node_id] = change.to_status
            return Undone(mine, changed=change.changed)
        self._undo.pop()
        changed = False
        for change in self.store.undo([mine.node_id]):
            if change.changed:
                self.progress[change.node_id] = change.to_status
                changed = True
        return Undone(mine, changed=changed)

    def _undo_batch(self, batch: BatchMark, anyway: bool) -> Undone:
        """Set every item of a bulk mark back to the status it had before, in one go.

        Items changed elsewhere since are named in ``since`` (pairs of this
        batch's change and the later one) and nothing is written, unless
        ``anyway``: then those are set back too, by a new mark each.
        """
        latest = self._latest_changes(batch.node_ids)
        moved = [(c, latest[c.node_id]) for c in batch.changes
                 if c.node_id in latest and latest[c.node_id].id != c.history_id]
        if moved and not anyway:
            return Undone(batch, since=moved)
        self._undo.pop()
        elsewhere = {c.node_id for c, _ in moved}
        changed = False
        for change in self.store.undo([n for n in batch.node_ids if n not in elsewhere]):
            if change.changed:
                self.progress[change.node_id] = change.to_status
                changed = True
        for before in sorted({c.from_status for c, _ in moved}):
            for change in self.store.mark([c.node_id for c, _ in moved if c.from_status == before], before):
                if change.changed:
                    self.progress[change.node_id] = change.to_status
                    changed = True
        return Undone(batch, changed=changed)

    def _latest_changes(self, node_ids: list[str]) -> dict:
        """Each node's latest standing status change (one query for them all)."""
        latest = {}
        for start in range(0, len(node_ids), 500):  # SQLite caps the parameters of one statement
            for h in self.store.history(node_ids[start:start + 500]):  # oldest first
                if not h.is_undo and h.undone_at is None:
                    latest[h.node_id] = h
        return latest

    def latest_change(self, node_id: str):
        """The node's latest status change that stands (not an undo, not undone), or None."""
        standing = [h for h in self.store.history([node_id]) if not h.is_undo and h.undone_at is None]
        return standing[-1] if standing else None

    # other processes ----------------------------------------------------------------
    def watch_database(self) -> bool:
        """Start noticing other processes' writes; False where that is not possible (not a SQLite file)."""
        from .watch import DatabaseWatch

        self._watch = DatabaseWatch.open(getattr(self.ctx.args, "db", None))
        return self._watch is not None

    def close(self) -> None:
        if self._watch is not None:
            self._watch.close()
            self._watch = None

    def changes_elsewhere(self) -> list[str] | None:
        """None when the database is as last seen (one cheap pragma); else the nodes whose status moved.

        The list may be empty: something else changed (a note, a run).
        """
        watch = self._watch
        if watch is None or not watch.changed():
            return None
        self._members = None  # someone new may have joined
        statuses = watch.statuses()
        if statuses is None:
            return []
        moved = [n for n in set(statuses) | set(self.progress) if statuses.get(n, "unread") != self.status(n)]
        for node_id in moved:
            if node_id in statuses:
                self.progress[node_id] = statuses[node_id]
            else:
                self.progress.pop(node_id, None)
        return [n for n in moved if self.view is not None and n in self.graph.nodes]

    # questions -----------------------------------------------------------------
    def ready(self, limit: int = 50) -> list[str]:
        from ..graph import queries
        from .queue_view import prefs

        return queries.ready(self.graph, self.progress, limit=limit, roles=prefs(self)[0])  # with O's flips

    def plan(self, target: str) -> list[str]:
        from ..graph import queries
        from .queue_view import prefs

        return queries.learning_path(self.graph, target, self.progress, roles=prefs(self)[0])

    def implementation(self, node_id: str) -> tuple[str, ImplementationMeta]:
        """The node's runnable implementation, or a ``UserError`` that says why there is none."""
        node = self.graph.nodes.get(node_id)
        if node is None:
            raise UserError("select an item first")
        if not node.implementation:
            reason = f": {node.no_implementation}" if node.no_implementation else ""
            raise UserError(f"{node.title} has no linked implementation{reason}")
        meta = self.implementations.get(node.implementation)
        if meta is None:
            raise UserError(f"implementation {node.implementation!r} is not installed "
                            f"(no {self.implementations_root.name}/{node.implementation}/meta.toml)")
        return node.implementation, meta

    def details(self, node_id: str) -> NodeDetails:
        view = self.view
        if node_id not in self.graph.nodes:  # the "not filed under a topic" group
            return NodeDetails(node_id, "", counts=view.counts(node_id, self.progress))
        node = self.graph.nodes[node_id]
        info = NodeDetails(node_id, self.status(node_id), relations=view.relations(node_id, self.progress))
        if view.is_group(node_id):
            info.counts = view.counts(node_id, self.progress)
        info.implementation = self.implementations.get(node.implementation or "")
        try:
            row = self.store.progress(node_id)
            if row is not None:
                info.started, info.finished, info.updated = row.started_at, row.finished_at, row.updated_at
            info.notes = [n for n in self.store.notes(view.stored_ids(node_id)) if n.body.strip()]
            from .mastery_view import gather

            info.tracks = gather(self, node_id, datetime.now().astimezone())
            if len(self.members()) > 1:
                from ..group_view import node_group

                info.group = node_group(self.graph, self.store, node_id, self.members())
            if node.implementation:
                info.last_demo = self.store.last_run(node.implementation, "demo")
                info.last_test = self.store.last_run(node.implementation, "test")
                info.demo_verdict = self.store.last_run(node.implementation, "demo", finished=True)
                info.test_verdict = self.store.last_run(node.implementation, "test", finished=True)
        except UserError as err:
            info.store_error = str(err)
        return info

    def members(self) -> list[str]:
        if self._members is None:
            self._members = self.store.members()
        return self._members

    # notes ------------------------------------------------------------------------
    def editable_note(self, node_id: str) -> EditedNote:
        """The note the editor works on: the node's latest one, or a new one."""
        notes = self.store.notes(self.view.stored_ids(node_id))
        if not notes:
            return EditedNote(node_id, None, "", None)
        return EditedNote(node_id, notes[-1].uid, notes[-1].body, notes[-1].updated_at, notes[-1].shared)

    def save_note(self, note: EditedNote, body: str) -> EditedNote:
        """Write the editor's text over the version it was opened on; creates the note on its first
        non-blank keystroke.

        A note changed elsewhere meanwhile raises ``NoteConflict`` (both
        versions in it); nothing is overwritten.
        """
        if note.uid is not None:
            saved = self.store.update_note(note.uid, body, expected_updated_at=note.updated_at)
            return EditedNote(note.node_id, note.uid, body, saved.updated_at, saved.shared)
        if not body.strip():
            return note
        saved = self.store.add_note(note.node_id, body, shared=note.shared)
        return EditedNote(note.node_id, saved.uid, body, saved.updated_at, saved.shared)

    def share_note(self, note: EditedNote, shared: bool) -> EditedNote:
        """Show the note to the group or make it private; a note not saved yet takes it when it is."""
        if note.uid is None:
            return EditedNote(note.node_id, None, note.body, None, shared)
        saved = self.store.share_note(note.uid, shared)
        return EditedNote(note.node_id, note.uid, saved.body, saved.updated_at, saved.shared)

    def add_note(self, node_id: str, body: str) -> EditedNote:
        """Keep a text as a note of its own (a version nobody chose to drop)."""
        saved = self.store.add_note(node_id, body)
        return EditedNote(node_id, saved.uid, body, saved.updated_at)

    # dashboard ----------------------------------------------------------------------
    def dashboard(self, today: date) -> dict[str, Any]:
        from ..store.stats import summary

        data = summary(self.graph, self.store, self.progress, today=today)
        slugs = {n.implementation for n in self.graph.nodes.values() if n.implementation}
        data["implemented"] = sorted(self.store.implemented(slugs))
        data["implementations_linked"] = len(slugs)
        if len(self.members()) > 1:
            from ..group_view import group_summary

            data["group"] = group_summary(self.graph, self.store)
        return data
