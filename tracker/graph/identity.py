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


# -- strong ids: arXiv, DOI, OpenReview, from links and from text ------------------------------------

_ARXIV_TEXT_RE = re.compile(
    r"(?:\barxiv(?:\s+preprint)?\s*(?:arxiv)?\s*[:/]?\s*|(?<![\w.])(?=\d{4}\.\d{4,5}(?:v\d+)?\.?(?:\s|$)))"
    r"(?P<id>\d{4}\.\d{4,5})(?:v\d+)?(?![\d])",
    re.IGNORECASE,
)
_DOI_RE = re.compile(r"\b(10\.\d{4,9}/[^\s\"'<>()\[\]]+[^\s\"'<>()\[\].,;:])")
_OPENREVIEW_RE = re.compile(r"openreview\.net/(?:forum|pdf)\?(?:[^#]*&)?id=([A-Za-z0-9_\-]+)")


def doi_of(url: str | None) -> str | None:
    """The DOI in a doi.org link (or a bare ``10.xxxx/...``), lowercased as DOIs compare."""
    if not url:
        return None
    text = url
    if "doi.org/" in url.lower():
        text = url.split("doi.org/", 1)[1] if "doi.org/" in url else url[url.lower().index("doi.org/") + 8:]
    elif re.match(r"https?://", url, re.I):
        return None  # a DOI-looking path on another host (a publisher's URL) is that host's identity
    match = _DOI_RE.search(text)
    return match.group(1).lower() if match else None


def openreview_id(url: str | None) -> str | None:
    match = _OPENREVIEW_RE.search(url or "")
    return match.group(1) if match else None


def ids_of_url(url: str | None) -> dict[str, str]:
    """Every strong id a link carries."""
    found: dict[str, str] = {}
    for key, fn in (("arxiv", arxiv_id), ("doi", doi_of), ("openreview", openreview_id)):
        value = fn(url)
        if value:
            found[key] = value
    return found


def ids_in_text(text: str) -> dict[str, str]:
    """Strong ids written as text: ``arXiv:1412.6980``, ``arXiv preprint arXiv:1409.1556``, ``ViT: 2010.11929.``, DOIs."""
    found: dict[str, str] = {}
    for match in _ARXIV_TEXT_RE.finditer(text or ""):
        if 1 <= int(match.group("id")[2:4]) <= 12:  # YYMM.NNNNN: a real month, not "2015.1234"
            found["arxiv"] = match.group("id")
            break
    doi = _DOI_RE.search(text or "")
    if doi:
        found["doi"] = doi.group(1).lower()
    return found
