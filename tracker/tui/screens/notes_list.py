"""Every note, recent first (N): filter by topic, open one in the editor, follow its wiki-links.

The list is ``tracker notes`` (the same notes, read through the store), the
latest edited first. Enter on a note opens exactly that note in the editor;
the node keys act on its node (``E`` edits in ``$EDITOR``). Beside the list,
the highlighted note and its links: Enter on one shows that node in the tree.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown, OptionList, Select, Static
from textual.widgets.option_list import Option

from ...errors import UserError
from ...graph.note_list import NoteEntry, note_entries, topic_choices, topics_of
from ...graph.wikilinks import wiki_links
from ..bindings import NODE_BINDINGS, NOTES_LIST_BINDINGS
from ..footer_order import FooterOrder
from ..literal import literal, literal_block, local_date

SHOW_NODE = "~node"


class NotesListScreen(FooterOrder, Screen):
    BINDINGS = NODE_BINDINGS + NOTES_LIST_BINDINGS
    TITLE = "Notes"
    DEFAULT_CSS = """
    #notes-list-body { height: 1fr; }
    #notes-list { width: 1fr; }
    #notes-side { width: 1fr; }
    #note-preview-scroll { height: 1fr; }
    #note-links { height: auto; max-height: 10; }
    #notes-topic { width: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[NoteEntry] = []
        self.shown: list[NoteEntry] = []
        self.topic: str | None = None
        self._links: list[str] = []
        self._previewed: str | None = None  # the uid of the note whose links are shown

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="notes-heading", classes="screen-heading")
        yield Select([], prompt="All topics", allow_blank=True, id="notes-topic")
        with Horizontal(id="notes-list-body"):
            yield OptionList(id="notes-list")
            with Vertical(id="notes-side"):
                with VerticalScroll(id="note-preview-scroll"):
                    yield Markdown("", id="note-preview")
                yield OptionList(id="note-links")
        yield Static("Enter opens the note in the editor · Tab: topic filter and the note's links · Esc closes",
                     classes="hint")
        yield Footer(show_command_palette=False)

    @property
    def notes(self) -> OptionList:
        return self.query_one("#notes-list", OptionList)

    def highlighted_node(self) -> str | None:
        entry = self._highlighted()
        return entry.node_id if entry is not None else None

    def _highlighted(self) -> NoteEntry | None:
        index = self.notes.highlighted
        return self.shown[index] if index is not None and 0 <= index < len(self.shown) else None

    def on_mount(self) -> None:
        self.app.details_signal.subscribe(self, lambda _: self.reload())
        self.reload()
        self.notes.focus()

    def reload(self) -> None:
        """Read the notes again (after an edit here or elsewhere), keeping the filter and the highlighted note."""
        session = self.app.session
        keep = self._highlighted()
        try:
            self.entries = note_entries(session.graph, session.store.notes())
        except UserError as err:
            self.app.report(err)
            self.entries = []
        select = self.query_one("#notes-topic", Select)
        choices = topic_choices(session.graph, self.entries)
        options = [(f"{title} ({count})", topic) for topic, title, count in choices]
        with self.prevent(Select.Changed):
            select.set_options(options)
            if self.topic in {t for t, _, _ in choices}:
                select.value = self.topic
            else:
                self.topic = None
        self._fill(keep.uid if keep is not None else None)

    def _fill(self, keep_uid: str | None = None) -> None:
        session = self.app.session
        entries = self.entries
        if self.topic is not None:  # the notes already read, not the store again
            entries = [e for e in entries if e.node_id is not None and self.topic in topics_of(session.graph, e.node_id)]
        self.shown = entries
        heading = Text(f"{len(entries)} note{'s' if len(entries) != 1 else ''}", style="bold")
        heading.append(", the latest edited first", style="dim")
        if self.topic is not None:
            heading.append(" · in ", style="dim")
            heading.append_text(literal(next((t for k, t, _ in topic_choices(session.graph, self.entries)
                                              if k == self.topic), self.topic), "bold"))
        self.query_one("#notes-heading", Static).update(heading)
        notes = self.notes
        notes.clear_options()
        notes.add_options([Option(self._row(e), id=e.uid) for e in entries])
        at = next((i for i, e in enumerate(entries) if e.uid == keep_uid), 0)
        if entries:
            notes.highlighted = at
        self._preview(entries[at] if entries else None)

    @staticmethod
    def _row(entry: NoteEntry) -> Text:
        line = Text(local_date(entry.updated_at) + "  ", style="dim")
        line.append_text(literal(entry.title, "bold" if entry.node_id else "yellow"))
        line.append("\n  ")
        line.append_text(literal(entry.first_line[:200], "italic"))
        return line

    def _preview(self, entry: NoteEntry | None) -> None:
        links = self.query_one("#note-links", OptionList)
        # A reload (this note saved, another window's write) shows the same note again: keep the link
        # the user is on, instead of jumping back to the first one under their cursor.
        same = entry is not None and entry.uid == self._previewed
        keep_link = links.highlighted if same else None
        self._previewed = entry.uid if entry is not None else None
        links.clear_options()
        self._links = []
        if entry is None:
            self.query_one("#note-preview", Markdown).update("*No notes yet: press **e** on a node to write one.*")
            return
        self.query_one("#note-preview", Markdown).update(literal_block(entry.body))
        session = self.app.session
        options = []
        if entry.node_id is not None:
            self._links.append(entry.node_id)
            options.append(Option(Text.assemble(("show in the tree  ", "dim"), literal(entry.title, "bold")),
                                  id=SHOW_NODE))
        for link in wiki_links(session.graph, entry.body):
            if link.target is None:
                options.append(Option(Text.assemble(("no such node  ", "yellow"), literal(f"[[{link.text}]]")),
                                      disabled=True))
            elif link.target not in self._links:
                self._links.append(link.target)
                options.append(Option(Text.assemble(("links to  ", "green"),
                                                    literal(session.view.title(link.target), "bold")),
                                      id=str(len(self._links) - 1)))
        links.add_options(options)
        if keep_link is not None and keep_link < len(options):
            links.highlighted = keep_link

    # events ----------------------------------------------------------------------------
    def on_select_changed(self, event: Select.Changed) -> None:
        self.topic = None if event.value == Select.BLANK else str(event.value)
        self._fill()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "notes-list":
            self._preview(self._highlighted())
            self.app.select(self.highlighted_node())

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_list.id == "notes-list":
            self._open(self._highlighted())
            return
        option_id = event.option.id
        if option_id == SHOW_NODE:
            self.app.jump_to(self._links[0])
        elif option_id is not None:
            self.app.jump_to(self._links[int(option_id)])

    def _open(self, entry: NoteEntry | None) -> None:
        """This very note in the editor (not just its node's latest), saved over the version shown."""
        if entry is None or entry.node_id is None:
            if entry is not None:
                self.app.warn("its node is not in the graph: tracker doctor can re-attach the note")
            return
        from ..session import EditedNote
        from .notes import NotesScreen

        note = EditedNote(entry.node_id, entry.uid, entry.body, entry.updated_at)
        self.app.push_screen(NotesScreen(note), lambda _: self.reload())
