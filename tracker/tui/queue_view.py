"""The learner's queue and paths for the TUI: the core queries with the choices kept in the store.

Thin on purpose: ranking, reasons, gating and estimates live in
``tracker.graph`` (queue, path, estimates); this reads the learner's own
roles and estimates and flips a role, as ``tracker role`` does.
"""

from __future__ import annotations

from ..graph import queries
from ..graph.path import LearningPath, learning_path
from ..graph.queue import Queue, what_now


def prefs(session) -> tuple[dict[str, str], dict[str, int]]:
    """Roles and estimates, keyed by current ids."""
    store = session.store
    return (queries.by_current_id(session.graph, store.roles()),
            queries.by_current_id(session.graph, store.estimates()))


def queue(session, limit: int) -> Queue:
    roles, _ = prefs(session)
    return what_now(session.graph, session.progress, limit=limit, roles=roles)


def path(session, target: str, optional: bool) -> LearningPath:
    roles, estimates = prefs(session)
    return learning_path(session.graph, target, session.progress, roles, estimates, optional=optional)


def flip_role(session, node_id: str) -> bool:
    """Core becomes optional and optional core; back at what the list says, the choice is cleared.

    Returns whether the item is optional now.
    """
    tg = session.graph
    roles, _ = prefs(session)
    optional_now = not queries.is_optional(tg, node_id, roles)
    default_optional = tg.nodes[node_id].supplementary
    role = None if optional_now == default_optional else ("optional" if optional_now else "core")
    session.store.set_role(node_id, role)
    raw = session.store.roles()
    for old in session.view.stored_ids(node_id)[1:]:  # a choice kept under an old id must not win it back
        if old in raw:
            session.store.set_role(old, None)
    return optional_now
