"""The Dagster code location: ingest, dbt layers, quality checks and shared resources.

Settings come from the environment (`ASCW_*`, see orchestration/settings.py); the dbt manifest must
exist before import (`ascw build` and `make` run `dbt parse` first).
"""

from __future__ import annotations

import os

import dagster as dg

from orchestration.defs.ingest.assets import ingest_extracts
from orchestration.defs.quality.checks import all_suite_checks
from orchestration.defs.transform.assets import (
    dbt_marts,
    dbt_marts_after_metrics,
    dbt_metrics,
    dbt_resource,
    dbt_transform,
)
from orchestration.defs.transform.project import dbt_environment
from orchestration.settings import load_settings

# dbt runs as a subprocess of each step: give it the warehouse path and telemetry switches.
os.environ.update(dbt_environment(load_settings()))

ASSETS = [ingest_extracts, dbt_transform, dbt_metrics, dbt_marts, dbt_marts_after_metrics]
CHECKS = all_suite_checks()

build_everything = dg.define_asset_job(
    "build_warehouse",
    selection=dg.AssetSelection.all(),
    description=(
        "Ingest landed files, build every dbt layer and run every check. The metrics layer is "
        "partitioned by financial year: run it over a partition range (ascw build --years)."
    ),
)

defs = dg.Definitions(
    assets=ASSETS,
    asset_checks=CHECKS,
    jobs=[build_everything],
    resources={"dbt": dbt_resource()},
)
