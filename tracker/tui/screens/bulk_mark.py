"""Bulk mark, step one: which items (the selection, a topic's, the filtered view) and which status."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..bindings import PICKER_BINDINGS
from ..bulk import BULK_STATUSES, Scope
from ..literal import literal


class BulkMarkPicker(ModalScreen[tuple[Scope, str] | None]):
    """Dismisses with the chosen scope and status, or None when closed with Esc; the app then confirms."""

    BINDINGS = PICKER_BINDINGS
    DEFAULT_CSS = """
    #bulk-dialog { width: 80; max-width: 95%; height: auto; max-height: 90%;
                   border: thick $primary 60%; background: $surface; padding: 1 2; }
    #bulk-options { height: auto; max-height: 16; margin: 1 0; }
    """

    def __init__(self, scopes: list[Scope]) -> None:
        super().__init__()
        self.choices = [(scope, status) for scope in scopes for status in BULK_STATUSES]

    def compose(self) -> ComposeResult:
        options = []
        for index, (scope, status) in enumerate(self.choices):
            line = Text(f"{status:<8}", style="green" if status == "read" else "dim")
            line.append_text(literal(scope.label))
            options.append(Option(line, id=str(index)))
        with Vertical(id="bulk-dialog"):
            yield Static(Text("Mark several items at once", style="bold"))
            yield OptionList(*options, id="bulk-options")
            yield Static(Text("Enter picks (a question with the count follows) · Esc closes", style="dim"))

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choices[int(event.option.id)])
