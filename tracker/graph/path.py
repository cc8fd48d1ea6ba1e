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

from ..gc_pause import gc_paused
from . import queries
from .estimates import kind_minutes
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
    progress: Mapping[str, str]
    done: list[str]  # prerequisites already read or skipped: listed folded
    hidden_optional: list[str]  # optional items of the topics crossed, left out
    minutes: dict[str, int]  # estimate per step
    pulls: dict[str, tuple[str, str | None]]

    def status(self, node_id: str) -> str:
        return self.progress.get(node_id, "unread")

    @property
    def total_minutes(self) -> int:
        return sum(self.minutes.values())

    def why(self, node_id: str) -> Why:
        if node_id == self.target or node_id not in self.pulls:
            return Why("your target" if node_id == self.target else "", None, None)
        dependent, topic = self.pulls[node_id]
        return explain(self.tg, dependent, node_id, topic, self._memo)

    def explained(self) -> list[Why]:
        """Every step's ``why``, in order, in one pass (what a full listing shows)."""
        tg, pulls, memo, target = self.tg, self.pulls, self._memo, self.target
        adjacency = queries._adjacency(tg)
        requires, parents, nodes, reason = adjacency.requires, adjacency.parents, tg.nodes, tg.reason
        out = []
        for step in self.steps:
            pull = pulls.get(step)
            if step == target or pull is None:
                out.append(Why("your target" if step == target else "", None, None))
                continue
            dependent, topic = pull
            required = topic or step
            own = requires.get(dependent)
            if own and required in own:
                out.append(Why(reason(dependent, required) or "required", dependent,
                               nodes[topic].title if topic else None))
                continue
            above = parents.get(dependent, ())
            found = memo.get((above[0] if len(above) == 1 else dependent, required, topic))
            out.append(Why(found[0], dependent, found[1]) if found else explain(tg, dependent, step, topic, memo))
        return out

    @property
    def _memo(self) -> dict:
        memo = self.__dict__.get("_why_memo")
        if memo is None:
            memo = self.__dict__["_why_memo"] = {}
        return memo


def explain(tg: TopicGraph, dependent: str, step: str, topic: str | None, memo: dict | None = None) -> Why:
    """Why ``dependent`` needs ``step``: its own requirement, or one inherited from a topic above it.

    An inherited requirement depends only on the topics above the dependent, so siblings (a week's items)
    share one answer through ``memo``.
    """
    required = topic or step
    adjacency = queries._adjacency(tg)
    own = adjacency.requires.get(dependent)
    if own and required in own:
        return Why(tg.reason(dependent, required) or "required", dependent, tg.nodes[topic].title if topic else None)
    parents = adjacency.parents.get(dependent, ())
    key = (parents[0] if len(parents) == 1 else dependent, required, topic)
    found = memo.get(key) if memo is not None else None
    if found is None:
        requires = adjacency.requires
        declarer = next((t for t in queries.ordering_ancestors(tg, dependent) if required in requires.get(t, ())),
                        None)
        via = topic or declarer
        found = ((tg.reason(declarer, required) if declarer else "") or "required",
                 tg.nodes[via].title if via else None)
        if memo is not None:
            memo[key] = found
    return Why(found[0], dependent, found[1])


@gc_paused()  # a 20,000-step walk allocates tens of thousands of tuples: no collector passes over the graph
def learning_path(tg: TopicGraph, target: str, progress: Mapping[str, str], roles: Mapping[str, str] | None = None,
                  estimates: Mapping[str, int] | None = None, optional: bool = False) -> LearningPath:
    trace = queries.PathTrace()
    steps = queries.learning_path(tg, target, progress, roles, optional, trace)  # units only: topics expand
    own = estimates or {}
    kind_of = tg.cache.get("kind_of")
    if kind_of is None:  # one small dict: far fewer memory touches than a node object per step
        kind_of = tg.cache["kind_of"] = {i: n.kind for i, n in tg.nodes.items()}
    per_kind: dict[str, int] = {}
    minutes = {}
    for i in steps:  # minutes_for, with each kind's estimate looked up once
        value = own.get(i)
        if value is None:
            kind = kind_of[i]
            value = per_kind.get(kind) or per_kind.setdefault(kind, kind_minutes(kind, own))
        minutes[i] = value
    return LearningPath(tg, target, steps, progress, trace.done, list(dict.fromkeys(trace.hidden)), minutes,
                        trace.pulls)
