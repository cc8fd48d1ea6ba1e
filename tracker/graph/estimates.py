"""How long an item takes: per-kind defaults, the learner's own per-node estimates, and "3h" as text.

One home for the numbers the weekly plan and learning paths both add up.
``overrides`` maps a node id or a kind to minutes; a node's own estimate
(``tracker estimate ID 3h``, kept in the store) wins over its kind's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..errors import UserError

DEFAULT_MINUTES = {"paper": 120, "article": 30, "video": 45, "talk": 60, "book": 600, "course": 900, "code": 90,
                   "topic": 30}  # a concept: reading up on it
FALLBACK_MINUTES = 60
MAX_MINUTES = 1000 * 60

_DURATION_RE = re.compile(r"^(?:(?P<h>\d+(?:\.\d+)?)\s*(?:h|hrs?|hours?))?\s*"
                          r"(?:(?P<m>\d+)\s*(?:m|mins?|minutes?)?)?$", re.I)


def minutes_for(node, overrides: Mapping[str, int] | None = None) -> int:
    overrides = overrides or {}
    return overrides.get(node.id, kind_minutes(node.kind, overrides))


def kind_minutes(kind: str, overrides: Mapping[str, int] | None = None) -> int:
    """A kind's estimate: its override, else its default."""
    return (overrides or {}).get(kind, DEFAULT_MINUTES.get(kind, FALLBACK_MINUTES))


def parse_duration(text: str) -> int:
    """``3h``, ``90m``, ``1h30``, ``1.5h``, ``45`` (minutes) as whole minutes; a clear error otherwise."""
    match = _DURATION_RE.match(text.strip())
    if match is None or not (match.group("h") or match.group("m")):
        raise UserError(f"estimate {text!r}: write a time such as 3h, 90m, 1h30 or 45 (minutes)")
    minutes = round(float(match.group("h") or 0) * 60) + int(match.group("m") or 0)
    if not 0 < minutes <= MAX_MINUTES:
        raise UserError(f"estimate {text!r}: give more than 0 minutes and at most {MAX_MINUTES // 60} hours")
    return minutes


def format_minutes(minutes: int) -> str:
    """``45m``, ``2h``, ``1h 30m``: short enough for a table cell."""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest}m"
    return f"{hours}h" if not rest else f"{hours}h {rest}m"
