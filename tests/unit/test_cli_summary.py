"""The build summary's headline lines show each unit the way commissioners read it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orchestration.cli import format_headline


@pytest.mark.parametrize(
    ("metric", "unit", "value", "numerator", "denominator", "shown"),
    [
        ("SPEND_GROSS", "gbp", Decimal("91548248.40"), None, None, "£91.5m"),
        ("UNIT_COST_RES_NURSING_PER_WEEK", "gbp_per_week", Decimal("1215.02"), None, None, "£1,215.02 a week"),
        ("UNIT_COST_HOMECARE_PER_HOUR", "gbp_per_hour", Decimal("23.56"), None, None, "£23.56 an hour"),
        ("ASCOF_2A", "percent", Decimal("79.10"), 291, 368, "79.1%  [291 / 368]"),
        ("LTS_PEOPLE_DURING_YEAR", "count", Decimal("2384"), 2384, None, "2,384"),
    ],
)
def test_headline_units(metric: str, unit: str, value, numerator, denominator, shown: str) -> None:
    line = format_headline(("E06000005", "2024-25", metric, unit, value, numerator, denominator, None, False))
    assert line == f"  {metric:32} {shown}"


def test_missing_value_shows_its_reason() -> None:
    line = format_headline(
        ("E06000005", "2024-25", "SPEND_GROSS", "gbp", None, None, None, "input_not_supplied", False)
    )
    assert line.endswith("n/a (input_not_supplied)")
