"""The store's own API tests, run again against a real PostgreSQL server.

Each module's ``store`` fixture is replaced by one on a fresh server
database; the test bodies are the same ones the SQLite suite runs.
"""

from __future__ import annotations

import pytest

from tests.test_node_prefs_store import *  # noqa: F401,F403
from tests.test_review_store import *  # noqa: F401,F403
from tests.test_store_api import *  # noqa: F401,F403
from tracker.store import open_store


# SQLite's own fast path (julianday in SQL) has no server twin: the server reads cards one by one.
del test_the_one_scan_retrievability_matches_fsrs_card_by_card  # noqa: F821


@pytest.fixture
def store(pg_store_db):
    with open_store(pg_store_db.url()) as s:
        yield s
