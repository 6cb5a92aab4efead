"""dbt models as Dagster assets, split by layer so a failure in one layer stops the next.

Asset keys are `<schema>/<name>` (e.g. `marts/fct_events`), matching the tables BI users see;
sources keep dagster-dbt's `<source>/<table>` keys, which are the ingest asset's keys.
"""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster import AssetExecutionContext
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.defs.ingest.assets import DUCKDB_POOL
from orchestration.defs.transform.project import MANIFEST_PATH, dbt_executable, vars_argument
from orchestration.settings import DBT_PROJECT_DIR, load_settings

LAYERS = ("seeds", "staging", "intermediate", "marts")


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


def layer_assets(name: str, select: str, description: str) -> dg.AssetsDefinition:
    """One @dbt_assets for a set of layers; `dbt build` runs their tests and unit tests too."""

    @dbt_assets(
        manifest=MANIFEST_PATH,
        select=select,
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
dbt_marts = layer_assets("dbt_marts", "tag:layer_marts", "The published marts (with their dbt tests).")
