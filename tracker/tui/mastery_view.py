"""The three tracks (read, implemented, recalled) and the forgetting heatmap, as the TUI shows them.

The details pane shows one node's tracks (or a topic's counts); the
dashboard a line per topic, coloured by the mean retrievability of its items
in review (green held, yellow fading, red mostly forgotten, dim: none in review).
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from ..review.heatmap import shade
from ..review.mastery import Mastery, NodeTracks, TopicTracks
from ..text import clean


def gather(session, node_id: str, now: datetime) -> NodeTracks | TopicTracks | None:
    graph = session.graph
    if node_id not in graph.nodes:
        return None
    mastery = Mastery(graph, session.store, session.progress, now)
    return mastery.node(node_id) if graph.is_unit(node_id) else mastery.topic(node_id)


def tracks_text(tracks: NodeTracks | TopicTracks) -> Text:
    if isinstance(tracks, TopicTracks):
        text = Text(f"read {tracks.read}/{tracks.items} · implemented {tracks.implemented}/{tracks.implementable}"
                    f" · recalled {tracks.recalled}/{tracks.in_review}")
        if tracks.mean_retrievability is not None:
            text.append(f"  recall {tracks.mean_retrievability:.0%}", style=shade(tracks.mean_retrievability))
        return text
    text = Text.assemble(("read ✓" if tracks.read else "read ✗", "green" if tracks.read else "dim"), " · ")
    if tracks.implemented is None:
        text.append("no implementation", style="dim")
    elif tracks.implemented:
        when = f" {tracks.implemented_at.astimezone():%Y-%m-%d}" if tracks.implemented_at else ""
        text.append(f"implemented ✓{when}", style="green")
    else:
        text.append("implemented ✗ (t runs its tests)", style="dim")
    text.append(" · ")
    if tracks.recalled is None:
        text.append("not in review (a adds it)", style="dim")
    else:
        text.append(f"recall {tracks.retrievability:.0%}", style=shade(tracks.retrievability))
        text.append(" ✓" if tracks.recalled else " (due for review)", style="green" if tracks.recalled else "yellow")
    return text


def dashboard_text(session, topics: list[dict], now: datetime) -> Text:
    """One line per shown topic: its three tracks, coloured by its mean recall."""
    mastery = Mastery(session.graph, session.store, session.progress, now)
    lines = []
    for entry in topics:
        for child, indent in ((entry, ""), *((c, "  ") for c in entry.get("children", []))):
            tracks = mastery.topic(child["id"])
            line = Text(indent) + Text(clean(child["title"]), style=f"bold {shade(tracks.mean_retrievability)}")
            lines.append(line + Text("  ") + tracks_text(tracks))
    return Text("\n").join(lines) if lines else Text("No topics.", style="dim")


RECALL_TTL_S = 60.0  # retrievability moves by whole days: a minute-old reading is current enough


def topic_recall(session, topic_id: str, now: datetime | None = None) -> float | None:
    """A topic's mean retrievability over its items in review (None: none in review), for its tree row.

    One store scan serves every row; it is redone after a rating (``forget_recall``) or a minute later.
    """
    import time

    from ..graph.membership import items_of
    from ..review import cards
    from ..review.heatmap import topic_recall as means

    cached = session.__dict__.get("_recall")
    if cached is None or time.monotonic() - cached[0] > RECALL_TTL_S:
        try:
            recall = cards.retrievabilities(session.store, now)
        except Exception:  # noqa: BLE001 - a locked or unreadable store: the tree still draws, without recall
            recall = {}
        cached = session.__dict__["_recall"] = (time.monotonic(), recall, {})
    _, recall, per_topic = cached
    if not recall or topic_id not in session.graph.nodes:
        return None
    if topic_id not in per_topic:
        per_topic[topic_id] = means([topic_id], lambda t: items_of(session.graph, t), recall)[topic_id]
    return per_topic[topic_id]


def forget_recall(session) -> None:
    session.__dict__.pop("_recall", None)
