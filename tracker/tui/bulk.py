"""What a bulk mark can cover: the rows you selected, a topic's items, or everything the filter shows.

Plain data, no Textual. Each scope names itself ("the 4 items of Basics")
and lists its items; the confirmation then says how many would change,
since items already in the status are left alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass

from ..graph import membership
from .viewmodel import Filter, GraphView

BULK_STATUSES = ("read", "skipped")


@dataclass(frozen=True)
class Scope:
    label: str
    node_ids: tuple[str, ...]

    def pending(self, status: str, progress: Mapping[str, str]) -> list[str]:
        """The items this mark would change."""
        return [n for n in self.node_ids if progress.get(n, "unread") != status]


def scopes(view: GraphView, progress: Mapping[str, str], filt: Filter, *, selected: Set[str] = frozenset(),
           topic: str | None = None) -> list[Scope]:
    """The scopes on offer: the selection, the topic's items the filter shows, the whole filtered view."""
    out: list[Scope] = []
    tg = view.tg
    chosen = [n for n in selected if n in tg.nodes and tg.is_unit(n)]
    if chosen:
        chosen.sort(key=lambda n: view.title(n).lower())
        out.append(Scope(f"the {_items(len(chosen))} selected", tuple(chosen)))
    if topic is not None and view.is_group(topic):
        items = [i for i in view.items(topic) if _shown(view, i, progress, filt)]
        if items:
            shown = f", {filt.describe()}" if filt.active else ""
            out.append(Scope(f"the {_items(len(items))} of {view.title(topic)}{shown}", tuple(items)))
    if filt.active:
        items = [i for i in membership.all_items(tg) if _shown(view, i, progress, filt)]
        if items:
            out.append(Scope(f"the {_items(len(items))} shown ({filt.describe()})", tuple(items)))
    return out


def _shown(view: GraphView, node_id: str, progress: Mapping[str, str], filt: Filter) -> bool:
    return filt.accepts(view.tg.nodes[node_id], progress.get(node_id, "unread"))


def _items(count: int) -> str:
    return f"{count} item" if count == 1 else f"{count} items"


def question(scope: Scope, status: str, progress: Mapping[str, str]) -> str:
    """The confirmation's text: the count that changes, and what is left alone."""
    changing = len(scope.pending(status, progress))
    already = len(scope.node_ids) - changing
    text = f"Mark {_items(changing)} {status}?\n\n{scope.label[0].upper()}{scope.label[1:]}"
    if already:
        text += f": {already} already {status}, left as {'it is' if already == 1 else 'they are'}"
    return text + ".\n\nOne z undoes the whole batch."
