"""The app's review actions: open review mode, put the highlighted node in review, offer it after a read.

Mixed into ``TrackerApp`` (``self`` is the app), like ``NodeActions``.
"""

from __future__ import annotations


class ReviewActions:
    def action_review(self) -> None:
        if not self.session.loaded:
            self.warn("still loading: review opens once the graph is shown")
            return
        from .screens.review import ReviewScreen

        self.push_screen(ReviewScreen())

    def action_plan(self) -> None:
        if not self.session.loaded:
            self.warn("still loading: the plan opens once the graph is shown")
            return
        from .screens.plan import PlanScreen

        self.push_screen(PlanScreen())

    def action_review_add(self) -> None:
        node_id = self._shown_node()
        if node_id is None:
            return
        if not self.session.markable(node_id):
            self.warn("a topic is reviewed through its items: add those instead")
            return
        title = self._title(node_id)
        from ..review import cards

        def added(outcome: dict[str, str]) -> None:
            said = {"added": "added to review", "back": "back in review", "already": "already in review"}
            self.notify(f"{title}: {said[outcome[node_id]]}", markup=False, timeout=4)

        self.write(lambda: cards.add(self.session.store, [node_id], self.clock()), added)

    def review_offer(self, node_id: str) -> str | None:
        """After a read: the toast that offers review, or None (in review already, kind skipped, a topic)."""
        from ..review import cards

        node = self.session.graph.nodes.get(node_id)
        store = self.session.store
        if node is None or node.kind == "topic" or node.kind in cards.skipped_kinds(store):
            return None
        if cards.card(store, node_id) is not None:
            return None
        return f"review {self._title(node_id)} later? a adds it to review"
