"""The dbt project as seen from Python: paths, environment and an in-process runner.

The environment carries the absolute DuckDB path and switches telemetry off; every dbt call in the
project (Dagster assets, CLI, tests) goes through `dbt_environment` so they agree.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR, Settings

MANIFEST_PATH = DBT_PROJECT_DIR / "target" / "manifest.json"


def dbt_executable() -> str:
    """dbt from this project's own environment (cron does not put the venv on PATH)."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def dbt_environment(settings: Settings, target: str = "duckdb", extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {
        "ASCW_DUCKDB_PATH": str(settings.duckdb_path),
        "ASCW_DBT_TARGET": target,
        "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
        "DBT_PROJECT_DIR": str(DBT_PROJECT_DIR),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_LOG_PATH": str(settings.warehouse_dir / "logs"),
        # agate warns about the header-only code-list seeds; the column types are set in dbt_project.yml
        "PYTHONWARNINGS": "ignore::RuntimeWarning",
    }
    env.update(extra or {})
    return env


def vars_argument(settings: Settings) -> list[str]:
    return ["--vars", json.dumps(settings.dbt_vars())]


@contextmanager
def patched_environ(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_dbt(args: list[str], settings: Settings, target: str = "duckdb", extra_env: dict[str, str] | None = None):
    """Run dbt in-process (dbtRunner) against a target; returns the dbtRunnerResult."""
    from dbt.cli.main import dbtRunner

    with patched_environ(dbt_environment(settings, target, extra_env)):
        return dbtRunner().invoke([*args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)])
