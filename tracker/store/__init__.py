"""Progress, notes, status history and implementation runs, kept in SQL.

Importing this package is cheap: SQLAlchemy, SQLModel and Alembic load only
when a store is opened (``open_store``), so ``tracker --help`` stays fast.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .vocabulary import RUN_KINDS, RUN_OUTCOMES, STATUSES, StoreError

if TYPE_CHECKING:
    from .api import Store

__all__ = ["open_store", "Store", "StoreError", "STATUSES", "RUN_KINDS", "RUN_OUTCOMES"]


def open_store(target: str | os.PathLike[str] | None = None, member: str | None = None) -> Store:
    """Open (creating and migrating as needed) the database at a path or URL, acting for one member.

    ``None`` means ``TRACKER_DB`` or the per-user default location. The
    member is ``member``, else ``TRACKER_MEMBER``; failing both, the OS user
    name on SQLite and the connected role on a server (the name its
    row-level security checks).
    """
    from ..config import MEMBER_ENV, default_member
    from .api import Store
    from .engine import connect

    chosen = member or (os.environ.get(MEMBER_ENV) or "").strip() or None
    engine, where = connect(target, chosen or default_member())
    if chosen is None and where.path is None and engine.dialect.name != "sqlite":
        from .engine import current_role

        chosen = current_role(engine, where)
    return Store(engine, where, chosen or default_member())


def __getattr__(name: str):
    if name == "Store":
        from .api import Store

        return Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
