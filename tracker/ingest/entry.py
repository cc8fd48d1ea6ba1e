"""Read one entry's parts from its inline text: title, labels, authors, year, stars, strong ids.

The title is the specific text that names the thing: the quoted or emphasised
title of a citation, else a link's text unless it is a label, else the text
before the link group, else (last resort) something made from the URL or id.
Labels ("pdf", "[code]", "**Paper**", "Search") are never titles; they type
the entry's links. A list's own habits count too: a link text used for
several different URLs in one list is a label there (see ``LabelStats``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from ..graph import identity as I
from . import classify as C
from .blocks import Inline, InlineLink
from .items import ParsedLink

LABEL_WORDS = {
    "pdf", "html", "abs", "abstract", "arxiv", "paper", "papers", "code", "blog", "blog post", "post", "link", "links",
    "slides", "slide", "video", "videos", "project", "project page", "page", "website", "site", "homepage", "web",
    "search", "scholar", "google scholar", "tweet", "twitter", "thread", "summary", "github", "repo", "repository",
    "source", "demo", "notes", "note", "explanation", "colab", "notebook", "dataset", "data", "talk", "poster",
    "supplementary", "supp", "supplement", "bibtex", "bib", "doi", "openreview", "review", "medium", "youtube",
    "article", "tutorial", "implementation", "official", "official code", "pytorch", "tensorflow", "keras", "jax",
    "caffe", "chainer", "torch", "theano", "mxnet", "lasagne", "matlab", "tf", "pt", "unofficial", "reddit",
    "hacker news", "hn", "discussion", "arxiv link", "pdf link", "here", "this", "download", "mirror", "full text",
    "springer", "ieee", "acm", "nature", "science", "cvf", "openaccess", "proceedings", "book", "preprint",
    "lecture", "lectures", "course", "playlist", "podcast", "audio", "transcript", "visualization",
    "practice questions", "stack overflow link", "youtube series", "blog series", "blog posts", "website link",
}
# Labels that name a resource about the thing (a post, a video), not the thing itself (pdf, paper, link):
# "Vanilla [[blog](karpathy...)]" is Karpathy's post, "Title [[pdf](...)]" is the paper called Title.
RESOURCE_LABELS = {
    "blog", "blog post", "post", "video", "videos", "youtube", "code", "github", "repo", "repository", "slides",
    "slide", "notes", "note", "explanation", "tutorial", "article", "medium", "colab", "notebook", "talk",
    "lecture", "lectures", "course", "playlist", "podcast", "visualization", "implementation", "summary",
    "thread", "tweet", "demo", "youtube series", "blog series", "blog posts",
}
_LABEL_TAIL_RE = re.compile(r"[\s_\-#]*(\d+|v\d+|[ivx]+)$")
_LABEL_PAREN_RE = re.compile(r"\s*\([^)]*\)$")
_WRAP_CHARS = "[]()*_~`'\"<>{} \t:.,;|"
_REF_MARKER_RE = re.compile(r"^\s*(\[\s*\d+\s*\]|\d+\s*[.)]|\(\s*\d+\s*\))\s*")
STAR_RE = re.compile(r":star:|★|⭐")
_QUOTED_RE = re.compile(r'"([^"]{3,}?)"|“([^”]{3,}?)”|„([^“”]{3,}?)[“”]')
_YEAR_RE = re.compile(r"(?<![\d.])(19[5-9]\d|20[0-4]\d)(?![\d])")
_BY_RE = re.compile(r"(?:^|[\s,(\-–])(?:by|By|BY)\s+([A-Z][^()\[\],;:.!?]*?(?:\s+et\s+al\.?)?)(?=\s*(?:$|[()\[\],;:!?]|\s-\s|\s–\s|\sat\s|\sin\s|\son\s|\sfrom\s|\.(?:\s|$)))")
_ET_AL_RE = re.compile(r"([A-Z][\w'\-]*(?:\s+[A-Z][\w'\-]*)*\s+et\s+al\.?)")
_SEPARATORS = " -–—:|,;/"
_ID_TITLE_RE = re.compile(r"^(arxiv:?\s*)?\d{4}\.\d{4,5}(v\d+)?$|^10\.\d{4,9}/\S+$", re.I)


@lru_cache(maxsize=1 << 16)
def _ids_of_url(url: str) -> tuple[tuple[str, str], ...]:
    """``ids_of_url``, remembered: big lists repeat their hosts and URLs (and URL parsing is slow)."""
    return tuple(I.ids_of_url(url).items())


def is_anchor(url: str) -> bool:
    """An in-page link (a table of contents): not an entry's link."""
    return bool(re.match(r"^(\./)?#", url.strip()))


@lru_cache(maxsize=1 << 16)
def label_key(text: str) -> str:
    """A link text without wrapping, numbering or case: ``[[Blog_2]]`` -> ``blog``."""
    key = text.strip(_WRAP_CHARS).lower()
    key = _LABEL_PAREN_RE.sub("", key).strip(_WRAP_CHARS)
    key = _LABEL_TAIL_RE.sub("", key).strip(_WRAP_CHARS)
    return " ".join(key.split())


@lru_cache(maxsize=1 << 16)
def is_label_word(text: str) -> bool:
    key = label_key(text)
    if not key:
        return True  # "[]", "()" or only punctuation
    if key in LABEL_WORDS or key in C.LABEL_KINDS or C.is_generic_label(key):
        return True
    words = key.split()
    return len(words) <= 3 and all(w in LABEL_WORDS for w in words)


@lru_cache(maxsize=1 << 16)
def looks_like_id_or_url(text: str) -> bool:
    """A bare arXiv id, DOI or URL: never a title when better text exists."""
    stripped = text.strip(_WRAP_CHARS)
    return bool(_ID_TITLE_RE.match(stripped)) or bool(re.match(r"^(https?://|www\.)\S+$", stripped, re.I))


class LabelStats:
    """Link texts a list uses for several different URLs: labels in that list by that fact alone."""

    MIN_URLS = 3
    MAX_WORDS = 3

    def __init__(self) -> None:
        self.urls: dict[str, set[str]] = defaultdict(set)
        self.labels: set[str] = set()

    def add(self, text: str, url: str) -> None:
        key = " ".join(text.lower().split())
        if key and len(key.split()) <= self.MAX_WORDS:
            self.urls[key].add(url)

    def freeze(self) -> None:
        self.labels = {key for key, urls in self.urls.items() if len(urls) >= self.MIN_URLS}
        self.urls.clear()

    def is_label(self, text: str) -> bool:
        return is_label_word(text) or " ".join(text.lower().split()) in self.labels


@dataclass
class Entry:
    title: str
    source: str  # see items.TITLE_SOURCES
    links: list[ParsedLink] = field(default_factory=list)
    named: list[InlineLink] = field(default_factory=list)  # links whose text names a thing
    labelled: list[InlineLink] = field(default_factory=list)
    bare: list[InlineLink] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    stars: int | None = None
    ids: dict[str, str] = field(default_factory=dict)
    rest: str = ""  # the text after the title: a note on the entry

    @property
    def derived(self) -> bool:
        return self.source == "derived"


def plain_text(inline: Inline) -> str:
    """The inline text with every link's text blanked out (positions kept)."""
    chars = list(inline.text)
    for link in inline.links:
        for i in range(link.start, min(link.end, len(chars))):
            chars[i] = " "
    return "".join(chars)


_PLAIN_TITLE_RE = re.compile(r"^[^\W_][^\[\](){}\"'“”*_:★⭐]*[^\W_.]$|^[^\W_]$")


def _clean_title(title: str) -> str:
    title = " ".join(title.split())
    if _PLAIN_TITLE_RE.match(title) and not _REF_MARKER_RE.match(title):
        return title  # the common case: nothing to strip
    title = STAR_RE.sub(" ", title)
    title = _REF_MARKER_RE.sub("", title)
    title = " ".join(title.split())
    for _ in range(3):
        title = title.strip(_SEPARATORS + "\"'“”*_{}").strip()
        for opening, closing in ("()", "[]"):
            while title.endswith(opening):
                title = title[:-1].rstrip(_SEPARATORS)
            while title.endswith(closing) and title.count(opening) < title.count(closing):
                title = title[:-1].rstrip()
            while title.startswith(opening) and title.count(opening) > title.count(closing):
                title = title[1:].lstrip()
            if title.startswith(opening) and title.endswith(closing) and title.count(opening) == 1:
                title = title[1:-1].strip()
    if title.endswith(".") and not re.search(r"\b(al|etc|vs|Inc|Jr|Sr|St|[A-Z])\.$", title):
        title = title[:-1].rstrip()
    return title


_APA_RE = re.compile(r"^\s*(?P<authors>[A-Z][^()]{1,200}?)\s*\((?P<year>(?:19|20)\d\d)[a-z]?\)\.?\s+"
                     r"(?P<title>[^\s.][^.?!]{3,}[?!]?)(?:\.|$)")
_MAY_HOLD_ID_RE = re.compile(r"\d{4}\.\d{4}|10\.\d{4}|arxiv", re.I)
_YEAR_TAIL_RE = re.compile(r"^(?P<title>.+?)\s*\(\s*(?P<year>(?:19|20)\d\d)[a-z]?\s*\)\s*[,.]?\s*(?P<rest>.*)$")


def split_year_tail(text: str) -> tuple[str, int | None, list[str]]:
    """``Title (2016), J. Andreas et al.`` -> ("Title", 2016, ["J. Andreas et al."])."""
    match = _YEAR_TAIL_RE.match(text)
    if not match or not _has_words(match.group("title")):
        return text, None, []
    rest = match.group("rest").strip(" ,.")
    authors = [p.strip(" .") for p in re.split(r",\s*|\s+and\s+|\s*&\s*", rest) if p.strip(" .")] if rest else []
    authors = [a for a in authors if _name_ok(a.replace(" et al", "").rstrip("."))] if authors else []
    if rest and not authors:
        return text, None, []  # "(2015) is a great year" is not a year tail
    return match.group("title").strip(), int(match.group("year")), authors


def _has_words(text: str) -> bool:
    return bool(re.search(r"[^\W\d_]{2,}", text))


def split_citation_authors(text: str) -> list[str]:
    """``Bengio, Yoshua, Ian J. Goodfellow, and Aaron Courville.`` -> three names."""
    text = _REF_MARKER_RE.sub("", text).strip(" .,")
    if not text or len(text) > 400:
        return []
    if re.search(r"\bet al\b", text):
        lead = text.split("et al")[0].strip(" ,.")
        return [_flip(lead)] if lead else []
    pieces = [re.sub(r"^and\s+", "", p.strip(" .")) for p in re.split(r",\s*|\s+and\s+|\s*&\s*", text) if p.strip(" .")]
    names: list[str] = []
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        # "Lastname, First" pairs: a one-word surname followed by given names.
        if (" " not in piece and i + 1 < len(pieces) and len(pieces[i + 1].split()) <= 3
                and not names_like_full(pieces[i + 1]) and i == 0):
            names.append(f"{pieces[i + 1]} {piece}")
            i += 2
            continue
        names.append(piece)
        i += 1
    return [n for n in names if _name_ok(n)]


def names_like_full(piece: str) -> bool:
    return len(piece.split()) >= 2 and not all(len(w.strip(".")) <= 2 for w in piece.split()[:-1])


def _flip(name: str) -> str:
    if "," in name:
        last, first = [p.strip() for p in name.split(",", 1)]
        return f"{first} {last}".strip()
    return name


def _name_ok(name: str) -> bool:
    words = re.sub(r"\s+et\s+al\.?$", "", name).split()
    return 1 <= len(words) <= 5 and all(w[:1].isupper() or w in ("van", "von", "de", "der", "la", "di", "da") for w in words)


_AFTER_YEAR_RE = re.compile(r"^\s*\(?\s*(?:19|20)\d\d\s*\)?\s*[,.]?\s*([A-Z][^\[\]()]*?)\s*(?:$|[\[(])")
_NAME_SPLIT_RE = re.compile(r",\s*|\s+and\s+|\s*&\s*")


def _authors_from_rest(rest: str) -> list[str]:
    """Authors written after a title: "(2015), R. Srivastava et al.", "by Yann LeCun", "- Goodfellow et al."."""
    rest = rest[:300]  # names follow the title closely; a summary's later "by" is not an author line
    match = _AFTER_YEAR_RE.match(rest)
    if match:
        names = [n for n in (p.strip(" .") for p in _NAME_SPLIT_RE.split(match.group(1))) if n and _name_ok(n)]
        if names:
            return names[:8]
    by = _BY_RE.search(rest)
    if by:
        names = [p.strip() for p in _NAME_SPLIT_RE.split(by.group(1)) if p.strip()]
        return [n for n in names if _name_ok(n)][:8]
    et_al = _ET_AL_RE.search(rest)
    if et_al:
        return [et_al.group(1).strip()]
    return []


def _year_of(text: str) -> int | None:
    years = _YEAR_RE.findall(text)
    return int(years[0]) if years else None


def read_entry(inline: Inline, labels: LabelStats, resolve=lambda url: url, max_words_before_bold: int = 15) -> Entry:
    """Everything one entry's inline says about it (the caller decides whether it is an entry)."""
    text = inline.text
    plain = plain_text(inline)
    links = [l for l in inline.links if l.url and not is_anchor(l.url)]
    named: list[InlineLink] = []
    labelled: list[InlineLink] = []
    bare: list[InlineLink] = []
    for link in links:
        link.url = resolve(link.url)
        if not link.text or link.text == link.url or looks_like_id_or_url(link.text):
            bare.append(link)
        elif labels.is_label(link.text):
            labelled.append(link)
        else:
            named.append(link)
    parsed_links = [ParsedLink(l.url, l.text if l in labelled else ("" if l in bare else l.text),
                               C.kind_from_label(label_key(l.text)) if l in labelled else None) for l in links]
    stars = len(STAR_RE.findall(text)) or None
    ids: dict[str, str] = {}
    for link in links:
        for key, value in _ids_of_url(link.url):
            ids.setdefault(key, value)
    if _MAY_HOLD_ID_RE.search(plain):  # most entries carry no id in their text: skip the full scan
        for key, value in I.ids_in_text(plain).items():
            ids.setdefault(key, value)

    entry = Entry("", "derived", parsed_links, named, labelled, bare, stars=stars, ids=ids)
    first_named = named[0].start if named else len(text)

    quoted = next((m for m in _QUOTED_RE.finditer(plain) if _is_cited_title(m, plain, max_words_before_bold)), None)
    if quoted is not None and quoted.start() < first_named:
        entry.title = _clean_title(quoted.group(quoted.lastindex or 1))
        entry.source = "citation"
        entry.authors = split_citation_authors(plain[: quoted.start()])
        entry.year = _year_of(plain[quoted.end():]) or _year_of(plain[: quoted.start()])
        entry.rest = _clean_rest(plain[quoted.end():])
        return entry

    apa = _APA_RE.match(_REF_MARKER_RE.sub("", plain)) if not named else None
    if apa is not None:
        # "Vaswani, A., et al. (2017). Attention Is All You Need. NeurIPS."
        entry.title, entry.source = _clean_title(apa.group("title")), "citation"
        entry.authors = split_citation_authors(apa.group("authors"))
        entry.year = int(apa.group("year"))
        entry.rest = _clean_rest(plain[apa.end("title"):])
        return entry

    span = next((s for s in inline.spans if s.start < first_named and _is_title_span(s.text, labels)
                 and len(_REF_MARKER_RE.sub("", plain[: s.start]).split()) <= max_words_before_bold), None)
    if span is not None:
        entry.title = _clean_title(span.text)
        entry.source = "bold"
        after = plain[span.end:]
        entry.authors = _authors_from_rest(after)
        entry.year = _year_of(after[:40]) or _year_of(plain[: span.start]) or _year_of(after)
        entry.rest = _clean_rest(after)
        title, authors, year = C.split_authors_year(entry.title)
        if authors or year:
            entry.title, entry.authors, entry.year = title, entry.authors or authors, entry.year or year
        return entry

    lead = _clean_title(plain[:first_named]) if named else ""
    if named and not (_has_words(lead) and len(lead.split()) >= 2 and lead.endswith(":") is False and _lead_names(plain, first_named)):
        link = named[0]
        title, year = C.leading_year(link.text)
        title, authors, year2 = C.split_authors_year(_clean_title(title))
        after = plain[link.end:]
        entry.title, entry.source = title, "link"
        entry.authors = authors or _authors_from_rest(after)
        entry.year = year or year2 or _year_of(after[:60])
        entry.rest = _clean_rest(after)
        return entry

    first_link = min((l.start for l in links), default=len(plain))
    before = _clean_title(_strip_tags(plain[:first_link]))
    head = before if _has_words(before) else _clean_title(_strip_tags(plain))
    if _has_words(head):
        entry.rest = _clean_rest(plain[first_link:]) if head is before else ""
        title, year = C.leading_year(head)
        title, year3, authors3 = split_year_tail(title)
        title, authors, year2 = C.split_authors_year(title)
        entry.title, entry.source = title, "text"
        entry.authors, entry.year = authors or authors3, year or year2 or year3
        return entry

    entry.title = derived_title(links[0].url if links else None, ids)
    return entry


def _is_cited_title(match: re.Match[str], plain: str, max_words_before: int) -> bool:
    """``Author. "Title." Venue``: a quoted title, not a quoted word in a summary ("think")."""
    quoted = match.group(match.lastindex or 1).strip()
    if not _has_words(quoted) or len(quoted.split()) < 2:
        return False
    before = len(_REF_MARKER_RE.sub("", plain[: match.start()]).split())
    if before > (40 if max_words_before else 2):
        return False
    return quoted.endswith((".", ",")) or before <= 3 or bool(re.search(r"[.,]\s*$", plain[: match.start()]))


def _strip_tags(text: str) -> str:
    return C.extract_tags(text)[0]


def _lead_names(plain: str, first_named: int) -> bool:
    """Text before the first named link reads as the entry's name ("AlexNet [[paper](..)]" has none)."""
    lead = plain[:first_named].strip()
    return bool(lead) and not lead.endswith(("(", "[", ":", "-", "–"))


def _is_title_span(text: str, labels: LabelStats) -> bool:
    stripped = text.strip()
    if not _has_words(stripped) or _REF_MARKER_RE.fullmatch(stripped + " "):
        return False
    if stripped.startswith("(") and stripped.endswith(")"):
        return False  # "**(Deep Learning Bible)**": a note
    return not labels.is_label(stripped) and not looks_like_id_or_url(stripped)


def _clean_rest(text: str) -> str:
    text = STAR_RE.sub(" ", text)
    text = re.sub(r"\(\s*\)|\[\s*\]", " ", text)
    return " ".join(text.split()).strip(_SEPARATORS + ".")


def derived_title(url: str | None, ids: dict[str, str] | None = None) -> str:
    """What the thing is when nothing names it: "arXiv 1706.03762", "DOI 10.1038/...", a host and path."""
    ids = ids or {}
    if "arxiv" in ids:
        return f"arXiv {ids['arxiv']}"
    if "doi" in ids:
        return f"DOI {ids['doi']}"
    if "openreview" in ids:
        return f"OpenReview {ids['openreview']}"
    return C.title_from_url(url) if url else "untitled"
