"""A topic's progress counter, written the same way in the tree, the details and the relations.

``read/total`` (done means read, ``tracker.graph.membership``), then the
skipped items apart, so "1/4 +1 skipped" never passes a skip off as a read.
"""

from __future__ import annotations

from rich.text import Text


def counter(tally) -> Text:
    finished = tally.total and not tally.left
    text = Text(f"{tally.read}/{tally.total}", style="green" if finished else "cyan")
    if tally.skipped:
        text.append(f" +{tally.skipped} skipped", style="dim")
    return text
