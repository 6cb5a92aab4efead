"""Build one stored scenario's models with dbt and render its result for `ascw scenario run`.

The run uses dbt directly (orchestration/defs/transform/project.run_dbt, as `ascw docs` and the
tests do), not Dagster: it rebuilds only the scenario models (SCENARIO_MODELS), which read the
warehouse's existing intermediates, then applies the blocking GE suite of the mart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb

from orchestration.settings import Settings

# Seeds and models of the scenario feature, in dependency order; nothing else is rebuilt.
SCENARIO_MODELS = (
    "scenario_sectors",
    "stg_scenarios__definitions",
    "stg_scenarios__shifts",
    "int_scenarios__sector_lines",
    "int_scenarios__sector_people",
    "int_scenarios__runs",
    "int_scenarios__shift_years",
    "resource_shift_scenarios",
    "resource_shift_scenario_metrics",
)
REQUIRED_TABLES = (
    "intermediate.int_cld__service_costs",
    "intermediate.int_people__period_attributes",
    "intermediate.int_metrics__rows",
)


def build_scenario_models(settings: Settings) -> None:
    from orchestration.defs.transform.project import run_dbt

    result = run_dbt(["build", "--select", *SCENARIO_MODELS, "--vars", json.dumps(settings.dbt_vars())], settings)
    if not result.success:
        raise RuntimeError(f"dbt build of the scenario models failed:\n{result.exception}")


def missing_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    present = {f"{s}.{n}" for s, n in con.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall()}
    return [t for t in REQUIRED_TABLES if t not in present]


@dataclass(frozen=True)
class ScenarioResult:
    sectors: list[dict[str, Any]]
    metrics: list[dict[str, Any]]

    @property
    def unpriced_sectors(self) -> list[str]:
        return sorted(
            {r["sector_id"] for r in self.sectors if r["scenario_spend_null_reason"] == "destination_price_required"}
        )


def _rows(con: duckdb.DuckDBPyConnection, sql: str, scenario_id: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql, [scenario_id])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def read_result(con: duckdb.DuckDBPyConnection, scenario_id: str) -> ScenarioResult:
    sectors = _rows(
        con,
        "SELECT la_code, scenario_year, sector_id, sector_role, baseline_people, scenario_people, baseline_spend, "
        "scenario_spend, spend_change, destination_weekly_cost, price_source, scenario_spend_null_reason, "
        "base_quarter_end, is_suppressed, suppression_reason FROM marts.resource_shift_scenarios WHERE scenario_id = ? "
        "ORDER BY la_code, scenario_year, sector_role DESC, sector_id",
        scenario_id,
    )
    metrics = _rows(
        con,
        "SELECT la_code, scenario_year, metric_id, baseline_financial_year, baseline_value, scenario_value, "
        "value_change, numerator_change, denominator_change FROM marts.resource_shift_scenario_metrics "
        "WHERE scenario_id = ? ORDER BY la_code, scenario_year, metric_id",
        scenario_id,
    )
    return ScenarioResult(sectors, metrics)


def _money(value: Decimal | None) -> str:
    return "n/a" if value is None else f"£{value:,.0f}"


def _people(value: Decimal | None) -> str:
    return "n/a" if value is None else f"{value:,.1f}"


def _signed(value: Decimal | None, unit: str = "") -> str:
    return "n/a" if value is None else f"{value:+,.1f}{unit}"


def render(name: str, result: ScenarioResult) -> str:
    """Per council, year and sector: baseline vs scenario people and spend; then the metric changes."""
    lines = [f"scenario {name} (estimates: plain arithmetic on the base quarter's service costs)"]
    if not result.sectors:
        lines.append("  no rows: no council in the warehouse has service costs for the scenario's base quarter")
        return "\n".join(lines)
    header = (
        f"  {'year':>4} {'sector':26} {'role':11} {'people':>9} {'scenario':>9} "
        f"{'spend':>14} {'scenario':>14} {'change':>12}  price"
    )
    council = None
    for r in result.sectors:
        if r["la_code"] != council:
            council = r["la_code"]
            lines.append(f"{council} (base quarter ending {r['base_quarter_end']}):")
            lines.append(header)
        price = (
            f"£{r['destination_weekly_cost']:,.2f}/wk ({r['price_source']})"
            if r["destination_weekly_cost"] is not None
            else ""
        )
        if r["scenario_spend_null_reason"]:
            price = r["scenario_spend_null_reason"]
        if r.get("is_suppressed"):
            price = "; ".join(filter(None, [price, f"suppressed ({r['suppression_reason']}: 1-4 people)"]))
        change = "n/a" if r["spend_change"] is None else f"{r['spend_change']:+,.0f}"
        lines.append(
            f"  {r['scenario_year']:>4} {r['sector_id']:26} {r['sector_role'][:11]:11} "
            f"{_people(r['baseline_people']):>9} {_people(r['scenario_people']):>9} "
            f"{_money(r['baseline_spend']):>14} {_money(r['scenario_spend']):>14} "
            f"{change:>12}  {price}"
        )
    totals: dict[tuple[str, int], Decimal | None] = {}
    for r in result.sectors:
        key = (r["la_code"], r["scenario_year"])
        current = totals.get(key, Decimal(0))
        totals[key] = None if current is None or r["spend_change"] is None else current + r["spend_change"]
    lines.append("total spend change by year:")
    suppressed = {(r["la_code"], r["scenario_year"]) for r in result.sectors if r.get("is_suppressed")}
    for (la, year), total in totals.items():
        if (la, year) in suppressed:
            shown = "n/a (small numbers suppressed)"
        elif total is None:
            shown = "n/a (a destination needs a price)"
        else:
            shown = f"{total:+,.2f} GBP"
        lines.append(f"  {la} year {year}: {shown}")
    if result.metrics:
        lines.append("metric changes (baseline = latest financial year by the base quarter end):")
        for m in result.metrics:
            baseline = "n/a" if m["baseline_value"] is None else f"{m['baseline_value']:.1f}%"
            projected = "n/a" if m["scenario_value"] is None else f"{m['scenario_value']:.1f}%"
            lines.append(
                f"  {m['la_code']} year {m['scenario_year']} {m['metric_id']:12} {baseline} -> {projected}"
                f" ({_signed(m['value_change'], ' pts')}; numerator {_signed(m['numerator_change'])},"
                f" denominator {_signed(m['denominator_change'])})"
            )
    return "\n".join(lines)


def check_suite(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The blocking GE expectations of the mart (as the Dagster check applies them in a build)."""
    from orchestration.defs.quality.expectations import load_suite, validate_frame

    suite = load_suite("resource_shift_scenarios")
    outcome = validate_frame(con.sql(suite["query"]).df(), suite, "error")
    return [f"{f.expectation} on {f.column}: {f.why}" for f in outcome.failures]
