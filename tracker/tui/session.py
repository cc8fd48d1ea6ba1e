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
    from .viewmodel import GraphView, Relation


@dataclass
class NodeDetails:
    """Everything the details pane shows about one node, gathered in one place."""

    node_id: str
    status: str
    started: Any = None
    finished: Any = None
    updated: Any = None
    counts: tuple[int, int] | None = None
    relations: list[Relation] = field(default_factory=list)
    notes: list[Any] = field(default_factory=list)
    implementation: ImplementationMeta | None = None
    last_demo: Any = None
    last_test: Any = None
    store_error: str = ""


class Session:
    """Loaded once (in a worker), then asked and told things by the screens."""

    def __init__(self, ctx, implementations_root: Path | None = None) -> None:
        self.ctx = ctx
        self.implementations_root = Path(implementations_root or IMPLEMENTATIONS_ROOT)
        self.view: GraphView | None = None
        self.progress: dict[str, str] = {}
        self.implementations: dict[str, ImplementationMeta] = {}
        self.problems: list[str] = []
        self._undo: list[list[str]] = []

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

    def mark(self, node_id: str, status: str, at: datetime | None = None) -> bool:
        """Set one unit's status; False when it already had it."""
        if not self.markable(node_id):
            raise UserError("a topic is tracked through its items: mark those instead")
        changes = self.store.mark(node_id, status, at=at)
        if not any(c.changed for c in changes):
            return False
        self.progress[node_id] = status
        self._undo.append([node_id])
        return True

    def undo(self, fallback: str | None = None) -> list[str]:
        """Revert this session's latest mark (or, with none left, the fallback node's last change)."""
        ids = self._undo.pop() if self._undo else ([fallback] if fallback in self.graph.nodes else [])
        if not ids:
            return []
        changed = []
        for change in self.store.undo(ids):
            if change.changed:
                self.progress[change.node_id] = change.to_status
                changed.append(change.node_id)
        return changed

    # questions -----------------------------------------------------------------
    def ready(self, limit: int = 50) -> list[str]:
        from ..graph import queries

        return queries.ready(self.graph, self.progress, limit=limit)

    def plan(self, target: str) -> list[str]:
        from ..graph import queries

        return queries.learning_path(self.graph, target, self.progress)

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
            if node.implementation:
                info.last_demo = self.store.last_run(node.implementation, "demo")
                info.last_test = self.store.last_run(node.implementation, "test")
        except UserError as err:
            info.store_error = str(err)
        return info

    # notes ------------------------------------------------------------------------
    def editable_note(self, node_id: str) -> tuple[str | None, str]:
        """The note the editor works on: the node's latest one (uid, body), or (None, "") for a new one."""
        notes = self.store.notes(self.view.stored_ids(node_id))
        return (notes[-1].uid, notes[-1].body) if notes else (None, "")

    def save_note(self, node_id: str, uid: str | None, body: str) -> str | None:
        """Write the editor's text; creates the note on its first non-blank keystroke. Returns its uid."""
        if uid is not None:
            self.store.update_note(uid, body)
            return uid
        if not body.strip():
            return None
        return self.store.add_note(node_id, body).uid

    # dashboard ----------------------------------------------------------------------
    def dashboard(self, today: date) -> dict[str, Any]:
        from ..store.stats import summary

        data = summary(self.graph, self.store, self.progress, today=today)
        slugs = {n.implementation for n in self.graph.nodes.values() if n.implementation}
        data["implemented"] = sorted(self.store.implemented(slugs))
        data["implementations_linked"] = len(slugs)
        return data
