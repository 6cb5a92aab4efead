"""Fixtures for integration tests: a real PostgreSQL server for the session (tests/postgres_server.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from postgres_server import PostgresServer, running_postgres


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A private PostgreSQL server on a free 127.0.0.1 port with an empty database `ascw`.

    Skips when the server binaries are missing, unless CI is set (then it fails).
    """
    with running_postgres() as server:
        yield server
