"""Back and forward through jumps, as in a browser: plain data, no Textual.

A jump (a search result, a relation, a path step, a wiki-link, a node of the
local graph) records where you were and where you went. Moving the cursor by
hand is not a jump, but it is where you are: going back from there first
remembers it in place of the page you jumped to, so forward returns to it.
"""

from __future__ import annotations

from collections.abc import Callable

LIMIT = 200  # entries kept; the oldest go first


class JumpHistory:
    def __init__(self, entries: tuple[str, ...] | list[str] = (), index: int | None = None) -> None:
        """Empty, or as remembered from the last run (``index`` defaults to the newest entry)."""
        self.entries: list[str] = list(entries)[:LIMIT]
        last = len(self.entries) - 1
        self.index = last if index is None else max(min(index, last), -1 if last < 0 else 0)

    def visit(self, origin: str | None, target: str) -> None:
        """A jump from ``origin`` (the node shown now, if any) to ``target``; drops anything ahead."""
        del self.entries[self.index + 1:]
        if origin is not None and origin != target:
            self._here(origin)
        self._here(target)
        del self.entries[:-LIMIT]
        self.index = len(self.entries) - 1

    def _here(self, node_id: str) -> None:
        if not self.entries or self.entries[-1] != node_id:
            self.entries.append(node_id)

    def back(self, current: str | None, exists: Callable[[str], bool] = lambda _: True) -> str | None:
        """The node before this one, skipping nodes that no longer exist; None at the start."""
        self._remember(current)
        return self._step(-1, exists)

    def forward(self, current: str | None, exists: Callable[[str], bool] = lambda _: True) -> str | None:
        self._remember(current)
        return self._step(1, exists)

    def _remember(self, current: str | None) -> None:
        if current is not None and 0 <= self.index < len(self.entries):
            self.entries[self.index] = current

    def _step(self, direction: int, exists: Callable[[str], bool]) -> str | None:
        index = self.index + direction
        while 0 <= index < len(self.entries):
            if exists(self.entries[index]) and self.entries[index] != self.entries[self.index]:
                self.index = index
                return self.entries[index]
            index += direction
        return None

    @property
    def can_go_back(self) -> bool:
        return self.index > 0

    @property
    def can_go_forward(self) -> bool:
        return self.index < len(self.entries) - 1
