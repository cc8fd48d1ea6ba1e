"""The kind filter: a small list of the kinds of item in the graph, with how many of each."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..bindings import PICKER_BINDINGS

EVERY_KIND = "~every"  # not a kind any node can have (kinds are plain words)


class KindPicker(ModalScreen[str | None]):
    """Dismisses with the chosen kind, ``""`` for every kind, or None when closed with Esc."""

    BINDINGS = PICKER_BINDINGS

    def __init__(self, kinds: list[tuple[str, int]], current: str | None) -> None:
        super().__init__()
        self.kinds, self.current = kinds, current

    def compose(self) -> ComposeResult:
        total = sum(count for _, count in self.kinds)
        options = [Option(self._line("every kind", total, self.current is None), id=EVERY_KIND)]
        options += [Option(self._line(kind, count, kind == self.current), id=kind) for kind, count in self.kinds]
        with Vertical(id="kind-dialog"):
            yield Static(Text("Show only one kind of item", style="bold"))
            yield OptionList(*options, id="kind-options")
            yield Static(Text("Enter picks · Esc closes", style="dim"))

    @staticmethod
    def _line(label: str, count: int, current: bool) -> Text:
        line = Text("● " if current else "  ", style="green")
        line.append(f"{label:<14}")
        line.append(f"{count:>5}", style="cyan")
        return line

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        ids = [EVERY_KIND, *(kind for kind, _ in self.kinds)]
        options.highlighted = ids.index(self.current) if self.current in ids else 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss("" if event.option.id == EVERY_KIND else event.option.id)
