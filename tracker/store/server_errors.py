"""One line for each way a database server can fail us, naming the server and the cause.

psycopg's messages are several lines of libpq text; a learner needs to
know which server, what went wrong and what to do. A write cut off by a
dropped connection was rolled back by the server (a transaction commits
whole or not at all), and the line says so.
"""

from __future__ import annotations

import re

from sqlalchemy.engine import URL

DROPPED = ("server closed the connection", "terminating connection", "connection to server was lost",
           "consuming input failed", "connection is closed", "the connection is lost", "ssl syscall error",
           "could not receive data", "could not send data")


def server_name(url: URL) -> str:
    """host:port of a server URL, or the socket folder for a Unix-socket connection."""
    host = url.host or url.query.get("host") or "localhost"
    if isinstance(host, tuple):
        host = host[0]
    port = url.port or url.query.get("port") or 5432
    if isinstance(port, tuple):
        port = port[0]
    return f"{host}:{port}"


def _first(pattern: str, text: str) -> str | None:
    found = re.search(pattern, text)
    return found.group(1) if found else None


def describe(err: BaseException, url: URL, writing: bool = False) -> str:
    """The one line to show for a server error (the raw first line when it is none of the known kinds)."""
    raw = str(getattr(err, "orig", None) or err)
    text = raw.lower()
    where = f"PostgreSQL at {server_name(url)}"
    user = url.username or "?"
    if "password authentication failed" in text or "no password supplied" in text:
        return f"{where} refused role {user}: wrong or missing password"
    if "role" in text and "does not exist" in text:
        role = _first(r'role "([^"]+)"', raw) or user
        return f"{where} has no role {role}; ask the organiser to create it"
    if "database" in text and "does not exist" in text:
        name = _first(r'database "([^"]+)"', raw) or url.database
        return f"{where} has no database {name!r}; check the name in --db, or ask the organiser to create it"
    if "row-level security" in text:
        table = _first(r'table "([^"]+)"', raw) or "a table"
        return (f"{where} refused the change to {table}: a member may change only their own rows "
                f"(you are connected as {user}); nothing was written")
    if "permission denied" in text:
        what = _first(r"permission denied for (\w+ \"?[\w.]+\"?)", raw) or "a table"
        return (f"{where} denied {user} access ({what}); the organiser runs tracker group init and "
                f"grants you the member role")
    if any(mark in text for mark in DROPPED):
        tail = "; the change was not committed (run the command again)" if writing else ""
        return f"lost the connection to {where} in the middle of a command{tail}"
    if "connection refused" in text or "no such file or directory" in text or "is the server running" in text:
        return f"cannot reach {where}: the server is not running or not accepting connections"
    if "could not translate host name" in text or "name or service not known" in text:
        return f"cannot reach {where}: unknown host name"
    if "timeout" in text and "connect" in text:
        return f"cannot reach {where}: the connection timed out"
    first = raw.strip().splitlines()[0] if raw.strip() else type(err).__name__
    return f"{where}: {first}"
