"""Which of an item's topics set its place in the reading order.

An item inherits the requirements of the topics it sits under. Listed in
two weeks of one course (a paper revisited in week 5), it would inherit
both: it would wait for week 4 while week 3 waits for it as a week-2 item,
and neither could ever be read. So when one of an item's topics comes after
another of them (its requirements lead there, through the requirements of
topics and of the topics above them), the later one is ignored for
ordering: the item takes its place at its earliest appearance, and still
shows, and counts, under every topic.
"""

from __future__ import annotations

from collections.abc import Mapping


class Ordering:
    """Answers "which topics come before this one" once per topic, from plain adjacency dicts."""

    def __init__(self, parents: Mapping[str, list[str]], requires: Mapping[str, list[str]],
                 topics: set[str]) -> None:
        self.parents, self.requires, self.topics = parents, requires, topics
        self._before: dict[str, frozenset[str]] = {}

    def before(self, topic: str) -> frozenset[str]:
        """Topics that must be finished before this one: required ones, theirs, and its parents'."""
        if topic in self._before:
            return self._before[topic]
        stack, on_stack = [topic], {topic}
        while stack:  # post-order without recursion: 2,000-week lists are deeper than Python's stack
            current = stack[-1]
            required = [r for r in self.requires.get(current, ()) if r in self.topics]
            inherited = self.parents.get(current, ())
            # A topic on the stack is skipped: a course that requires its own first week loops back.
            pending = [t for t in (*required, *inherited) if t not in self._before and t not in on_stack]
            if pending:
                stack.extend(pending)
                on_stack.update(pending)
                continue
            stack.pop()
            on_stack.discard(current)
            found: set[str] = set()
            for r in required:
                found.add(r)
                found |= self._before.get(r, frozenset())
            for p in inherited:
                found |= self._before.get(p, frozenset())
            self._before[current] = frozenset(found)
        return self._before[topic]

    def ordering_parents(self, node_id: str) -> list[str]:
        """The node's parent topics, less those that come after another of them."""
        parents = self.parents.get(node_id, [])
        if len(parents) < 2:
            return list(parents)
        return [p for p in parents if not any(q != p and q in self.before(p) for q in parents)]
