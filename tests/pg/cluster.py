"""A throwaway PostgreSQL cluster from the system binaries, on a Unix socket in a temporary folder.

PostgreSQL refuses to run as root, so where the tests run as root the
server runs as the ``postgres`` system user (``runuser``); the client side
(the tracker under test) still connects as whichever database role a test
names. Password authentication is on, so a wrong password really fails.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "cluster_admin"
SUPERUSER_PASSWORD = "admin-secret"
BIN_DIRS = [Path("/usr/lib/postgresql") / v / "bin" for v in ("17", "16", "15", "14", "13")]


def find_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    for folder in [*BIN_DIRS, *(Path(p) for p in os.environ.get("PATH", "").split(os.pathsep) if p)]:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


def _server_user() -> str | None:
    """The OS user the server runs as: ourselves, unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root and no 'postgres' or 'nobody' user to run PostgreSQL as")


@dataclass
class Cluster:
    root: Path
    bin: Path
    port: int = 5432

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def _as_server(self, *args: str, **kw) -> subprocess.CompletedProcess:
        user = _server_user()
        cmd = [str(self.bin / args[0]), *args[1:]]
        if user:
            cmd = ["runuser", "-u", user, "--", *cmd]
        return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)

    def start(self) -> None:
        user = _server_user()
        self.root.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        pwfile = self.root / "pw"
        pwfile.write_text(SUPERUSER_PASSWORD + "\n")
        if user:
            entry = pwd.getpwnam(user)
            for path in (self.root, self.socket_dir, pwfile):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        self._as_server("initdb", "-D", str(self.data_dir), "-U", SUPERUSER, "--auth=scram-sha-256",
                        f"--pwfile={pwfile}", "-E", "UTF8", "--locale=C", "--no-sync")
        options = (f"-c listen_addresses='' -c unix_socket_directories='{self.socket_dir}' -p {self.port} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
        self._as_server("pg_ctl", "-D", str(self.data_dir), "-o", options, "-l", str(self.root / "log"),
                        "-w", "-t", "60", "start")

    def stop(self) -> None:
        try:
            self._as_server("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, user: str = SUPERUSER, password: str = SUPERUSER_PASSWORD, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{user}:{password}@/{database}?host={self.socket_dir}&port={self.port}"

    def admin(self, sql: str, database: str = "postgres") -> list[tuple]:
        """Run SQL as the superuser (autocommit), for setting up roles and databases."""
        import psycopg

        with psycopg.connect(host=str(self.socket_dir), port=self.port, user=SUPERUSER,
                             password=SUPERUSER_PASSWORD, dbname=database, autocommit=True) as conn:
            cur = conn.execute(sql)
            return cur.fetchall() if cur.description else []

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.admin("SELECT 1")
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
