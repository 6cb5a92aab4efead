"""Small test warehouses: fixture files in, one dbt build, read-only queries out.

The dbt test modules write their hand-made extracts (tests/cld_builder.py, `write_population`)
into `<root>/extracts`, then `load_and_build(root, extracts, select)` loads the folder into
`<root>/wh/warehouse.duckdb` and runs one `dbt build` of the selection; each test reads the result
with `query(root, sql)`.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb

from conftest import make_settings
from orchestration.defs.ingest.load import load_folder
from orchestration.defs.ingest.store import connect
from orchestration.defs.transform.project import run_dbt
from orchestration.settings import Settings

POPULATION_HEADER = ["la_code", "mid_year", "sex", "age", "population"]


def write_population(path: Path, rows: Iterable[tuple[str, int, str | int, int, int]]) -> Path:
    """A population file in the project's simple layout: (la_code, mid_year, sex, age, population) rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(POPULATION_HEADER)
        writer.writerows(rows)
    return path


def settings_for(root: Path) -> Settings:
    """The test settings of the warehouse under `root` (`root/wh`, extracts in `root/extracts`)."""
    return make_settings(root / "wh", root / "extracts")


def dbt(settings: Settings, command: str, select: str | None = None, **variables: Any) -> None:
    """Run one dbt command (the whole project when `select` is None) with the settings' vars plus
    `variables`; fail with the tail of dbt's output."""
    selection = ["--select", select] if select else []
    merged = {**settings.dbt_vars(), **variables}
    result = run_dbt([command, *selection, "--vars", json.dumps(merged)], settings)
    assert result.success, result.exception


def load_and_build(root: Path, extracts: Path, select: str | None, **variables: Any) -> Settings:
    """Load every file in `extracts` (each must load) into `root/wh`, then one `dbt build --select`."""
    settings = make_settings(root / "wh", extracts)
    with connect(settings.duckdb_path) as con:
        results = load_folder(con, extracts, settings)
    written = sorted(p.name for p in extracts.iterdir() if p.is_file())
    loaded = {r.source_file: r.status for r in results}
    assert loaded == dict.fromkeys(written, "loaded"), [(r.source_file, r.status, r.message) for r in results]
    dbt(settings, "build", select, **variables)
    return settings


def query(where: Path | Settings, sql: str) -> list[tuple]:
    """Rows of `sql` from the warehouse under a test root (or of these settings), opened read-only."""
    path = where.duckdb_path if isinstance(where, Settings) else where / "wh" / "warehouse.duckdb"
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()
