"""What the parser extracts from a reading list, before ids are assigned."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ParsedLink:
    url: str
    label: str = ""
    kind: str | None = None


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
    url: str | None = None
    links: list[ParsedLink] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    tags: list[str] = field(default_factory=list)
    description: str = ""
    checked: bool = False
    related_to: list[int] = field(default_factory=list)
    block_id: str | None = None
    derived_title: bool = False
    also: list[tuple[tuple[str, ...], int, int]] = field(default_factory=list)


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
