"""Where things live: the shipped graph, the user's layer and the database.

Environment variables and command-line flags override the defaults; nothing
here touches the disk at import time.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "tracker"
REPO_ROOT = Path(__file__).resolve().parent.parent
# A checkout keeps the shipped graph at the top level; a built wheel carries it inside the package.
SHIPPED_GRAPH_DIR = next((p for p in (REPO_ROOT / "graph_data", Path(__file__).resolve().parent / "graph_data")
                          if p.is_dir()), REPO_ROOT / "graph_data")
GRAPH_DATA_ENV = "TRACKER_GRAPH_DATA"
USER_DATA_ENV = "TRACKER_DATA_DIR"
DB_ENV = "TRACKER_DB"
MEMBER_ENV = "TRACKER_MEMBER"


def user_data_dir() -> Path:
    """The per-user folder for the database and imported lists."""
    override = os.environ.get(USER_DATA_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def user_lists_dir() -> Path:
    """The user's own graph layer: one YAML file per imported list."""
    return user_data_dir() / "lists"


def graph_dirs(explicit: str | os.PathLike[str] | None = None) -> list[Path]:
    """The graph layers to load, shipped first, then the user's own.

    ``--graph-data`` or ``TRACKER_GRAPH_DATA`` replace the shipped graph; the
    user's layer is added when it exists.
    """
    base = explicit or os.environ.get(GRAPH_DATA_ENV)
    dirs = [Path(base).expanduser() if base else SHIPPED_GRAPH_DIR]
    user = user_lists_dir()
    if user.is_dir():
        dirs.append(user)
    return dirs


def default_db_url() -> str:
    override = os.environ.get(DB_ENV)
    if override:
        return override
    return str(user_data_dir() / "tracker.db")


def default_member() -> str:
    """Who this learner is on a database of their own: ``TRACKER_MEMBER``, else the OS user name.

    On PostgreSQL the member is always the connected role instead, since
    that is the name the server's row-level security checks.
    """
    override = (os.environ.get(MEMBER_ENV) or "").strip()
    if override:
        return override
    import getpass

    try:
        return getpass.getuser() or "me"
    except (KeyError, OSError):  # no passwd entry (a container's arbitrary uid)
        return "me"
