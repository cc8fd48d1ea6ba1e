"""The backup file's schema, as strict pydantic models: nothing is coerced.

``is_undo: "false"`` is not ``True``, ``version: true`` is not 1, a list is
not a node id, and a time must be an ISO string that converts to UTC. A
failure names the first bad record by its path in the file
(``history[3].at``), so a hand-edited backup can be fixed where it broke.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Any, Literal, Optional

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, ValidationError

from .vocabulary import ROLES, RUN_KINDS, RUN_OUTCOMES, STATUSES

FiniteFloat = Annotated[float, Field(allow_inf_nan=False, strict=False)]  # ints are fine; NaN and inf are not
Point = Annotated[list[FiniteFloat], Field(min_length=2, max_length=2)]  # [step, value]


def _utc(text: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(text)
        return parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed.astimezone(timezone.utc)
    except ValueError:
        raise ValueError("is not an ISO time") from None
    except OverflowError:
        raise ValueError("is out of range (it cannot be converted to UTC)") from None


Time = Annotated[StrictStr, AfterValidator(_utc)]
Text = Annotated[StrictStr, Field(min_length=1)]
Status = Literal[STATUSES]  # type: ignore[valid-type]


def _flat(metrics: dict[str, Any]) -> dict[str, Any]:
    for name, value in metrics.items():
        if value is not None and not isinstance(value, (int, float, str, bool)):
            raise ValueError(f"has {name!r} = {_short(value)}: a metric must be a number, text, true/false or null")
    return metrics


Metrics = Annotated[dict[StrictStr, Any], AfterValidator(_flat)]


class _Record(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class ProgressRecord(_Record):
    node_id: Text
    status: Status
    started_at: Optional[Time] = None
    finished_at: Optional[Time] = None
    updated_at: Time


class HistoryRecord(_Record):
    node_id: Text
    at: Time
    from_status: Status
    to_status: Status
    is_undo: StrictBool = False
    undone_at: Optional[Time] = None


class NoteRecord(_Record):
    uid: Text
    node_id: Text
    body: StrictStr
    created_at: Time
    updated_at: Optional[Time] = None
    shared: StrictBool = False  # version 4: shown to the study group


class RunRecord(_Record):
    node_id: Text
    slug: Text
    kind: Literal[RUN_KINDS]  # type: ignore[valid-type]
    started_at: Time
    ended_at: Optional[Time] = None
    exit_code: Optional[StrictInt] = None
    outcome: Literal[RUN_OUTCOMES]  # type: ignore[valid-type]
    metrics: Optional[Metrics] = None
    claim: Optional[StrictStr] = None
    verdict: Optional[StrictStr] = None
    output_tail: Optional[StrictStr] = None
    measured: Optional[FiniteFloat] = None
    threshold: Optional[FiniteFloat] = None
    curves: Optional[dict[StrictStr, list[Point]]] = None  # label -> [[step, value], ...]
    tests: Optional[dict[StrictStr, StrictInt]] = None  # outcome -> count


class ReviewCardRecord(_Record):
    """A card's schedule is replayed from the log on restore; its fields here are for people reading the file."""

    node_id: Text
    active: StrictBool = True
    state: Literal[1, 2, 3] = 1
    step: Optional[StrictInt] = None
    stability: Optional[Annotated[float, Field(allow_inf_nan=False)]] = None
    difficulty: Optional[Annotated[float, Field(allow_inf_nan=False)]] = None
    due: Time
    last_review: Optional[Time] = None
    added_at: Time
    updated_at: Time


class ReviewLogRecord(_Record):
    uid: Text
    node_id: Text
    rating: Optional[Literal[1, 2, 3, 4]] = None  # None: this row undoes ``undoes``
    reviewed_at: Time
    duration_ms: Optional[StrictInt] = None
    undoes: Optional[Text] = None


class SkipKindRecord(_Record):
    kind: Text
    updated_at: Time


class NodePrefRecord(_Record):
    node_id: Text
    estimate_minutes: Optional[Annotated[StrictInt, Field(gt=0)]] = None
    role: Optional[Literal[ROLES]] = None  # type: ignore[valid-type]
    updated_at: Time


class Backup(_Record):
    format: Literal["tracker-backup"]
    version: StrictInt
    schema_: Optional[StrictStr] = Field(default=None, alias="schema")
    created_at: Optional[Time] = None
    member: Optional[Text] = None  # version 4: whose rows these are (informative; a restore writes the restorer's)
    progress: list[ProgressRecord] = []
    history: list[HistoryRecord] = []
    notes: list[NoteRecord] = []
    runs: list[RunRecord] = []
    review_cards: list[ReviewCardRecord] = []
    review_log: list[ReviewLogRecord] = []
    review_skip_kinds: list[SkipKindRecord] = []
    node_prefs: list[NodePrefRecord] = []


def json_path(loc: tuple[Any, ...]) -> str:
    """``('history', 3, 'at')`` as ``history[3].at``."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "the file"


def first_problem(err: ValidationError) -> str:
    """The first bad value, as ``path: what is wrong`` (one line)."""
    error = err.errors()[0]
    loc, kind, value = tuple(error["loc"]), error["type"], error.get("input")
    if kind == "missing":
        return f"{json_path(loc[:-1])}: missing {loc[-1]}"
    if kind == "extra_forbidden":
        return f"{json_path(loc)}: unknown field"
    if kind == "literal_error":
        choices = error["ctx"]["expected"].replace("'", "")
        return f"{json_path(loc)}: {_short(value)} is not one of {choices}"
    if kind == "list_type" and len(loc) == 1:
        return f"{loc[0]} must be a list"
    if kind == "value_error":
        shown = "it" if isinstance(value, dict) else _short(value)
        return f"{json_path(loc)}: {shown} {error['ctx']['error']}"
    if kind in ("model_type", "dict_type"):
        return f"{json_path(loc)}: {_short(value)} is not an object"
    if kind == "string_too_short":
        return f"{json_path(loc)}: must not be empty"
    expected = error["msg"].removeprefix("Input should be ").removeprefix("a ").removeprefix("an ")
    return f"{json_path(loc)}: {_short(value)} is not {'a' if expected[:1] not in 'aeiou' else 'an'} {expected}"


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
