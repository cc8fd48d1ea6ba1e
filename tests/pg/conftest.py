"""Fixtures for the tests against a real PostgreSQL server.

One cluster per test process (xdist worker); each test gets its own
database, owned by an ``organiser`` role that is not a superuser, and
member roles that log in with passwords. Without the binaries the tests
skip with the reason, except under ``CI=true``, where that is a failure.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from pathlib import Path

import pytest

from .cluster import Cluster, find_binaries

ORGANISER = "organiser"
PASSWORD = "pw-{}"  # each role's password is derived from its name
_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_cluster():
    binaries = find_binaries()
    if binaries is None:
        reason = "PostgreSQL binaries (initdb, pg_ctl) not found; install the 'postgresql' package"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " (CI=true: a skipped server test is a failure)")
        pytest.skip(reason)
    root = Path(tempfile.mkdtemp(prefix="tracker-pg-"))
    os.chmod(root, 0o755)
    cluster = Cluster(root / "cluster", binaries)
    cluster.start()
    cluster.wait_ready()
    cluster.admin(f"CREATE ROLE {ORGANISER} LOGIN CREATEROLE PASSWORD '{PASSWORD.format(ORGANISER)}'")
    yield cluster
    cluster.stop()


class GroupDB:
    """One test's database on the shared cluster, with helpers to make member roles."""

    def __init__(self, cluster: Cluster, name: str) -> None:
        self.cluster, self.name = cluster, name

    def url(self, role: str = ORGANISER, password: str | None = None) -> str:
        return self.cluster.url(role, password or PASSWORD.format(role), self.name)

    def add_role(self, role: str) -> str:
        self.cluster.admin(f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN "
                           f"CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD.format(role)}'; END IF; END $$")
        return self.url(role)

    def sql(self, text: str) -> list[tuple]:
        return self.cluster.admin(text, database=self.name)


def _new_database(cluster: Cluster, template: str | None = None) -> GroupDB:
    name = f"group_{os.getpid()}_{next(_counter)}"
    copy = f" TEMPLATE {template}" if template else ""
    cluster.admin(f"CREATE DATABASE {name} OWNER {ORGANISER}{copy}")
    cluster.admin(f"REVOKE ALL ON DATABASE {name} FROM PUBLIC")
    cluster.admin(f"GRANT CONNECT ON DATABASE {name} TO PUBLIC")
    return GroupDB(cluster, name)


@pytest.fixture
def pg_db(pg_cluster) -> GroupDB:
    """An empty database, for tests of migrations and of opening."""
    db = _new_database(pg_cluster)
    yield db
    pg_cluster.admin(f"DROP DATABASE IF EXISTS {db.name} WITH (FORCE)")


@pytest.fixture(scope="session")
def pg_migrated_template(pg_cluster) -> str:
    """A database migrated to head once per session, copied for each test (migrating costs a second)."""
    from tracker.store import open_store

    db = _new_database(pg_cluster)
    open_store(db.url()).close()
    return db.name


@pytest.fixture
def pg_store_db(pg_cluster, pg_migrated_template) -> GroupDB:
    """A database already at the current schema, owned by the organiser."""
    db = _new_database(pg_cluster, pg_migrated_template)
    yield db
    pg_cluster.admin(f"DROP DATABASE IF EXISTS {db.name} WITH (FORCE)")
