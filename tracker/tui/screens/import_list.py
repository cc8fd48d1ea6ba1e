"""Import a reading list from the TUI: preview what each entry becomes, then write it and reload the graph.

The work is ``tracker.ingest.importer.plan_import``, the same as ``tracker
import``; it runs in a thread (a 1 MB list takes a second) and its report is
shown as literal text, since titles come from the list.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, RichLog, Static

from ...text import clean

SHOWN_OUTCOMES = 300  # the preview of a 5,000-entry list stays readable; the CLI's --dry-run lists every line
SHOWN_MERGES = 30


def report_lines(plan, preview: bool) -> list[Text]:
    """The import report as lines of literal text (what ``tracker import`` prints)."""
    lines: list[Text] = []
    for failure in plan.failures:
        lines.append(Text(clean(failure), style="red"))
    for report in plan.reports:
        head = Text(f"{clean(report.file)}: ", style="bold")
        head.append(report.summary + (f", {len(report.warnings)} warnings" if report.warnings else ""))
        lines.append(head)
        if report.refused:
            lines.append(Text("  " + clean(report.refused), style="red"))
        for warning in report.warnings:
            lines.append(Text("  warning: " + clean(warning), style="yellow"))
        if preview:
            for outcome in report.outcomes[:SHOWN_OUTCOMES]:
                row = Text(f"  {outcome.line}: ", style="dim")
                row.append(clean(outcome.title))
                row.append(" → ", style="dim")
                row.append(clean(outcome.how))
                lines.append(row)
            if len(report.outcomes) > SHOWN_OUTCOMES:
                lines.append(Text(f"  … and {len(report.outcomes) - SHOWN_OUTCOMES} more entries "
                                  f"(tracker import --dry-run lists every one)", style="dim"))
        else:
            for merge in report.merges[:SHOWN_MERGES]:
                lines.append(Text("  " + clean(merge)))
            if len(report.merges) > SHOWN_MERGES:
                lines.append(Text(f"  … and {len(report.merges) - SHOWN_MERGES} more merges", style="dim"))
    for warning in plan.graph.warnings if plan.graph else []:
        lines.append(Text("warning: " + clean(warning), style="yellow"))
    return lines


class ImportScreen(ModalScreen[str]):
    """Path in, preview, import; dismissed with a one-line summary ("" when nothing was written)."""

    BINDINGS = [("escape", "close", "Close")]

    def __init__(self) -> None:
        super().__init__()
        self.plan = None

    def compose(self) -> ComposeResult:
        with Vertical(id="import-dialog"):
            yield Static("Import a reading list (markdown)", id="import-title")
            yield Input(placeholder="path to the list, e.g. ~/lists/my-list.md", id="import-path")
            yield Input(placeholder="base URL for its relative links (optional)", id="import-base")
            with Horizontal(id="import-buttons"):
                yield Button("Preview (enter)", id="preview", variant="primary")
                yield Button("Import", id="import", disabled=True)
                yield Button("Close (esc)", id="close")
            yield RichLog(id="import-report", wrap=True, markup=False, highlight=False)

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.preview()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.plan = None  # a changed path needs a new preview before anything is written
        self.query_one("#import", Button).disabled = True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "preview":
            self.preview()
        elif event.button.id == "import" and self.plan is not None:
            self.write(self.plan)
        elif event.button.id == "close":
            self.dismiss("")

    def action_close(self) -> None:
        self.dismiss("")

    def _show(self, lines: list[Text]) -> None:
        log = self.query_one("#import-report", RichLog)
        log.clear()
        for line in lines:
            log.write(line)

    def _paths(self) -> tuple[list[Path], str | None]:
        raw = self.query_one("#import-path", Input).value.strip()
        base = self.query_one("#import-base", Input).value.strip() or None
        return ([Path(raw).expanduser()] if raw else []), base

    def preview(self) -> None:
        files, base = self._paths()
        if not files:
            self._show([Text("Type the path of a markdown reading list first.", style="yellow")])
            return
        self._show([Text("Reading the list…", style="dim")])
        self._plan(files, base)

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def _plan(self, files: list[Path], base: str | None) -> None:
        from ...config import graph_dirs, user_lists_dir
        from ...graph.problems import GraphError
        from ...impl_meta import discover
        from ...ingest.importer import plan_import

        graph_data = getattr(self.app.session.ctx.args, "graph_data", None)
        try:
            plan = plan_import(files, user_lists_dir(), graph_dirs(graph_data),
                               known_implementations=set(discover()), base_url=base)
        except GraphError as err:
            lines = [Text("The import would make the graph invalid; nothing will be written:", style="red")]
            lines += [Text("  " + clean(p)) for p in err.problems]
            self.app.call_from_thread(self._show, lines)
            return
        self.app.call_from_thread(self._planned, plan)

    def _planned(self, plan) -> None:
        self._show(report_lines(plan, preview=True))
        writable = plan.graph is not None and bool(plan.texts)
        self.plan = plan if writable else None
        self.query_one("#import", Button).disabled = not writable

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def write(self, plan) -> None:
        plan.write()
        fresh: list[str] = []
        checked = plan.checked_nodes()
        if checked:
            store = self.app.session.store
            known = store.statuses()
            fresh = [node_id for node_id in checked if node_id not in known]
            if fresh:
                store.mark(fresh, "read")
        summary = "; ".join(f"{r.file}: {r.summary}" for r in plan.reports if not r.refused)
        if fresh:
            summary += f"; marked {len(fresh)} checked items read"
        self.app.call_from_thread(self._written, plan, clean(summary))

    def _written(self, plan, summary: str) -> None:
        self._show(report_lines(plan, preview=False))
        self.app.reload_graph()
        self.dismiss(summary)
