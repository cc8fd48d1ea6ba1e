"""Keeping your place: back/forward through jumps, the view restored on restart, the local graph, bulk marks.

Mixed into the app. The logic lives in plain modules (``history``,
``view_state``, ``bulk``, ``tracker.graph.neighbourhood``); this is the thin
layer that connects them to the browse tree, the screens and the store.
"""

from __future__ import annotations

from .bulk import question, scopes
from .history import JumpHistory
from .literal import local_date
from .session import BatchMark
from .view_state import MODES, ViewState, load_state, save_state

AUTOSAVE_S = 2.0  # how often the view is written when it changed (a crash loses at most this much)


class ContinuityActions:
    """Mixed into the app; ``self`` is the ``TrackerApp``."""

    _jumps: JumpHistory | None = None
    _browse_tree = None  # the browse screen's TopicTree, once the graph is shown
    _view_state: ViewState | None = None  # as read at start, then as last written
    _state_warned = False

    # back / forward -------------------------------------------------------------------
    @property
    def jumps(self) -> JumpHistory:
        if self._jumps is None:
            self._jumps = JumpHistory()
        return self._jumps

    def _tree_cursor(self) -> str | None:
        """Where you are: the browse tree's highlighted node (what a jump leaves and back returns to)."""
        tree = self._browse_tree
        row = tree.cursor_node if tree is not None else None
        node_id = row.data if row is not None else None
        return node_id if node_id is not None and node_id in self.session.graph.nodes else None

    def record_jump(self, target: str) -> None:
        self.jumps.visit(self._tree_cursor(), target)

    def action_history_back(self) -> None:
        self._travel(self.jumps.back, "back")

    def action_history_forward(self) -> None:
        self._travel(self.jumps.forward, "forward")

    def _travel(self, step, word: str) -> None:
        if not self.session.loaded:
            return
        target = step(self._tree_cursor(), lambda n: n in self.session.graph.nodes)
        if target is None:
            self.warn(f"nothing to go {word} to: jumps (search, relations, path steps, the local graph) are "
                      f"remembered here")
            return
        self.jump_to(target, record=False)

    # the local graph ---------------------------------------------------------------------
    def action_local_graph(self) -> None:
        node_id = self._shown_node()
        if node_id is None:
            return
        from .screens.local_graph import LocalGraphScreen

        if isinstance(self.screen, LocalGraphScreen):
            self.screen.centre_on(node_id)
        else:
            self.push_screen(LocalGraphScreen(node_id))

    # multi-select and bulk marks --------------------------------------------------------------
    def toggle_select(self, tree) -> None:
        row = tree.cursor_node
        node_id = row.data if row is not None else None
        if node_id is None:
            return
        if not self.session.markable(node_id):
            self.warn("select items with space; M marks a whole topic's items when a topic is highlighted")
            return
        tree.toggle_chosen(node_id)

    def action_bulk_mark(self) -> None:
        """From the palette: the browse tree's bulk mark, wherever you are."""
        tree = self._browse_tree
        if tree is None or tree.filter is None:
            return
        if self.current_mode != "browse":
            self.switch_mode("browse")
        self.call_later(self.bulk_mark, tree)

    def bulk_mark(self, tree) -> None:
        """Offer the scopes that apply here, then confirm with the count, then write them as one batch."""
        session = self.session
        view = getattr(tree, "view", session.view)  # by list, or by topic
        row = tree.cursor_node
        topic = None
        if row is not None and row.data is not None:
            parent = row.parent.data if row.parent is not None else None
            topic = row.data if view.is_group(row.data) else parent
        offered = scopes(view, session.progress, tree.filter, selected=tree.chosen, topic=topic)
        if not offered:
            self.warn("nothing to bulk mark here: select items with space, or highlight a topic, or filter the tree")
            return
        from .screens.bulk_mark import BulkMarkPicker
        from .screens.confirm import ConfirmScreen

        def picked(choice) -> None:
            if choice is None:
                return
            scope, status = choice
            pending = scope.pending(status, session.progress)
            if not pending:
                self.warn(f"{scope.label}: all {status} already")
                return

            def answered(yes: bool | None) -> None:
                if yes:
                    self._write_batch(tree, scope, status, pending)

            self.push_screen(ConfirmScreen(question(scope, status, session.progress),
                                           yes=f"Mark {len(pending)} {status}", no="Cancel"), answered)

        self.push_screen(BulkMarkPicker(offered), picked)

    def _write_batch(self, tree, scope, status: str, pending: list[str]) -> None:
        at = self.clock()

        def written(batch: BatchMark | None) -> None:
            if batch is None:
                self.warn(f"{scope.label}: nothing changed")
                return
            if tree.chosen and set(scope.node_ids) == tree.chosen:
                tree.clear_chosen()  # the selection did its job
            self.progress_signal.publish(batch.node_ids)
            self.refresh_bindings()
            self.notify(f"{len(batch.changes)} marked {status}: {batch.label}   (z undoes all of them)",
                        markup=False, timeout=5)

        self.write(lambda: self.session.mark_many(pending, status, scope.label, at=at), written)

    def batch_undone(self, result) -> None:
        """After ``z`` on a bulk mark: redraw, or ask when some of its items were changed elsewhere since."""
        batch = result.mark
        count = len(batch.changes)
        if result.since:
            from .screens.confirm import ConfirmScreen

            view = self.session.view
            lines = [f"  {view.title(later.node_id) if later.node_id in self.session.graph.nodes else later.node_id}"
                     f": {later.to_status} at {local_date(later.at)} {later.at.astimezone():%H:%M}"
                     for _, later in result.since[:5]]
            if len(result.since) > 5:
                lines.append(f"  … and {len(result.since) - 5} more")
            text = (f"Your bulk mark set {count} items {batch.status} ({batch.label}). Since then "
                    f"{len(result.since)} of them were changed elsewhere (another window or tracker mark):\n"
                    + "\n".join(lines) + f"\n\nSet all {count} back to what they were before the bulk mark?")

            def answered(yes: bool | None) -> None:
                if yes:
                    self.write(lambda: self.session.undo(anyway=True), self._undone)
                else:
                    self.notify("kept the bulk mark as it is", markup=False)

            self.push_screen(ConfirmScreen(text, yes="Set them all back", no="Keep it"), answered)
            return
        if result.changed:
            self.progress_signal.publish(batch.node_ids)
        self.notify(f"undone: the {count} items of the bulk mark are as they were ({batch.label})", markup=False)

    # the view, kept between runs ---------------------------------------------------------------
    def restore_tree(self, tree) -> None:
        """Before the browse tree is first filled: reopen the topics that were open, the filter, then the row."""
        first = self._browse_tree is None
        self._browse_tree = tree
        if not first:
            return
        from .viewmodel import Filter

        state = self._view_state = load_state()
        if self._jumps is None or not self._jumps.entries:  # ids gone from the graph are skipped by back/forward
            self._jumps = JumpHistory(state.jumps, state.jump_index)
        tree._open = set(state.open)  # a path the graph no longer has matches no row: harmless
        kind = state.kind if state.kind in {k for k, _ in self.session.view.kinds()} else None
        if state.hide_done or kind:
            tree.filter = Filter(hide_done=state.hide_done, kind=kind)
        if state.by_topic and hasattr(tree, "by_topic"):  # as the browse screen's T sets it
            tree.by_topic = True
            tree.border_title = "Topics by topic"
            tree.screen.details.view = tree.view
        # On the tree's own queue, in order: the rows exist once it has drawn, the cursor moves, then the
        # mode switches (a tree on a screen not shown has no line numbers to move its cursor to).
        tree.call_after_refresh(self._restore_cursor, tree, state.cursor)

    def _restore_cursor(self, tree, path: tuple[str, ...]) -> None:
        """The remembered row; if the graph changed, the node wherever it is now, else its nearest topic."""
        row = tree._row_at(path) if path else None
        if row is not None and row.data == path[-1]:
            tree.move_cursor(row)
        elif path and not (path[-1] in self.session.graph.nodes and tree.reveal(path[-1])) and row is not None:
            tree.move_cursor(row)
        tree.call_after_refresh(self._restore_mode)

    def _restore_mode(self) -> None:
        """The mode you left in; from then on the view is kept up to date on disk."""
        state = self._view_state
        if state is not None and state.mode != "browse" and state.mode != self.current_mode:
            self.switch_mode(state.mode)
        self.set_interval(AUTOSAVE_S, self.save_view_state, name="view state")

    def _current_view(self) -> ViewState | None:
        tree = self._browse_tree
        if tree is None or tree.filter is None or self.load_error:
            return None  # never overwrite a remembered view with the empty one of a graph that did not load
        extra = self._view_state.extra if self._view_state is not None else {}
        return ViewState(mode=self.current_mode if self.current_mode in MODES else "browse",
                         open=tuple(sorted(tree._open)), cursor=tree.path_of(tree.cursor_node),
                         hide_done=tree.filter.hide_done, kind=tree.filter.kind,
                         by_topic=bool(getattr(tree, "by_topic", False)),
                         jumps=tuple(self.jumps.entries), jump_index=self.jumps.index, extra=extra)

    def save_view_state(self) -> None:
        """Write the view when it changed since the last write (a cheap comparison otherwise)."""
        try:
            state = self._current_view()
        except Exception:  # noqa: BLE001 - the tree may be half torn down at exit: keep the last written view
            return
        if state is None or state == self._view_state:
            return
        try:
            save_state(state)
        except OSError as err:
            if not self._state_warned:
                self._state_warned = True
                self.warn(f"cannot remember where you were: {err}")
            return
        self._view_state = state

