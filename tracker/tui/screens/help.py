"""Every key, what it does and its binding id (the name to use in keymap.toml)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..bindings import HELP_BINDINGS, SECTIONS
from ..settings import keymap_path, settings_path


class HelpScreen(ModalScreen):
    BINDINGS = HELP_BINDINGS

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog"):
            yield Static(self._table(), id="help-keys")
            yield Static(self._footer(), classes="hint")

    def _table(self) -> Table:
        keymap = self.app.user_keymap
        table = Table(box=None, pad_edge=False, show_header=True, header_style="bold", expand=True)
        table.add_column("Key", style="bold cyan", no_wrap=True)
        table.add_column("Does")
        table.add_column("Binding id", style="dim", no_wrap=True)
        table.add_row(Text("Moving"), Text("Arrows move; Left/Right fold and unfold the tree; Enter opens; "
                                           "Tab moves between panes"), Text(""))
        for section, bindings in SECTIONS:
            table.add_row(Text(section, style="bold underline"), "", "")
            for binding in bindings:
                keys = keymap.get(binding.id, binding.key)
                shown = ", ".join(self.app.get_key_display(Binding(key.strip(), "")) for key in keys.split(","))
                table.add_row(Text(shown), Text(binding.description), Text(binding.id or ""))
        table.add_row(Text("ctrl+p"), Text("Command palette: search every node, run any command"), Text(""))
        return table

    def _footer(self) -> Text:
        return Text.assemble(
            "Remap keys in ", (str(keymap_path()), "bold"), " (binding id = \"key\").\n",
            "The theme you pick (ctrl+p, Theme) is remembered in ", (str(settings_path()), "bold"), ".\n",
            "Esc closes this screen.")
