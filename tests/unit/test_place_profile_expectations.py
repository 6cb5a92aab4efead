"""The place_profile GE suite passes a good frame (as its query returns it) and fails broken ones."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from orchestration.defs.quality.expectations import load_suite, validate_frame


def good_place() -> pd.DataFrame:
    """Four rows of the shape the suite's query returns: a share, a change, a supplied value, a NULL."""
    n = 4
    frame = pd.DataFrame(
        {
            "la_code": ["E06000005"] * n,
            "financial_year": ["2024-25"] * n,
            "period_start": pd.to_datetime(["2024-04-01"] * n),
            "period_end": pd.to_datetime(["2025-03-31"] * n),
            "landscape_variable": ["five_areas", "austerity_budget", "austerity_budget", "provider_range"],
            "indicator": ["gce_share_enabling", "nce_change_pct", "asc_budget_net", "rating_share_good"],
            "indicator_label": ["a", "b", "c", "d"],
            "event_seq": [0] * n,
            "value": [8.9, -120.5, 78900000.0, None],
            "value_text": [None] * n,
            "unit": ["percent", "percent", "gbp", "percent"],
            "source": ["finance", "finance", "place_inputs", "cqc_directory"],
            "is_supplied": [False, False, True, False],
            "anchor": [None] * n,
            "anchor_gap": [None] * n,
            "event_date": [None] * n,
            "note": [None] * n,
            "null_reason": [None, None, None, "input_not_supplied"],
            "sort_order": [66, 21, 101, 77],
        }
    )
    return with_query_columns(frame)


def with_query_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Run the suite's own query over the frame (as the asset check does over the table)."""
    query = load_suite("place_profile")["query"].replace("marts.place_profile", "place")
    con = duckdb.connect()
    con.register("place", frame)
    return con.sql(query).df()


def test_good_place_profile_passes() -> None:
    suite = load_suite("place_profile")
    assert validate_frame(good_place(), suite, "error").success
    assert validate_frame(good_place(), suite, "warn").success


@pytest.mark.parametrize(
    ("column", "row", "value", "expectation"),
    [
        ("value", 0, 100.1, "expect_column_values_to_be_between"),  # a share above 100
        ("value", 0, -0.1, "expect_column_values_to_be_between"),  # a negative share
        ("is_supplied", 0, True, "expect_column_values_to_be_in_set"),  # supplied but from finance
        ("source", 0, "ons", "expect_column_values_to_be_in_set"),
        ("null_reason", 3, None, "expect_column_values_to_be_in_set"),  # a silent NULL
        ("indicator", 1, "gce_share_enabling", "expect_compound_columns_to_be_unique"),  # two rows, one key
    ],
)
def test_broken_place_profile_fails_the_blocking_suite(column: str, row: int, value, expectation: str) -> None:
    frame = good_place().drop(columns=["share_value", "is_supplied_elsewhere", "is_unexplained_null"])
    frame[column] = frame[column].astype(object)
    frame.loc[row, column] = value
    if column == "indicator":
        frame.loc[row, "unit"] = "gbp"  # keep the share check quiet: only the grain breaks
    if column == "is_supplied":
        frame["is_supplied"] = frame["is_supplied"].astype(bool)
    result = validate_frame(with_query_columns(frame), load_suite("place_profile"), "error")
    assert not result.success
    assert expectation in {f.expectation for f in result.failures}


def test_an_extra_column_fails() -> None:
    leaky = good_place().assign(person_key="abc")
    failures = {f.expectation for f in validate_frame(leaky, load_suite("place_profile"), "error").failures}
    assert "expect_table_columns_to_match_set" in failures
