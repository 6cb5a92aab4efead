"""metric_trends built by real dbt (the Python model on dbt-duckdb) from a hand-made
commissioning_metrics: the series rows are the input rows, projections exist only for the long
quarterly series, with exact types (metrics.md §8 "Trends and projections").

Building commissioning_metrics from extracts would take minutes, so the test writes the mart's
table directly (the columns metric_trends reads) and seeds the metric catalogue:

| metric                 | unit    | rolling_12m rows (quarter ends)                          | other rows              |
|------------------------|---------|----------------------------------------------------------|-------------------------|
| ASCOF_2E               | percent | 9: 2023-03-31 … 2025-03-31, 60.0 rising to 64.0         | 2023-24 and 2024-25 year; one age-band row |
| REQUESTS_NEW_CLIENTS   | count   | 5: 2024-03-31 … 2025-03-31, the 2024-09-30 one suppressed | —                     |

ASCOF_2E: 9 consecutive unsuppressed points ≥ trend_min_points (8) → 4 projection rows, 2025-06-30
… 2026-03-31, rounded to 1 dp, inside 0-100. REQUESTS_NEW_CLIENTS: 5 points (and a NULL) → none.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import make_settings
from dbt_warehouse import dbt, query
from orchestration.settings import Settings
from orchestration.trends import financial_year_label, project_series, quarter_end_after, rolling_start

LA = "E06000005"
METHOD = "dhsc_2425;person_id_rule=coalesce;selection=joined;as_of=latest"
E2_ENDS = [quarter_end_after(date(2023, 3, 31), i) for i in range(9)]
E2_VALUES = ["60.00", "60.40", "61.10", "61.50", "62.00", "62.60", "63.10", "63.50", "64.00"]
REQ_ENDS = E2_ENDS[4:]
REQ_VALUES = ["5424.00", "5377.00", None, "5437.00", "5343.00"]


def metric_rows() -> list[tuple]:
    """(la_code, period_type, period_start, period_end, financial_year, metric_id, breakdown,
    breakdown_value, value, unit, is_suppressed, suppression_reason, is_provisional, method_version)"""

    rows = [
        (
            LA,
            "rolling_12m",
            rolling_start(e),
            e,
            financial_year_label(e),
            "ASCOF_2E",
            "total",
            "Total",
            v,
            "percent",
            False,
            None,
        )
        for e, v in zip(E2_ENDS, E2_VALUES, strict=True)
    ]
    rows += [
        (
            LA,
            "rolling_12m",
            rolling_start(e),
            e,
            financial_year_label(e),
            "REQUESTS_NEW_CLIENTS",
            "total",
            "Total",
            v,
            "count",
            v is None,
            "secondary" if v is None else None,
        )
        for e, v in zip(REQ_ENDS, REQ_VALUES, strict=True)
    ]
    rows += [
        (
            LA,
            "financial_year",
            date(2023, 4, 1),
            date(2024, 3, 31),
            "2023-24",
            "ASCOF_2E",
            "total",
            "Total",
            "61.50",
            "percent",
            False,
            None,
        ),
        (
            LA,
            "financial_year",
            date(2024, 4, 1),
            date(2025, 3, 31),
            "2024-25",
            "ASCOF_2E",
            "total",
            "Total",
            "64.00",
            "percent",
            False,
            None,
        ),
        # not the headline: never in the trends
        (
            LA,
            "rolling_12m",
            rolling_start(E2_ENDS[-1]),
            E2_ENDS[-1],
            "2024-25",
            "ASCOF_2E",
            "age_band",
            "65+",
            "99.90",
            "percent",
            False,
            None,
        ),
    ]
    return [(*r, False, METHOD) for r in rows]


def write_commissioning_metrics(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema if not exists marts")
        con.execute(
            """create table marts.commissioning_metrics (
                la_code varchar, period_type varchar, period_start date, period_end date,
                financial_year varchar, metric_id varchar, breakdown varchar, breakdown_value varchar,
                value decimal(18, 2), unit varchar, is_suppressed boolean, suppression_reason varchar,
                is_provisional boolean, method_version varchar)"""
        )
        con.executemany(
            "insert into marts.commissioning_metrics values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", metric_rows()
        )
    finally:
        con.close()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("trends")
    settings = make_settings(root / "wh")
    write_commissioning_metrics(settings.duckdb_path)
    # one invocation: the catalogue seed, then the Python model and its tests
    dbt(settings, "build", "metric_catalogue metric_trends")
    return settings


def trends(settings: Settings, where: str) -> list[tuple]:
    return query(
        settings,
        "select metric_id, period_grain, period_start, period_end, financial_year, value, is_suppressed, "
        "suppression_reason, lower, upper, method, horizon_quarters, points_in_series, points_fitted "
        f"from marts.metric_trends where {where} order by metric_id, period_grain, period_end",
    )


def test_series_rows_are_the_headline_input_rows(warehouse: Settings) -> None:
    actual = trends(warehouse, "not is_projection")
    expected = [
        (
            "ASCOF_2E",
            "quarter",
            rolling_start(e),
            e,
            financial_year_label(e),
            Decimal(v),
            False,
            None,
            None,
            None,
            "actual",
            None,
            9,
            None,
        )
        for e, v in zip(E2_ENDS, E2_VALUES, strict=True)
    ]
    expected += [
        (
            "ASCOF_2E",
            "year",
            date(2023, 4, 1),
            date(2024, 3, 31),
            "2023-24",
            Decimal("61.50"),
            False,
            None,
            None,
            None,
            "actual",
            None,
            2,
            None,
        ),
        (
            "ASCOF_2E",
            "year",
            date(2024, 4, 1),
            date(2025, 3, 31),
            "2024-25",
            Decimal("64.00"),
            False,
            None,
            None,
            None,
            "actual",
            None,
            2,
            None,
        ),
    ]
    expected += [
        (
            "REQUESTS_NEW_CLIENTS",
            "quarter",
            rolling_start(e),
            e,
            financial_year_label(e),
            None if v is None else Decimal(v),
            v is None,
            "secondary" if v is None else None,
            None,
            None,
            "actual",
            None,
            4,
            None,
        )
        for e, v in zip(REQ_ENDS, REQ_VALUES, strict=True)
    ]
    assert actual == expected


def test_projections_only_for_the_long_quarterly_series(warehouse: Settings) -> None:
    projected = trends(warehouse, "is_projection")
    assert [(r[0], r[1], r[3], r[11]) for r in projected] == [
        ("ASCOF_2E", "quarter", quarter_end_after(E2_ENDS[-1], h), h) for h in (1, 2, 3, 4)
    ]
    # the model passes the whole series and the dbt vars (8 points, 4 quarters, 80%) to the maths
    expected = project_series([(e, Decimal(v)) for e, v in zip(E2_ENDS, E2_VALUES, strict=True)], "percent", 8, 4, 80)
    assert [(r[2], r[5], r[8], r[9]) for r in projected] == [
        (p.period_start, p.value, p.lower, p.upper) for p in expected
    ]
    for r in projected:
        assert Decimal(0) <= r[8] <= r[5] <= r[9] <= Decimal(100)
        assert r[5] == r[5].quantize(Decimal("0.1"))  # 1 dp
        assert r[6] is False and r[7] is None
        assert r[10] == "ets_additive_damped_80;v1;clip=0-100"
        assert r[13] == 9
    assert projected[0][2:5] == (date(2024, 7, 1), date(2025, 6, 30), "2025-26")
    assert projected[0][5] > Decimal("64.0")  # a rising series keeps rising


def test_exact_column_types(warehouse: Settings) -> None:
    types = dict(
        query(
            warehouse,
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'marts' and table_name = 'metric_trends'",
        )
    )
    assert {c: types[c] for c in ("value", "lower", "upper")} == dict.fromkeys(
        ("value", "lower", "upper"), "DECIMAL(18,2)"
    )
    assert {c: types[c] for c in ("is_projection", "is_suppressed", "is_provisional")} == dict.fromkeys(
        ("is_projection", "is_suppressed", "is_provisional"), "BOOLEAN"
    )
    assert types["period_end"] == "DATE"
    assert types["horizon_quarters"] == "INTEGER"


def test_a_higher_minimum_leaves_no_projection(warehouse: Settings) -> None:
    """var trend_min_points reaches the Python model through its config: 10 > 9 points → none."""
    dbt(warehouse, "run", "metric_trends", trend_min_points=10)
    assert query(warehouse, "select count(*) from marts.metric_trends where is_projection") == [(0,)]
    assert query(warehouse, "select count(*) from marts.metric_trends") == [(16,)]
