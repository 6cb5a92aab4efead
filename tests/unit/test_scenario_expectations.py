"""The blocking GE suite of resource_shift_scenarios passes a good frame (as its query returns it)
and fails each broken one (context.md §3 (d) invariants)."""

from __future__ import annotations

import pandas as pd
import pytest

from orchestration.defs.quality.expectations import load_suite, validate_frame

SUITE = load_suite("resource_shift_scenarios")


def good_frame() -> pd.DataFrame:
    """One scenario year: 1 of 10 people moves from residential care (£1,000/wk) to supported living
    (£800/wk) over 52 weeks: out £52,000, in £41,600, total change −£10,400 (the unit-cost difference)."""
    columns = SUITE["expectations"][0]["kwargs"]["column_set"]
    frame = pd.DataFrame({c: [None, None] for c in columns})
    values = {
        "scenario_id": ["s", "s"],
        "la_code": ["E06000005"] * 2,
        "scenario_year": [1, 1],
        "sector_id": ["residential_care", "supported_living"],
        "sector_role": ["source", "destination"],
        "baseline_people": [10.0, 5.0],
        "scenario_people": [9.0, 6.0],
        "baseline_spend": [520000.0, 208000.0],
        "spend_moved_out": [52000.0, 0.0],
        "spend_moved_in": [0.0, 41600.0],
        "scenario_spend": [468000.0, 249600.0],
        "price_source": [None, "observed_mean"],
        "is_estimate": [True, True],
        "is_suppressed": [False, False],
        "identity_difference_pence": [0, 0],
        "total_identity_difference_pence": [0, 0],
        "zero_shift_difference_pence": [0, 0],
        "source_people_excess": [-1.0, 0.0],
    }
    for column, column_values in values.items():
        frame[column] = column_values
    return frame


def test_good_frame_passes() -> None:
    outcome = validate_frame(good_frame(), SUITE, "error")
    assert outcome.success, outcome.failures


@pytest.mark.parametrize(
    ("column", "row", "value", "expectation"),
    [
        ("scenario_people", 0, -0.1, "expect_column_values_to_be_between"),
        ("source_people_excess", 0, 0.5, "expect_column_values_to_be_between"),
        ("zero_shift_difference_pence", 1, 1, "expect_column_values_to_be_between"),
        ("identity_difference_pence", 0, -1, "expect_column_values_to_be_between"),
        ("total_identity_difference_pence", 1, 100, "expect_column_values_to_be_between"),
        ("price_source", 1, "guess", "expect_column_values_to_be_in_set"),
        ("is_estimate", 0, False, "expect_column_values_to_be_in_set"),
        ("sector_id", 1, "residential_care", "expect_compound_columns_to_be_unique"),
    ],
)
def test_broken_frame_fails_the_blocking_suite(column: str, row: int, value: object, expectation: str) -> None:
    frame = good_frame()
    frame[column] = frame[column].astype(object)
    frame.loc[row, column] = value
    outcome = validate_frame(frame, SUITE, "error")
    assert not outcome.success
    assert expectation in {f.expectation for f in outcome.failures}


def test_unpriced_spend_needs_its_reason_and_columns_are_exact() -> None:
    frame = good_frame()
    frame.loc[1, "scenario_spend"] = None
    assert "expect_column_values_to_not_be_null" in {
        f.expectation for f in validate_frame(frame, SUITE, "error").failures
    }
    frame.loc[1, "scenario_spend_null_reason"] = "destination_price_required"
    assert validate_frame(frame, SUITE, "error").success
    frame["person_key"] = "p1"
    assert "expect_table_columns_to_match_set" in {
        f.expectation for f in validate_frame(frame, SUITE, "error").failures
    }


def test_a_suppressed_row_hides_its_money_and_says_why() -> None:
    """metrics.md §1.3: a small sector or cohort has NULL people and money with its reason."""
    frame = good_frame()
    for column in ("baseline_people", "scenario_people", "baseline_spend", "spend_moved_out", "spend_moved_in",
                   "scenario_spend", "identity_difference_pence", "zero_shift_difference_pence"):  # fmt: skip
        frame.loc[1, column] = None
    frame.loc[1, "is_suppressed"] = True
    assert "expect_column_values_to_not_be_null" in {
        f.expectation for f in validate_frame(frame, SUITE, "error").failures
    }
    frame.loc[1, "suppression_reason"] = "small_count"
    outcome = validate_frame(frame, SUITE, "error")
    assert outcome.success, outcome.failures
