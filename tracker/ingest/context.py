"""What the text introducing a link says about it: a title for a bare link, or that it is a helpful extra.

Weekly lists put bare URLs under a line that says what they are ("A walk
down of the original paper:") or what kind of help they are ("Helpful
YouTube links:", "Blog posts:", "Supplementary Paper:"). The first is a
better title than "YouTube video <id>"; the second is no title, but says
the link supplements the week's papers, so it never gates the next week.
"""

from __future__ import annotations

import re

# A short label naming a kind of extra help rather than a thing to study.
_HELPER_RE = re.compile(r"\b(helpful|useful|supplement\w*|additional|further|extra|optional|bonus|"
                        r"blog\s*-?\s*posts?|blogs?|youtube|videos?|links?|resources?|tutorials?)\b", re.I)
_SENTENCE_END_RE = re.compile(r"(?<=[A-Za-z0-9)])[.!?]\s+")
MAX_TITLE_WORDS = 16


def is_helper_label(context: str) -> bool:
    """``Helpful YouTube links``, ``Blog posts``, ``Supplementary Paper``: a label for extras, not a name."""
    words = context.split()
    return 0 < len(words) <= 4 and bool(_HELPER_RE.search(context))


def context_title(context: str) -> str | None:
    """The introducing text's first sentence as a title, when it describes the link (3 to 16 words)."""
    if not context or is_helper_label(context):
        return None
    first = _SENTENCE_END_RE.split(context.strip(), maxsplit=1)[0].strip(" :.-–")
    words = first.split()
    if not 3 <= len(words) <= MAX_TITLE_WORDS:
        return None
    return first[0].upper() + first[1:]


def number_shared_titles(items) -> None:
    """Links introduced together ("Two very good videos on ...") get "(1 of 2)", "(2 of 2)" in list order."""
    groups: dict[tuple, list] = {}
    for item in items:
        if item.title_source == "context":
            groups.setdefault((item.topic, item.title), []).append(item)
    for group in groups.values():
        if len(group) > 1:
            for n, item in enumerate(group, 1):
                item.title = f"{item.title} ({n} of {len(group)})"
