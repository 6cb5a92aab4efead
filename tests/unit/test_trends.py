"""The metric_trends maths (orchestration/trends.py): damped ETS projections, the trailing run that
feeds them, rounding, clipping and the series rows (metrics.md §8 "Trends and projections")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import pairwise

import pytest

from orchestration.trends import (
    build_trends,
    decimal_places,
    financial_year_label,
    forecast_ets,
    method_label,
    project_series,
    quarter_end_after,
    rolling_start,
    round_half_away,
    trailing_run,
)

FIRST_END = date(2022, 6, 30)


def quarterly(values: list[float | None], first_end: date = FIRST_END) -> list[tuple[date, Decimal | None]]:
    """(quarter end, value) points from FIRST_END on; values as the Decimals the model reads."""
    return [(quarter_end_after(first_end, i), None if v is None else Decimal(str(v))) for i, v in enumerate(values)]


LINEAR = [float(v) for v in range(10, 22)]  # 10, 11, …, 21: slope 1 a quarter, 12 points


# --- dates, rounding, labels -------------------------------------------------------------------


def test_quarter_ends_and_rolling_windows() -> None:
    assert quarter_end_after(date(2025, 3, 31), 1) == date(2025, 6, 30)
    assert quarter_end_after(date(2024, 12, 31), 1) == date(2025, 3, 31)
    assert quarter_end_after(date(2024, 9, 30), 2) == date(2025, 3, 31)
    assert quarter_end_after(date(2024, 3, 31), -1) == date(2023, 12, 31)
    assert quarter_end_after(date(2023, 12, 31), 1) == date(2024, 3, 31)  # leap year irrelevant: month end
    assert rolling_start(date(2025, 6, 30)) == date(2024, 7, 1)
    assert rolling_start(date(2025, 3, 31)) == date(2024, 4, 1)
    assert financial_year_label(date(2025, 6, 30)) == "2025-26"
    assert financial_year_label(date(2025, 3, 31)) == "2024-25"
    assert financial_year_label(date(2099, 12, 31)) == "2099-00"


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (12.5, 1, "12.5"),
        (6.25, 1, "6.3"),  # metrics.md §1.2: half away from zero
        (-2.25, 1, "-2.3"),
        (78.84541, 1, "78.8"),
        (1049.995, 2, "1050.00"),
        (1910.5, 0, "1911"),
        (Decimal("0.05"), 1, "0.1"),
    ],
)
def test_round_half_away_from_zero(value: float | Decimal, places: int, expected: str) -> None:
    assert str(round_half_away(value, places)) == expected


def test_decimal_places_and_method_labels_by_unit() -> None:
    assert [decimal_places(u) for u in ("percent", "per_100k", "per_week", "median_days", "count")] == [1, 1, 1, 1, 0]
    assert [decimal_places(u) for u in ("gbp", "gbp_per_week", "gbp_per_hour")] == [2, 2, 2]
    assert method_label("percent", 80) == "ets_additive_damped_80;v1;clip=0-100"
    assert method_label("count", 80) == "ets_additive_damped_80;v1;clip=ge_0"
    assert method_label("gbp", 80) == "ets_additive_damped_80;v1;clip=none"


# --- the trailing run --------------------------------------------------------------------------


def test_trailing_run_stops_at_a_null_or_a_missing_quarter() -> None:
    assert trailing_run(quarterly([1, 2, None, 4, 5, 6])) == [4.0, 5.0, 6.0]
    assert trailing_run(quarterly([1, 2, 3, None])) == []
    points = quarterly([1, 2, 3, 4, 5])
    del points[1]  # a quarter with no row at all breaks the run as a NULL does
    assert trailing_run(points) == [3.0, 4.0, 5.0]
    assert trailing_run(list(reversed(quarterly([1, 2, 3])))) == [1.0, 2.0, 3.0]  # order of input irrelevant


# --- projections -------------------------------------------------------------------------------


def test_linear_trend_is_followed_with_a_damped_slope() -> None:
    """10, 11, …, 21: the next four quarters follow the line 22, 23, 24, 25 within 0.2 per quarter
    ahead (damping bends the forecast below the straight line, more the further ahead: by design),
    never fall back, and the band holds the point with lower < value < upper."""
    projections = project_series(quarterly(LINEAR), "per_week")
    assert [p.horizon for p in projections] == [1, 2, 3, 4]
    last = quarter_end_after(FIRST_END, len(LINEAR) - 1)
    assert [p.period_end for p in projections] == [quarter_end_after(last, h) for h in (1, 2, 3, 4)]
    assert [p.period_start for p in projections] == [rolling_start(p.period_end) for p in projections]
    previous = Decimal(21)
    for p in projections:
        on_the_line = 21 + p.horizon
        assert abs(p.value - on_the_line) <= Decimal("0.2") * p.horizon, (p.horizon, p.value)
        assert p.value > previous
        previous = p.value
        assert p.lower < p.value < p.upper
        assert p.value.as_tuple().exponent == -1  # 1 dp for people per week


def test_damped_trend_increments_do_not_grow() -> None:
    means = [m for m, _, _ in forecast_ets(LINEAR, 4, 80)]
    steps = [b - a for a, b in zip([21.0, *means], means, strict=False)]
    assert all(0 < s <= 1.0 for s in steps), steps
    assert all(later <= earlier + 1e-12 for earlier, later in pairwise(steps)), steps


def test_band_widens_or_holds_with_the_horizon_and_the_fit_is_deterministic() -> None:
    noisy = [10 + i + (0.4 if i % 2 else -0.4) for i in range(12)]
    first = forecast_ets(noisy, 4, 80)
    assert first == forecast_ets(noisy, 4, 80)
    widths = [high - low for _, low, high in first]
    assert all(later >= earlier - 1e-9 for earlier, later in pairwise(widths))
    wider = forecast_ets(noisy, 4, 95)
    assert all(w95 > w80 for w80, w95 in zip(widths, [h - lo for _, lo, h in wider], strict=True))


def test_seven_points_give_no_projection_and_eight_do() -> None:
    assert project_series(quarterly(LINEAR[:7]), "per_week") == []
    assert len(project_series(quarterly(LINEAR[:8]), "per_week")) == 4
    assert project_series(quarterly(LINEAR[:8]), "per_week", min_points=9) == []


def test_null_gaps_leave_only_the_trailing_run() -> None:
    """A NULL (suppressed) point breaks the series: 12 points with the 4th NULL leave a run of 8
    (projected); with the 6th NULL a run of 6 (none); a NULL latest point means no projection."""
    gap_early = [*LINEAR[:3], None, *LINEAR[4:]]
    assert len(project_series(quarterly(gap_early), "per_week")) == 4
    gap_late = [*LINEAR[:5], None, *LINEAR[6:]]
    assert project_series(quarterly(gap_late), "per_week") == []
    assert project_series(quarterly([*LINEAR, None]), "per_week") == []


def test_percent_projection_is_clipped_to_100_and_counts_to_zero() -> None:
    rising = [86.0, 88.0, 90.0, 92.0, 94.0, 96.0, 97.5, 99.0]  # heading past 100
    raw = forecast_ets(rising, 4, 80)
    assert max(high for _, _, high in raw) > 100  # the model alone would leave 0-100
    projections = project_series(quarterly(rising), "percent")
    assert projections
    for p in projections:
        assert Decimal(0) <= p.lower <= p.value <= p.upper <= Decimal(100)
    assert projections[-1].upper == Decimal("100.0")

    falling = [70.0, 60.0, 50.0, 40.0, 30.0, 20.0, 10.0, 5.0]  # a count heading below 0
    counts = project_series(quarterly(falling), "count")
    assert min(low for _, low, _ in forecast_ets(falling, 4, 80)) < 0
    for p in counts:
        assert Decimal(0) <= p.lower <= p.value <= p.upper
        assert p.value.as_tuple().exponent == 0  # counts are whole numbers
    assert counts[-1].lower == Decimal(0)


def test_a_fit_without_numbers_gives_no_projection(monkeypatch: pytest.MonkeyPatch) -> None:
    from orchestration import trends

    monkeypatch.setattr(trends, "forecast_ets", lambda *_: [(float("nan"), 1.0, 2.0)] * 4)
    assert trends.project_series(quarterly(LINEAR), "per_week") == []


def test_a_flat_series_projects_flat_with_a_closed_band() -> None:
    flat = project_series(quarterly([5.0] * 8), "median_days")
    assert [(p.value, p.lower, p.upper) for p in flat] == [(Decimal("5.0"),) * 3] * 4


# --- the series rows ---------------------------------------------------------------------------

CATALOGUE = [
    {
        "metric_id": "ASCOF_2A",
        "metric_name": "Reablement",
        "unit": "percent",
        "better_direction": "higher",
        "is_headline": True,
        "sort_order": 1,
    },
    {
        "metric_id": "REQUESTS_NEW_CLIENTS",
        "metric_name": "Requests",
        "unit": "count",
        "better_direction": "neutral",
        "is_headline": "true",
        "sort_order": 2,
    },
    {
        "metric_id": "LOCAL_ONLY",
        "metric_name": "Not headline",
        "unit": "count",
        "better_direction": "neutral",
        "is_headline": False,
        "sort_order": 3,
    },
]


def metric_row(metric_id: str, period_type: str, end: date, value: str | None, **extra) -> dict:
    start = rolling_start(end) if period_type == "rolling_12m" else date(end.year - 1, 4, 1)
    row = {
        "la_code": "E06000005",
        "period_type": period_type,
        "period_start": start,
        "period_end": end,
        "financial_year": financial_year_label(end),
        "metric_id": metric_id,
        "breakdown": "total",
        "value": None if value is None else Decimal(value),
        "is_suppressed": False,
        "suppression_reason": None if value is not None else "insufficient_lookback",
        "is_provisional": False,
        "method_version": "dhsc_2425;person_id_rule=coalesce",
    }
    row.update(extra)
    return row


def test_build_trends_keeps_the_series_and_projects_only_long_quarterly_runs() -> None:
    ends = [quarter_end_after(date(2023, 3, 31), i) for i in range(9)]  # 2023-03-31 … 2025-03-31
    values = ["70.0", "70.5", "71.0", "71.4", "72.0", "72.5", "72.9", "73.5", "74.0"]
    rows = [metric_row("ASCOF_2A", "rolling_12m", e, v) for e, v in zip(ends, values, strict=True)]
    rows[0].update(value=None, suppression_reason="insufficient_lookback")  # NULL stays, run of 8 remains
    rows += [metric_row("REQUESTS_NEW_CLIENTS", "rolling_12m", e, str(5000 + i)) for i, e in enumerate(ends[:5])]
    rows += [
        metric_row("REQUESTS_NEW_CLIENTS", "financial_year", date(2024, 3, 31), "5003"),
        metric_row("REQUESTS_NEW_CLIENTS", "rolling_12m", ends[4], "12", breakdown="age_band"),  # not total
        metric_row("LOCAL_ONLY", "rolling_12m", ends[4], "9"),  # not headline
        metric_row("ASCOF_2A", "quarter", ends[4], "50.0"),  # quarter rows are not the trend series
    ]
    trends = build_trends(rows, CATALOGUE)
    assert trends == build_trends(rows, CATALOGUE)  # deterministic

    actual = [t for t in trends if not t["is_projection"]]
    assert [(t["metric_id"], t["period_grain"], t["period_end"], t["value"]) for t in actual] == [
        ("ASCOF_2A", "quarter", e, None if i == 0 else values[i]) for i, e in enumerate(ends)
    ] + [("REQUESTS_NEW_CLIENTS", "quarter", e, f"{5000 + i}") for i, e in enumerate(ends[:5])] + [
        ("REQUESTS_NEW_CLIENTS", "year", date(2024, 3, 31), "5003")
    ]
    assert actual[0]["suppression_reason"] == "insufficient_lookback"
    assert all(t["lower"] is None and t["upper"] is None and t["method"] == "actual" for t in actual)
    assert {t["points_in_series"] for t in actual if t["metric_id"] == "ASCOF_2A"} == {8}

    projected = [t for t in trends if t["is_projection"]]
    assert [(t["metric_id"], t["period_end"], t["horizon_quarters"]) for t in projected] == [
        ("ASCOF_2A", quarter_end_after(ends[-1], h), h) for h in (1, 2, 3, 4)
    ]
    for t in projected:
        assert Decimal(t["lower"]) <= Decimal(t["value"]) <= Decimal(t["upper"]) <= 100
        assert t["method"] == "ets_additive_damped_80;v1;clip=0-100"
        assert t["points_fitted"] == 8
        assert t["band_pct"] == 80
        assert t["financial_year"] == financial_year_label(t["period_end"])
        assert t["better_direction"] == "higher"
    assert projected[0]["period_start"] == date(2024, 7, 1)
    assert projected[0]["financial_year"] == "2025-26"
