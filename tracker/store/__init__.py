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


def open_store(target: str | os.PathLike[str] | None = None) -> Store:
    """Open (creating and migrating as needed) the database at a path or URL.

    ``None`` means ``TRACKER_DB`` or the per-user default location.
    """
    from .api import Store
    from .engine import connect

    engine, where = connect(target)
    return Store(engine, where)


def __getattr__(name: str):
    if name == "Store":
        from .api import Store

        return Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
