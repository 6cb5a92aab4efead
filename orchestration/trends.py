"""Metric trends: the headline series and their projections (metrics.md §8 "Trends and projections").

Pure functions, imported by the dbt Python model `models/marts/trends/metric_trends.py` and
unit-tested directly (tests/unit/test_trends.py). Nothing here touches a database.

- The `quarter` series is the `rolling_12m` rows of commissioning_metrics (one per quarter end), the
  `year` series the `financial_year` rows; headline metrics (metric_catalogue.is_headline) at
  breakdown 'total'. Suppressed or NULL values stay in the series as NULL, with their reason.
- Projections only on the quarterly rolling series: damped additive exponential smoothing
  (statsmodels ETSModel, additive error and trend, damped), `horizon` quarters ahead with a
  `band_pct` prediction band, fitted on the trailing run of consecutive non-NULL quarter ends. A
  NULL value or a missing quarter breaks the run: a projection starts from the latest actual, so
  only the points after the last gap count. Fewer than `min_points` in that run → no projection.
- Projected values are rounded once, half away from zero, with Decimal (metrics.md §1.2): money to
  2 dp, counts to whole numbers (counts are integers, §1.2), everything else to 1 dp. Percentages
  are clipped to 0-100 and counts, rates, days and unit costs to ≥ 0 (money totals may be negative
  and are not clipped); the method text says which clip applied.
"""

from __future__ import annotations

import calendar
import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

MODEL_NAME = "ets_additive_damped"
MODEL_VERSION = "v1"

# The published columns and their exact types (the dbt model casts to these).
COLUMN_TYPES: dict[str, str] = {
    "la_code": "varchar",
    "metric_id": "varchar",
    "metric_name": "varchar",
    "unit": "varchar",
    "better_direction": "varchar",
    "period_grain": "varchar",
    "period_start": "date",
    "period_end": "date",
    "financial_year": "varchar",
    "is_projection": "boolean",
    "horizon_quarters": "integer",
    "value": "decimal(18, 2)",
    "lower": "decimal(18, 2)",
    "upper": "decimal(18, 2)",
    "band_pct": "integer",
    "method": "varchar",
    "metric_method_version": "varchar",
    "is_suppressed": "boolean",
    "suppression_reason": "varchar",
    "is_provisional": "boolean",
    "points_in_series": "integer",
    "points_fitted": "integer",
    "metric_sort_order": "integer",
}

# commissioning_metrics period_type → metric_trends period_grain (metrics.md §8)
GRAINS = {"rolling_12m": "quarter", "financial_year": "year"}


@dataclass(frozen=True)
class Projection:
    horizon: int
    period_start: date
    period_end: date
    value: Decimal
    lower: Decimal
    upper: Decimal


def decimal_places(unit: str) -> int:
    """metrics.md §1.2: money to 2 dp, counts whole, percentages, rates, days and per-week to 1 dp."""
    if unit.startswith("gbp"):
        return 2
    if unit == "count":
        return 0
    return 1


def round_half_away(value: float | Decimal, places: int) -> Decimal:
    """Round once, half away from zero, in decimal arithmetic (repr gives the float's shortest text)."""
    exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def clip_range(unit: str) -> tuple[float | None, float | None]:
    """Bounds a projection of this unit cannot leave: percentages 0-100, money totals free, else ≥ 0."""
    if unit == "percent":
        return 0.0, 100.0
    if unit == "gbp":
        return None, None
    return 0.0, None


def clip(value: float, bounds: tuple[float | None, float | None]) -> float:
    low, high = bounds
    if low is not None and value < low:
        return low
    if high is not None and value > high:
        return high
    return value


def method_label(unit: str, band_pct: int) -> str:
    """e.g. 'ets_additive_damped_80;v1;clip=0-100' (model, band, parameters version, clipping)."""
    low, high = clip_range(unit)
    if low is None and high is None:
        clipping = "none"
    elif high is None:
        clipping = f"ge_{low:g}"
    else:
        clipping = f"{low:g}-{high:g}"
    return f"{MODEL_NAME}_{band_pct};{MODEL_VERSION};clip={clipping}"


def quarter_end_after(quarter_end: date, quarters: int) -> date:
    """The quarter end `quarters` quarters after `quarter_end` (month ends three months apart)."""
    months = quarter_end.year * 12 + quarter_end.month - 1 + 3 * quarters
    year, month = divmod(months, 12)
    return date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def rolling_start(period_end: date) -> date:
    """First day of the 12 months ending on a quarter end."""
    return quarter_end_after(period_end, -4) + timedelta(days=1)


def trailing_run(points: Sequence[tuple[date, Decimal | float | None]]) -> list[float]:
    """The values of the trailing run of consecutive quarter ends with a value.

    Walk back from the latest point; stop at a NULL value or a missing quarter (a gap), so a
    projection always starts from the latest actual and is fitted on an unbroken series.
    """
    ordered = sorted(points, key=lambda p: p[0])
    run: list[float] = []
    expected: date | None = None
    for period_end, value in reversed(ordered):
        if value is None or (expected is not None and period_end != expected):
            break
        run.append(float(value))
        expected = quarter_end_after(period_end, -1)
    return run[::-1]


def forecast_ets(values: Sequence[float], horizon: int, band_pct: int) -> list[tuple[float, float, float]]:
    """(mean, lower, upper) for 1..horizon steps ahead from damped additive ETS (statsmodels).

    Deterministic: a maximum-likelihood fit from fixed starting values, and analytic ("exact")
    prediction intervals for this linear model, not simulation.
    """
    import pandas as pd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    # statsmodels 0.15 needs an indexed series: with a bare ndarray get_prediction fails
    series = pd.Series([float(v) for v in values], dtype="float64")
    with warnings.catch_warnings():
        # short series often stop at a parameter bound; the fit is still the best one available
        warnings.simplefilter("ignore")
        fitted = ETSModel(series, error="add", trend="add", damped_trend=True).fit(disp=False)
        frame = fitted.get_prediction(start=len(series), end=len(series) + horizon - 1).summary_frame(
            alpha=1 - band_pct / 100
        )
    return [
        (float(r.mean), float(r.pi_lower), float(r.pi_upper))
        for r in frame[["mean", "pi_lower", "pi_upper"]].itertuples(index=False)
    ]


def project_series(
    points: Sequence[tuple[date, Decimal | float | None]],
    unit: str,
    min_points: int = 8,
    horizon: int = 4,
    band_pct: int = 80,
) -> list[Projection]:
    """Projections of one quarterly rolling series, or none when the trailing run is too short."""
    run = trailing_run(points)
    if len(run) < min_points:
        return []
    forecast = forecast_ets(run, horizon, band_pct)
    if not all(math.isfinite(x) for triple in forecast for x in triple):
        return []  # a fit that did not converge to numbers is no projection, never a NaN row
    last_end = max(p[0] for p in points)
    bounds = clip_range(unit)
    places = decimal_places(unit)
    projections = []
    for step, (mean, low, high) in enumerate(forecast, start=1):
        period_end = quarter_end_after(last_end, step)
        value, lower, upper = (round_half_away(clip(x, bounds), places) for x in (mean, low, high))
        projections.append(Projection(step, rolling_start(period_end), period_end, value, lower, upper))
    return projections


def financial_year_label(day: date) -> str:
    """e.g. 2025-06-30 → '2025-26' (financial years run 1 April – 31 March)."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def build_trends(
    metrics: Iterable[Mapping[str, Any]],
    catalogue: Iterable[Mapping[str, Any]],
    min_points: int = 8,
    horizon: int = 4,
    band_pct: int = 80,
) -> list[dict[str, Any]]:
    """The metric_trends rows from commissioning_metrics rows and the metric catalogue.

    `metrics` rows carry la_code, period_type, period_start, period_end, financial_year, metric_id,
    breakdown, value (Decimal or None, never a float: read DECIMAL as text), is_suppressed,
    suppression_reason, is_provisional and method_version. Decimals come back as text so the model
    can cast them exactly; dates stay dates.
    """
    headline = {c["metric_id"]: c for c in catalogue if _truthy(c["is_headline"])}
    series: dict[tuple[str, str, str], list[Mapping[str, Any]]] = {}
    for row in metrics:
        if row["metric_id"] in headline and row["breakdown"] == "total" and row["period_type"] in GRAINS:
            series.setdefault((row["la_code"], row["metric_id"], GRAINS[row["period_type"]]), []).append(row)

    out: list[dict[str, Any]] = []
    for (la_code, metric_id, grain), unordered in sorted(series.items()):
        entry = headline[metric_id]
        unit = entry["unit"]
        rows = sorted(unordered, key=lambda r: r["period_end"])
        base = {
            "la_code": la_code,
            "metric_id": metric_id,
            "metric_name": entry["metric_name"],
            "unit": unit,
            "better_direction": entry["better_direction"],
            "period_grain": grain,
            "points_in_series": sum(r["value"] is not None for r in rows),
            "metric_sort_order": entry.get("sort_order"),
        }
        for r in rows:
            out.append(
                {
                    **base,
                    "period_start": r["period_start"],
                    "period_end": r["period_end"],
                    "financial_year": r["financial_year"],
                    "is_projection": False,
                    "horizon_quarters": None,
                    "value": _text(r["value"]),
                    "lower": None,
                    "upper": None,
                    "band_pct": None,
                    "method": "actual",
                    "metric_method_version": r["method_version"],
                    "is_suppressed": bool(r["is_suppressed"]),
                    "suppression_reason": r["suppression_reason"],
                    "is_provisional": bool(r["is_provisional"]),
                    "points_fitted": None,
                }
            )
        if grain != "quarter":
            continue  # metrics.md §8: projections only on the quarterly rolling series
        points = [(r["period_end"], r["value"]) for r in rows]
        fitted = len(trailing_run(points))
        for p in project_series(points, unit, min_points, horizon, band_pct):
            out.append(
                {
                    **base,
                    "period_start": p.period_start,
                    "period_end": p.period_end,
                    "financial_year": financial_year_label(p.period_end),
                    "is_projection": True,
                    "horizon_quarters": p.horizon,
                    "value": _text(p.value),
                    "lower": _text(p.lower),
                    "upper": _text(p.upper),
                    "band_pct": band_pct,
                    "method": method_label(unit, band_pct),
                    "metric_method_version": rows[-1]["method_version"],
                    "is_suppressed": False,
                    "suppression_reason": None,
                    "is_provisional": False,
                    "points_fitted": fitted,
                }
            )
    return out


def _truthy(flag: Any) -> bool:
    """Seed booleans arrive as bool (typed seed) or text ('true')."""
    return flag if isinstance(flag, bool) else str(flag).strip().lower() in {"true", "t", "1", "yes"}
