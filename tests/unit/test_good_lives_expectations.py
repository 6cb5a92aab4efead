"""The good_lives_area_profile suite (good_lives_extract.md §7 "Checks") passes a good frame, as its
query returns it, and fails the blocking suite on each broken one."""

from __future__ import annotations

import pandas as pd
import pytest

from orchestration.defs.quality.expectations import load_suite, validate_frame

SUITE = "good_lives_area_profile"


def good_profile() -> pd.DataFrame:
    """One cohort cell (all, community) as the suite query returns it: counts, a share, spend."""
    measures = [
        # measure, people, amount, share
        ("people_profiled", 12, None, None),
        ("people_with_goal", 8, None, None),
        ("goals_achieved", 6, None, None),
        ("mix_paid_only", 5, None, None),
        ("mix_unpaid_only", 7, None, None),
        ("share_goals_achieved", None, None, 75.0),
        ("attributed_weekly_spend", None, 355.0, None),
    ]
    n = len(measures)
    return pd.DataFrame(
        {
            "la_code": ["E06000005"] * n,
            "period_type": ["financial_year"] * n,
            "period_start": pd.to_datetime(["2024-04-01"] * n),
            "period_end": pd.to_datetime(["2025-03-31"] * n),
            "financial_year": ["2024-25"] * n,
            "cohort_type": ["all"] * n,
            "cohort_type_label": ["All people profiled"] * n,
            "cohort_value": ["all"] * n,
            "cohort_label": ["All people profiled"] * n,
            "domain": ["community"] * n,
            "domain_label": ["Community participation"] * n,
            "domain_sort_order": [2] * n,
            "measure": [m[0] for m in measures],
            "people": [m[1] for m in measures],
            "amount": [m[2] for m in measures],
            "share": [m[3] for m in measures],
            "is_suppressed": [False] * n,
            "suppression_reason": [None] * n,
            "mix_difference": [0] * n,
            "count_excess": [-4] * n,
            "goals_excess": [-2] * n,
        }
    )


def test_good_profile_passes() -> None:
    assert validate_frame(good_profile(), load_suite(SUITE), "error").success


@pytest.mark.parametrize(
    ("column", "value", "expectation"),
    [
        ("mix_difference", 1, "expect_column_values_to_be_between"),  # mix does not sum to people_profiled
        ("count_excess", 1, "expect_column_values_to_be_between"),  # a count above people_profiled
        ("goals_excess", 1, "expect_column_values_to_be_between"),  # goals_achieved > people_with_goal
        ("share", 100.1, "expect_column_values_to_be_between"),
        ("share", -0.1, "expect_column_values_to_be_between"),
        ("people", -1, "expect_column_values_to_be_between"),
        ("amount", -5.0, "expect_column_values_to_be_between"),
        ("cohort_type", "gender", "expect_column_values_to_be_in_set"),
        ("period_type", "quarter", "expect_column_values_to_be_in_set"),
    ],
)
def test_broken_profile_fails_the_blocking_suite(column: str, value, expectation: str) -> None:
    frame = good_profile()
    frame[column] = frame[column].astype(object)
    frame.loc[frame.index[-2] if column == "share" else frame.index[0], column] = value
    if column == "amount":
        frame.loc[frame.index[-1], column] = value
    outcome = validate_frame(frame, load_suite(SUITE), "error")
    assert not outcome.success
    assert expectation in {f.expectation for f in outcome.failures}, outcome.failures


def test_suppressed_count_left_visible_fails() -> None:
    frame = good_profile()
    frame.loc[1, "is_suppressed"] = True
    frame.loc[1, "suppression_reason"] = "small_count"  # people (8) still shown
    outcome = validate_frame(frame, load_suite(SUITE), "error")
    assert [f.column for f in outcome.failures] == ["people"]


def test_suppressed_without_reason_fails() -> None:
    frame = good_profile()
    frame.loc[1, "is_suppressed"] = True
    frame.loc[1, "people"] = None
    outcome = validate_frame(frame, load_suite(SUITE), "error")
    assert [f.column for f in outcome.failures] == ["suppression_reason"]


def test_duplicate_cell_fails() -> None:
    frame = pd.concat([good_profile(), good_profile().iloc[[0]]], ignore_index=True)
    outcome = validate_frame(frame, load_suite(SUITE), "error")
    assert "expect_compound_columns_to_be_unique" in {f.expectation for f in outcome.failures}


def test_identifiable_column_fails() -> None:
    frame = good_profile().assign(person_key="abc")
    outcome = validate_frame(frame, load_suite(SUITE), "error")
    assert "expect_table_columns_to_match_set" in {f.expectation for f in outcome.failures}
