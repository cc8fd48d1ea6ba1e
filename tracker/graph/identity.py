"""What makes two records the same real thing: strong ids, URLs, titles.

One home for every identity primitive, used by the parser (which ids an
entry carries), the layer builder (merges within a list) and the loader
(merges across layers). Keys, strongest first: arXiv id, DOI, OpenReview id,
normalised URL, curated alias, title.

Normalisation is deliberately conservative: a false merge loses a node from
the user's view, a missed merge only shows a duplicate.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

# New-style ids (YYMM.NNNN before 2015, YYMM.NNNNN since) and old-style (archive[.XX]/YYMMNNN).
_ARXIV_ID = r"(?:\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})"
_ARXIV_RE = re.compile(rf"arxiv\.org/(?:abs|pdf|html|format)/(?P<id>{_ARXIV_ID})(?:v\d+)?", re.IGNORECASE)
# In prose: "arXiv:1412.6980", "arXiv preprint arXiv:1409.1556", "arXiv 1706.03762v5".
_ARXIV_TEXT_RE = re.compile(rf"\barxiv(?:\s+preprint)?(?:\s*arxiv)?\s*[:\s]\s*(?P<id>{_ARXIV_ID})(?:v\d+)?\b",
                            re.IGNORECASE)
# "ViT: 2010.11929." - a bare new-style id right after a colon.
_COLON_ID_RE = re.compile(r":\s*(?P<id>\d{4}\.\d{4,5})(?:v\d+)?(?=[\s.,;)\]]|$)")
_DOI_RE = re.compile(r"\b(?P<doi>10\.\d{4,9}/[^\s\"'<>]+)", re.IGNORECASE)
_DOI_HOSTS = ("doi.org", "dx.doi.org")
_DOI_PATH_RE = re.compile(r"/(?:doi(?:/(?:abs|pdf|full|epdf|pdfplus))?|article|chapter)/(?P<doi>10\.\d{4,9}/.+)$",
                          re.IGNORECASE)
_OPENREVIEW_PATHS = ("/forum", "/pdf", "/attachment")
_TRACKING_PARAMS = {"fbclid", "gclid", "ref", "ref_src", "source", "feature", "si", "mc_cid", "mc_eid", "spm",
                    "share", "sharing", "s"}
_WORD_RE = re.compile(r"[a-z0-9]+")
_REPO_HOSTS = ("github.com", "gitlab.com", "bitbucket.org")
# Words that say what kind of thing a title names rather than which one ("Introduction", "Lecture 3").
_FILLER = frozenset("a an the of and or to for in on with by at from via is introduction intro overview tutorial "
                    "lecture lectures notes slides summary readme part chapter week day session basics".split())
_COMMON_WORDS = frozenset(
    "deep learning neural network networks net nets machine machines model models ai artificial intelligence data "
    "training train learn representation representations method methods approach system systems algorithm "
    "algorithms theory analysis survey review guide primer course book books paper papers blog post video talk "
    "vision language image images text speech computer introduction new simple efficient large scale".split())
KEY_KINDS = ("arxiv", "doi", "openreview", "url")
ID_KINDS = ("arxiv", "doi", "openreview")
_ID_PREFIXES = tuple(f"{k}:" for k in ID_KINDS)


def arxiv_id(url: str | None) -> str | None:
    """The arXiv identifier in an arxiv.org abs/pdf/html link, without version or .pdf."""
    if not url:
        return None
    match = _ARXIV_RE.search(url)
    return _valid_arxiv(match.group("id")) if match else None


def _valid_arxiv(ident: str) -> str | None:
    """New-style ids have a real month and the right number of digits for their year."""
    ident = ident.removesuffix(".pdf")
    if "/" in ident:
        return ident
    yymm, number = ident.split(".")
    if not 1 <= int(yymm[2:]) <= 12:
        return None
    return ident if (len(number) == 5) == (yymm >= "1501") else None


def _clean_doi(doi: str) -> str | None:
    doi = unquote(doi).rstrip(".,;:")
    for close, open_ in ((")", "("), ("]", "[")):  # a DOI may hold brackets, but not an unbalanced closing one
        while doi.endswith(close) and doi.count(close) > doi.count(open_):
            doi = doi[:-1].rstrip(".,;:")
    doi = re.sub(r"(?:\.pdf|/(?:abstract|full|pdf|epdf))$", "", doi, flags=re.I)
    return doi.lower() if re.fullmatch(r"10\.\d{4,9}/\S+", doi) else None


def doi_of(text: str | None) -> str | None:
    """The DOI in a doi.org or publisher /doi/ link, or a bare ``10.xxxx/...`` (lowercased: DOIs ignore case)."""
    if not text:
        return None
    text = text.strip()
    if text.lower().startswith(("http://", "https://")):
        try:
            parts = urlsplit(text)
        except ValueError:
            return None
        host = parts.netloc.lower().removeprefix("www.")
        if host in _DOI_HOSTS:
            return _clean_doi(parts.path.lstrip("/"))
        match = _DOI_PATH_RE.search(parts.path)
        return _clean_doi(match.group("doi")) if match else None
    match = _DOI_RE.search(text)
    return _clean_doi(match.group("doi")) if match else None


def openreview_id(url: str | None) -> str | None:
    """The paper id of an openreview.net ``forum?id=`` or ``pdf?id=`` link."""
    if not url or "openreview.net" not in url.lower():
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if not parts.netloc.lower().removeprefix("www.").endswith("openreview.net"):
        return None
    if parts.path.rstrip("/") not in _OPENREVIEW_PATHS:
        return None
    ident = dict(parse_qsl(parts.query)).get("id", "").strip()
    return ident if re.fullmatch(r"[A-Za-z0-9_\-]{5,}", ident) else None


def ids_of_url(url: str | None) -> dict[str, str]:
    """The strong ids a single link names: {"arxiv": ..., "doi": ..., "openreview": ...} (a fresh dict)."""
    return dict(_ids_of_url(url)) if url else {}


@lru_cache(maxsize=1 << 17)  # the layer and the loader both ask, for every record
def _ids_of_url(url: str) -> tuple[tuple[str, str], ...]:
    lower = url.lower()
    if not lower.startswith(("http://", "https://")):
        return ()
    found = []
    for kind, marker, fn in (("arxiv", "arxiv", arxiv_id), ("doi", "10.", doi_of),
                             ("openreview", "openreview", openreview_id)):
        value = fn(url) if marker in lower else None
        if value:
            found.append((kind, value))
    return tuple(found)


def ids_in_text(text: str | None) -> dict[str, str]:
    """Strong ids written in prose: ``arXiv:1412.6980``, ``arXiv preprint arXiv:1409.1556``,
    ``Name: 2010.11929.``, arXiv links, and bare DOIs. The first of each kind wins."""
    found: dict[str, str] = {}
    if not text:
        return found
    for pattern in (_ARXIV_RE, _ARXIV_TEXT_RE, _COLON_ID_RE):
        for match in pattern.finditer(text):
            ident = _valid_arxiv(match.group("id"))
            if ident:
                found["arxiv"] = ident
                break
        if "arxiv" in found:
            break
    for match in _DOI_RE.finditer(text):
        doi = _clean_doi(match.group("doi"))
        if doi:
            found["doi"] = doi
            break
    return found


@lru_cache(maxsize=1 << 17)
def normalize_url(url: str | None) -> str | None:
    """A comparable form of a URL: no scheme, www, fragment, tracking parameters, trailing slash or ``.pdf``.

    Links that name a strong id compare by it (``arxiv:…``, ``doi:…``, ``openreview:…``).
    """
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    for kind, value in _ids_of_url(url):  # ids come arxiv, doi, openreview: strongest first
        return f"{kind}:{value}"
    host = parts.netloc.lower().removeprefix("www.").removeprefix("m.")
    host = re.sub(r":(80|443)$", "", host)
    path = re.sub(r"/+$", "", parts.path)
    path = re.sub(r"\.pdf$", "", path, flags=re.I)
    params = [(k, v) for k, v in parse_qsl(parts.query) if k.lower() not in _TRACKING_PARAMS
              and not k.lower().startswith("utm_")]
    if host == "youtu.be" and path:
        host, params, path = "youtube.com", [("v", path.lstrip("/"))] + params, "/watch"
    query = urlencode(sorted(params))
    return urlunsplit(("", host, path, query, "")).lstrip("/")


def strong_keys(ids: dict[str, str], url: str | None, placeholder: bool = False) -> list[tuple[str, str]]:
    """Identity keys, strongest first: each strong id, then the normalised URL unless it is a placeholder
    or already stands for an id."""
    keys = [(k, ids[k]) for k in ID_KINDS if ids.get(k)]
    norm = normalize_url(url)
    if norm and not placeholder and not norm.startswith(_ID_PREFIXES):
        keys.append(("url", norm))
    return keys


@lru_cache(maxsize=1 << 17)
def normal_id(kind: str, value: str) -> str | None:
    """One spelling per id: arXiv ids without versions, DOIs lowercased, OpenReview ids as written."""
    value = str(value).strip()
    if kind == "arxiv":
        value = re.sub(r"v\d+$", "", value.removeprefix("arXiv:").removeprefix("arxiv:"))
        return _valid_arxiv(value) if re.fullmatch(_ARXIV_ID, value, re.I) else None
    if kind == "doi":
        return _clean_doi(value.removeprefix("doi:").strip())
    return value or None


def record_ids(url: str | None, **declared: str | None) -> dict[str, str]:
    """A record's strong ids: those it declares (``arxiv=...``), then those its URL names."""
    ids = {k: n for k, v in declared.items() if k in ID_KINDS and v and (n := normal_id(k, v))}
    for kind, value in ids_of_url(url).items():
        ids.setdefault(kind, value)
    return ids


def is_placeholder_url(url: str | None, kind: str | None = None) -> bool:
    """A link that names no particular thing: a repository's ``blob/master`` or ``tree/main`` page, a bare
    user page, or a repository root given for anything but code (the list's own repo as a stand-in link)."""
    if not url or not any(h in url.lower() for h in _REPO_HOSTS):
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return True
    host = parts.netloc.lower().removeprefix("www.")
    if host not in _REPO_HOSTS:
        return False
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) <= 1:
        return True
    if len(segments) == 2:
        return kind != "code"
    return len(segments) <= 4 and segments[2] in ("blob", "tree", "-") and (
        len(segments) == 3 or segments[3] in ("master", "main", "HEAD"))


def fold(text: str) -> str:
    """Lowercase ASCII-folded text (accents dropped) for comparisons."""
    if text.isascii():
        return text.lower().replace("&", " and ")
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower().replace("&", " and ")


@lru_cache(maxsize=1 << 17)  # the loader asks about each title several times
def normalize_title(title: str | None) -> str | None:
    """Titles compare equal when their words do: case, punctuation, spacing ignored."""
    if not title:
        return None
    words = _WORD_RE.findall(fold(title))
    return " ".join(words) or None


@lru_cache(maxsize=1 << 17)
def is_specific_title(norm: str | None) -> bool:
    """A title that can name one thing across lists: three or more words beyond fillers.

    "Attention Is All You Need" is specific; "Vanilla", "BERT", "Deep Learning" and
    "Introduction to Deep Learning" are not: they merge only within their topic or through a curated alias.
    """
    if not norm:
        return False
    content = [w for w in norm.split() if w not in _FILLER and not w.isdigit()]
    if len(content) >= 3:
        return True
    # Two words name one thing when one of them is not the field's common vocabulary:
    # "Pointer Networks", "Layer Normalization", "Wasserstein GAN" do; "Deep Learning", "Neural Networks" do not.
    return len(content) == 2 and all(len(w) >= 3 for w in content) and any(w not in _COMMON_WORDS for w in content)


def kind_family(kind: str | None) -> str:
    """Papers and articles are both texts: a list may call a paper an article."""
    return "text" if kind in ("paper", "article") else (kind or "topic")


def titles_agree(a: str | None, b: str | None) -> bool:
    """Close agreement for a title-only merge into a curated node: the same words."""
    return bool(a) and normalize_title(a) == normalize_title(b)


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
