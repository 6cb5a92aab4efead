"""Dagster asset that lands every new file in the extracts folder (one load per file)."""

from collections import Counter

import dagster as dg
from dagster import AssetExecutionContext

from orchestration import progress
from orchestration.defs.ingest.load import load_folder
from orchestration.defs.ingest.store import connect
from orchestration.defs.scenarios.store import extract_scenario_files, store_folder
from orchestration.settings import load_settings

INGEST_TABLES = (
    ("raw", "cld_events"),
    ("raw", "cld_extra_columns"),
    ("raw", "population"),
    ("raw", "hospital_discharges"),
    ("raw", "finance_transactions"),
    ("raw", "finance_control"),
    ("raw", "finance_category_map"),
    ("raw", "scenario_definitions"),
    ("raw", "scenario_shifts"),
    ("audit", "loads"),
    ("audit", "check_counts"),
    ("audit", "finance_totals"),
    ("quarantine", "rejected_rows"),
    ("quarantine", "row_issues"),
)

DUCKDB_POOL = "duckdb_writer"


@dg.multi_asset(
    name="ingest_extracts",
    specs=[
        dg.AssetSpec(
            key=dg.AssetKey([schema, table]),
            group_name="ingest",
            description=f"{schema}.{table}, written by the file loaders (orchestration/defs/ingest/).",
            kinds={"duckdb", "python"},
        )
        for schema, table in INGEST_TABLES
    ],
    pool=DUCKDB_POOL,
)
def ingest_extracts(context: AssetExecutionContext):
    """Recognise, validate and load every landed file; refused files are audited, not fatal."""
    settings = load_settings().with_key()
    if settings.extracts_dir is None or not settings.extracts_dir.is_dir():
        raise dg.Failure(f"extracts folder {settings.extracts_dir} not found; set ASCW_EXTRACTS_DIR or --extracts")

    def on_file(path):
        progress.say(f"loading {path.name}")

    with connect(settings.duckdb_path) as con:
        results = load_folder(con, settings.extracts_dir, settings, on_file=on_file)
        # Scenario files (scenario_*.yaml, docs/scenarios.md) are stored, not loaded: the loaders
        # ignore .yaml. An invalid one is reported and skipped; it never stops the build.
        scenarios, scenario_errors = store_folder(con, extract_scenario_files(settings.extracts_dir))
    for item in scenarios:
        progress.say(f"scenario {item.scenario.scenario_id} stored from {item.path.name}")
    for message in scenario_errors:
        progress.say(message)
        context.log.warning(message)
    statuses = Counter(r.status for r in results)
    for r in results:
        line = f"{r.source_file}: {r.status} (in {r.rows_in}, loaded {r.rows_loaded}, rejected {r.rows_rejected})"
        progress.say(line + (f" - {r.message}" if r.status in {"refused", "failed"} else ""))
        if r.status in {"refused", "failed"}:
            context.log.warning(f"{r.source_file}: {r.message}")
    summary = {
        "files": len(results),
        **{f"files_{k}": v for k, v in statuses.items()},
        "rows_loaded": sum(r.rows_loaded for r in results),
        "rows_rejected": sum(r.rows_rejected for r in results),
        "scenarios_stored": len(scenarios),
        "scenario_files_invalid": len(scenario_errors),
    }
    for schema, table in INGEST_TABLES:
        yield dg.MaterializeResult(asset_key=dg.AssetKey([schema, table]), metadata=summary)
