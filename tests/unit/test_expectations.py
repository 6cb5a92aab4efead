"""Every Great Expectations suite passes a good frame and fails a broken one."""

from __future__ import annotations

import pandas as pd
import pytest

from orchestration.defs.quality.expectations import load_suite, suite_names, validate_frame


def good_service_costs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "service_cost_key": ["a", "b", "c"],
            "service_line_key": ["l1", "l2", "l3"],
            "event_key": ["e1", "e2", "e3"],
            "person_key": ["p1", "p2", "p3"],
            "la_code": ["E06000005"] * 3,
            "quarter_start": pd.to_datetime(["2024-04-01"] * 3),
            "weekly_cost": [1185.55, 338.79, None],
            "quarter_cost": [15412.15, 4404.31, 250.0],
            "weeks_in_quarter": [13.0, 13.0, 0.1429],
            "cost_flag": ["costed", "costed", "one_off"],
            "service_type": [
                "Long term support: Residential care",
                "Long term support: Community",
                "Long term support: Community",
            ],
        }
    )


def good_metrics() -> pd.DataFrame:
    """Every catalogued metric once (headline rows), values consistent with the counts."""
    import csv
    from pathlib import Path

    with Path("seeds/metrics/metric_catalogue.csv").open() as handle:
        ids = [r["metric_id"] for r in csv.DictReader(handle)]
    n = len(ids)
    frame = pd.DataFrame(
        {
            "la_code": ["E06000005"] * n,
            "period_type": ["financial_year"] * n,
            "period_start": pd.to_datetime(["2024-04-01"] * n),
            "period_end": pd.to_datetime(["2025-03-31"] * n),
            "financial_year": ["2024-25"] * n,
            "metric_id": ids,
            "metric_name": ids,
            "breakdown": ["total"] * n,
            "breakdown_value": ["Total"] * n,
            "numerator": [30.0] * n,
            "denominator": [34.0] * n,
            "value": [88.2] * n,
            "unit": ["percent"] * n,
            "is_suppressed": [False] * n,
            "suppression_reason": [None] * n,
            "dq_status": ["ok"] * n,
            "is_provisional": [False] * n,
            "method_version": ["dhsc_2425;person_id_rule=coalesce"] * n,
            "breakdown_sort_order": [0] * n,
            "value_sort_order": [999] * n,
            "metric_sort_order": list(range(n)),
        }
    )
    return frame


def good_cohort() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "la_code": ["E06000005"] * 3,
            "period_type": ["financial_year"] * 3,
            "period_start": pd.to_datetime(["2024-04-01"] * 3),
            "period_end": pd.to_datetime(["2025-03-31"] * 3),
            "financial_year": ["2024-25"] * 3,
            "snapshot": ["during_period", "at_period_end", "over_12_months"],
            "support_setting": ["Nursing", "Residential", "Community: Direct Payment"],
            "primary_support_reason": ["Physical support"] * 3,
            "age_band": ["85 to 94"] * 3,
            "people": [12.0, None, 0.0],
            "is_suppressed": [False, True, False],
            "suppression_reason": [None, "small_count", None],
        }
    )


def test_every_suite_is_tested_here() -> None:
    assert suite_names() == [
        "cohort_long_term_support",
        "commissioning_metrics",
        "fct_service_costs",
        "finance_reconciliation_summary",
        "good_lives_area_profile",  # broken-frame tests: tests/unit/test_good_lives_expectations.py
        "metric_trends",  # tests/unit/test_trends_expectations.py
        "place_profile",  # tests/unit/test_place_profile_expectations.py
        "resource_shift_scenarios",  # tests/unit/test_scenario_expectations.py
        "spend_by_category",
        "unit_costs",
    ]


def test_good_cohort_passes() -> None:
    assert validate_frame(good_cohort(), load_suite("cohort_long_term_support"), "error").success


@pytest.mark.parametrize(
    ("column", "value", "expectation"),
    [
        ("people", 3.0, "expect_column_values_to_not_be_in_set"),  # an unsuppressed small count
        ("people", -1.0, "expect_column_values_to_be_between"),
        ("snapshot", "sometime", "expect_column_values_to_be_in_set"),
        ("support_setting", None, "expect_column_values_to_not_be_null"),
        ("age_band", "85 to 94", "expect_compound_columns_to_be_unique"),  # made a duplicate below
    ],
)
def test_broken_cohort_fails_the_blocking_suite(column: str, value, expectation: str) -> None:
    frame = good_cohort()
    frame[column] = frame[column].astype(object)
    frame.loc[0, column] = value
    if expectation == "expect_compound_columns_to_be_unique":
        frame.loc[1, ["snapshot", "support_setting"]] = frame.loc[0, ["snapshot", "support_setting"]]
    result = validate_frame(frame, load_suite("cohort_long_term_support"), "error")
    assert not result.success
    assert expectation in {f.expectation for f in result.failures}


def test_cohort_with_a_person_column_fails() -> None:
    leaky = good_cohort().assign(person_key="abc")
    failures = {f.expectation for f in validate_frame(leaky, load_suite("cohort_long_term_support"), "error").failures}
    assert "expect_table_columns_to_match_set" in failures


def test_good_metrics_pass() -> None:
    suite = load_suite("commissioning_metrics")
    assert validate_frame(good_metrics(), suite, "error").success
    assert validate_frame(good_metrics(), suite, "warn").success


@pytest.mark.parametrize(
    ("column", "value", "expectation"),
    [
        ("value", 100.1, "expect_column_values_to_be_between"),  # a percentage above 100
        ("numerator", 40.0, "expect_column_pair_values_a_to_be_greater_than_b"),  # numerator > denominator (34)
        ("numerator", 3.0, "expect_column_values_to_not_be_in_set"),  # an unsuppressed small count
        ("denominator", -1.0, "expect_column_values_to_be_between"),  # a negative count
        ("metric_id", "MADE_UP", "expect_column_values_to_be_in_set"),
        ("dq_status", "bad", "expect_column_values_to_be_in_set"),
        ("method_version", None, "expect_column_values_to_not_be_null"),
    ],
)
def test_broken_metrics_fail_the_blocking_suite(column: str, value, expectation: str) -> None:
    frame = good_metrics()
    frame[column] = frame[column].astype(object)
    frame.loc[0, column] = value
    result = validate_frame(frame, load_suite("commissioning_metrics"), "error")
    assert not result.success
    assert (expectation, column) in {(f.expectation, (f.column or "").split(",")[-1]) for f in result.failures}


def test_metrics_missing_a_metric_or_carrying_an_identifier_fail() -> None:
    suite = load_suite("commissioning_metrics")
    missing = good_metrics().iloc[1:]  # ASCOF_2A absent: every metric must be published
    failures = {f.expectation for f in validate_frame(missing, suite, "error").failures}
    assert "expect_column_distinct_values_to_contain_set" in failures
    leaky = good_metrics().assign(person_key="abc")  # a person-level column must never be published
    failures = {f.expectation for f in validate_frame(leaky, suite, "error").failures}
    assert "expect_table_columns_to_match_set" in failures


def test_good_frame_passes_both_severities() -> None:
    suite = load_suite("fct_service_costs")
    assert validate_frame(good_service_costs(), suite, "error").success
    assert validate_frame(good_service_costs(), suite, "warn").success


@pytest.mark.parametrize(
    ("column", "value", "expectation"),
    [
        ("weekly_cost", -1.0, "expect_column_values_to_be_between"),
        ("quarter_cost", -0.01, "expect_column_values_to_be_between"),
        ("event_key", None, "expect_column_values_to_not_be_null"),
        ("person_key", None, "expect_column_values_to_not_be_null"),
        ("service_cost_key", "b", "expect_column_values_to_be_unique"),
        ("cost_flag", "free", "expect_column_values_to_be_in_set"),
        ("weeks_in_quarter", 14.0, "expect_column_values_to_be_between"),
    ],
)
def test_broken_frame_fails_the_blocking_suite(column: str, value, expectation: str) -> None:
    frame = good_service_costs()
    frame.loc[0, column] = value
    result = validate_frame(frame, load_suite("fct_service_costs"), "error")
    assert not result.success
    assert (expectation, column) in {(f.expectation, f.column) for f in result.failures}


def test_implausible_cost_fails_the_warning_suite_only() -> None:
    frame = good_service_costs()
    frame.loc[0, "weekly_cost"] = 9000.0  # residential at £9,000 a week
    suite = load_suite("fct_service_costs")
    assert validate_frame(frame, suite, "error").success
    warn = validate_frame(frame, suite, "warn")
    assert not warn.success and warn.failures[0].column == "weekly_cost"


def good_reconciliation() -> pd.DataFrame:
    """The finance_extract.md §9 fixture as summary rows (money as the float a DuckDB read gives)."""
    return pd.DataFrame(
        {
            "la_code": ["E06000005"] * 4,
            "period_type": ["quarter"] * 4,
            "period_start": pd.to_datetime(["2024-04-01"] * 4),
            "period_end": pd.to_datetime(["2024-06-30"] * 4),
            "financial_year": ["2024-25"] * 4,
            "status": ["matched", "value_mismatch", "package_without_payment", "payment_without_package"],
            "match_level": [1, 1, 0, 0],
            "support_setting": ["Residential", "Community: home care", "Community: direct payments", "Nursing"],
            "service_lines": [None, None, None, 0],  # 1 each: suppressed
            "reconciliation_keys": [None, None, None, None],
            "expected_cost": [13000.00, 2600.00, 1950.00, 0.00],
            "paid_amount": [13000.00, 2400.00, 0.00, 700.00],
            "difference": [0.00, -200.00, -1950.00, 700.00],
            "uncosted_lines": [0, 0, 0, 0],
            "uncosted_paid_amount": [0.00, 0.00, 0.00, 0.00],
            "is_suppressed": [True] * 4,
            "is_provisional": [False] * 4,
            "unlinked_share": [3.72] * 4,
            "support_setting_sort_order": [2, 4, 3, 1],
        }
    )


def test_good_reconciliation_passes_both_severities() -> None:
    suite = load_suite("finance_reconciliation_summary")
    assert validate_frame(good_reconciliation(), suite, "error").success
    assert validate_frame(good_reconciliation(), suite, "warn").success


@pytest.mark.parametrize(
    ("column", "value", "expectation"),
    [
        ("status", "paid_twice", "expect_column_values_to_be_in_set"),
        ("status", None, "expect_column_values_to_not_be_null"),
        ("match_level", 4, "expect_column_values_to_be_in_set"),
        ("service_lines", 3, "expect_column_values_to_not_be_in_set"),  # an unsuppressed small count
        ("expected_cost", None, "expect_column_values_to_not_be_null"),
        ("paid_amount", None, "expect_column_values_to_not_be_null"),
        ("difference", 0.01, "expect_column_values_to_be_null"),  # difference ≠ paid − expected (13000 − 13000)
        ("expected_cost", -1.0, "expect_column_values_to_be_between"),
        ("support_setting", "Community: home care", "expect_compound_columns_to_be_unique"),  # made a duplicate below
    ],
)
def test_broken_reconciliation_fails_the_blocking_suite(column: str, value, expectation: str) -> None:
    frame = good_reconciliation()
    frame[column] = frame[column].astype(object)
    frame.loc[0, column] = value
    if expectation == "expect_compound_columns_to_be_unique":
        frame.loc[0, ["status", "match_level"]] = frame.loc[1, ["status", "match_level"]]
    result = validate_frame(frame, load_suite("finance_reconciliation_summary"), "error")
    assert not result.success
    # a compound expectation names no single column
    assert any(f.expectation == expectation and f.column in (column, None) for f in result.failures)


def test_reconciliation_with_a_line_key_fails_and_high_unlinked_share_warns() -> None:
    suite = load_suite("finance_reconciliation_summary")
    leaky = good_reconciliation().assign(service_line_key="abc")  # the line-level table is restricted
    assert "expect_table_columns_to_match_set" in {
        f.expectation for f in validate_frame(leaky, suite, "error").failures
    }
    uncovered = good_reconciliation().assign(unlinked_share=12.5)
    assert validate_frame(uncovered, suite, "error").success
    assert not validate_frame(uncovered, suite, "warn").success


def test_rules_page_lists_every_rule() -> None:
    from pathlib import Path

    from orchestration.defs.ingest.rules import RULES

    page = Path("docs/rules.md").read_text()
    for code, spec in RULES.items():
        assert f"| `{code}` | {spec.level} | {spec.severity} |" in page


def good_spend() -> pd.DataFrame:
    """Two category rows as the spend suite's query returns them (identity columns in pence)."""
    return pd.DataFrame(
        {
            "la_code": ["E06000005"] * 2,
            "period_type": ["financial_year"] * 2,
            "period_start": pd.to_datetime(["2024-04-01"] * 2),
            "support_type": ["Long-term support", "Other support (non-SALT)"],
            "support_setting": ["Residential", "Commissioning and service delivery"],
            "primary_support_reason": ["Physical support", "Not applicable"],
            "age_group": ["65 and above", "Not applicable"],
            "five_areas_category": ["4. Care and a home", "Enabling"],
            "gross_expenditure": [1000.10, -250.0],
            "is_negative_gross": [False, True],
            "transactions": [3, 1],
            "identity_difference_pence": [0, 0],
            "year_difference_pence": [0, 0],
        }
    )


def test_good_spend_passes() -> None:
    assert validate_frame(good_spend(), load_suite("spend_by_category"), "error").success


@pytest.mark.parametrize(
    ("column", "value", "expectation"),
    [
        ("identity_difference_pence", 1, "expect_column_values_to_be_between"),  # a row off by a penny
        ("year_difference_pence", -1, "expect_column_values_to_be_between"),  # the year lost a penny
        ("is_negative_gross", False, "expect_column_values_to_be_between"),  # negative gross not flagged
        ("period_type", "rolling_12m", "expect_column_values_to_be_in_set"),
        ("support_setting", None, "expect_column_values_to_not_be_null"),
        ("la_code", "E07000001", "expect_column_values_to_match_regex"),  # a district is not a council
        ("transactions", 0, "expect_column_values_to_be_between"),
        ("age_group", "65 and above", "expect_compound_columns_to_be_unique"),  # made a duplicate below
    ],
)
def test_broken_spend_fails_the_blocking_suite(column: str, value, expectation: str) -> None:
    frame = good_spend()
    row = 1 if column == "is_negative_gross" else 0
    frame[column] = frame[column].astype(object)
    frame.loc[row, column] = value
    if expectation == "expect_compound_columns_to_be_unique":
        same = ["support_type", "support_setting", "primary_support_reason", "age_group", "five_areas_category"]
        frame.loc[1, same] = frame.loc[0, same]
    result = validate_frame(frame, load_suite("spend_by_category"), "error")
    assert not result.success
    assert expectation in {f.expectation for f in result.failures}


def good_unit_costs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "la_code": ["E06000005"] * 3,
            "period_start": pd.to_datetime(["2024-04-01"] * 3),
            "setting": ["Residential and nursing", "Nursing", "Community: home care"],
            "age_group": ["All ages", "18 to 64", "All ages"],
            "unit_cost": [1215.02, None, 23.56],
            "null_reason": [None, "denominator_below_minimum", None],
            "source": ["finance", "cld_activity", "finance"],
            "activity_unit": ["resident_weeks", "resident_weeks", "hours"],
            "people": [1452, 3, 2025],
            "is_outside_anchor_band": [False, False, False],
        }
    )


def test_good_unit_costs_pass_both_severities() -> None:
    suite = load_suite("unit_costs")
    assert validate_frame(good_unit_costs(), suite, "error").success
    assert validate_frame(good_unit_costs(), suite, "warn").success


@pytest.mark.parametrize(
    ("row", "column", "value", "expectation"),
    [
        (0, "unit_cost", -1.0, "expect_column_values_to_be_between"),
        (1, "null_reason", None, "expect_column_values_to_not_be_null"),  # a NULL value without a reason
        (0, "people", 4, "expect_column_values_to_be_between"),  # a unit cost from 4 people
        (0, "source", "guess", "expect_column_values_to_be_in_set"),
        (2, "activity_unit", "visits", "expect_column_values_to_be_in_set"),
    ],
)
def test_broken_unit_costs_fail_the_blocking_suite(row: int, column: str, value, expectation: str) -> None:
    frame = good_unit_costs()
    frame[column] = frame[column].astype(object)
    frame.loc[row, column] = value
    result = validate_frame(frame, load_suite("unit_costs"), "error")
    assert not result.success
    assert (expectation, column) in {(f.expectation, f.column) for f in result.failures}


def test_unit_cost_far_from_the_anchor_is_a_warning_only() -> None:
    frame = good_unit_costs()
    frame.loc[0, "is_outside_anchor_band"] = True  # e.g. £2,000 a week against £1,185.55
    suite = load_suite("unit_costs")
    assert validate_frame(frame, suite, "error").success
    assert not validate_frame(frame, suite, "warn").success


def test_negative_money_total_is_allowed_but_not_a_negative_rate() -> None:
    frame = good_metrics()
    frame["unit"] = frame["unit"].astype(object)
    frame.loc[0, ["unit", "value"]] = ["gbp", -5314350.95]  # a category's GCE net of NHS income
    assert validate_frame(frame, load_suite("commissioning_metrics"), "error").success
    frame.loc[0, "unit"] = "percent"
    assert not validate_frame(frame, load_suite("commissioning_metrics"), "error").success
