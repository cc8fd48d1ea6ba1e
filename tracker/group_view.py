"""What a study group sees: per member and topic the three tracks, and who has done what on one node.

Every member's numbers come from the same code as a learner's own
(``Mastery`` over that member's rows), so "read 12/15" means the same thing
in ``tracker stats`` and ``tracker group``. Only other members' shared notes
are shown; private ones stay private (on PostgreSQL the server enforces it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .graph.membership import items_of
from .review.mastery import Mastery, TopicTracks


@dataclass(frozen=True)
class MemberTopics:
    member: str
    topics: list[TopicTracks]
    total: TopicTracks


@dataclass(frozen=True)
class MemberOnNode:
    member: str
    status: str  # unread, reading, read, skipped
    since: datetime | None  # when it took that status
    implemented_at: datetime | None  # its implementation's tests last passed for this member


@dataclass(frozen=True)
class NodeGroup:
    node_id: str
    members: list[MemberOnNode]
    shared_notes: list  # Note rows: the node's notes shared by any member, plus the viewer's own
    of: int  # members in the group

    def who(self, status: str) -> list[str]:
        return [m.member for m in self.members if m.status == status]

    def read_line(self) -> str:
        """"read by 3 of 5 (ana, bo, cy)"; "reading now: dee"."""
        readers = self.who("read")
        parts = [f"read by {len(readers)} of {self.of}" + (f" ({', '.join(readers)})" if readers else "")]
        reading = self.who("reading")
        if reading:
            parts.append(f"reading now: {', '.join(reading)}")
        return "; ".join(parts)


def top_topics(tg) -> list[str]:
    """The topics a group report is broken down by: the roots of the topic tree."""
    return [t for t in tg.roots() if not tg.is_unit(t)]


def group_summary(tg, store, topics: list[str] | None = None, now: datetime | None = None) -> list[MemberTopics]:
    """Per member: read / implemented / recalled over each topic's items, and over every item."""
    topic_ids = topics if topics is not None else top_topics(tg)
    everything = sorted({i for t in topic_ids for i in items_of(tg, t)})
    out = []
    for member in store.members():
        view = store.as_member(member)
        mastery = Mastery(tg, view, view.statuses(), now)
        out.append(MemberTopics(member, [mastery.topic(t) for t in topic_ids], mastery.of_items("all", everything)))
    return out


def node_group(tg, store, node_id: str, members: list[str] | None = None) -> NodeGroup:
    """Who has read, is reading or has implemented one node, with dates, and its shared notes.

    ``members``: the group as the caller already knows it (the TUI asks once, not on every cursor move).
    """
    members = members if members is not None else store.members()
    rows = {r.member: r for r in store.group_progress(node_id)}
    slug = tg.nodes[node_id].implementation if node_id in tg.nodes else None
    passed = store.group_implemented(slug) if slug else {}
    found = []
    for member in members:
        row = rows.get(member)
        status = row.status if row else "unread"
        since = (row.finished_at or row.updated_at) if row and status == "read" else (
            (row.started_at or row.updated_at) if row and status == "reading" else (row.updated_at if row else None))
        if row is None and member not in passed:
            continue
        found.append(MemberOnNode(member, status, since, passed.get(member)))
    order = {"reading": 0, "read": 1, "skipped": 2, "unread": 3}
    found.sort(key=lambda m: (order.get(m.status, 9), m.member))
    return NodeGroup(node_id, found, store.visible_notes([node_id]), len(members))
