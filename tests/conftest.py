"""Shared fixtures: telemetry off, the dbt manifest, and small warehouses built from fixtures."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS_DIR))

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PYTHONWARNINGS", "ignore::RuntimeWarning")

from orchestration.settings import Settings, load_settings  # noqa: E402

TEST_KEY = "test-hmac-key-not-secret"


def make_settings(warehouse: Path, extracts: Path | None = None, **env: str) -> Settings:
    """Settings for a test warehouse: synthetic 999 NHS numbers allowed, a fixed HMAC key."""
    base = {"ASCW_ALLOW_TEST_NHS_NUMBERS": "true", "ASCW_HMAC_KEY": TEST_KEY}
    base.update(env)
    return load_settings(warehouse, extracts, env=base)


@pytest.fixture(scope="session")
def dbt_manifest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`dbt parse` once per session: dagster-dbt needs the manifest before definitions import."""
    from orchestration.defs.transform.project import MANIFEST_PATH, run_dbt, vars_argument

    settings = make_settings(tmp_path_factory.mktemp("parse"))
    result = run_dbt(["--quiet", "parse", *vars_argument(settings)], settings)
    assert result.success, result.exception
    return MANIFEST_PATH


@pytest.fixture(scope="session")
def postgres_server():
    """A private PostgreSQL server on a free 127.0.0.1 port with an empty database `ascw`.

    Skips when the server binaries are missing, unless CI is set (then it fails).
    """
    from postgres_server import running_postgres

    with running_postgres() as server:
        yield server
