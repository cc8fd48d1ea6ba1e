"""What makes two records the same real thing: arXiv ids, URLs, titles.

Normalisation is deliberately conservative: a false merge loses a node from
the user's view, a missed merge only shows a duplicate.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_ARXIV_RE = re.compile(
    r"arxiv\.org/(?:abs|pdf|html)/(?P<id>(?:\d{4}\.\d{4,5})|(?:[a-z\-]+(?:\.[A-Z]{2})?/\d{7}))(?:v\d+)?",
    re.IGNORECASE,
)
_TRACKING_PARAMS = {"fbclid", "gclid", "ref", "source", "feature", "si"}
_WORD_RE = re.compile(r"[a-z0-9]+")


def arxiv_id(url: str | None) -> str | None:
    """The arXiv identifier in an arxiv.org link, without version or .pdf."""
    if not url:
        return None
    match = _ARXIV_RE.search(url)
    if not match:
        return None
    return match.group("id").removesuffix(".pdf")


def normalize_url(url: str | None) -> str | None:
    """A comparable form of a URL: no scheme, www, fragment, tracking or trailing slash."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    host = parts.netloc.lower().removeprefix("www.")
    path = re.sub(r"/+$", "", parts.path) or ""
    if host.endswith("arxiv.org"):
        ident = arxiv_id(url)
        if ident:
            return f"arxiv:{ident}"
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query) if k.lower() not in _TRACKING_PARAMS))
    return urlunsplit(("", host, path, query, "")).lstrip("/")


def fold(text: str) -> str:
    """Lowercase ASCII-folded text (accents dropped) for comparisons."""
    if text.isascii():
        return text.lower().replace("&", " and ")
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower().replace("&", " and ")


def normalize_title(title: str | None) -> str | None:
    """Titles compare equal when their words do: case, punctuation, spacing ignored."""
    if not title:
        return None
    words = _WORD_RE.findall(fold(title))
    return " ".join(words) or None


def slugify(text: str, max_length: int = 60) -> str:
    """A stable lowercase id from a title, cut at a word boundary."""
    words = _WORD_RE.findall(fold(text))
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length and slug:
            break
        slug = candidate[:max_length]
    return slug or "untitled"
