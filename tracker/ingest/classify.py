"""Rules that give an entry its kind, authors, year and a title when it has none."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qs, unquote, urlsplit

TAG_KINDS = {
    "paper": "paper", "papers": "paper", "book": "book", "books": "book", "talk": "talk",
    "talks": "talk", "course": "course", "courses": "course", "code": "code", "video": "video",
    "blog": "article", "article": "article", "tutorial": "article",
}
LABEL_KINDS = {
    "paper": "paper", "tutorial paper": "paper", "pdf": "paper",
    "blog": "article", "blog series": "article", "blog posts": "article", "blog_1": "article",
    "blog_2": "article", "annotated transformer": "article", "annotated detr": "article",
    "annotated stable diffusion": "article", "explanation": "article", "notes": "article",
    "youtube": "video", "youtube series": "video", "video": "video",
    "website": None, "link": None, "project page": None, "visualization": None,
    "practice questions": None, "stack overflow link": None,
}
# Words in a grouping label that say what the entries under it are.
CONTEXT_KINDS = (
    (re.compile(r"\b(youtube|videos?|channels?|lectures?)\b", re.I), "video"),
    (re.compile(r"\bbooks?\b", re.I), "book"),
    (re.compile(r"\bcourses?\b", re.I), "course"),
    (re.compile(r"\b(blogs?|blogposts?|posts?)\b", re.I), "article"),
    (re.compile(r"\b(papers?)\b", re.I), "paper"),
    (re.compile(r"\btalks?\b", re.I), "talk"),
)
PAPER_HOSTS = (
    "arxiv.org", "nature.com", "openreview.net", "aclweb.org", "aclanthology.org", "ncbi.nlm.nih.gov",
    "papers.nips.cc", "proceedings.neurips.cc", "proceedings.mlr.press", "jmlr.org", "ieeexplore.ieee.org",
    "dl.acm.org", "ijcai.org", "sciencedirect.com", "link.springer.com", "springeropen.com",
    "paperswithcode.com", "semanticscholar.org", "researchgate.net", "openaccess.thecvf.com",
)
VIDEO_HOSTS = ("youtube.com", "youtu.be", "vimeo.com", "slideslive.com")
CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org")
ARTICLE_HOSTS = ("medium.com", "towardsdatascience.com", "substack.com", "distill.pub", "github.io", "blogspot.com",
                 "wordpress.com", "hackernoon.com", "kdnuggets.com", "analyticsvidhya.com", "quora.com",
                 "stackexchange.com", "stackoverflow.com", "wikipedia.org", "machinelearningmastery.com")
TAG_RE = re.compile(r"(?<![\w&/#])#([A-Za-z][A-Za-z0-9_-]*)")
BLOCK_ID_RE = re.compile(r"\s\^([A-Za-z0-9-]+)\s*$")
YEAR_RE = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
PAREN_TAIL_RE = re.compile(r"\s*\(([^()]*)\)\s*:?\s*$")
LEADING_YEAR_RE = re.compile(r"^\s*(19[5-9]\d|20[0-4]\d)\s+")


_QUERY_RE = re.compile(r"[?#]")
_HOST_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?([^/?#:]*)")


@lru_cache(maxsize=1 << 16)
def host_of(url: str) -> str:
    """The lowercase host without ``www.`` (a regex: ``urlsplit`` is the slow part of big imports)."""
    match = _HOST_RE.match(url)
    if match:
        return match.group(1).lower().removeprefix("www.")
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def _host_matches(host: str, names: tuple[str, ...]) -> bool:
    return any(host == n or host.endswith("." + n) for n in names)


@lru_cache(maxsize=1 << 14)
def _host_kind(host: str) -> str | None:
    for kind, hosts in (("video", VIDEO_HOSTS), ("paper", PAPER_HOSTS), ("code", CODE_HOSTS)):
        if _host_matches(host, hosts):
            return kind
    if _host_matches(host, ARTICLE_HOSTS) or "blog" in host:
        return "article"
    return None


def kind_from_url(url: str | None) -> str | None:
    if not url:
        return None
    by_host = _host_kind(host_of(url))
    if by_host in ("video", "paper"):
        return by_host
    is_pdf = _QUERY_RE.split(url, 1)[0].lower().endswith(".pdf")
    if by_host == "code" and not is_pdf:
        return "code"
    if is_pdf:
        return "paper"
    if by_host == "article" or "/blog" in url.lower():
        return "article"
    return None


def kind_from_label(label: str) -> str | None:
    key = label.strip().lower()
    if key in LABEL_KINDS:
        return LABEL_KINDS[key]
    for pattern, kind in CONTEXT_KINDS:
        if pattern.search(key):
            return kind
    return None


def is_generic_label(label: str) -> bool:
    """Link texts like 'paper', 'blog', 'link' name a resource type, not a thing."""
    key = label.strip().lower()
    return key in LABEL_KINDS or bool(re.fullmatch(r"(blog|link|paper|video|youtube)[ _]?\d*", key))


def kind_from_context(label: str) -> str | None:
    for pattern, kind in CONTEXT_KINDS:
        if pattern.search(label):
            return kind
    return None


def kind_from_tags(tags: list[str]) -> str | None:
    for tag in tags:
        kind = TAG_KINDS.get(tag.lower())
        if kind:
            return kind
    return None


def extract_tags(text: str) -> tuple[str, list[str]]:
    """Obsidian/hashtag tags (``#PAPER``) out of text; returns (text without tags, tags)."""
    tags = TAG_RE.findall(text)
    if not tags:
        return text, []
    return " ".join(TAG_RE.sub(" ", text).split()), tags


def extract_block_id(text: str) -> tuple[str, str | None]:
    match = BLOCK_ID_RE.search(" " + text)
    if not match:
        return text, None
    return text[: max(match.start() - 1, 0)].rstrip(), match.group(1)


def _name_like(piece: str) -> bool:
    words = piece.split()
    if not 1 <= len(words) <= 4 or any(c.isdigit() for c in piece):
        return False
    if len(words) == 1 and piece.isupper() and len(piece) > 1:
        return False  # an acronym such as a venue: MLSS, MIT
    return all(w[0].isupper() or w in ("van", "von", "de", "der", "la", "di", "&") for w in words)


def split_authors_year(title: str) -> tuple[str, list[str], int | None]:
    """``Deep Learning (Goodfellow, 2016 MIT)`` -> ("Deep Learning", ["Goodfellow"], 2016)."""
    match = PAREN_TAIL_RE.search(title)
    if not match:
        return title, [], None
    inside = match.group(1).strip()
    year_match = YEAR_RE.search(inside)
    year = int(year_match.group(1)) if year_match else None
    names_part = inside[: year_match.start()] if year_match else inside
    names_part = re.sub(r"^\s*by\s+", "", names_part, flags=re.I)
    pieces = [p.strip(" ,.") for p in re.split(r",|&|\band\b", names_part) if p.strip(" ,.")]
    authors = [p for p in pieces if _name_like(p)]
    if year is None and not (len(pieces) == 1 and authors and len(pieces[0].split()) == 1):
        return title, [], None
    stripped = title[: match.start()].rstrip(" :-")
    return stripped or title, authors, year


def leading_year(text: str) -> tuple[str, int | None]:
    match = LEADING_YEAR_RE.match(text)
    if not match:
        return text, None
    return text[match.end():], int(match.group(1))


def slug_names_it(url: str) -> bool:
    """The URL's own path reads as a title ("state-of-ml-frameworks-2019"), unlike a video id or a bare host."""
    title = title_from_url(url)
    return not title.startswith("YouTube ") and bool(_SLUG_TITLE_RE.match(title))


_SLUG_TITLE_RE = re.compile(r"^\S+ \S+.* \([^()\s]+\)$")


def title_from_url(url: str, context: str = "") -> str:
    """A readable, unique title for a bare link: the page slug or video id, and the host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    host = parts.netloc.lower().removeprefix("www.")
    if _host_matches(host, ("youtube.com", "youtu.be")):
        query = parse_qs(parts.query)
        ident = (query.get("v") or query.get("list") or [parts.path.strip("/").split("/")[-1] or host])[0]
        what = "playlist" if "list" in query and "v" not in query else "video"
        label = f" ({context})" if context else ""
        return f"YouTube {what} {ident}{label}"
    segments = [unquote(s) for s in parts.path.split("/") if s and s not in ("index.html", "index.htm")]
    for segment in reversed(segments):
        words = re.sub(r"\.(html?|pdf|php|md)$", "", segment, flags=re.I)
        words = re.sub(r"[-_]+[0-9a-f]{8,}$", "", words)
        pieces = [w for w in re.split(r"[-_+\s]+", words) if w]
        if len(pieces) >= 2 and not any(len(p) > 25 for p in pieces):
            text = " ".join(pieces)
            return f"{text[0].upper()}{text[1:]} ({host})"
    tail = "/".join(segments[-2:])
    return f"{host}/{tail}" if tail else host
