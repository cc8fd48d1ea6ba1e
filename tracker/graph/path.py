"""A learning path that explains itself: each step with why it is there, done steps folded, a total time.

``queries.learning_path`` gives the order; its trace says which node pulled
each step in and through which required topic. The reason is the edge's own
("Week 2 comes before Week 3 in Deep-Learning-Journey", "ResNet deepens the
AlexNet/VGG recipe") and the chain is the topic it came through ("via Week
3"). Reasons are worked out when a step is shown, so a 20,000-step path
costs its walk, not 20,000 sentences. Optional items (supplementary unless
flipped to core) are left out unless ``optional``; how many were left out is
counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from . import queries
from .estimates import minutes_for
from .model import TopicGraph


@dataclass(frozen=True)
class Why:
    reason: str  # the edge's reason, or what the step is to the target
    needed_by: str | None  # the node that needs this step (None for the target)
    via: str | None  # the topic the requirement comes through ("Week 3"), if any


@dataclass
class LearningPath:
    tg: TopicGraph
    target: str
    steps: list[str]  # what is left, in reading order, ending at the target
    status: dict[str, str]
    done: list[str]  # prerequisites already read or skipped: listed folded
    hidden_optional: list[str]  # optional items of the topics crossed, left out
    minutes: dict[str, int]  # estimate per step
    pulls: dict[str, tuple[str, str | None]]

    @property
    def total_minutes(self) -> int:
        return sum(self.minutes.values())

    def why(self, node_id: str) -> Why:
        if node_id == self.target or node_id not in self.pulls:
            return Why("your target" if node_id == self.target else "", None, None)
        dependent, topic = self.pulls[node_id]
        return explain(self.tg, dependent, node_id, topic)


def explain(tg: TopicGraph, dependent: str, step: str, topic: str | None) -> Why:
    """Why ``dependent`` needs ``step``: its own requirement, or one inherited from a topic above it."""
    required = topic or step
    requires = queries._adjacency(tg).requires
    declarer = dependent if required in requires.get(dependent, ()) else next(
        (t for t in queries.ordering_ancestors(tg, dependent) if required in requires.get(t, ())), dependent)
    reason = tg.reason(declarer, required) or "required"
    via = topic if topic else (declarer if declarer != dependent else None)
    return Why(reason, dependent, tg.nodes[via].title if via else None)


def learning_path(tg: TopicGraph, target: str, progress: Mapping[str, str], roles: Mapping[str, str] | None = None,
                  estimates: Mapping[str, int] | None = None, optional: bool = False) -> LearningPath:
    trace = queries.PathTrace()
    steps = queries.learning_path(tg, target, progress, roles, optional, trace)
    nodes = tg.nodes
    minutes = {i: minutes_for(nodes[i], estimates) for i in steps if tg.is_unit(i)}
    return LearningPath(tg, target, steps, {i: progress.get(i, "unread") for i in steps}, trace.done,
                        list(dict.fromkeys(trace.hidden)), minutes, trace.pulls)
