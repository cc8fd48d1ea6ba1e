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
from .counter import counter

RELATION_STYLES = {"requires": "bold magenta", "inherited": "magenta", "needed by": "blue", "related": "cyan",
                   "link": "bold blue", "links to": "green", "mentioned": "bold green"}  # the last two: notes
NO_NOTES = "*No notes yet: press **e** to write one.*"
MORE = "more"


def _row(label: str, value: Text | str, style: str = "") -> Text:
    line = Text(f"{label:<9}", style="dim")
    line.append_text(value if isinstance(value, Text) else literal(value, style))
    return line


class RelationList(OptionList):
    """Prerequisites, dependents and related nodes; Enter jumps to a node.

    Sized to its rows up to ``SHOWN`` of them, then a "+N more" row that
    shows the rest: nothing below it (code, notes) is pushed out of reach.
    """

    SHOWN = 8
    relations: list = []
    expanded = False

    def show(self, relations, *, expanded: bool = False) -> None:
        self.relations = list(relations)
        self.expanded = expanded
        session = self.app.session
        view = session.view
        self.clear_options()
        shown = self.relations if expanded or len(self.relations) <= self.SHOWN + 1 else self.relations[:self.SHOWN]
        options = []
        for index, rel in enumerate(shown):
            line = Text(f"{rel.kind:<10}", style=RELATION_STYLES.get(rel.kind, ""))
            if view.is_group(rel.target):  # a topic: its progress instead of a status
                line.append_text(counter(view.counts(rel.target, session.progress)))
                line.append(" ")
                line.append_text(literal(rel.title, "bold"))
            else:
                line.append(STATUS_MARKS.get(rel.status, "[ ]") + " ", style=STATUS_STYLES.get(rel.status, ""))
                line.append_text(literal(rel.title))
            if rel.via:
                line.append_text(literal(f"  (via {rel.via})", "dim"))
            if rel.reason:
                line.append_text(literal(f"  {rel.reason}", "italic dim"))
            options.append(Option(line, id=str(index)))
        hidden = len(self.relations) - len(shown)
        if hidden:
            options.append(Option(Text(f"+{hidden} more (Enter shows them)", style="dim italic"), id=MORE))
        self.add_options(options)
        self.display = bool(options)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == MORE:
            self.show(self.relations, expanded=True)
            self.highlighted = self.SHOWN
            return
        self.app.jump_to(self.relations[int(event.option.id)].target)


class LinkList(OptionList):
    """The node's links, near the top of the details; Enter opens one (http and https only)."""

    links: list = []

    def show(self, links) -> None:
        self.links = list(links)
        self.clear_options()
        options = []
        for index, rel in enumerate(self.links):
            line = Text(f"{'link':<10}", style=RELATION_STYLES["link"])
            if rel.title:
                line.append_text(literal(rel.title + "  ", "bold"))
            line.append_text(literal(rel.target, "underline"))
            options.append(Option(line, id=str(index)))
        self.add_options(options)
        self.display = bool(options)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.app.open_link(self.links[int(event.option.id)].target)


class NodeDetails(VerticalScroll):
    """Shows one node; ``show`` is called whenever the selection or its data changes."""

    node_id: str | None = None
    view = None  # the tree's view when it is not the session's ("by topic": its groups' titles and counts)
    _last_error = ""

    def on_mount(self) -> None:
        from ..note_links import forget_mentions

        # A note changed (here, or elsewhere as the database watch saw): backlinks are read again.
        self.app.details_signal.subscribe(self, lambda _: forget_mentions(self.app.session))

    def compose(self) -> ComposeResult:
        yield Static(id="details-title")
        yield LinkList(id="links")
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
        view = self.view or session.view
        if node_id not in session.graph.nodes:  # a group of the tree's own (a canonical topic)
            info.counts = view.counts(node_id, session.progress)
        self.border_title = "Topic" if view.is_group(node_id) else "Details"
        self.query_one("#details-title", Static).update(literal(view.title(node_id), "bold"))
        self.query_one("#details-facts", Static).update(self._facts(info))
        self.query_one(LinkList).show([r for r in info.relations if r.kind == "link"])
        self.query_one(RelationList).show([r for r in info.relations if r.kind != "link"]
                                          + self._note_relations(node_id, info))
        self.query_one("#details-code", Static).update(self._code(info))
        notes = "\n\n---\n\n".join(literal_block(n.body) for n in info.notes) or NO_NOTES
        self._show_notes(notes)
        if info.store_error and info.store_error != self._last_error:  # once, not on every row
            self.app.warn(info.store_error, severity="error")
        self._last_error = info.store_error

    def _note_relations(self, node_id: str, info) -> list:
        """Wiki-links in its notes, and backlinks: "mentioned in your notes on ..." (``note_links``)."""
        from ...errors import UserError
        from ..note_links import note_relations

        if node_id not in self.app.session.graph.nodes or info.store_error:
            return []
        try:
            return note_relations(self.app.session, node_id, info.notes)
        except UserError as err:
            info.store_error = str(err)
            return []

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
            return _row("progress", counter(info.counts) + Text(" items read", style="dim"))
        node = session.graph.nodes[info.node_id]
        lines = [Text.assemble((node.kind, "cyan"), (f"  {node.year}" if node.year else ""),
                               (f"  id {node.id}", "dim"))]
        if info.counts is not None:
            lines.append(_row("progress", counter(info.counts) + Text(" items read", style="dim")))
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
        if info.group is not None:
            lines.append(_row("group", literal(info.group.read_line())))
        if info.tracks is not None:
            from ..mastery_view import tracks_text

            lines.append(_row("mastery", tracks_text(info.tracks)))
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
        for label, run, verdict, keys in (("demo", info.last_demo, info.demo_verdict, "x quick, X full"),
                                          ("tests", info.last_test, info.test_verdict, "t")):
            lines.append(_row(label, self._run_line(run, verdict, keys)))
        return Text("\n").join(lines)

    @staticmethod
    def _run_line(run, verdict, keys: str) -> Text:
        """The last finished verdict, and the last run apart from it when that one did not finish."""
        if run is None:
            return Text(f"never run ({keys})", style="dim")
        line = Text()
        if verdict is not None:
            line.append(f"verdict {verdict.outcome}", style="green" if verdict.outcome == "passed" else "red")
            if verdict.verdict:
                line.append(f" · claim {verdict.verdict}", style="green" if verdict.verdict == "reproduced" else "red")
            line.append(f" · {local_date(verdict.started_at)}", style="dim")
        if verdict is None or verdict.id != run.id:
            style = {"passed": "green", "running": "yellow"}.get(run.outcome, "red")
            line.append(" · " if verdict is not None else "")
            line.append(f"last run {run.outcome}", style=style)
            line.append(f" · {local_date(run.started_at)}", style="dim")
        line.append(f" ({keys})", style="dim")
        return line
