"""`ascw`: the command line a council BI team schedules from cron or Windows Task Scheduler.

Exit codes (design.md): 0 success; 1 a step or blocking check failed; 2 usage or configuration
error; 3 the run completed but some files were refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from orchestration.settings import ConfigError, Settings, load_settings

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_REFUSED = 0, 1, 2, 3
# Dagster's run tags for a partition range (a single-run backfill); literal so the CLI starts fast.
ASSET_PARTITION_RANGE_START_TAG = "dagster/asset_partition_range_start"
ASSET_PARTITION_RANGE_END_TAG = "dagster/asset_partition_range_end"

DAGSTER_YAML = """\
# Written by ascw: local run storage under the warehouse folder, telemetry off, and one DuckDB
# writer at a time (the working file is single-writer across processes).
telemetry:
  enabled: false
concurrency:
  pools:
    default_limit: 1
"""


class UserError(click.ClickException):
    exit_code = EXIT_USAGE


def _settings(ctx: click.Context, warehouse: Path | None = None, extracts: Path | None = None) -> Settings:
    try:
        return load_settings(warehouse or ctx.obj.get("warehouse"), extracts, ctx.obj.get("config"))
    except ConfigError as exc:
        raise UserError(str(exc)) from exc


def prepare_environment(settings: Settings) -> None:
    """Environment every component reads: paths, key, telemetry off, Dagster home."""
    from orchestration.defs.transform.project import dbt_environment

    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    dagster_yaml = settings.dagster_home / "dagster.yaml"
    if not dagster_yaml.exists():
        dagster_yaml.write_text(DAGSTER_YAML)
    settings.with_key()  # creates the local key file for a demo warehouse when none is configured
    os.environ.update(
        {
            "ASCW_WAREHOUSE_DIR": str(settings.warehouse_dir),
            "DAGSTER_HOME": str(settings.dagster_home),
            "GX_ANALYTICS_ENABLED": "false",
            "ASCW_PROGRESS": os.environ.get("ASCW_PROGRESS", "1"),
            **dbt_environment(settings),
        }
    )
    if settings.extracts_dir:
        os.environ["ASCW_EXTRACTS_DIR"] = str(settings.extracts_dir)
    if settings.allow_test_nhs_numbers:
        os.environ["ASCW_ALLOW_TEST_NHS_NUMBERS"] = "true"


def _guard(func: Callable[..., Any]) -> Callable[..., Any]:
    """Print errors without a traceback unless --debug."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        try:
            return func(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit):
            raise
        except ConfigError as exc:
            raise UserError(str(exc)) from exc
        except Exception as exc:
            if ctx.obj.get("debug"):
                traceback.print_exc()
            click.echo(f"error: {type(exc).__name__}: {exc}", err=True)
            ctx.exit(EXIT_FAILED)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--warehouse",
    type=click.Path(path_type=Path),
    envvar="ASCW_WAREHOUSE_DIR",
    help="Warehouse folder (DuckDB file, Dagster home, outputs). Default: ./warehouse.",
)
@click.option(
    "--config",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    envvar="ASCW_CONFIG",
    help="YAML configuration file (default: <warehouse>/ascw.yaml when present).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
@click.pass_context
def main(ctx: click.Context, warehouse: Path | None, config: Path | None, debug: bool) -> None:
    """Adult social care commissioning warehouse: load CLD and finance extracts, build marts."""
    ctx.ensure_object(dict)
    ctx.obj.update({"warehouse": warehouse, "config": config, "debug": debug})


# --- generate ------------------------------------------------------------------------------------


@main.command()
@click.option(
    "--scale",
    type=click.Choice(["demo", "council", "national"]),
    default="demo",
    show_default=True,
    help="demo ≈ 10,000 people; council ≈ 50,000 people / 1M rows; national = 153 LAs (streamed).",
)
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Folder to write extracts to.")
@click.option("--seed", type=int, default=42, show_default=True, help="Random seed (same seed, same bytes).")
@click.option(
    "--faults",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Share of CLD rows given an injected fault (each finance ledger gets a fixed few); writes fault_manifest.csv.",
)
@click.option(
    "--release",
    type=click.Choice(["1", "2", "mixed"]),
    default="1",
    show_default=True,
    help="CLD code release used in the files.",
)
@click.option(
    "--hospital/--no-hospital",
    default=False,
    show_default=True,
    help="Also write a hospital discharge extract per LA (for ASCOF 2D).",
)
@click.option(
    "--good-lives-share",
    type=click.FloatRange(0, 1),
    default=0.3,
    show_default=True,
    help="Share of service users given a good-lives profile (0: no profile file).",
)
@_guard
def generate(
    scale: str, out_dir: Path, seed: int, faults: float, release: str, hospital: bool, good_lives_share: float
) -> None:
    """Write realistic synthetic extracts (CLD, finance, population) for demos, tests and benchmarks."""
    from orchestration.synthetic.generate import generate as run_generate

    result = run_generate(
        out_dir,
        scale=scale,
        seed=seed,
        faults=faults,
        release=release,
        progress=lambda m: click.echo(m, err=True),
        hospital=hospital,
        good_lives_share=good_lives_share,
    )
    click.echo(
        f"wrote {len(result.files)} files for {len(result.la_codes)} LA(s) to {result.out_dir}: "
        f"{result.people:,} people, {result.event_rows:,} event rows"
    )
    if result.manifest_path:
        click.echo(f"fault manifest: {result.manifest_path}")
    from orchestration.defs.scenarios.store import copy_example_scenarios

    examples = copy_example_scenarios(out_dir)
    if examples:
        click.echo(f"example scenarios (docs/scenarios.md): {', '.join(p.name for p in examples)}")


# --- build ---------------------------------------------------------------------------------------


def parse_dbt_project(settings: Settings) -> None:
    """dagster-dbt needs a prebuilt manifest before the definitions import; parse when it is stale."""
    from orchestration.defs.transform.project import MANIFEST_PATH, manifest_is_fresh, run_dbt, vars_argument

    if manifest_is_fresh(MANIFEST_PATH):
        return
    result = run_dbt(["--quiet", "parse", *vars_argument(settings)], settings)
    if not result.success:
        raise RuntimeError(f"dbt parse failed: {result.exception}")


ALL_YEARS = "all"


def latest_metric_years(settings: Settings) -> list[str] | None:
    """The two latest financial years of the warehouse's reporting periods, or None when the metric
    marts were never built (a fresh warehouse rebuilds every year)."""
    import duckdb

    if not settings.duckdb_path.exists():
        return None
    con = duckdb.connect(str(settings.duckdb_path), read_only=True)
    try:
        tables = {
            f"{schema}.{name}"
            for schema, name in con.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall()
        }
        if not {"marts.commissioning_metrics", "intermediate.int_periods"} <= tables:
            return None
        years = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT financial_year FROM intermediate.int_periods ORDER BY 1 DESC LIMIT 2"
            ).fetchall()
        ]
    finally:
        con.close()
    return sorted(years) or None


def metric_year_range(settings: Settings, years: str | None) -> tuple[str, str]:
    """The financial-year partition range a build rebuilds in the metrics layer.

    `all` → every year (a full rebuild). Default: the two latest years present in the warehouse
    (rolling and look-forward windows cross the year end, so a new quarter can change the previous
    year) and any later year (the new files may start one); every year on a fresh warehouse.
    Explicit years (`2024-25,2023-24`) are rebuilt as the contiguous range covering them.
    """
    from orchestration.defs.transform.partitions import FINANCIAL_YEARS, year_range

    every = FINANCIAL_YEARS.get_partition_keys()
    if years is None:
        present = latest_metric_years(settings)
        if present is None:
            return every[0], every[-1]
        start = present[0] if present[0] in every else every[0]
        return start, every[-1]
    if years.strip().lower() == ALL_YEARS:
        return every[0], every[-1]
    try:
        return year_range([y.strip() for y in years.split(",") if y.strip()], every)
    except ValueError as exc:
        raise UserError(f"--years: {exc}") from exc


def describe_years(year_range: tuple[str, str]) -> str:
    from orchestration.defs.transform.partitions import FINANCIAL_YEARS, metric_years_var

    every = FINANCIAL_YEARS.get_partition_keys()
    keys = every[every.index(year_range[0]) : every.index(year_range[1]) + 1]
    years = metric_years_var(keys, every)
    return "every financial year (full rebuild)" if years is None else ", ".join(years)


def run_build(settings: Settings, year_range: tuple[str, str] | None = None) -> tuple[Any, list[dict[str, Any]]]:
    """Materialise every asset and check in-process through Dagster; return (result, check rows).

    One run: the unpartitioned layers whole, the financial-year-partitioned metrics layer over
    `year_range` (default every year) as a single-run backfill of that partition range.
    """
    import logging

    import dagster as dg

    from orchestration.defs.transform.partitions import FINANCIAL_YEARS
    from orchestration.progress import say

    for noisy in ("dagster", "great_expectations"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    parse_dbt_project(settings)
    from orchestration import definitions

    every = FINANCIAL_YEARS.get_partition_keys()
    start, end = year_range or (every[0], every[-1])
    say(f"running the Dagster job build_warehouse in-process (metric years {start}..{end})")
    job = definitions.defs.resolve_job_def("build_warehouse")
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
            tags={ASSET_PARTITION_RANGE_START_TAG: start, ASSET_PARTITION_RANGE_END_TAG: end},
        )
    checks = [
        {
            "check": evaluation.check_name,
            "asset": "/".join(evaluation.asset_key.path),
            "passed": evaluation.passed,
            "severity": evaluation.severity.value,
        }
        for evaluation in (
            event.event_specific_data
            for event in result.all_events
            if event.event_type_value == "ASSET_CHECK_EVALUATION"
        )
    ]
    return result, checks


def _summarise(settings: Settings, since: dt.datetime) -> dict[str, Any]:
    from orchestration.defs.ingest.store import connect

    with connect(settings.duckdb_path, read_only=True) as con:
        loads = con.execute(
            "SELECT source_file, status, rows_in, rows_loaded, rows_rejected, rows_flagged, message "
            "FROM audit.loads WHERE started_at >= ? ORDER BY started_at",
            [since],
        ).fetchall()
        marts = con.execute(
            "SELECT table_name, estimated_size FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY 1"
        ).fetchall()
        counts = {name: con.execute(f'SELECT count(*) FROM marts."{name}"').fetchone()[0] for name, _ in marts}
        headlines = _headline_metrics(con) if "commissioning_metrics" in counts else []
        unmet = con.execute(UNMET_NEED_SQL).fetchall() if "good_lives_area_profile" in counts else []
        scenarios = con.execute(SCENARIO_DELTAS_SQL).fetchall() if "resource_shift_scenarios" in counts else []
    from orchestration.defs.ingest.load import landed_files

    audited = {row[0] for row in loads}
    waiting = [p.name for p in landed_files(settings.extracts_dir)] if settings.extracts_dir else []
    return {
        "loads": loads,
        "marts": counts,
        "not_loaded": [n for n in waiting if n not in audited],
        "headlines": headlines,
        "unmet_need": unmet,
        "scenarios": scenarios,
    }


HEADLINE_SQL = """
    SELECT la_code, financial_year, metric_id, unit, value, numerator, denominator, suppression_reason,
           is_provisional
    FROM marts.commissioning_metrics
    WHERE breakdown = 'total' AND period_type = 'financial_year'
      AND (la_code, period_end) IN (
        SELECT la_code, max(period_end) FROM marts.commissioning_metrics
        WHERE period_type = 'financial_year' GROUP BY la_code)
    ORDER BY la_code, metric_sort_order
"""


# The life domain with the most people whose need is unmet (good_lives_extract.md §7), per LA, in the
# latest financial year of the area profile; suppressed cells never take part.
UNMET_NEED_SQL = """
    WITH latest AS (
        SELECT la_code, max(period_end) AS period_end FROM marts.good_lives_area_profile
        WHERE period_type = 'financial_year' GROUP BY la_code
    ),
    unmet AS (
        SELECT a.la_code, a.financial_year, a.domain_label, a.people,
               row_number() OVER (PARTITION BY a.la_code ORDER BY a.people DESC, a.domain_sort_order) AS rank_
        FROM marts.good_lives_area_profile AS a
        INNER JOIN latest USING (la_code, period_end)
        WHERE a.period_type = 'financial_year' AND a.cohort_type = 'all' AND a.measure = 'unmet_need'
          AND NOT a.is_suppressed AND a.people > 0
    )
    SELECT u.la_code, u.financial_year, u.domain_label, u.people, s.share
    FROM unmet AS u
    LEFT JOIN marts.good_lives_area_profile AS s
      ON s.la_code = u.la_code AND s.financial_year = u.financial_year AND s.period_type = 'financial_year'
     AND s.cohort_type = 'all' AND s.measure = 'share_unmet' AND s.domain_label = u.domain_label
    WHERE u.rank_ = 1
    ORDER BY u.la_code
"""


# Spend change of each stored scenario per council and year: NULL when a row is suppressed (small
# numbers) or a destination still needs a price, so a partial sum is never shown as the total.
SCENARIO_DELTAS_SQL = """
    SELECT scenario_id, la_code, scenario_year,
           CASE WHEN count(spend_change) = count(*) THEN sum(spend_change) END AS spend_change,
           bool_or(is_suppressed) AS any_suppressed
    FROM marts.resource_shift_scenarios
    GROUP BY scenario_id, la_code, scenario_year
    ORDER BY scenario_id, la_code, scenario_year
"""


def format_scenario_deltas(rows: list[tuple]) -> list[str]:
    """One line per scenario and council: the spend change of each scenario year."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for scenario_id, la_code, year, change, suppressed in rows:
        if change is not None:
            shown = f"{'+' if change >= 0 else '-'}£{abs(change):,.0f}"
        else:
            shown = "n/a (suppressed)" if suppressed else "n/a (destination needs a price)"
        grouped.setdefault((scenario_id, la_code), []).append(f"year {year} {shown}")
    return [f"  {sid} ({la}): {', '.join(parts)}" for (sid, la), parts in grouped.items()]


def format_unmet_need(row: tuple) -> str:
    la_code, year, domain, people, share = row
    shown = f", {share:.1f}% of those with a need" if share is not None else ""
    return f"  {la_code} {year}: {domain} ({people:,} people with an unmet need{shown})"


def _headline_metrics(con: Any) -> list[tuple]:
    """Headline rows of each LA's latest financial year, for the build summary."""
    return con.execute(HEADLINE_SQL).fetchall()


UNIT_SUFFIX = {"percent": "%", "per_100k": " per 100k", "per_week": " a week", "median_days": " days", "count": ""}
MONEY_RATE_SUFFIX = {"gbp_per_week": " a week", "gbp_per_hour": " an hour"}


def format_headline(row: tuple) -> str:
    """One summary line: value with its unit and the counts behind it, or why it is missing."""
    _la, _year, metric_id, unit, value, numerator, denominator, reason, provisional = row
    if value is None:
        shown = f"n/a ({reason})"
    elif unit == "count":
        shown = f"{int(value):,}"
    elif unit == "gbp":
        # spend is shown as £m to 1 dp (metrics.md §1.2); the mart holds it to the penny
        shown = f"£{value / 1_000_000:,.1f}m"
    elif unit in MONEY_RATE_SUFFIX:
        shown = f"£{value:,.2f}{MONEY_RATE_SUFFIX[unit]}"
    else:
        shown = f"{value:,.1f}{UNIT_SUFFIX.get(unit, '')}"
    counts = ""
    if value is not None and unit != "count" and numerator is not None:
        counts = f"  [{numerator:,}" + (f" / {denominator:,}]" if denominator is not None else "]")
    return f"  {metric_id:32} {shown}{counts}{' (provisional)' if provisional else ''}"


@main.command()
@click.option(
    "--extracts",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="ASCW_EXTRACTS_DIR",
    required=True,
    help="Landing folder holding the council's extract files.",
)
@click.option(
    "--warehouse",
    "warehouse_opt",
    type=click.Path(path_type=Path),
    default=None,
    help="Warehouse folder (overrides the global option).",
)
@click.option(
    "--allow-test-nhs-numbers",
    is_flag=True,
    default=None,
    help="Accept the 999 test range (synthetic and test data only).",
)
@click.option(
    "--years",
    default=None,
    metavar="YEARS",
    help="Financial years the metric marts rebuild, e.g. 2024-25,2023-24, or 'all'. Default: the two "
    "latest years in the warehouse and any later one (every year on a fresh warehouse).",
)
@click.pass_context
@_guard
def build(
    ctx: click.Context,
    extracts: Path,
    warehouse_opt: Path | None,
    allow_test_nhs_numbers: bool | None,
    years: str | None,
) -> None:
    """Load new files and build every mart through Dagster, then print a summary.

    The metric marts are partitioned by financial year: years outside --years keep their rows.
    Exit 0 when everything passed, 1 when a step or blocking check failed, 3 when files were refused.
    """
    if not extracts.is_dir():
        raise UserError(f"extracts folder {extracts} does not exist")
    if allow_test_nhs_numbers:
        os.environ["ASCW_ALLOW_TEST_NHS_NUMBERS"] = "true"
    settings = _settings(ctx, warehouse_opt, extracts)
    prepare_environment(settings)
    year_range = metric_year_range(settings, years)
    started = dt.datetime.now()
    result, checks = run_build(settings, year_range)
    summary = _summarise(settings, started)
    summary["metric_years"] = describe_years(year_range)
    click.echo(render_summary(settings, summary, checks, result.success))
    refused = [row for row in summary["loads"] if row[1] == "refused"]
    failed_loads = [row for row in summary["loads"] if row[1] == "failed"]
    blocking_failed = [c for c in checks if not c["passed"] and c["severity"] == "ERROR"]
    if not result.success or blocking_failed or failed_loads:
        ctx.exit(EXIT_FAILED)
    if refused:
        ctx.exit(EXIT_REFUSED)


def render_summary(settings: Settings, summary: dict[str, Any], checks: list[dict[str, Any]], success: bool) -> str:
    loads = summary["loads"]
    lines = ["", "=== ascw build summary ==="]
    by_status: dict[str, int] = {}
    for row in loads:
        by_status[row[1]] = by_status.get(row[1], 0) + 1
    lines.append(f"files: {len(loads)} ({', '.join(f'{v} {k}' for k, v in sorted(by_status.items())) or 'none new'})")
    lines.append(
        f"rows: {sum(r[2] for r in loads):,} read, {sum(r[3] for r in loads):,} loaded, "
        f"{sum(r[4] for r in loads):,} rejected, {sum(r[5] or 0 for r in loads):,} loaded with flags"
    )
    for row in loads:
        if row[1] in {"refused", "failed"}:
            lines.append(f"  {row[1].upper()}: {row[0]}: {row[6]}")
    if summary.get("not_loaded"):
        lines.append(
            f"recognised, not loaded by this release (no loader for their dataset yet): "
            f"{', '.join(summary['not_loaded'])}"
        )
    current = None
    for row in summary.get("headlines", []):
        if (row[0], row[1]) != current:
            current = (row[0], row[1])
            lines.append(f"headline metrics, {row[0]} {row[1]} (marts.commissioning_metrics):")
        lines.append(format_headline(row))
    if summary.get("unmet_need"):
        lines.append("biggest unmet-need domain (marts.good_lives_area_profile):")
        lines.extend(format_unmet_need(row) for row in summary["unmet_need"])
    if summary.get("scenarios"):
        lines.append("resource-shift scenarios, spend change a year (marts.resource_shift_scenarios; estimates):")
        lines.extend(format_scenario_deltas(summary["scenarios"]))
    if summary.get("metric_years"):
        lines.append(f"metric years rebuilt: {summary['metric_years']}")
    lines.append(f"marts built: {len(summary['marts'])}")
    for name, count in summary["marts"].items():
        lines.append(f"  marts.{name}: {count:,} rows")
    passed = sum(1 for c in checks if c["passed"])
    lines.append(f"checks: {passed} passed, {len(checks) - passed} failed")
    for c in checks:
        if not c["passed"]:
            lines.append(f"  FAILED ({c['severity']}): {c['check']} on {c['asset']}")
    lines.append(f"run: {'succeeded' if success else 'FAILED'}")
    lines.append(f"warehouse: {settings.duckdb_path}")
    lines.append(f"Dagster run history: {settings.dagster_home} (make dev opens the UI)")
    return "\n".join(lines)


# --- status, validate, rejections, unload --------------------------------------------------------


@main.command()
@click.option("--warehouse", "warehouse_opt", type=click.Path(path_type=Path), default=None, help="Warehouse folder.")
@click.option("--limit", type=int, default=20, show_default=True, help="How many recent loads to list.")
@click.pass_context
@_guard
def status(ctx: click.Context, warehouse_opt: Path | None, limit: int) -> None:
    """Print the latest loads with their row and rejection counts."""
    from orchestration.defs.ingest.store import connect

    settings = _settings(ctx, warehouse_opt)
    if not settings.duckdb_path.exists():
        raise UserError(f"no warehouse at {settings.duckdb_path}; run `ascw build` first")
    with connect(settings.duckdb_path, read_only=True) as con:
        rows = con.execute(
            "SELECT load_id, source_file, dataset, status, rows_in, rows_loaded, rows_rejected, rows_flagged, "
            "started_at FROM audit.loads ORDER BY started_at DESC LIMIT ?",
            [limit],
        ).fetchall()
        totals = con.execute(
            "SELECT status, count(*), sum(rows_rejected) FROM audit.loads GROUP BY status ORDER BY status"
        ).fetchall()
    click.echo(f"{'load_id':32} {'status':18} {'in':>9} {'loaded':>9} {'rejected':>8} {'flagged':>8}  file")
    for r in rows:
        click.echo(f"{r[0]:32} {r[3]:18} {r[4]:>9,} {r[5]:>9,} {r[6]:>8,} {r[7] or 0:>8,}  {r[1]}")
    click.echo("totals: " + ", ".join(f"{s} {n} (rejected rows {rej or 0:,})" for s, n, rej in totals))


@main.command()
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--allow-test-nhs-numbers", is_flag=True, help="Accept the 999 test range.")
@click.option("--show", type=int, default=20, show_default=True, help="How many problem rows to print.")
@click.pass_context
@_guard
def validate(ctx: click.Context, file: Path, allow_test_nhs_numbers: bool, show: int) -> None:
    """Dry-run one file: print what would be rejected or flagged. Nothing is stored.

    Exit 0 when the file would load, 3 when it would be refused.
    """
    import duckdb

    from orchestration.defs.ingest.load import load_file
    from orchestration.defs.ingest.store import ensure_schema

    settings = _settings(ctx)
    if allow_test_nhs_numbers:
        from dataclasses import replace

        settings = replace(settings, allow_test_nhs_numbers=True)
    settings = settings.with_key() if settings.hmac_key else _ephemeral_key(settings)
    con = duckdb.connect(":memory:")
    try:
        ensure_schema(con)
        outcome = load_file(con, file, settings)
        click.echo(f"{file.name}: would be {outcome.status}" + (f" as {outcome.dataset}" if outcome.dataset else ""))
        if outcome.message:
            click.echo(f"  {outcome.message}")
        click.echo(
            f"  rows: {outcome.rows_in:,} read, {outcome.rows_loaded:,} would load, "
            f"{outcome.rows_rejected:,} would be rejected, {outcome.rows_flagged:,} flagged"
        )
        for title, table in (("rejected", "rejected_rows"), ("flagged", "row_issues")):
            summary = con.execute(
                f'SELECT rule, "column", count(*) FROM quarantine.{table} GROUP BY 1, 2 ORDER BY 3 DESC'
            ).fetchall()
            if summary:
                click.echo(f"  {title} by rule and column:")
                for rule_code, column, count in summary:
                    click.echo(f"    {rule_code:28} {column or '-':34} {count:>8,}")
            sample = con.execute(
                f'SELECT row_number, "column", rule, value FROM quarantine.{table} ORDER BY row_number LIMIT ?', [show]
            ).fetchall()
            for row_number, column, rule_code, value in sample:
                click.echo(f"    row {row_number}: {column or '-'} {rule_code} {value!r}")
    finally:
        con.close()
    if outcome.status in {"refused", "failed"}:
        ctx.exit(EXIT_REFUSED if outcome.status == "refused" else EXIT_FAILED)


def _ephemeral_key(settings: Settings) -> Settings:
    """A dry run hashes identifiers with a throwaway key: nothing it computes is kept."""
    import secrets
    from dataclasses import replace

    return replace(settings, hmac_key=secrets.token_hex(32).encode())


@main.command()
@click.option("--load", "load_id", required=True, help="The load id (see `ascw status`).")
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="CSV file to write for the data owner.",
)
@click.option("--include-flags", is_flag=True, help="Also export field issues on rows that did load.")
@click.pass_context
@_guard
def rejections(ctx: click.Context, load_id: str, out_file: Path, include_flags: bool) -> None:
    """Export the rejected rows of one load (file, row, column, rule, value, message) to CSV."""
    from orchestration.defs.ingest.store import connect

    settings = _settings(ctx)
    with connect(settings.duckdb_path, read_only=True) as con:
        if not con.execute("SELECT 1 FROM audit.loads WHERE load_id = ?", [load_id]).fetchone():
            raise UserError(f"no load {load_id!r}; `ascw status` lists the loads")
        query = (
            "SELECT source_file, row_number, \"column\", rule, value, message, 'rejected' AS outcome "
            "FROM quarantine.rejected_rows WHERE load_id = $id"
        )
        if include_flags:
            query += (
                " UNION ALL SELECT source_file, row_number, \"column\", rule, value, message, 'flagged' "
                "FROM quarantine.row_issues WHERE load_id = $id"
            )
        rows = con.execute(query + " ORDER BY 2, 3", {"id": load_id}).fetchall()
    out_file.parent.mkdir(parents=True, exist_ok=True)
    with out_file.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source_file", "row_number", "column", "rule", "value", "message", "outcome"])
        writer.writerows(rows)
    click.echo(f"wrote {len(rows):,} rows to {out_file}")


@main.command()
@click.argument("load_id")
@click.option("--reason", default=None, help="Why the load is withdrawn (kept in the audit).")
@click.pass_context
@_guard
def unload(ctx: click.Context, load_id: str, reason: str | None) -> None:
    """Withdraw a bad load: kept and audited, no longer selected. Rebuild to apply."""
    from orchestration.defs.ingest.load import withdraw_load
    from orchestration.defs.ingest.store import connect

    settings = _settings(ctx)
    with connect(settings.duckdb_path) as con:
        try:
            withdraw_load(con, load_id, reason)
        except (KeyError, ValueError) as exc:
            raise UserError(str(exc).strip("'\"")) from exc
    click.echo(f"load {load_id} withdrawn; run `ascw build` to rebuild the marts without it")


@main.command()
@click.option(
    "--extracts",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="ASCW_EXTRACTS_DIR",
    default=None,
    help="Landing folder the ingest asset reads.",
)
@click.option("--port", type=int, default=3000, show_default=True, help="Port of the Dagster UI (loopback only).")
@click.pass_context
@_guard
def dev(ctx: click.Context, extracts: Path | None, port: int) -> None:
    """Start the Dagster UI and daemon for this warehouse (Ctrl-C stops both)."""
    import subprocess

    settings = _settings(ctx, None, extracts)
    prepare_environment(settings)
    parse_dbt_project(settings)
    dagster = Path(sys.executable).parent / "dagster"
    command = [str(dagster), "dev", "-m", "orchestration.definitions", "-h", "127.0.0.1", "-p", str(port)]
    click.echo(f"Dagster UI on http://127.0.0.1:{port} (DAGSTER_HOME={settings.dagster_home})", err=True)
    ctx.exit(subprocess.call(command))


@main.command()
@click.option("--serve", is_flag=True, help="Serve the docs on http://127.0.0.1:8080 after generating them.")
@click.pass_context
@_guard
def docs(ctx: click.Context, serve: bool) -> None:
    """Generate dbt docs: the data dictionary of every model and column."""
    from orchestration.defs.transform.project import run_dbt, vars_argument

    settings = _settings(ctx)
    prepare_environment(settings)
    target = settings.warehouse_dir / "docs"
    args = ["docs", "generate", *vars_argument(settings), "--target-path", str(target)]
    if not settings.duckdb_path.exists():
        args.append("--empty-catalog")
    result = run_dbt(args, settings)
    if not result.success:
        raise RuntimeError(f"dbt docs generate failed: {result.exception}")
    click.echo(f"dbt docs written to {target / 'index.html'}")
    if serve:
        run_dbt(["docs", "serve", "--target-path", str(target), "--host", "127.0.0.1", "--port", "8080"], settings)


# --- scenario ------------------------------------------------------------------------------------


def _read_scenario_or_exit(ctx: click.Context, file: Path) -> Any:
    """A validated scenario file, or its problems on stderr and exit 2 (no traceback)."""
    from orchestration.defs.scenarios.schema import ScenarioFileError, read_scenario

    try:
        return read_scenario(file)
    except ScenarioFileError as exc:
        click.echo(str(exc), err=True)
        ctx.exit(EXIT_USAGE)


@main.group()
def scenario() -> None:
    """Resource-shift scenarios (docs/scenarios.md): validate a scenario file, or run it."""


@scenario.command("validate")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.pass_context
@_guard
def scenario_validate(ctx: click.Context, file: Path) -> None:
    """Check a scenario file without storing anything. Exit 0 when valid, 2 when not."""
    item = _read_scenario_or_exit(ctx, file)
    s = item.scenario
    click.echo(f"{file}: valid scenario {s.scenario_id!r} ({s.name}), {s.years} year(s), {len(s.shifts)} shift(s)")
    for number, shift in enumerate(s.shifts, start=1):
        price = f" at £{shift.destination_weekly_cost}/week" if shift.destination_weekly_cost is not None else ""
        click.echo(
            f"  shift {number}: {shift.share_percent}% of {shift.cohort.describe()} from {shift.from_sector} "
            f"to {shift.to_sector} over {shift.over_years} year(s){price}"
        )


@scenario.command("run")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--warehouse", "warehouse_opt", type=click.Path(path_type=Path), default=None, help="Warehouse folder.")
@click.pass_context
@_guard
def scenario_run(ctx: click.Context, file: Path, warehouse_opt: Path | None) -> None:
    """Validate and store a scenario file, rebuild the scenario models (dbt, those models only) and
    print baseline vs scenario by year and sector with the metric changes.

    Exit 0 on success; 1 when a destination has no price (it names the sector) or a check fails;
    2 when the file is invalid or the warehouse has not been built.
    """
    from orchestration.defs.ingest.store import connect
    from orchestration.defs.scenarios import report
    from orchestration.defs.scenarios.store import store_scenario

    item = _read_scenario_or_exit(ctx, file)
    settings = _settings(ctx, warehouse_opt)
    if not settings.duckdb_path.exists():
        raise UserError(f"no warehouse at {settings.duckdb_path}; run `ascw build` first")
    prepare_environment(settings)
    with connect(settings.duckdb_path) as con:
        missing = report.missing_tables(con)
        if missing:
            raise UserError(f"the warehouse has not been built ({', '.join(missing)} missing); run `ascw build` first")
        store_scenario(con, item)
    report.build_scenario_models(settings)
    with connect(settings.duckdb_path, read_only=True) as con:
        result = report.read_result(con, item.scenario.scenario_id)
        failures = report.check_suite(con)
    click.echo(report.render(item.scenario.scenario_id, result))
    unpriced = result.unpriced_sectors
    if unpriced:
        click.echo(
            f"error: destination sector(s) {', '.join(unpriced)} have fewer than the minimum people for an observed "
            "price; give destination_weekly_cost in the scenario file",
            err=True,
        )
    for failure in failures:
        click.echo(f"FAILED check resource_shift_scenarios: {failure}", err=True)
    if unpriced or failures:
        ctx.exit(EXIT_FAILED)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
