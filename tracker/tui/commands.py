"""The command palette's node search: every node by its names, what is said about it and your notes.

Ranking is the core fuzzy search (``tracker.graph.queries.search``, the same
as ``tracker search``). Titles are shown as plain ``Text`` and help lines are
markup-escaped: the palette parses strings as markup, reading lists must not
be able to style (or break) it.
"""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from .literal import escape_markup, literal

RESULTS = 20


class NodeSearch(Provider):
    """Jump to any node."""

    def _display(self, node_id: str, matched: str = "") -> tuple[Text, str]:
        node = self.app.session.graph.nodes[node_id]
        status = self.app.session.status(node_id)
        display = literal(node.title)
        display.append(f"  {node.kind}", style="dim")
        if status != "unread":
            display.append(f"  {status}", style="green" if status == "read" else "yellow")
        facts = [", ".join(node.authors[:2]) + (" et al." if len(node.authors) > 2 else "")] if node.authors else []
        if node.year:
            facts.append(str(node.year))
        facts.append(node.id if not matched or matched == "title" else f"{node.id}, matched {matched}")
        return display, escape_markup(" · ".join(facts))

    extra: list = []  # the user's notes and the implementations' claims, read when the palette opens

    async def startup(self) -> None:
        session = self.app.session
        if not session.loaded:
            return
        from ..errors import UserError
        from ..graph.search import search_texts

        try:
            notes = session.store.notes()
        except UserError:
            notes = []
        self.extra = search_texts(session.graph, notes, {s: m.claim for s, m in session.implementations.items()})

    async def search(self, query: str) -> Hits:
        session = self.app.session
        if not session.loaded:
            return
        from ..graph.queries import search

        for hit in search(session.graph, query, limit=RESULTS, extra=self.extra):
            display, help_text = self._display(hit.id, hit.field)
            yield Hit(hit.score, display, partial(self.app.jump_to, hit.id),
                      text=session.graph.nodes[hit.id].title, help=help_text)

    async def discover(self) -> Hits:
        """With nothing typed yet: what is ready to read next."""
        session = self.app.session
        if not session.loaded:
            return
        for node_id in session.ready(limit=5):
            display, help_text = self._display(node_id)
            yield DiscoveryHit(display, partial(self.app.jump_to, node_id),
                               text=session.graph.nodes[node_id].title, help="next up · " + help_text)
