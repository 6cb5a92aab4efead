"""dbt models as Dagster assets, split by layer so a failure in one layer stops the next.

Asset keys are `<schema>/<name>` (e.g. `marts/fct_events`), matching the tables BI users see;
sources keep dagster-dbt's `<source>/<table>` keys, which are the ingest asset's keys.

The per-period metric models (dbt tag `metrics_partitioned`, intermediate and marts) form their own
asset, partitioned by financial year with a single-run backfill policy: one dbt invocation rebuilds
every selected year (dbt var metric_financial_years), the other years' rows stay untouched.
"""

import json
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster import AssetExecutionContext
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.defs.ingest.assets import DUCKDB_POOL
from orchestration.defs.transform.partitions import FINANCIAL_YEARS, metric_years_var
from orchestration.defs.transform.project import MANIFEST_PATH, dbt_executable, vars_argument
from orchestration.settings import DBT_PROJECT_DIR, load_settings

LAYERS = ("seeds", "staging", "intermediate", "marts")
PARTITIONED_TAG = "metrics_partitioned"
AFTER_METRICS_TAG = "after_metrics"


class LayerTranslator(DagsterDbtTranslator):
    """Groups follow the dbt folder layer; keys follow the schema the table lands in."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] in {"model", "seed", "snapshot"}:
            schema = dbt_resource_props.get("config", {}).get("schema") or "main"
            return dg.AssetKey([schema, dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "seeds"
        fqn = dbt_resource_props.get("fqn", [])
        for layer in LAYERS:
            if layer in fqn:
                return layer
        return None


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(
        project_dir=str(DBT_PROJECT_DIR), profiles_dir=str(DBT_PROJECT_DIR), dbt_executable=dbt_executable()
    )


def _build_args() -> list[str]:
    return ["build", *vars_argument(load_settings())]


def layer_assets(name: str, select: str, description: str, exclude: str = "") -> dg.AssetsDefinition:
    """One @dbt_assets for a set of layers; `dbt build` runs their tests and unit tests too."""

    @dbt_assets(
        manifest=MANIFEST_PATH,
        select=select,
        exclude=f"tag:{PARTITIONED_TAG} {exclude}".strip(),
        name=name,
        dagster_dbt_translator=LayerTranslator(),
        pool=DUCKDB_POOL,
    )
    def layer(context: AssetExecutionContext, dbt: DbtCliResource):
        yield from dbt.cli(_build_args(), context=context).stream()

    layer.__doc__ = description
    return layer


dbt_transform = layer_assets(
    "dbt_transform",
    "tag:layer_seeds tag:layer_staging tag:layer_intermediate",
    "Seeds, staging and intermediate models (with their dbt tests and unit tests).",
)
dbt_marts = layer_assets(
    "dbt_marts", "tag:layer_marts", "The published marts (with their dbt tests).", exclude=f"tag:{AFTER_METRICS_TAG}"
)
# Marts that read the partitioned metrics (metric_trends, place_profile, scenario metric effects)
# run after the metrics step and its blocking checks; the other marts do not wait for them.
dbt_marts_after_metrics = layer_assets(
    "dbt_marts_after_metrics",
    f"tag:{AFTER_METRICS_TAG}",
    "Marts built from the per-year metrics: trends, place profile and resource-shift scenarios.",
)


def metric_build_args(partition_keys: list[str]) -> list[str]:
    """`dbt build` of the given financial years; every year (a full run) leaves the var null.

    A partial run skips the dbt unit tests: they test the SQL on fixed fixtures (of any year), not
    the data, and run in every full build.
    """
    years = metric_years_var(partition_keys)
    dbt_vars = {**load_settings().dbt_vars(), "metric_financial_years": years}
    args = ["build", "--vars", json.dumps(dbt_vars)]
    if years is not None:
        args += ["--exclude-resource-type", "unit_test"]
    return args


@dbt_assets(
    manifest=MANIFEST_PATH,
    select=f"tag:{PARTITIONED_TAG}",
    name="dbt_metrics",
    dagster_dbt_translator=LayerTranslator(),
    partitions_def=FINANCIAL_YEARS,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=DUCKDB_POOL,
)
def dbt_metrics(context: AssetExecutionContext, dbt: DbtCliResource):
    """Per-period metric models and marts, one partition per financial year (single-run backfills)."""
    yield from dbt.cli(metric_build_args(list(context.partition_keys)), context=context).stream()
