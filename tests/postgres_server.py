"""A throwaway PostgreSQL server for tests: real binaries, a temp dir, a free loopback port.

`running_postgres()` runs `initdb` and `pg_ctl start` in a fresh temporary directory, listening on
127.0.0.1 only (plus a Unix socket inside the temp dir) with trust authentication, creates the
database `ascw`, yields the connection parameters and always stops the server (`pg_ctl stop -m
fast`) and removes the directory. PostgreSQL refuses to run as root, so when the tests run as root
the server runs as an unprivileged user (`nobody` unless ASCW_PG_TEST_USER names another), with
the temp dir handed to that user.

Binaries come from ASCW_PG_BINDIR, else /usr/lib/postgresql/15/bin (the Debian `postgresql`
package), else the newest /usr/lib/postgresql/*/bin, else PATH. Missing binaries skip the tests
locally, but fail them when CI is set: CI must never pass by skipping.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

DEFAULT_BINDIR = Path("/usr/lib/postgresql/15/bin")
DATABASE = "ascw"
SUPERUSER = "postgres"
_REQUIRED = ("initdb", "pg_ctl", "postgres")


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    dbname: str
    password: str = ""

    def conninfo(self, dbname: str | None = None) -> str:
        return f"host={self.host} port={self.port} user={self.user} dbname={dbname or self.dbname}"

    def dbt_env(self) -> dict[str, str]:
        """The variables dbt_project/profiles.yml reads for the postgres target."""
        return {
            "ASCW_PG_HOST": self.host,
            "ASCW_PG_PORT": str(self.port),
            "ASCW_PG_USER": self.user,
            "ASCW_PG_PASSWORD": self.password,
            "ASCW_PG_DBNAME": self.dbname,
        }


def find_bindir() -> Path | None:
    """The directory holding initdb, pg_ctl and postgres, or None."""
    candidates: list[Path] = []
    if os.environ.get("ASCW_PG_BINDIR"):
        candidates.append(Path(os.environ["ASCW_PG_BINDIR"]))
    candidates.append(DEFAULT_BINDIR)
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version, reverse=True)
    candidates.extend(Path(p) for p in versions)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    for directory in candidates:
        if all((directory / name).is_file() for name in _REQUIRED):
            return directory
    return None


def _version(path: str) -> int:
    try:
        return int(Path(path).parent.name.split(".")[0])
    except ValueError:
        return 0


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def _skip_or_fail(reason: str) -> None:
    if _in_ci():
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_account() -> pwd.struct_passwd | None:
    """The account to run the server as: None (this process's user) unless running as root."""
    if os.geteuid() != 0:
        return None
    name = os.environ.get("ASCW_PG_TEST_USER", "nobody")
    try:
        return pwd.getpwnam(name)
    except KeyError:
        pytest.fail(
            f"running as root and there is no user {name!r} to run PostgreSQL as; "
            "set ASCW_PG_TEST_USER to an unprivileged account",
            pytrace=False,
        )
        raise


def _run(args: list[str], account: pwd.struct_passwd | None, timeout: float = 120) -> None:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "LANG": "C", "TZ": "UTC"}
    kwargs = {}
    if account is not None:
        env["HOME"] = "/tmp"
        kwargs = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout, check=False, **kwargs)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")


@contextmanager
def running_postgres(dbname: str = DATABASE) -> Iterator[PostgresServer]:
    """Start a private PostgreSQL server, create `dbname`, yield its parameters, then tear it down."""
    bindir = find_bindir()
    if bindir is None:
        _skip_or_fail(
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in "
            f"{DEFAULT_BINDIR} or on PATH; install the Debian package `postgresql` or set ASCW_PG_BINDIR"
        )
    import psycopg

    account = _server_account()
    # Under /tmp rather than $TMPDIR: the server's user must reach it, and the Unix socket path
    # inside it must stay under the 107-byte limit.
    base = Path(tempfile.mkdtemp(prefix="ascw-pg-", dir="/tmp" if Path("/tmp").is_dir() else None))
    data, sockets, log = base / "data", base / "run", base / "server.log"
    try:
        sockets.mkdir()
        if account is not None:
            for path in (base, sockets):
                os.chown(path, account.pw_uid, account.pw_gid)
        os.chmod(base, 0o700)
        _run(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
            ],
            account,
        )
        port = 0
        for attempt in range(3):  # another process may take the free port between bind and start
            port = _free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=20"
            )
            try:
                _run(
                    [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o", options, "start"],
                    account,
                )
                break
            except RuntimeError:
                if attempt == 2:
                    raise RuntimeError(f"PostgreSQL did not start; server log:\n{_tail(log)}") from None
                time.sleep(0.2)
        server = PostgresServer(host="127.0.0.1", port=port, user=SUPERUSER, dbname=dbname)
        with psycopg.connect(server.conninfo("postgres"), autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{dbname}"')
        yield server
    finally:
        try:
            if (data / "postmaster.pid").exists():
                _run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "-t", "60", "stop"], account)
        finally:
            shutil.rmtree(base, ignore_errors=True)


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"
