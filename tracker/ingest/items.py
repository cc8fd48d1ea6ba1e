"""What the parser extracts from a reading list, before ids are assigned.

This is the contract between the parser (which reads entries) and the layer
builder (which decides identity): the parser says what an entry is called,
where the title came from and which strong ids it carries; the layer decides
what merges with what.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Where an entry's title came from, best first. "label" (a list-local name of the one resource a
# bullet links, e.g. "Vanilla") and "derived" (made from a URL or an id) titles are never identity
# keys, and any real title merged into the node replaces them; the layer may still treat short or
# generic titles as weak. A "context" title is the text introducing a bare link ("A walk down of the
# original paper"): shown, but no identity key either, and the id stays the one made from the link.
TITLE_SOURCES = ("citation", "heading", "table", "link", "bold", "text", "context", "label", "derived")


@dataclass
class ParsedLink:
    url: str
    label: str = ""  # the link text when it is a label ("pdf", "code", "blog_1"); "" for a bare URL
    kind: str | None = None  # the node kind the link points at, when known (paper, code, video, article...)
    resource: bool = False  # a resource of a concept bullet: its own node when another record names it


@dataclass
class ParsedTopic:
    """A heading or a bullet that groups other entries."""

    path: tuple[str, ...]
    title: str
    line: int
    order: int
    links: list[ParsedLink] = field(default_factory=list)
    description: str = ""


@dataclass
class ParsedItem:
    """One paper, resource or concept as written in the list."""

    title: str
    kind: str
    line: int
    order: int
    topic: tuple[str, ...]
    url: str | None = None  # the entry's primary link (its identity URL unless the layer finds it a placeholder)
    links: list[ParsedLink] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    tags: list[str] = field(default_factory=list)
    description: str = ""
    checked: bool = False
    related_to: list[int] = field(default_factory=list)
    block_id: str | None = None
    derived_title: bool = False  # the title was made from a URL or an id: the node needs a title
    also: list[tuple[tuple[str, ...], int, int]] = field(default_factory=list)
    title_source: str = "text"  # one of TITLE_SOURCES
    ids: dict[str, str] = field(default_factory=dict)  # strong ids: {"arxiv": "1706.03762", "doi": ..., "openreview": ...}
    label: str = ""  # a list-local name ("Vanilla") when the entry is the single resource its bullet links; never an alias
    stars: int | None = None  # a priority mark (":star:" x n, "★" x n)
    supplementary: bool = False  # a helpful extra of a paper or week: never gates what comes next
    id_title: str = ""  # what the id is made from when it is not the title (a title from context)


@dataclass(frozen=True)
class ImportWarning:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class ParsedList:
    file: str
    list_id: str
    title: str
    topics: list[ParsedTopic] = field(default_factory=list)
    items: list[ParsedItem] = field(default_factory=list)
    warnings: list[ImportWarning] = field(default_factory=list)
    entries: int = 0  # entries seen (items plus entries skipped with a warning)
