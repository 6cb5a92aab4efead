"""Financial-year partitions of the metrics layer (issue "Partitions"; macros/partitions.sql): a run
with metric_financial_years = ['2024-25'] after a full build replaces the 2024-25 rows of every
per-period model it builds, leaves the 2023-24 rows untouched, and the result equals a full rebuild.

Two small files (< 100 events, so each keeps its stated period) for LA E06000005 give periods in
both years: 2023-24 (its financial year, one rolling 12 months, four quarters) and 2024-25.
People: A in long-term residential care from 2023-04-01; B in community support from 2023-06-01
to 2024-08-31; C in community support from 2024-06-01 (new in 2024-25).

How "untouched" and "replaced" are told apart: after the full build, a marker copy of some rows
of each year is inserted under a fake LA code. A partitioned run must delete every 2024-25 row
(the marker too, as the delete goes by year, not by key) and must not touch 2023-24 (its marker
survives). Without the markers, every table must then equal the full build's.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from cld_builder import row, write_cld
from conftest import make_settings
from orchestration.defs.ingest.load import load_folder
from orchestration.defs.ingest.store import connect
from orchestration.defs.transform.project import run_dbt

Y1 = {"reporting_period_start_date": "2023-04-01", "reporting_period_end_date": "2024-03-31"}
RES = {"service_type": "Long Term Support: Residential Care", "service_component": "Long Term Residential Care"}
MARKER_LA = "E99999999"
SELECT = ["+int_metric_cells__lts", "+fct_lts_cohort", "+int_cohort_long_term_support"]
# (table, column holding the period end whose financial year places the row)
TABLES = [
    ("intermediate.int_people__period_attributes", "period_end"),
    ("intermediate.int_lts__person_snapshots", "period_end"),
    ("intermediate.int_lts__new_entrants", "period_end"),
    ("intermediate.int_metric_cells__lts", "period_end"),
    ("intermediate.int_cohort_long_term_support", "period_end"),
    ("marts.fct_lts_cohort", "period_end"),
]
YEAR_2023 = "between date '2023-04-01' and date '2024-03-31'"
YEAR_2024 = "between date '2024-04-01' and date '2025-03-31'"


def lt(person: str, start: str, end: str = "", **fields: str) -> dict[str, str]:
    return row(service=True, la_person_unique_identifier=person, event_start_date=start, event_end_date=end, **fields)


def build(settings, *extra: str, years: list[str] | None = None) -> None:
    dbt_vars = {**settings.dbt_vars(), "metric_financial_years": years}
    result = run_dbt(["build", "--select", *SELECT, "--vars", json.dumps(dbt_vars), *extra], settings)
    assert result.success, result.exception


def query(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def differences(path: Path, reference: Path, table: str) -> int:
    """Rows in one table but not the other (multisets, both ways), markers left out."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        con.execute(f"attach '{reference}' as ref (read_only)")
        mine = f"select * from {table} where la_code <> '{MARKER_LA}'"
        theirs = f"select * from ref.{table}"
        return con.execute(
            f"select (select count(*) from ({mine} except all {theirs})) + (select count(*) from ({theirs} except all {mine}))"
        ).fetchone()[0]
    finally:
        con.close()


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("partitions")
    extracts = root / "extracts"
    write_cld(
        extracts / "cld_E06000005_2024-05-10.csv",
        [lt("A", "2023-04-01", **RES, **Y1), lt("B", "2023-06-01", **Y1)],
    )
    write_cld(
        extracts / "cld_E06000005_2025-05-10.csv",
        [lt("A", "2023-04-01", **RES), lt("B", "2023-06-01", "2024-08-31"), lt("C", "2024-06-01")],
    )
    settings = make_settings(root / "wh", extracts)
    with connect(settings.duckdb_path) as con:
        assert [r.status for r in load_folder(con, extracts, settings)] == ["loaded"] * 2
    build(settings)  # full build: every year
    reference = root / "reference.duckdb"
    shutil.copy(settings.duckdb_path, reference)

    # markers: a copy of each year's rows under a fake LA code
    con = duckdb.connect(str(settings.duckdb_path))
    try:
        for table, period_end in TABLES:
            for year in (YEAR_2023, YEAR_2024):
                con.execute(
                    f"insert into {table} select * replace ('{MARKER_LA}' as la_code) from {table} "
                    f"where {period_end} {year}"
                )
    finally:
        con.close()
    build(settings, "--exclude-resource-type", "unit_test", years=["2024-25"])
    partial = root / "partial.duckdb"
    shutil.copy(settings.duckdb_path, partial)

    build(settings, "--full-refresh", years=["2024-25"])  # --full-refresh rebuilds every year
    return {"reference": reference, "partial": partial, "full_refresh": settings.duckdb_path}


@pytest.mark.parametrize(("table", "period_end"), TABLES)
def test_both_years_have_rows(warehouses: dict[str, Path], table: str, period_end: str) -> None:
    # the fixture must exercise both partitions, or the other tests prove nothing
    for year in (YEAR_2023, YEAR_2024):
        assert query(warehouses["reference"], f"select count(*) from {table} where {period_end} {year}")[0][0] > 0


@pytest.mark.parametrize(("table", "period_end"), TABLES)
def test_partial_run_leaves_2023_24_untouched(warehouses: dict[str, Path], table: str, period_end: str) -> None:
    # the 2023-24 marker rows are still there: nothing of that year was deleted or rewritten
    markers = f"select count(*) from {table} where la_code = '{MARKER_LA}' and {period_end} {YEAR_2023}"
    original = f"select count(*) from {table} where {period_end} {YEAR_2023}"
    assert query(warehouses["partial"], markers)[0][0] == query(warehouses["reference"], original)[0][0]


@pytest.mark.parametrize(("table", "period_end"), TABLES)
def test_partial_run_replaces_2024_25(warehouses: dict[str, Path], table: str, period_end: str) -> None:
    # every 2024-25 row was deleted (the markers with them) and recomputed
    markers = f"select count(*) from {table} where la_code = '{MARKER_LA}' and {period_end} {YEAR_2024}"
    assert query(warehouses["partial"], markers)[0][0] == 0


@pytest.mark.parametrize(("table", "period_end"), TABLES)
def test_partial_run_equals_a_full_rebuild(warehouses: dict[str, Path], table: str, period_end: str) -> None:
    assert differences(warehouses["partial"], warehouses["reference"], table) == 0


@pytest.mark.parametrize(("table", "period_end"), TABLES)
def test_full_refresh_rebuilds_every_year(warehouses: dict[str, Path], table: str, period_end: str) -> None:
    # --full-refresh ignores the years: the tables are recreated whole, markers gone, all years back
    assert query(warehouses["full_refresh"], f"select count(*) from {table} where la_code = '{MARKER_LA}'")[0][0] == 0
    assert differences(warehouses["full_refresh"], warehouses["reference"], table) == 0


def test_metric_years_var_and_ranges() -> None:
    from orchestration.defs.transform.partitions import financial_year_of, financial_years, metric_years_var, year_range

    assert financial_year_of(dt.date(2025, 3, 31)) == "2024-25"
    assert financial_year_of(dt.date(2025, 4, 1)) == "2025-26"
    every = financial_years(dt.date(2026, 11, 23))
    assert every == ["2023-24", "2024-25", "2025-26", "2026-27"]
    assert metric_years_var(every, every) is None  # every partition: a full rebuild
    assert metric_years_var(["2024-25", "2023-24"], every) == ["2023-24", "2024-25"]
    assert year_range(["2025-26", "2023-24"], every) == ("2023-24", "2025-26")
    with pytest.raises(ValueError):
        year_range(["2019-20"], every)


def test_cli_default_years(tmp_path: Path) -> None:
    """`ascw build` without --years: every year on a fresh warehouse; else the two latest years in
    the warehouse and any later partition (new files may start a year)."""
    from orchestration.cli import metric_year_range
    from orchestration.defs.transform.partitions import FINANCIAL_YEARS

    every = FINANCIAL_YEARS.get_partition_keys()
    settings = make_settings(tmp_path / "wh")
    assert metric_year_range(settings, None) == (every[0], every[-1])  # no warehouse file yet
    settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.duckdb_path))
    try:
        con.execute("create schema intermediate; create schema marts")
        con.execute("create table marts.commissioning_metrics (x integer)")
        con.execute(
            "create table intermediate.int_periods as select * from (values ('2023-24'), ('2024-25')) as t (financial_year)"
        )
    finally:
        con.close()
    assert metric_year_range(settings, None) == ("2023-24", every[-1])
    assert metric_year_range(settings, "2024-25") == ("2024-25", "2024-25")
    assert metric_year_range(settings, "2024-25, 2023-24") == ("2023-24", "2024-25")
    assert metric_year_range(settings, "all") == (every[0], every[-1])
