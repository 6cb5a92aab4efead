"""The metric_trends GE suite (expectations/metric_trends.json) passes a good frame and its blocking
checks fail each broken one: a band outside its value, a band on an actual, a percentage outside
0-100, a projection on the yearly series, a projection from too few points, a changed column set."""

from __future__ import annotations

import pandas as pd
import pytest

from orchestration.defs.quality.expectations import load_suite, validate_frame
from orchestration.trends import COLUMN_TYPES

SUITE = load_suite("metric_trends")


def good_trends() -> pd.DataFrame:
    """Two actual quarter points, one yearly point and two projections of a percentage (as read
    from DuckDB: decimals arrive as floats, booleans as bool)."""
    actual = {"is_projection": False, "horizon_quarters": None, "lower": None, "upper": None, "band_pct": None}
    actual |= {"method": "actual", "points_fitted": None}
    rows = [
        {**actual, "period_grain": "quarter", "period_end": "2024-12-31", "value": 77.2},
        {**actual, "period_grain": "quarter", "period_end": "2025-03-31", "value": None, "is_suppressed": True},
        {**actual, "period_grain": "year", "period_end": "2025-03-31", "value": 79.1},
    ]
    for horizon, (value, lower, upper) in enumerate([(79.5, 78.9, 80.0), (99.8, 99.1, 100.0)], start=1):
        rows.append(
            {
                "is_projection": True,
                "horizon_quarters": horizon,
                "period_grain": "quarter",
                "period_end": ["2025-06-30", "2025-09-30"][horizon - 1],
                "value": value,
                "lower": lower,
                "upper": upper,
                "band_pct": 80,
                "method": "ets_additive_damped_80;v1;clip=0-100",
                "points_fitted": 9,
            }
        )
    frame = pd.DataFrame(rows)
    n = len(frame)
    frame = frame.assign(
        la_code="E06000005",
        metric_id="ASCOF_2A",
        metric_name="Reablement",
        unit="percent",
        better_direction="higher",
        period_start=pd.to_datetime(["2024-01-01", "2024-04-01", "2024-04-01", "2024-07-01", "2024-10-01"]),
        period_end=pd.to_datetime(frame["period_end"]),
        financial_year=["2024-25", "2024-25", "2024-25", "2025-26", "2025-26"],
        metric_method_version="dhsc_2425",
        is_suppressed=frame.get("is_suppressed", pd.Series([False] * n)).fillna(False).astype(bool),
        suppression_reason=[None, "small_count", None, None, None],
        is_provisional=False,
        points_in_series=[1, 1, 1, 1, 1],
        metric_sort_order=1,
    )
    for column in ("value", "lower", "upper"):
        frame[column] = frame[column].astype("float64")
    return frame[list(COLUMN_TYPES)]


def test_good_trends_pass() -> None:
    assert validate_frame(good_trends(), SUITE, "error").success
    assert validate_frame(good_trends(), SUITE, "warn").success


@pytest.mark.parametrize(
    ("row", "column", "value", "expectation"),
    [
        (3, "lower", 79.6, "expect_column_pair_values_a_to_be_greater_than_b"),  # lower above the value
        (3, "upper", 79.4, "expect_column_pair_values_a_to_be_greater_than_b"),  # upper below the value
        (3, "upper", None, "expect_column_values_to_not_be_null"),  # a projection without its band
        (0, "lower", 70.0, "expect_column_values_to_be_null"),  # a band on an actual
        (0, "value", 100.4, "expect_column_values_to_be_between"),  # a percentage above 100
        (4, "upper", 100.2, "expect_column_values_to_be_between"),  # an unclipped projected band
        (3, "value", -0.1, "expect_column_values_to_be_between"),
        (3, "period_grain", "year", "expect_column_values_to_be_in_set"),  # a projection of the yearly series
        (3, "points_fitted", 7, "expect_column_values_to_be_between"),  # too short a run to project
        (4, "horizon_quarters", 5, "expect_column_values_to_be_between"),  # beyond 4 quarters ahead
        (3, "is_suppressed", True, "expect_column_values_to_be_in_set"),
        (1, "period_grain", "month", "expect_column_values_to_be_in_set"),
        (0, "method", None, "expect_column_values_to_not_be_null"),
        (1, "period_end", pd.Timestamp("2024-12-31"), "expect_compound_columns_to_be_unique"),
    ],
)
def test_broken_trends_fail_the_blocking_suite(row: int, column: str, value, expectation: str) -> None:
    frame = good_trends()
    if value is None or isinstance(value, str | bool):
        frame[column] = frame[column].astype(object)
    frame.loc[row, column] = value
    result = validate_frame(frame, SUITE, "error")
    assert not result.success
    assert expectation in {f.expectation for f in result.failures if column in (f.column or column)}, result.failures


def test_a_changed_column_set_fails() -> None:
    for broken in (good_trends().assign(person_key="abc"), good_trends().drop(columns=["upper"])):
        failures = {f.expectation for f in validate_frame(broken, SUITE, "error").failures}
        assert "expect_table_columns_to_match_set" in failures
