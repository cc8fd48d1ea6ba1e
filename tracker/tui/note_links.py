"""The details pane's rows from notes: the nodes a node's notes link to, and the notes that link to it.

Notes are read through the store's API (``Store.notes``); the links are
found and resolved by ``tracker.graph.wikilinks``. Enter on a row jumps to
the node, like any other relation.
"""

from __future__ import annotations

from ..graph.wikilinks import backlink_index, wiki_links
from .viewmodel import Relation

LINKS_TO = "links to"
MENTIONED = "mentioned"


def note_relations(session, node_id: str, own_notes) -> list[Relation]:
    """Rows for the wiki-links in this node's notes, then for other nodes' notes that link to it."""
    tg = session.graph
    rows: list[Relation] = []
    seen: set[str] = set()
    for note in own_notes:
        for link in wiki_links(tg, note.body):
            if link.target is not None and link.target != node_id and link.target not in seen:
                seen.add(link.target)
                rows.append(Relation(LINKS_TO, link.target, session.view.title(link.target), link.line,
                                     session.status(link.target)))
    for back in mentions(session, node_id):
        rows.append(Relation(MENTIONED, back.source, session.view.title(back.source),
                             f"in your notes on it: {back.line}", session.status(back.source)))
    return rows


def mentions(session, node_id: str):
    """The notes on other nodes that link to this one (``Backlink``s); raises the store's ``UserError``.

    Every note is read once into an index of links, kept until a note changes
    (``forget_mentions``, on the app's details signal) or the graph reloads.
    """
    cached = session.__dict__.get("_mentions")
    if cached is None or cached[0] is not session.graph:
        notes = ((n.node_id, n.body) for n in session.store.notes())
        cached = session.__dict__["_mentions"] = (session.graph, backlink_index(session.graph, notes))
    return cached[1].get(node_id, [])


def forget_mentions(session) -> None:
    session.__dict__.pop("_mentions", None)
