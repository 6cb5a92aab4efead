"""Scenario state: a validated scenario file becomes rows of raw.scenario_definitions and
raw.scenario_shifts (DDL in orchestration/defs/ingest/store.py), so dbt computes every number in
SQL. Storing a file again replaces that scenario's rows in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import duckdb

from orchestration.defs.scenarios.schema import ScenarioFile, ScenarioFileError, read_scenario

# `ascw build` stores the scenario files found in the extracts folder under this name pattern.
EXTRACTS_PATTERN = "scenario_*.yaml"


def _joined(values: list[str] | None) -> str | None:
    return "|".join(values) if values else None


def definition_row(item: ScenarioFile, loaded_at: dt.datetime) -> tuple:
    s = item.scenario
    return (
        s.scenario_id,
        s.name,
        s.description,
        s.la_code,
        s.base_quarter,
        s.years,
        s.weeks_per_year,
        s.price_uplift_percent,
        s.demand_growth_percent,
        item.path.name,
        item.sha256,
        loaded_at,
    )


def shift_rows(item: ScenarioFile) -> list[tuple]:
    return [
        (
            item.scenario.scenario_id,
            number,
            shift.from_sector,
            shift.to_sector,
            _joined(shift.cohort.psr_group),
            _joined(shift.cohort.working_age_band),
            _joined(shift.cohort.age_band),
            shift.cohort.describe(),
            shift.share_percent,
            shift.over_years,
            shift.destination_weekly_cost,
        )
        for number, shift in enumerate(item.scenario.shifts, start=1)
    ]


def store_scenario(con: duckdb.DuckDBPyConnection, item: ScenarioFile, loaded_at: dt.datetime | None = None) -> None:
    """Replace the scenario's rows with the file's (the connection must have the raw schema)."""
    loaded_at = loaded_at or dt.datetime.now()
    scenario_id = item.scenario.scenario_id
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM raw.scenario_shifts WHERE scenario_id = ?", [scenario_id])
        con.execute("DELETE FROM raw.scenario_definitions WHERE scenario_id = ?", [scenario_id])
        con.execute(
            "INSERT INTO raw.scenario_definitions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            definition_row(item, loaded_at),
        )
        con.executemany("INSERT INTO raw.scenario_shifts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", shift_rows(item))
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def extract_scenario_files(folder: Path | None) -> list[Path]:
    """Scenario files in the extracts folder (the file loaders ignore .yaml: load.EXTRACT_SUFFIXES)."""
    if folder is None or not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(EXTRACTS_PATTERN) if p.is_file())


def store_folder(con: duckdb.DuckDBPyConnection, paths: Iterable[Path]) -> tuple[list[ScenarioFile], list[str]]:
    """Store every valid file; return the stored scenarios and one message per invalid file (a bad
    scenario never stops a warehouse build; `ascw scenario validate` explains it)."""
    stored, errors = [], []
    for path in paths:
        try:
            item = read_scenario(path)
        except ScenarioFileError as exc:
            errors.append(str(exc))
            continue
        store_scenario(con, item)
        stored.append(item)
    return stored, errors


def copy_example_scenarios(out_dir: Path) -> list[Path]:
    """Copy the canonical demo scenarios (docs/scenarios/) into an extracts folder, so `ascw build`
    on generated data shows them (`ascw generate`)."""
    import shutil

    from orchestration.settings import PROJECT_ROOT

    written = []
    for source in sorted((PROJECT_ROOT / "docs" / "scenarios").glob(EXTRACTS_PATTERN)):
        out_dir.mkdir(parents=True, exist_ok=True)
        written.append(Path(shutil.copyfile(source, out_dir / source.name)))
    return written
