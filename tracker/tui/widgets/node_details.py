"""The details pane: facts, status with dates, relations to jump along, the code and the notes.

Every string from the graph or the store goes through ``literal`` (or, for
notes, ``literal_block`` into a Markdown widget, which never parses Textual
markup), so a title such as ``[red]x[/]`` is shown exactly as written.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...cli.render import STATUS_MARKS, STATUS_STYLES
from ..literal import literal, literal_block, local_date

RELATION_STYLES = {"requires": "bold magenta", "inherited": "magenta", "needed by": "blue", "related": "cyan",
                   "link": "bold blue"}
NO_NOTES = "*No notes yet: press **e** to write one.*"


def _row(label: str, value: Text | str, style: str = "") -> Text:
    line = Text(f"{label:<9}", style="dim")
    line.append_text(value if isinstance(value, Text) else literal(value, style))
    return line


class RelationList(OptionList):
    """Prerequisites, dependents, related nodes and links; Enter jumps to a node or opens a link."""

    def show(self, relations) -> None:
        self.relations = list(relations)
        session = self.app.session
        view = session.view
        self.clear_options()
        options = []
        for index, rel in enumerate(self.relations):
            line = Text(f"{rel.kind:<10}", style=RELATION_STYLES.get(rel.kind, ""))
            if rel.kind == "link":
                if rel.title:
                    line.append_text(literal(rel.title + "  ", "bold"))
                line.append_text(literal(rel.target, "underline"))
            elif view.is_group(rel.target):  # a topic: its progress instead of a status
                done, total = view.counts(rel.target, session.progress)
                line.append(f"[{done}/{total}] ", style="green" if total and done == total else "cyan")
            else:
                line.append(STATUS_MARKS.get(rel.status, "[ ]") + " ", style=STATUS_STYLES.get(rel.status, ""))
                line.append_text(literal(rel.title))
                if rel.via:
                    line.append_text(literal(f"  (via {rel.via})", "dim"))
                if rel.reason:
                    line.append_text(literal(f"  {rel.reason}", "italic dim"))
            options.append(Option(line, id=str(index)))
        self.add_options(options)
        self.display = bool(options)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        rel = self.relations[int(event.option.id)]
        if rel.kind == "link":
            self.app.open_link(rel.target)
        else:
            self.app.jump_to(rel.target)


class NodeDetails(VerticalScroll):
    """Shows one node; ``show`` is called whenever the selection or its data changes."""

    node_id: str | None = None
    _last_error = ""

    def compose(self) -> ComposeResult:
        yield Static(id="details-title")
        yield Static(id="details-facts")
        yield RelationList(id="relations")
        yield Static(id="details-code")
        yield Static(Text("Notes", style="bold"), id="notes-heading")
        # The Markdown widget (and its parser) arrive with the first node, after the first paint.

    def show(self, node_id: str | None) -> None:
        self.node_id = node_id
        session = self.app.session
        if node_id is None or not session.loaded:
            return
        info = session.details(node_id)
        view = session.view
        self.border_title = "Topic" if view.is_group(node_id) else "Details"
        self.query_one("#details-title", Static).update(literal(view.title(node_id), "bold"))
        self.query_one("#details-facts", Static).update(self._facts(info))
        self.query_one(RelationList).show(info.relations)
        self.query_one("#details-code", Static).update(self._code(info))
        notes = "\n\n---\n\n".join(literal_block(n.body) for n in info.notes) or NO_NOTES
        self._show_notes(notes)
        if info.store_error and info.store_error != self._last_error:  # once, not on every row
            self.app.warn(info.store_error, severity="error")
        self._last_error = info.store_error

    def _show_notes(self, markdown: str) -> None:
        from textual.widgets import Markdown

        existing = self.query(Markdown)
        if existing:
            existing.first().update(markdown)
        else:
            self.mount(Markdown(markdown, id="details-notes"))

    def _facts(self, info) -> Text:
        session = self.app.session
        if info.node_id not in session.graph.nodes:
            done, total = info.counts
            return _row("progress", f"{done}/{total} done")
        node = session.graph.nodes[info.node_id]
        lines = [Text.assemble((node.kind, "cyan"), (f"  {node.year}" if node.year else ""),
                               (f"  id {node.id}", "dim"))]
        if info.counts is not None:
            done, total = info.counts
            lines.append(_row("progress", f"{done}/{total} items done"))
        else:
            status = Text(info.status, style=STATUS_STYLES.get(info.status, "") or "bold")
            for label, moment in (("started", info.started), ("finished", info.finished)):
                if moment is not None:
                    status.append(f"  {label} {local_date(moment)}", style="dim")
            lines.append(_row("status", status))
        for label, value in (("authors", ", ".join(node.authors)), ("aliases", "; ".join(node.aliases)),
                             ("tags", " ".join(node.tags)), ("arXiv", node.arxiv or ""),
                             ("topics", ", ".join(session.view.title(t) for t in node.topics
                                                  if t in session.graph.nodes)),
                             ("from", ", ".join(f"{s.list}:{s.line}" for s in node.sources))):
            if value:
                lines.append(_row(label, value))
        if node.description:
            lines.append(_row("about", node.description[:600]))
        return Text("\n").join(lines)

    def _code(self, info) -> Text:
        session = self.app.session
        node = session.graph.nodes.get(info.node_id)
        if node is None or not (node.implementation or node.no_implementation):
            return Text("")
        if not node.implementation:
            return _row("code", f"none: {node.no_implementation}", "dim")
        meta = info.implementation
        if meta is None:
            return _row("code", f"{node.implementation} (not installed)", "yellow")
        lines = [_row("code", Text.assemble((f"implementations/{meta.slug}", "bold"), "  ", literal(meta.title))),
                 _row("claim", meta.claim, "italic")]
        for label, run, keys in (("demo", info.last_demo, "x quick, X full"), ("tests", info.last_test, "t")):
            lines.append(_row(label, self._run_line(run, keys)))
        return Text("\n").join(lines)

    @staticmethod
    def _run_line(run, keys: str) -> Text:
        if run is None:
            return Text(f"never run ({keys})", style="dim")
        style = {"passed": "green", "running": "yellow"}.get(run.outcome, "red")
        line = Text(f"last run {run.outcome}", style=style)
        if run.verdict:
            line.append(f" · claim {run.verdict}", style="green" if run.verdict == "reproduced" else "red")
        line.append(f" · {local_date(run.started_at)} ({keys})", style="dim")
        return line
