"""The fixture itself: a real server, password auth on."""

import pytest


def test_the_cluster_answers_and_checks_passwords(pg_db):
    import psycopg

    pg_db.add_role("alice")
    assert pg_db.sql("SELECT current_database()") == [(pg_db.name,)]
    with psycopg.connect(host=str(pg_db.cluster.socket_dir), port=pg_db.cluster.port, user="alice",
                         password="pw-alice", dbname=pg_db.name) as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("alice",)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(host=str(pg_db.cluster.socket_dir), port=pg_db.cluster.port, user="alice",
                        password="wrong", dbname=pg_db.name)
