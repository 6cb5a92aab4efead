"""The Dagster code location loads, its asset graph is what we expect, and the dbt manifest obeys
the project's layout rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

EXPECTED_ASSET_KEYS = {
    "audit/check_counts",
    "audit/finance_totals",
    "audit/loads",
    "intermediate/int_cld__event_exclusions",
    "intermediate/int_cld__events_deduplicated",
    "intermediate/int_cld__events_enriched",
    "intermediate/int_cld__events_prepared",
    "intermediate/int_cld__events_selected",
    "intermediate/int_cld__local_id_map",
    "intermediate/int_cld__person_attributes",
    "intermediate/int_cld__person_deaths",
    "intermediate/int_cld__person_identity",
    "intermediate/int_cld__quarter_selection",
    "intermediate/int_cld__resubmission_drops",
    "intermediate/int_cld__service_costs",
    "intermediate/int_cohort_long_term_support",
    "intermediate/int_cohorts__care_home_admissions",
    "intermediate/int_cohorts__carer_support",
    "intermediate/int_cohorts__lts_during_period",
    "intermediate/int_cqc__unmatched_location_ids",
    "intermediate/int_finance__ledger",
    "intermediate/int_finance__ledger_checks",
    "intermediate/int_finance__load_revisions",
    "intermediate/int_finance__recon_keys",
    "intermediate/int_finance__recon_lines",
    "intermediate/int_finance__recon_matches",
    "intermediate/int_finance__recon_payments",
    "intermediate/int_finance__recon_periods",
    "intermediate/int_finance__spend_cube",
    "intermediate/int_finance__unit_cost_parts",
    "intermediate/int_good_lives__area_cells",
    "intermediate/int_good_lives__match_summary",
    "intermediate/int_good_lives__period_profiles",
    "intermediate/int_good_lives__profiles",
    "intermediate/int_good_lives__spend_attribution",
    "intermediate/int_good_lives__suppression",
    "intermediate/int_good_lives__suppression_relations",
    "intermediate/int_hospital__discharges_2d",
    "intermediate/int_lts__lines",
    "intermediate/int_lts__new_entrants",
    "intermediate/int_lts__person_snapshots",
    "intermediate/int_metric_cells",
    "intermediate/int_metric_cells__cohorts",
    "intermediate/int_metric_cells__finance",
    "intermediate/int_metric_cells__hospital",
    "intermediate/int_metric_cells__lts",
    "intermediate/int_metric_cells__reablement",
    "intermediate/int_metric_cells__requests",
    "intermediate/int_metric_cells__waiting_times",
    "intermediate/int_metrics__rows",
    "intermediate/int_people__period_attributes",
    "intermediate/int_periods",
    "intermediate/int_population__period_bands",
    "intermediate/int_reablement__episode_lines",
    "intermediate/int_reablement__episodes",
    "intermediate/int_reablement__sequels",
    "intermediate/int_request_outcomes",
    "intermediate/int_requests__cluster_members",
    "intermediate/int_requests__clusters",
    "intermediate/int_requests__sequels",
    "intermediate/int_scenarios__runs",
    "intermediate/int_scenarios__sector_lines",
    "intermediate/int_scenarios__sector_people",
    "intermediate/int_scenarios__shift_years",
    "intermediate/int_service_lines__five_areas",
    "intermediate/int_suppression__cells",
    "intermediate/int_suppression__outcome",
    "intermediate/int_suppression__relations",
    "intermediate/int_waiting_times",
    "intermediate/int_waiting_times__requests",
    "intermediate/int_waiting_times__waits",
    "intermediate/ref_population",
    "marts/cohort_long_term_support",
    "marts/commissioning_metrics",
    "marts/dim_la",
    "marts/dim_period",
    "marts/dim_person",
    "marts/dim_provider_location",
    "marts/fct_events",
    "marts/fct_good_lives_profiles",
    "marts/fct_lts_cohort",
    "marts/fct_reablement_episodes",
    "marts/fct_requests",
    "marts/fct_service_costs",
    "marts/finance_case_reconciliation",
    "marts/finance_reconciliation_summary",
    "marts/finance_unmapped_codes",
    "marts/five_areas_costed",
    "marts/good_lives_area_profile",
    "marts/load_audit",
    "marts/metric_trends",
    "marts/place_profile",
    "marts/population_bands",
    "marts/request_outcomes",
    "marts/resource_shift_scenario_metrics",
    "marts/resource_shift_scenarios",
    "marts/spend_by_category",
    "marts/three_conversations_cost_avoidance",
    "marts/unit_costs",
    "marts/waiting_times",
    "quarantine/rejected_rows",
    "quarantine/row_issues",
    "raw/cld_events",
    "raw/cld_extra_columns",
    "raw/cqc_locations",
    "raw/finance_category_map",
    "raw/finance_control",
    "raw/finance_transactions",
    "raw/good_lives_profiles",
    "raw/hospital_discharges",
    "raw/place_inputs",
    "raw/population",
    "raw/scenario_definitions",
    "raw/scenario_shifts",
    "staging/stg_audit__loads",
    "staging/stg_cld__events",
    "staging/stg_cqc__locations",
    "staging/stg_finance__category_map",
    "staging/stg_finance__control",
    "staging/stg_finance__transactions",
    "staging/stg_good_lives__profiles",
    "staging/stg_hospital__discharges",
    "staging/stg_place__inputs",
    "staging/stg_population__estimates",
    "staging/stg_scenarios__definitions",
    "staging/stg_scenarios__shifts",
}


@pytest.fixture(scope="module")
def defs(dbt_manifest: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch_module):
    monkeypatch_module.setenv("ASCW_WAREHOUSE_DIR", str(tmp_path_factory.mktemp("defs")))
    from orchestration import definitions

    return definitions.defs


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def test_definitions_load_and_asset_keys_snapshot(defs) -> None:
    graph = defs.resolve_asset_graph()
    keys = {"/".join(k.path) for k in graph.get_all_asset_keys()}
    non_seed = {k for k in keys if not k.startswith("seeds/")}
    assert non_seed == EXPECTED_ASSET_KEYS
    assert {k for k in keys if k.startswith("seeds/")} >= {"seeds/cld_event_outcome", "seeds/ref_la_codes"}


def test_groups_follow_layers(defs) -> None:
    graph = defs.resolve_asset_graph()
    groups = {"/".join(k.path): graph.get(k).group_name for k in graph.get_all_asset_keys()}
    assert groups["raw/cld_events"] == "ingest"
    assert groups["staging/stg_cld__events"] == "staging"
    assert groups["intermediate/int_cld__service_costs"] == "intermediate"
    assert groups["marts/fct_events"] == "marts"
    assert groups["seeds/ref_la_codes"] == "seeds"


def test_ge_checks_are_blocking_on_service_costs(defs) -> None:
    graph = defs.resolve_asset_graph()
    checks = {key.name: graph.get_check_spec(key) for key in graph.asset_check_keys}
    blocking = checks["ge_fct_service_costs_blocking"]
    assert blocking.blocking is True
    assert "/".join(blocking.asset_key.path) == "marts/fct_service_costs"
    assert checks["ge_fct_service_costs_plausibility"].blocking is False


def test_every_writer_shares_one_duckdb_pool(defs) -> None:
    from orchestration.defs.ingest.assets import DUCKDB_POOL

    job = defs.resolve_job_def("build_warehouse")
    pools = {node.definition.pool for node in job.graph.node_dict.values()}
    assert pools == {DUCKDB_POOL}


def test_manifest_models_live_under_models_and_have_primary_key_tests(dbt_manifest: Path) -> None:
    manifest = json.loads(dbt_manifest.read_text())
    models = {uid: n for uid, n in manifest["nodes"].items() if n["resource_type"] == "model"}
    assert models, "no models parsed"
    tests = [n for n in manifest["nodes"].values() if n["resource_type"] == "test"]
    pk_tested: set[str] = set()
    for test in tests:
        meta = test.get("test_metadata") or {}
        if meta.get("name") in {"unique", "unique_combination"}:
            pk_tested.update(test["depends_on"]["nodes"])
    for uid, node in models.items():
        assert node["original_file_path"].startswith("../models/"), node["original_file_path"]
        assert node["description"].strip(), f"{uid} has no description"
        assert uid in pk_tested, f"{uid} has no primary-key test"
    seeds = [n for n in manifest["nodes"].values() if n["resource_type"] == "seed"]
    assert all(s["original_file_path"].startswith("../seeds/") for s in seeds)


def test_no_staging_or_intermediate_model_reads_a_mart(dbt_manifest: Path) -> None:
    """Layers only read down: a staging or intermediate model that refs a mart makes dagster-dbt
    split the transform layer into several steps, and tests then run before their tables exist."""
    manifest = json.loads(dbt_manifest.read_text())
    nodes = manifest["nodes"]
    marts = {uid for uid, n in nodes.items() if n["resource_type"] == "model" and "marts" in n["fqn"]}
    for uid, node in nodes.items():
        if node["resource_type"] == "model" and {"staging", "intermediate"} & set(node["fqn"]):
            assert not marts & set(node["depends_on"]["nodes"]), f"{uid} reads a mart"


def test_no_unpartitioned_transform_model_reads_a_partitioned_one(dbt_manifest: Path) -> None:
    """The financial-year-partitioned metric models run in their own Dagster step after the
    transform layer; an unpartitioned staging or intermediate model reading one ties the two steps
    in a loop, dagster-dbt splits the transform step and its tests run before their tables exist."""
    nodes = json.loads(dbt_manifest.read_text())["nodes"]
    partitioned = {uid for uid, n in nodes.items() if "metrics_partitioned" in n.get("tags", [])}
    for uid, node in nodes.items():
        if (
            node["resource_type"] == "model"
            and uid not in partitioned
            and {"staging", "intermediate"} & set(node["fqn"])
        ):
            assert not partitioned & set(node["depends_on"]["nodes"]), f"{uid} reads a partitioned model"


def test_coded_field_lists_agree_between_python_dbt_and_seeds() -> None:
    import csv
    import re

    from orchestration.defs.ingest.contract import CODED_FIELDS

    macro = Path("dbt_project/macros/cld_fields.sql").read_text()
    coded, unseeded = (re.findall(r"'([a-z_0-9]+)'", block) for block in macro.split("{% macro")[1:3])
    assert coded == list(CODED_FIELDS)
    with open("seeds/code_lists/unseeded_code_fields.csv") as handle:
        assert unseeded == [r["field"] for r in csv.DictReader(handle)]


def test_manifest_goes_stale_when_a_model_changes(dbt_manifest: Path, tmp_path: Path) -> None:
    import os

    from orchestration.defs.transform.project import manifest_is_fresh

    assert manifest_is_fresh(dbt_manifest)
    model = Path("models/marts/core/load_audit.sql")
    later = dbt_manifest.stat().st_mtime + 10
    original = model.stat()
    os.utime(model, (later, later))
    try:
        assert not manifest_is_fresh(dbt_manifest)
    finally:
        os.utime(model, (original.st_atime, original.st_mtime))
    assert not manifest_is_fresh(tmp_path / "missing.json")


PARTITIONED_METRIC_ASSETS = {
    "intermediate/int_people__period_attributes",
    "intermediate/int_lts__person_snapshots",
    "intermediate/int_metric_cells",
    "intermediate/int_metrics__rows",
    "intermediate/int_suppression__cells",
    "intermediate/int_suppression__relations",
    "intermediate/int_suppression__outcome",
    "intermediate/int_waiting_times",
    "marts/commissioning_metrics",
    "marts/cohort_long_term_support",
    "marts/request_outcomes",
    "marts/waiting_times",
    "marts/fct_lts_cohort",
}


def test_metric_assets_are_partitioned_by_financial_year_with_single_run_backfills(defs) -> None:
    import dagster as dg

    from orchestration.defs.transform.partitions import FINANCIAL_YEARS

    graph = defs.resolve_asset_graph()
    partitioned = {
        "/".join(key.path) for key in graph.get_all_asset_keys() if graph.get(key).partitions_def is not None
    }
    assert partitioned >= PARTITIONED_METRIC_ASSETS
    # person- and event-level tables stay whole
    assert not partitioned & {"intermediate/int_periods", "intermediate/int_lts__lines", "marts/fct_events"}
    for name in partitioned:
        node = graph.get(dg.AssetKey(name.split("/")))
        assert node.partitions_def == FINANCIAL_YEARS
        assert node.backfill_policy == dg.BackfillPolicy.single_run()
    assert FINANCIAL_YEARS.get_partition_keys()[:2] == ["2023-24", "2024-25"]
    assert defs.resolve_job_def("build_warehouse").partitions_def == FINANCIAL_YEARS


def test_ge_checks_still_block_on_the_partitioned_metric_marts(defs) -> None:
    graph = defs.resolve_asset_graph()
    checks = {key.name: graph.get_check_spec(key) for key in graph.asset_check_keys}
    for mart in ("commissioning_metrics", "cohort_long_term_support"):
        blocking = checks[f"ge_{mart}_blocking"]
        assert blocking.blocking is True
        assert "/".join(blocking.asset_key.path) == f"marts/{mart}"


def test_metric_build_args_pass_the_partition_years_to_dbt() -> None:
    from orchestration.defs.transform.assets import metric_build_args
    from orchestration.defs.transform.partitions import FINANCIAL_YEARS

    every = FINANCIAL_YEARS.get_partition_keys()
    full = metric_build_args(list(every))
    assert json.loads(full[full.index("--vars") + 1])["metric_financial_years"] is None
    assert "unit_test" not in full
    partial = metric_build_args(["2024-25"])
    assert json.loads(partial[partial.index("--vars") + 1])["metric_financial_years"] == ["2024-25"]
    assert partial[-2:] == ["--exclude-resource-type", "unit_test"]


def test_marts_built_from_the_metrics_run_in_their_own_step(defs) -> None:
    """metric_trends, place_profile and the scenario metric effects read the partitioned metrics;
    the other marts must not wait on the metrics step (or fail with its blocking checks)."""
    from orchestration.defs.transform.assets import dbt_marts, dbt_marts_after_metrics

    after = {"/".join(k.path) for k in dbt_marts_after_metrics.keys}
    assert {"marts/metric_trends", "marts/place_profile", "marts/resource_shift_scenario_metrics"} <= after
    graph = defs.resolve_asset_graph()
    metric_keys = {k for k in graph.get_all_asset_keys() if "commissioning_metrics" in k.path[-1]}
    for key in dbt_marts.keys:
        assert not metric_keys & graph.get(key).parent_keys, f"{'/'.join(key.path)} reads the metrics"


def test_no_dbt_test_spans_two_dagster_steps(dbt_manifest: Path) -> None:
    """A test whose parents are built in different Dagster steps (e.g. a relationships test from a
    mart to a seed) is pulled into the earlier step by dbt's indirect selection and fails there,
    before the later table exists."""
    nodes = json.loads(dbt_manifest.read_text())["nodes"]

    def step(uid: str) -> str:
        tags = nodes[uid].get("tags", [])
        for tag in ("metrics_partitioned", "after_metrics", "layer_marts"):
            if tag in tags:
                return tag
        return "transform"

    for uid, node in nodes.items():
        if node["resource_type"] == "test":
            parents = [d for d in node["depends_on"]["nodes"] if d in nodes]
            assert len({step(p) for p in parents}) <= 1, f"{uid} spans {sorted({step(p) for p in parents})}"
