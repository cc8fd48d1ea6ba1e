"""The forgetting heatmap: each topic's mean retrievability over its items in review.

``None`` for a topic with nothing in review (no colour, not "forgotten").
Item membership is ``membership.items_of``; retrievability is one store scan
(``cards.retrievabilities``), so colouring every topic costs one read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping


def topic_recall(topics: Iterable[str], items_of: Callable[[str], Iterable[str]],
                 recall: Mapping[str, float]) -> dict[str, float | None]:
    means: dict[str, float | None] = {}
    for topic in topics:
        values = [v for v in map(recall.get, items_of(topic)) if v is not None]
        means[topic] = sum(values) / len(values) if values else None
    return means


def shade(mean: float | None) -> str:
    """A Rich style for a mean retrievability: green when held, yellow when fading, red when mostly gone."""
    if mean is None:
        return "dim"
    return "green" if mean >= 0.9 else "yellow" if mean >= 0.7 else "red"
