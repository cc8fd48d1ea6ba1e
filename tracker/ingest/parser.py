"""Walk the block tree of one reading list and extract topics and entries.

An entry is a list item, a citation paragraph, a table row, a heading that
names one paper (with ``- **Authors**: ...`` field bullets under it), or a
bold paragraph followed by an author line and a bare URL. What an entry is
called is read by ``entry.read_entry``; this module decides which blocks are
entries, topics or notes:
- headings (numbered, per year, per week, inside bullets) are topics; a deep
  heading whose bullets are only notes is a paper (``### Title``);
- ``#### Paper N: Title`` headings and bare link lists under ``### Week N``;
- bullets whose sub-bullets are things of their own are topics; plain
  sub-bullets are notes on the entry above, label-only ones more of its links;
- concept bullets keep their links as resources (``GRU, LSTMs [[blog_1](..)]``);
  a bullet with one resource link is that resource;
- Obsidian notes: front matter, ``#PAPER Title (Author Year): URL`` lines,
  ``[[wiki-links]]`` and ``^block-ids``; task lists (``- [x]``).
A list's own habits are read first (``_list_habits``): link texts it uses for
several URLs are labels, URLs it uses for several entries are placeholders.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urljoin

import yaml

from ..gc_pause import gc_paused
from ..graph.identity import arxiv_id, ids_of_url, slugify
from ..text import clean as clean_text
from . import classify as C
from .blocks import Block, Inline, parse_blocks
from .entry import (RESOURCE_LABELS, STAR_RE, Entry, LabelStats, derived_title, is_anchor, is_label_word,
                    label_key, looks_like_id_or_url, plain_text, read_entry, split_citation_authors,
                    split_year_tail)
from .context import context_title, is_helper_label, number_shared_titles
from .items import ImportWarning, ParsedItem, ParsedLink, ParsedList, ParsedTopic
from .reading import read_list

_YEAR_IN_RE = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?!\d)")
_LETTERS_RE = re.compile(r"[^\W\d_]{2,}")
_SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]*:")
_CHECKBOX_RE = re.compile(r"^\[[ xX]\]\s+")
_CHECKED_RE = re.compile(r"^\[[xX]\]\s")
_EMPTY_GROUP_RE = re.compile(r"\(\s*[\[\]\s,;|/]*\s*\)|\[\s*[\[\]\s,;|/]*\]")
_BRACKET_RE = re.compile(r"[\[\]]")
_NUMBERING_RE = re.compile(r"^\s*\d+\s*[.)]\s+")
_WORDS_RE = re.compile(r"[a-z0-9]+")
SECTION_NUMBER_RE = re.compile(r"^\s*#?\d+(\.\d+)*\.?\s+(?=\S)")  # "1.3 ImageNet Evolution", "#2 Method"
YEAR_TITLE_RE = re.compile(r"(19[5-9]\d|20[0-4]\d)")

WIKILINK_RE = re.compile(r"\[\[([^\[\]|#^]*)(?:#\^?([^\[\]|]*))?(?:\|([^\[\]]*))?\]\]")
PAPER_HEADING_RE = re.compile(r"^paper\s+\d+\s*[:.\-–]\s*(.+)$", re.I)
WEEK_RE = re.compile(r"^(week|day|lecture|module|part|chapter|session)\s*(\d+)\b", re.I)
ITEM_TAGS = {"paper", "book", "talk", "course", "code", "video", "blog", "article", "tutorial"}
MAX_TITLE = 300
BLOCK_REF_RE = re.compile(r"^\s*\[\[#\^([A-Za-z0-9-]+)\]\]\s*$")


def _wikilink_text(match: re.Match[str]) -> str:
    note, section, alias = match.group(1), match.group(2), match.group(3)
    return (alias or " › ".join(p for p in (note, section) if p) or "").strip()


def _clean_text(text: str) -> str:
    text = WIKILINK_RE.sub(_wikilink_text, text)
    return " ".join(text.split())


def _year_in(text: str) -> int | None:
    match = _YEAR_IN_RE.search(text)
    return int(match.group(1)) if match else None


def _has_letters(text: str) -> bool:
    return bool(_LETTERS_RE.search(text))


def _is_http(url: str) -> bool:
    """A link an entry can have: http(s), or a relative link (kept as the list's local file link)."""
    low = url.lower()
    if low.startswith(("http://", "https://")):
        return True
    return bool(url) and not is_anchor(url) and not _SCHEME_RE.match(low)


FIELD_RE = re.compile(r"^\s*(authors?|by|year|date|venue|published|conference|journal|arxiv|paper|pdf|code|github|"
                      r"link|url|doi|blog|video|slides|project( page)?|website|summary|tl;?dr|abstract|why( read)?|"
                      r"key (idea|ideas|contribution|contributions|points?|takeaways?)|notes?|contribution|impact|"
                      r"citations?|category|tags?|keywords?|type)\s*:", re.I)
PLACEHOLDER_PATH_RE = re.compile(r"/(blob|tree)/(master|main)/?$", re.I)


@lru_cache(maxsize=1 << 16)
def is_placeholder_path(url: str) -> bool:
    """A repository root or ``blob/master`` link: where lists point when they have no real link."""
    host = C.host_of(url)
    path = re.sub(r"[?#].*$", "", url.split(host, 1)[-1] if host else url)
    if PLACEHOLDER_PATH_RE.search(path):
        return True
    return host in ("github.com", "gitlab.com") and len([p for p in path.split("/") if p]) <= 1


def _strip_link_groups(text: str, inline: Inline) -> str:
    """The bullet text without its links' texts: what names the thing ("AlexNet [[paper](..)]" -> "AlexNet")."""
    plain = plain_text(inline)
    plain = C.extract_tags(C.extract_block_id(_clean_text(plain))[0])[0]
    plain = _CHECKBOX_RE.sub("", plain)
    plain = _EMPTY_GROUP_RE.sub(" ", plain)
    plain = _BRACKET_RE.sub(" ", plain)
    return " ".join(plain.split()).strip(" :-–|,;")


class _Walker:
    def __init__(self, file: str, list_id: str, root_title: str, labels: LabelStats | None = None,
                 placeholders: set[str] | None = None, base_url: str | None = None) -> None:
        self.out = ParsedList(file=file, list_id=list_id, title=root_title)
        self.root = (root_title,)
        self.order = 0
        self.topic_paths: set[tuple[str, ...]] = set()
        self.block_ids: dict[str, int] = {}
        self.bold_style = False
        self.labels = labels or LabelStats()
        self.placeholders = placeholders or set()
        self.base_url = base_url
        self.pending: ParsedItem | None = None  # a bold paragraph waiting for its author line and URL
        self.context = ""  # the label over the entries being read ("Helpful YouTube links")

    def resolve(self, url: str) -> str:
        """Relative links resolve against --base-url; without one they stay the list's local file links."""
        url = url.strip().strip("{}").strip()
        if self.base_url and not re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I) and not url.startswith("#"):
            return urljoin(self.base_url, url)
        return url

    def entry(self, inline: Inline) -> Entry:
        return read_entry(inline, self.labels, self.resolve)

    def is_placeholder(self, url: str | None) -> bool:
        return bool(url) and (url in self.placeholders or is_placeholder_path(url))

    # -- helpers -----------------------------------------------------------
    def warn(self, line: int, message: str) -> None:
        self.out.warnings.append(ImportWarning(self.out.file, line, message))

    def next_order(self) -> int:
        self.order += 1
        return self.order

    def topic(self, path: tuple[str, ...], line: int, links: list[ParsedLink] | None = None) -> tuple[str, ...]:
        if path not in self.topic_paths:
            self.topic_paths.add(path)
            self.out.topics.append(ParsedTopic(path, path[-1], line, self.next_order(), links or []))
        return path

    def add_item(self, item: ParsedItem) -> int:
        item.title = clean_text(item.title)[:MAX_TITLE].strip()  # control characters dropped, markup kept literally
        item.description = clean_text(item.description, keep_newlines=True)
        if item.year is None:
            item.year = next((int(t) for t in reversed(item.topic) if YEAR_TITLE_RE.fullmatch(t)), None)
        if not item.title or item.title_source == "derived":
            if not item.title:
                item.title = derived_title(item.url, item.ids)
            item.derived_title = True
            item.title_source = "derived"
        if item.url and not item.ids:
            item.ids = ids_of_url(item.url)
        # A paper's own links and sub-entries, and what a "Blog posts:" label introduces, supplement it.
        item.supplementary = item.supplementary or bool(item.related_to) or is_helper_label(self.context)
        self.out.items.append(item)
        self.out.entries += 1
        return len(self.out.items) - 1

    def section_kind(self, topic: tuple[str, ...]) -> str | None:
        """Books, Courses, Videos, Talks, Blogs, Code, Papers: what a short section heading says its entries are."""
        for title in reversed(topic[1:]):
            if len(title.split()) <= 4:
                kind = C.kind_from_context(title) or (C.TAG_KINDS.get(title.strip().lower()))
                if kind:
                    return kind
        return None

    def resource(self, url: str, line: int, topic: tuple[str, ...], context: str, title: str = "",
                 label: str = "", kind: str | None = None) -> ParsedItem:
        kind = kind or C.kind_from_label(label) or C.kind_from_url(url) or C.kind_from_context(context) or "article"
        derived = not title or title == url
        ids = ids_of_url(url)
        made = derived_title(url, ids) if ids else C.title_from_url(url, context if kind == "video" and len(context.split()) <= 5 else "")
        described = (context_title(context)  # only where the link itself names nothing
                     if derived and not label and not C.slug_names_it(url) else None)
        if described:  # "A walk down of the original paper:" names the bare link under it; the id stays the link's
            return ParsedItem(title=described, ids=ids, kind=kind, line=line, order=self.next_order(), topic=topic,
                              url=url, links=[ParsedLink(url, "", kind)], derived_title=True,
                              title_source="context", id_title=made)
        return ParsedItem(
            title=made if derived else title, ids=ids,
            kind=kind, line=line, order=self.next_order(), topic=topic, url=url,
            links=[ParsedLink(url, label or "", kind)], derived_title=derived,
            title_source="derived" if derived else "link",
        )

    # -- headings ------------------------------------------------------------
    def walk(self, blocks: list[Block]) -> None:
        heading_stack: list[tuple[int, tuple[str, ...]]] = []
        current = self.topic(self.root, 1)
        heading_item: int | None = None
        context = ""
        for index, block in enumerate(blocks):
            if block.kind != "paragraph":
                self.flush_pending()
            if block.kind == "heading" and block.inline:
                title = _clean_text(block.inline.text).strip(" :")
                title = C.extract_block_id(title)[0] or "untitled"
                while heading_stack and heading_stack[-1][0] >= block.level:
                    heading_stack.pop()
                parent = heading_stack[-1][1] if heading_stack else self.root
                heading_item = None
                context = self.context = ""
                paper = PAPER_HEADING_RE.match(title)
                entry = self.entry(block.inline)
                fields = self._field_list(blocks, index)
                if paper or (entry.source == "citation" and block.level >= 2) or fields or self._heading_is_item(blocks, index):
                    name = paper.group(1) if paper else (entry.title if entry.source == "citation" else title)
                    name = re.sub(r"^\s*\d+[.)]\s+", "", name)
                    name, authors, year = C.split_authors_year(name)
                    link = next((l for l in block.inline.links if _is_http(l.url)), None)
                    item = ParsedItem(title=name, kind=self.section_kind(parent) or "paper", line=block.line,
                                      order=self.next_order(), topic=parent, url=link.url if link else None,
                                      authors=authors or entry.authors, year=year or entry.year or C.leading_year(title)[1],
                                      title_source="heading", ids=dict(entry.ids), stars=entry.stars)
                    heading_item = self.add_item(item)
                    current = parent
                    self.topic(parent, block.line)
                    continue
                links = [ParsedLink(l.url, l.text) for l in block.inline.links if _is_http(l.url)]
                numbered = SECTION_NUMBER_RE.sub("", title)
                current = self.topic(parent + (numbered if _has_letters(numbered) else title,), block.line, links)
                heading_stack.append((block.level, current))
            elif block.kind == "list":
                self.walk_list(block, current, heading_item, context)
            elif block.kind == "table":
                self.table(block, current)
            elif block.kind == "paragraph" and block.inline:
                context = self.paragraph(block, current, heading_item, context)
        self.flush_pending()

    def _field_list(self, blocks: list[Block], index: int) -> bool:
        """A heading followed by ``- **Authors**: ...`` / ``- **arXiv**: ...`` bullets names one paper."""
        for block in blocks[index + 1:index + 3]:
            if block.kind == "heading":
                return False
            if block.kind == "list":
                items = [i for i in block.children if i.kind == "item" and i.inline]
                return bool(items) and sum(1 for i in items if FIELD_RE.match(i.inline.text)) >= max(1, len(items) // 2 + 1)
        return False

    # -- tables ----------------------------------------------------------------
    TITLE_HEADERS = re.compile(r"^(paper|papers|title|name|model|article|resource|work|publication|method|"
                               r"paper title|paper name|book|course|video|talk|what)$", re.I)
    TYPE_HEADERS = re.compile(r"^(type|kind|format|category|medium)$", re.I)

    def table(self, block: Block, topic: tuple[str, ...]) -> None:
        """Each body row is an entry; its title column is found by header, else the wordiest cell."""
        self.context = ""
        if len(block.rows) < 2:
            return
        header = [_clean_text(c.text).strip(" *_:").lower() for c in block.rows[0]]
        title_col = next((i for i, h in enumerate(header) if self.TITLE_HEADERS.match(h)), None)
        type_col = next((i for i, h in enumerate(header) if self.TYPE_HEADERS.match(h)), None)
        for row in block.rows[1:]:
            if not any(c.text.strip() for c in row):
                continue
            col = title_col
            if col is None or col >= len(row):
                col = max(range(len(row)), key=lambda i: len(plain_text(row[i])))
            cell = row[col]
            entries = [read_entry(c, self.labels, self.resolve, max_words_before_bold=0) if i == col  # a bold
                       else self.entry(c) for i, c in enumerate(row)]                       # summary word is no title
            entry = entries[col]
            title, rest = self._cell_title(cell, entry)
            links = [l for e in entries for l in e.links if l.url and not is_anchor(l.url)]
            ids: dict[str, str] = {}
            for e in entries:
                for key, value in e.ids.items():
                    ids.setdefault(key, value)
            primary = next((l for l in links if l.kind == "paper" or C.kind_from_url(l.url) == "paper"), None) or (links[0] if links else None)
            kind = None
            if type_col is not None and type_col < len(row):
                kind = C.kind_from_label(_clean_text(row[type_col].text)) or C.TAG_KINDS.get(_clean_text(row[type_col].text).lower())
            kind = kind or self.section_kind(topic) or (C.kind_from_url(primary.url) if primary else None) or "paper"
            if not title:
                source = "derived"
            else:
                source = "table" if entry.source not in ("link",) else "link"
            others = " ".join(plain_text(c) for i, c in enumerate(row) if i != col)
            item = ParsedItem(title=title, kind=kind, line=cell.line, order=self.next_order(), topic=topic,
                              url=primary.url if primary else None, links=links, authors=entry.authors,
                              year=entry.year or C.leading_year(others)[1], title_source=source, ids=ids,
                              stars=entry.stars, description=rest)
            self.add_item(item)

    @staticmethod
    def _cell_title(cell: Inline, entry: Entry) -> tuple[str, str]:
        """``1) **Title** - summary``, ``1) Title  Summary...``, ``[Title](url)``: the title and the rest."""
        if entry.source in ("citation", "bold", "link"):
            return entry.title, entry.rest
        raw = re.sub(r"^\s*\d+\s*[.)]\s*", "", cell.raw or cell.text).strip()
        for sep in (re.compile(r"\s{2,}"), re.compile(r"\s+[-–—]\s+"), re.compile(r"(?<=[a-z0-9)])\.\s+(?=[A-Z])")):
            parts = sep.split(raw, maxsplit=1)
            if len(parts) == 2 and 1 <= len(parts[0].split()) <= 25:
                return " ".join(parts[0].split()).strip(" :"), " ".join(parts[1].split())
        words = raw.split()
        return (" ".join(words).strip(" :"), "") if len(words) <= 25 else ("", " ".join(words))

    def _heading_is_item(self, blocks: list[Block], index: int) -> bool:
        """A deep heading whose first list holds only notes names a paper, not a topic."""
        heading = blocks[index]
        if not self.bold_style or heading.level < 3 or WEEK_RE.match(heading.inline.text if heading.inline else ""):
            return False
        for block in blocks[index + 1:]:
            if block.kind == "heading":
                return False
            if block.kind == "list":
                items = [i for i in block.children if i.kind == "item"]
                return bool(items) and self._is_note(items[0]) and not any(
                    i.inline and any(_is_http(l.url) for l in i.inline.links) for i in items)
        return False

    def _is_note(self, item: Block) -> bool:
        inline = item.inline
        if inline is None:
            return True
        _, tags = C.extract_tags(inline.text)
        return not inline.links and not inline.bold_lead and not any(t.lower() in ITEM_TAGS for t in tags)

    # -- paragraphs ----------------------------------------------------------
    AUTHOR_LINE_RE = re.compile(r"^[*_]*\s*([A-Z][^()\[\]]{1,200}?)\s*\(((?:19|20)\d\d)\)\s*[*_]*$")

    def flush_pending(self) -> None:
        """A bold paragraph becomes an entry only once an author line or a URL followed it."""
        pending, self.pending = self.pending, None
        if pending is not None and (pending.url or pending.authors):
            self.add_item(pending)

    def paragraph(self, block: Block, topic: tuple[str, ...], heading_item: int | None, context: str) -> str:
        self.context = context
        inline = block.inline
        text = _clean_text(inline.text)
        http_links = [l for l in inline.links if _is_http(self.resolve(l.url))]
        entry = self.entry(inline)
        if self.pending is not None:
            author = self.AUTHOR_LINE_RE.match(text)
            if author and not http_links:
                self.pending.authors = self.pending.authors or split_citation_authors(author.group(1))
                self.pending.year = self.pending.year or int(author.group(2))
                return context
            if http_links and not entry.named and text.strip() == " ".join(l.text for l in http_links).strip():
                self.pending.url = http_links[0].url
                self.pending.links = [ParsedLink(l.url, "", C.kind_from_url(l.url)) for l in http_links]
                self.pending.ids = {}
                self.flush_pending()
                return context
            self.flush_pending()
        if not http_links:
            spans = inline.spans
            if (heading_item is None and len(spans) == 1 and spans[0].kind == "strong" and spans[0].text == text
                    and 2 <= len(text.split()) <= 30 and not text.endswith(":")):
                self.pending = ParsedItem(title=text, kind=self.section_kind(topic) or "paper", line=block.line,
                                          order=self.next_order(), topic=topic, title_source="bold")
                return context
            words = text.split()
            if 0 < len(words) <= 6 or text.endswith(":"):
                return text.rstrip(":").strip()  # a label for what follows
            return context
        if entry.source in ("citation", "bold") and (entry.labelled or entry.bare or entry.year or entry.ids):
            # "**[12]** Author, A. "**Title**." Venue (2015). [[pdf]](url) :star::star:"
            primary = self._primary(entry)
            item = ParsedItem(title=entry.title, kind=self.section_kind(topic) or C.kind_from_context(context)
                              or (primary.kind if primary and primary.kind else None) or "paper",
                              line=block.line, order=self.next_order(), topic=topic,
                              url=primary.url if primary else None, links=entry.links, authors=entry.authors,
                              year=entry.year, title_source=entry.source, ids=entry.ids, stars=entry.stars)
            if heading_item is not None:
                item.related_to.append(heading_item)
            self.add_item(item)
            for link in entry.named:
                self.link_item(link, topic, len(self.out.items) - 1, context)
            return context
        lead = text.split(http_links[0].text)[0] if http_links[0].text else ""
        if heading_item is not None and re.search(r"link to the paper", lead, re.I):
            item = self.out.items[heading_item]
            item.url = item.url or http_links[0].url
            item.links.append(ParsedLink(http_links[0].url, "paper", "paper"))
            http_links = http_links[1:]
        for link in http_links:
            self.link_item(link, topic, heading_item, context)
        return context

    def _primary(self, entry: Entry):
        """The link that is the entry itself: a paper/pdf/arXiv link first, never a search or placeholder link."""
        usable = [l for l in entry.links if _is_http(l.url) and not self.is_placeholder(l.url)
                  and not re.search(r"google\.[a-z.]+/search|scholar\.google|/search\?", l.url)]
        usable = [l for l in usable if not l.label or C.kind_from_label(l.label) != "code" or len(usable) == 1]
        for l in usable:
            key = l.label.strip("[]()*_ ").lower()
            if key in ("pdf", "paper", "arxiv", "abs", "html", "doi") or arxiv_id(l.url):
                return l
        return usable[0] if usable else None

    def link_item(self, link, topic, related: int | None, context: str) -> None:
        self.context = context
        url = self.resolve(link.url)
        if link.text and link.text != link.url and not self.labels.is_label(link.text) and not looks_like_id_or_url(link.text):
            text, year = C.leading_year(link.text)
            title, authors, year2 = C.split_authors_year(text.rstrip(". "))
            item = ParsedItem(title=title, kind=C.kind_from_url(url) or self.section_kind(topic)
                              or C.kind_from_context(context) or "article",
                              line=link.line, order=self.next_order(), topic=topic, url=url,
                              links=[ParsedLink(url)], authors=authors, year=year or year2, title_source="link")
        else:
            item = self.resource(url, link.line, topic, context, label=link.text if link.text != link.url else "")
        if related is not None:
            item.related_to.append(related)
        self.add_item(item)

    # -- lists ---------------------------------------------------------------
    def walk_list(self, block: Block, topic: tuple[str, ...], parent_item: int | None, context: str) -> None:
        for item in block.children:
            if item.kind == "item":
                self.list_item(item, topic, parent_item, context)

    def _children_named(self, item: Block) -> bool:
        """Whether a bullet's sub-bullets are things of their own (so the bullet is a topic)."""
        for sub in item.children:
            if sub.kind != "list":
                continue
            for child in sub.children:
                inline = child.inline
                if inline is None:
                    continue
                text = _clean_text(inline.text)
                _, tags = C.extract_tags(text)
                if tags and any(t.lower() in ITEM_TAGS for t in tags):
                    return True
                bare = [l for l in inline.links if l.text == l.url or not l.text]
                if inline.links and len(bare) == len(inline.links) and text.strip() == inline.links[0].text:
                    continue  # a bare URL: a link of this bullet, not a thing of its own
                if inline.links and not _strip_link_groups(text, inline) and all(
                        self.labels.is_label(l.text) for l in inline.links):
                    continue  # "- [paper](url)": a link of this bullet, not a thing of its own
                if inline.links or inline.bold_lead or any(c.kind == "list" for c in child.children):
                    return True
                if len(text.split()) <= 8 and not text.endswith("."):
                    return True
        return False

    def list_item(self, block: Block, topic: tuple[str, ...], parent_item: int | None, context: str) -> None:
        self.context = context
        inline = block.inline or Inline(line=block.line)
        if inline.links and all(is_anchor(l.url) for l in inline.links) and not _strip_link_groups(inline.text, inline):
            self._children(block, topic, parent_item, context)  # a table of contents: in-page anchors, not entries
            return
        ref = BLOCK_REF_RE.match(C.extract_tags(inline.text)[0])
        if ref and ref.group(1) in self.block_ids:
            target = self.out.items[self.block_ids[ref.group(1)]]
            target.also.append((topic, inline.line or block.line, self.next_order()))
            return
        if parent_item is not None and FIELD_RE.match(inline.text):
            self.apply_field(self.out.items[parent_item], inline)
            return
        raw = _clean_text(inline.text)
        raw, block_id = C.extract_block_id(raw)
        text, tags = C.extract_tags(raw)
        checked = inline.checked or bool(_CHECKED_RE.match(text))
        text = _CHECKBOX_RE.sub("", text)
        line = inline.line or block.line
        entry = self.entry(inline)
        http_links = [l for l in inline.links if _is_http(l.url)]
        generic = [l for l in entry.labelled if _is_http(l.url)]
        named = [l for l in entry.named if _is_http(l.url)]
        bare = [l for l in entry.bare if _is_http(l.url)]
        has_children = any(c.kind == "list" for c in block.children)
        item_tags = [t for t in tags if t.lower() in ITEM_TAGS]
        label = _strip_link_groups(text, inline) if http_links else text.strip(" :")
        label = _NUMBERING_RE.sub("", STAR_RE.sub(" ", label) if ":" in label or "★" in label or "⭐" in label else label).strip()
        if entry.source == "text" and http_links and entry.title:
            label = entry.title  # the text before the link group names the thing
        new_item: int | None = None

        if (entry.source in ("citation", "bold") and (http_links or entry.year or entry.ids or entry.stars)
                and not item_tags and not (has_children and self._children_named(block) and not http_links)
                and not (parent_item is not None and not http_links)):
            # "**Title** (2015), A. Author [[pdf]](url)", "__Title__ - ([Search](..)) ([PDF](..))",
            # "**[12]** Author, A. "**Title**." Venue (2015). [[pdf]](url) :star::star:"
            primary = self._primary(entry)
            kind = (self.section_kind(topic) or (primary.kind if primary and primary.kind not in (None, "code") else None)
                    or (C.kind_from_url(primary.url) if primary else None) or "paper")
            item = ParsedItem(title=entry.title, kind=kind, line=line, order=self.next_order(), topic=topic,
                              url=primary.url if primary else None, links=entry.links, authors=entry.authors,
                              year=entry.year, tags=tags, checked=checked, block_id=block_id,
                              title_source=entry.source, ids=entry.ids, stars=entry.stars,
                              description=entry.rest if len(entry.rest) > 3 and _has_letters(entry.rest) else "")
            if parent_item is not None:
                item.related_to.append(parent_item)
            new_item = self.add_item(item)
            if block_id:
                self.block_ids[block_id] = new_item
            self._children(block, topic, new_item, context)
            return
        if parent_item is not None and not http_links and not item_tags and not inline.bold_lead and raw:
            # Plain sub-bullets under an entry are notes on it, however deeply nested.
            target = self.out.items[parent_item]
            if target.year is None and len(text.split()) <= 8:
                target.year = _year_in(text)  # "`2018/6` `CVPR 2018`"
            target.description = (target.description + "\n" if target.description else "") + text
            self._children(block, topic, parent_item, context)
            return
        if item_tags or ((generic or bare) and not named and not (label and has_children and self._children_named(block))):
            # A thing named by its text, with its resources as links:
            # "#PAPER Title (Author 2015): URL", "AlexNet [[paper](..)] [[blog](..)]",
            # "A Brief History (2020): http://..."
            if not label and bare and not item_tags:
                for link in bare:
                    self.link_item(link, topic, parent_item, context)
                self._children(block, topic, parent_item, context)
                return
            title, year = C.leading_year(label)
            title, year3, authors3 = split_year_tail(title)
            title, authors, year2 = C.split_authors_year(title)
            authors, year = authors or authors3 or entry.authors, year or year3 or entry.year
            links = [ParsedLink(l.url, l.text if l.text != l.url else "", C.kind_from_label(l.text)) for l in http_links]
            real = [l for l in links if not self.is_placeholder(l.url)]
            primary = next((l for l in real if l.kind == "paper"), None) or (real[0] if real else None)
            group_kind = C.kind_from_context(topic[-1]) if len(topic[-1].split()) <= 3 else None
            kind = (C.kind_from_tags(item_tags) or group_kind or (primary.kind if primary else None)
                    or next((l.kind for l in links if l.kind), None)
                    or (C.kind_from_url(primary.url) if primary else None) or C.kind_from_context(context)
                    or C.kind_from_context(" ".join(topic[-1:])) or ("article" if links else "topic"))
            source, local_label = "text", ""
            if (not item_tags and len(real) == 1 and len(links) == 1 and generic and title
                    and label_key(generic[0].text) in RESOURCE_LABELS):
                # "Vanilla [[blog](karpathy...)]": the entry is that one resource; its text names it only here.
                source, local_label = "label", title
            elif not item_tags and len(real) >= 2:
                if primary is not None and primary.kind != "paper" and len({label_key(l.label) for l in real}) == 1:
                    # "GRU, LSTMs [[blog_1](..)] [[blog_2](colah..)]": a concept; each link a resource of its own.
                    primary, kind = None, "topic"
                for l in real:
                    if primary is None or l.url != primary.url:
                        l.resource = True
            item = ParsedItem(title=title, kind=kind, line=line, order=self.next_order(), topic=topic,
                              url=primary.url if primary else None, links=links, authors=authors,
                              year=year or year2, tags=tags, checked=checked, block_id=block_id,
                              title_source=source, label=local_label, ids=dict(entry.ids) if primary else {},
                              stars=entry.stars)
            if parent_item is not None and (item_tags or not has_children):
                item.related_to.append(parent_item)
            new_item = self.add_item(item)
        elif named and not (has_children and self._children_named(block) and not label):
            # "[Title](url): description" — each named link is an item of its own.
            for link in named:
                self.link_item(link, topic, parent_item, context)
                new_item = len(self.out.items) - 1
            _, year = C.leading_year(text)
            if len(named) == 1:
                made = self.out.items[new_item]
                made.year = made.year or year or entry.year
                made.authors = made.authors or entry.authors
                made.stars = entry.stars
            self.out.items[new_item].checked = checked
            self.out.items[new_item].tags = tags
        elif has_children and self._children_named(block):
            # A grouping bullet: "**Blogs**", "Linear Algebra ([[notes](..)])", "Topics".
            title = label or inline.bold_lead or f"section at line {line}"
            links = [ParsedLink(l.url, l.text if l.text != l.url else "", C.kind_from_label(l.text)) for l in http_links]
            sub_topic = self.topic(topic + (title.strip(" :"),), line, links)
            paper = next((l for l in links if l.kind == "paper"), None)
            if paper is not None and label:
                # "BatchNorm [[Paper](..)]" over its own sub-bullets: a section, and the paper it is about.
                url = None if self.is_placeholder(paper.url) else paper.url
                item = ParsedItem(title=title.strip(" :"), kind="paper", line=line, order=self.next_order(),
                                  topic=sub_topic, url=url, links=[paper], title_source="text",
                                  ids=dict(entry.ids) if url else {})
                self._children(block, sub_topic, self.add_item(item), title)
                return
            self._children(block, sub_topic, None, title)
            return
        elif inline.bold_lead and _has_letters(inline.bold_lead):
            lead = inline.bold_lead
            rest = text[len(lead):].strip(" -–:")
            title, authors, year = C.split_authors_year(lead)
            item = ParsedItem(title=title, kind=C.kind_from_context(context) or "paper", line=line,
                              order=self.next_order(), topic=topic, authors=authors, year=year, tags=tags,
                              description=rest, checked=checked, block_id=block_id)
            new_item = self.add_item(item)
        elif raw:
            # Plain text: a note on the thing above it, or a concept to learn.
            if parent_item is not None:
                target = self.out.items[parent_item]
                target.description = (target.description + "\n" if target.description else "") + text
            elif len(text.split()) <= 8 and not text.endswith((".", ":")) and len(topic) > 1 and block_id is None:
                item = ParsedItem(title=text, kind="topic", line=line, order=self.next_order(), topic=topic,
                                  tags=tags, checked=checked)
                new_item = self.add_item(item)
            # else: prose under a topic; not an entry
        if block_id and new_item is not None:
            self.block_ids[block_id] = new_item
            self.out.items[new_item].block_id = block_id
        self._children(block, topic, new_item if new_item is not None else parent_item, context)

    def apply_field(self, item: ParsedItem, inline: Inline) -> None:
        """``- **Authors**: ...``, ``- **arXiv**: [1406.2661](...)``, ``- **Code**: [repo](...)`` under a paper."""
        name, _, value = inline.text.partition(":")
        field = name.strip(" *_").lower()
        value = value.strip(" *_")
        entry = self.entry(inline)
        links = [l for l in entry.links if _is_http(l.url)]
        if field in ("author", "authors", "by"):
            item.authors = item.authors or split_citation_authors(value) or [value][:1]
        elif field in ("year", "date", "published"):
            item.year = item.year or C.leading_year(value + " ")[1] or _year_in(value)
        elif field in ("arxiv", "paper", "pdf", "link", "url", "doi"):
            for key, ident in entry.ids.items():
                item.ids.setdefault(key, ident)
            for link in links:
                link.label = link.label or field
                link.kind = link.kind or "paper"
                item.links.append(link)
            if links and item.url is None:
                item.url = links[0].url
        elif links:
            for link in links:
                link.label = link.label or field
                link.kind = link.kind or C.kind_from_label(field)
                link.resource = True
                item.links.append(link)
        else:
            item.description = (item.description + "\n" if item.description else "") + f"{name.strip(' *_')}: {value}"
        if field in ("venue", "conference", "journal") and item.year is None:
            item.year = _year_in(value)

    def _children(self, block: Block, topic: tuple[str, ...], parent_item: int | None, context: str) -> None:
        for child in block.children:
            if child.kind == "list":
                for sub in child.children:
                    if sub.kind == "item":
                        self._sub_item(sub, topic, parent_item, context)
            elif child.kind == "paragraph" and child.inline:
                if parent_item is not None:
                    target = self.out.items[parent_item]
                    note = _clean_text(child.inline.text)
                    target.description = (target.description + "\n" if target.description else "") + note
                    for link in child.inline.links:
                        if _is_http(link.url) and link.url not in {l.url for l in target.links}:
                            target.links.append(ParsedLink(link.url, link.text if link.text != link.url else ""))
                else:
                    self.paragraph(child, topic, None, context)

    def _sub_item(self, sub: Block, topic: tuple[str, ...], parent_item: int | None, context: str) -> None:
        """A sub-bullet under an item: a bare URL is another link of the item."""
        inline = sub.inline
        if parent_item is not None and inline is not None:
            text = _clean_text(inline.text)
            _, tags = C.extract_tags(text)
            links = [l for l in inline.links if _is_http(l.url)]
            rest = _strip_link_groups(text, inline)
            labelled = (bool(rest) and is_label_word(rest) and len(links) == 1) or (
                not rest and all(self.labels.is_label(l.text) for l in links))
            if labelled and not rest:
                rest = links[0].text  # "- [paper](...)" under a concept: a link of that concept
            if links and not tags and ((all(l.text == l.url for l in links) and text.strip() == " ".join(l.url for l in links).strip())
                                       or labelled):
                # "- https://github.com/... (pytorch)", "- Youtube playlist: https://...": more links of the entry above
                target = self.out.items[parent_item]
                for link in links:
                    if link.url not in {l.url for l in target.links}:
                        target.links.append(ParsedLink(link.url, rest if labelled else "",
                                                       C.kind_from_label(rest) if labelled else C.kind_from_url(link.url),
                                                       resource=labelled))
                    if target.url is None and not (labelled and C.kind_from_label(label_key(rest)) != "paper"):
                        target.url = link.url
                        target.ids = target.ids or ids_of_url(link.url)
                        if target.kind == "topic" and labelled:
                            target.kind = "paper"  # a concept whose sub-bullet is its [paper] link is that paper
                for child in sub.children:
                    if child.kind == "list":
                        for deeper in child.children:
                            self._sub_item(deeper, topic, parent_item, context)
                return
        self.list_item(sub, topic, parent_item, context)


def _front_matter_title(blocks: list[Block], notes: list[tuple[int, str]] | None = None) -> str | None:
    for block in blocks:
        if block.kind == "front_matter":
            try:
                data = yaml.load(block.content, Loader=_YAML_LOADER) if len(block.content) < 100_000 else None
            except (yaml.YAMLError, RecursionError, ValueError) as err:
                if notes is not None:
                    problem = "nested too deeply" if isinstance(err, RecursionError) else "not valid YAML"
                    notes.append((block.line, f"front matter {problem}: ignored; the rest of the list is imported"))
                return None
            if isinstance(data, dict) and isinstance(data.get("title"), str):
                return data["title"].strip() or None
    return None


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def list_title(blocks: list[Block], path: Path, notes: list[tuple[int, str]] | None = None) -> tuple[str, list[Block]]:
    """The list's own title: front matter, or a single leading H1; else the file name."""
    title = _front_matter_title(blocks, notes)
    if title:
        return title, blocks
    headings = [b for b in blocks if b.kind == "heading"]
    h1 = [b for b in headings if b.level == 1]
    if len(h1) == 1 and headings and headings[0] is h1[0] and h1[0].inline:
        rest = [b for b in blocks if b is not h1[0]]
        return _clean_text(h1[0].inline.text) or path.stem, rest
    return path.stem.replace("-", " ").replace("_", " ").strip().capitalize() or "Reading list", blocks


@gc_paused()
def parse_text(text: str, path: Path, list_id: str | None = None, base_url: str | None = None) -> ParsedList:
    notes: list[tuple[int, str]] = []
    blocks = parse_blocks(text, notes)
    title, blocks = list_title(blocks, path, notes)
    labels, placeholders = _list_habits(blocks)
    walker = _Walker(path.name, list_id or slugify(path.stem), title, labels, placeholders, base_url)
    for line, message in notes:
        walker.warn(line, message)
    walker.bold_style = _uses_bold_titles(blocks)
    walker.walk(blocks)
    number_shared_titles(walker.out.items)
    return walker.out


def _inlines(blocks: list[Block]):
    stack = list(reversed(blocks))
    while stack:
        block = stack.pop()
        if block.inline is not None:
            yield block.inline
        for row in block.rows:
            yield from row
        stack.extend(reversed(block.children))


def _list_habits(blocks: list[Block]) -> tuple[LabelStats, set[str]]:
    """What this list uses its link texts and URLs for: labels, and placeholder URLs.

    A link text used for several different URLs is a label here; a URL that stands for several
    differently named entries ("BatchNorm", "Dropout" -> the same repository page) is a placeholder.
    """
    labels = LabelStats()
    names: dict[str, set[str]] = {}
    for inline in _inlines(blocks):
        for link in inline.links:
            if link.text and link.text != link.url:
                labels.add(link.text, link.url)
        if len(inline.links) <= 2:
            name = normalize_words(_strip_link_groups(inline.text, inline))
            for link in inline.links:
                if name:
                    names.setdefault(link.url, set()).add(name)
                    if len(names[link.url]) > 2:
                        names[link.url] = set(list(names[link.url])[:3])
    labels.freeze()
    placeholders = {url for url, found in names.items() if len(found) >= 2 and _is_http(url)
                    and not arxiv_id(url)}
    return labels, placeholders


def normalize_words(text: str) -> str:
    return " ".join(_WORDS_RE.findall(text.lower()))


def _uses_bold_titles(blocks: list[Block]) -> bool:
    """Whether the list names its papers in bold (``- **Title** - note``)."""
    stack = list(blocks)
    while stack:
        block = stack.pop()
        if block.kind == "item" and block.inline and block.inline.bold_lead:
            return True
        stack.extend(block.children)
    return False


def parse_file(path: Path, list_id: str | None = None, base_url: str | None = None) -> ParsedList:
    """Parse a reading list; problems become warnings, never exceptions (except unreadable files)."""
    text, warnings = read_list(path)
    try:
        parsed = parse_text(text, path, list_id, base_url)
    except RecursionError:
        parsed = ParsedList(file=path.name, list_id=list_id or slugify(path.stem), title=path.stem)
        warnings.append(ImportWarning(str(path), 1, "markup nested too deeply to parse; nothing imported"))
    for w in parsed.warnings:
        warnings.append(ImportWarning(str(path), w.line, w.message))
    parsed.warnings = warnings
    return parsed
