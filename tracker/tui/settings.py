"""The user's TUI preferences: the chosen theme (remembered) and an optional keymap.

Both live in the user data dir (``TRACKER_DATA_DIR`` overrides it):
``tui-settings.json`` is written by the app; ``keymap.toml`` is written by
the user and maps binding ids to keys, for example::

    mark_read = "R"
    undo = "ctrl+z,u"

A broken file never stops the app: it is reported and ignored.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Any

from ..config import user_data_dir

SETTINGS_FILE = "tui-settings.json"
KEYMAP_FILE = "keymap.toml"


def settings_path() -> Path:
    return user_data_dir() / SETTINGS_FILE


def keymap_path() -> Path:
    return user_data_dir() / KEYMAP_FILE


def load_settings() -> dict[str, Any]:
    try:
        data = json.loads(settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_settings(**changes: Any) -> None:
    """Merge changes into the settings file, atomically (a crash never leaves half a file)."""
    path = settings_path()
    data = {**load_settings(), **changes}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def load_keymap(known_ids: set[str]) -> tuple[dict[str, str], list[str]]:
    """Binding id -> keys from keymap.toml (top level or a ``[keymap]`` table), and problems found."""
    path = keymap_path()
    if not path.is_file():
        return {}, []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        return {}, [f"{path}: {err}"]
    if isinstance(data.get("keymap"), dict):
        data = data["keymap"]
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in data.items():
        if binding_id not in known_ids:
            problems.append(f"{path}: unknown binding id {binding_id!r}")
        elif not isinstance(keys, str) or not keys.strip():
            problems.append(f"{path}: {binding_id} must be a key string such as \"ctrl+r\"")
        else:
            keymap[binding_id] = keys.strip()
    return keymap, problems
