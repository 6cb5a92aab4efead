"""The dbt project as seen from Python: paths, environment and a runner.

The environment carries the absolute DuckDB path and switches telemetry off; every dbt call in the
project (Dagster assets, CLI, tests) goes through `dbt_environment` so they agree.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR, Settings

MANIFEST_PATH = DBT_PROJECT_DIR / "target" / "manifest.json"


def manifest_is_fresh(manifest: Path = MANIFEST_PATH) -> bool:
    """True when the manifest is newer than every model, seed, macro and project file."""
    if not manifest.exists():
        return False
    built = manifest.stat().st_mtime
    sources = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    for folder in (DBT_PROJECT_DIR.parent / "models", DBT_PROJECT_DIR.parent / "seeds", DBT_PROJECT_DIR / "macros"):
        sources.extend(p for p in folder.rglob("*") if p.is_file())
    return all(p.stat().st_mtime <= built for p in sources)


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


@dataclass(frozen=True)
class DbtRun:
    """Outcome of one dbt command run as a subprocess."""

    args: list[str]
    returncode: int
    output: str

    @property
    def success(self) -> bool:
        return self.returncode == 0

    @property
    def exception(self) -> str:
        """The tail of dbt's output, for error messages."""
        return "\n".join(self.output.splitlines()[-25:])


def run_dbt(
    args: list[str],
    settings: Settings,
    target: str = "duckdb",
    extra_env: dict[str, str] | None = None,
    echo: bool = False,
) -> DbtRun:
    """Run dbt against a target in a subprocess.

    A subprocess, not dbtRunner: dbt-duckdb keeps its DuckDB handle open for the life of the
    process, which would lock the working file against the loaders and readers that follow.
    """
    env = {**os.environ, **dbt_environment(settings, target, extra_env)}
    command = [dbt_executable(), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    completed = subprocess.run(command, env=env, capture_output=not echo, text=True, check=False)
    output = (completed.stdout or "") + (completed.stderr or "")
    return DbtRun(args, completed.returncode, output)
