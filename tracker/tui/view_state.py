"""Where you were: the tree's open topics, row, filter, by topic or by list, the mode and the jumps, kept between runs.

A small JSON file in the user data dir (``tui-state.json``, beside the
settings), never the database: it is this machine's view, not progress.
Written atomically (a temporary file renamed over it), so a crash or two
windows closing at once leave one whole file. Read tolerantly: the graph may
have changed since, so ids that no longer exist are dropped where the state
is applied, and a broken file is the same as none.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..config import user_data_dir

STATE_FILE = "tui-state.json"
MODES = ("browse", "next", "dashboard", "run")
MAX_OPEN = 500  # open topics remembered; a tree opened wider than that reopens its first 500
MAX_JUMPS = 200  # as many as the history itself keeps


@dataclass(frozen=True)
class ViewState:
    mode: str = "browse"
    open: tuple[tuple[str, ...], ...] = ()  # paths (root first) of the topics that were unfolded
    cursor: tuple[str, ...] = ()  # the path of the highlighted row
    hide_done: bool = False
    kind: str | None = None
    by_topic: bool = False  # the tree by canonical topic (T) rather than by list
    jumps: tuple[str, ...] = ()  # the back/forward history's node ids, oldest first
    jump_index: int = -1  # where in ``jumps`` you are
    extra: dict = field(default_factory=dict, compare=False)  # keys other views keep here, passed through

    def to_json(self) -> dict:
        data = asdict(self)
        extra = data.pop("extra")
        data["open"] = [list(p) for p in self.open[:MAX_OPEN]]
        data["cursor"] = list(self.cursor)
        data["jumps"] = list(self.jumps)
        return {**extra, **data, "version": 1}


def state_path() -> Path:
    return user_data_dir() / STATE_FILE


def load_state(path: Path | None = None) -> ViewState:
    """The remembered view, or the default one when there is none or it cannot be read."""
    try:
        data = json.loads((path or state_path()).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ViewState()
    if not isinstance(data, dict):
        return ViewState()
    known = {"mode", "open", "cursor", "hide_done", "kind", "by_topic", "jumps", "jump_index", "version"}
    mode = data.get("mode")
    kind = data.get("kind")
    jumps = _path(data.get("jumps"))
    index = data.get("jump_index")
    index = index if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(jumps) else len(jumps) - 1
    cut = max(0, len(jumps) - MAX_JUMPS)  # a longer list than written: keep its newest
    jumps, index = jumps[cut:], max(index - cut, 0) if jumps else -1
    return ViewState(
        mode=mode if mode in MODES else "browse",
        open=tuple(p for p in (_path(p) for p in _list(data.get("open"))[:MAX_OPEN]) if p),
        cursor=_path(data.get("cursor")),
        hide_done=data.get("hide_done") is True,
        kind=kind if isinstance(kind, str) and kind else None,
        by_topic=data.get("by_topic") is True,
        jumps=jumps,
        jump_index=index,
        extra={k: v for k, v in data.items() if k not in known},
    )


def save_state(state: ViewState, path: Path | None = None) -> None:
    """Write the state atomically; raises OSError when the folder cannot be written."""
    path = path or state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tui-state-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(state.to_json(), fh, indent=1, sort_keys=True)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _path(value) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        return ()
    return tuple(value)
