"""metric_trends: each headline metric as a quarterly and a yearly series, plus a projection of the
quarterly rolling series 4 quarters ahead with an 80% band (metrics.md §8 "Trends and projections",
context.md §3 (c)).

A dbt Python model (dbt-duckdb runs it in the dbt process): the statistics come from statsmodels,
which SQL cannot do. The maths lives in orchestration/trends.py so it is unit-tested directly; this
file only reads, calls and casts. dbt-postgres has no Python models, so the model is enabled on
DuckDB only (_trends__models.yml); publishing copies the table to Postgres.
"""

from decimal import Decimal

from orchestration.trends import COLUMN_TYPES, build_trends

METRIC_COLUMNS = (
    "la_code, period_type, period_start, period_end, financial_year, metric_id, breakdown, "
    # DECIMAL as text: pandas and .df() would turn it into a binary float (metrics.md §1.2)
    "cast(value as varchar) as value, is_suppressed, suppression_reason, "
    "coalesce(is_provisional, false) as is_provisional, method_version"
)


def model(dbt, session):
    dbt.config(materialized="table")
    min_points = int(dbt.config.get("trend_min_points"))
    horizon = int(dbt.config.get("trend_horizon_quarters"))
    band_pct = int(dbt.config.get("trend_band_pct"))

    metrics = dbt.ref("commissioning_metrics").filter("breakdown = 'total'").project(METRIC_COLUMNS)
    names = metrics.columns
    metric_rows = [dict(zip(names, r, strict=True)) for r in metrics.fetchall()]
    for row in metric_rows:
        row["value"] = None if row["value"] is None else Decimal(row["value"])

    catalogue = dbt.ref("metric_catalogue")
    catalogue_rows = [dict(zip(catalogue.columns, r, strict=True)) for r in catalogue.fetchall()]

    rows = build_trends(metric_rows, catalogue_rows, min_points, horizon, band_pct)

    import pandas as pd

    # every column as text (or None), then one exact cast per column: the types never depend on
    # what pandas infers from the values (an empty frame included)
    frame = pd.DataFrame({c: pd.Series([_text(r[c]) for r in rows], dtype="object") for c in COLUMN_TYPES})
    casts = ", ".join(f'cast("{c}" as {t}) as "{c}"' for c, t in COLUMN_TYPES.items())
    return session.from_df(frame).project(casts)


def _text(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
