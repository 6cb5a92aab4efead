"""End to end as a council BI team would run it: generate demo extracts, `ascw build`, query marts,
then use the follow-up commands. Also: every fault the generator injects is caught."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import TEST_KEY, make_settings

pytestmark = pytest.mark.slow

ASCW = [sys.executable, "-m", "orchestration.cli"]


def ascw(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "ASCW_HMAC_KEY": TEST_KEY, **(env or {})}
    return subprocess.run([*ASCW, *args], capture_output=True, text=True, env=full_env, check=False)


@pytest.fixture(scope="session")
def demo_extracts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from orchestration.defs.scenarios.store import copy_example_scenarios
    from orchestration.synthetic.generate import generate

    out = tmp_path_factory.mktemp("demo") / "extracts"
    generate(out, scale="demo", seed=42)
    copy_example_scenarios(out)  # as `ascw generate` does (make run): the two demo scenarios
    return out


@pytest.fixture(scope="session")
def demo_build(
    demo_extracts: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, subprocess.CompletedProcess]:
    warehouse = tmp_path_factory.mktemp("demo_wh")
    result = ascw("build", "--extracts", str(demo_extracts), "--warehouse", str(warehouse), "--allow-test-nhs-numbers")
    return warehouse, result


def query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_build_succeeds_and_prints_a_summary(demo_build) -> None:
    warehouse, result = demo_build
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "=== ascw build summary ===" in result.stdout
    assert "checks: " in result.stdout and " 0 failed" in result.stdout
    assert str(warehouse / "warehouse.duckdb") in result.stdout


def test_marts_hold_the_demo_council(demo_build) -> None:
    warehouse, _ = demo_build
    people = query(warehouse, "select count(*) from marts.dim_person")[0][0]
    assert 7_000 <= people <= 16_000  # ≈ 10,000 people over two years (synthetic_data.md)
    events = query(warehouse, "select event_type, count(*) from marts.fct_events group by 1")
    assert {e for e, _ in events} == {"Request", "Assessment", "Service", "Review"}
    assert query(warehouse, "select count(*) from marts.fct_service_costs where cost_flag = 'costed'")[0][0] > 1000
    # Overlapping rolling files collapse: far fewer events than rows loaded.
    loaded = query(warehouse, "select sum(rows_loaded) from marts.load_audit where dataset = 'cld'")[0][0]
    assert query(warehouse, "select count(*) from marts.fct_events")[0][0] < loaded


# metrics.md §7 national anchors, as wide bands: a sanity check of generator and models together,
# not a target. (metric_id, low, high) for the latest financial year of the demo council.
ANCHOR_BANDS = [
    ("ASCOF_2A", 70.0, 85.0),  # old 2D: 79.5% (2019-20), 74.9% (2020-21)
    ("ASCOF_3D_2A", 20.0, 35.0),  # old 1C(2A): 26.2%, 25.5%
    ("ASCOF_2E_LD", 65.0, 90.0),  # old 1G: 78.8% (2021-22)
    ("ASCOF_2C", 300.0, 900.0),  # old 2A(2): 584-659 per 100,000 aged 65+
    ("ASCOF_2B", 5.0, 30.0),  # old 2A(1): 12.8-14.6 per 100,000 aged 18-64
    ("LD_PAID_EMPLOYMENT", 2.0, 12.0),  # old 1E: 5.7% (2016-17)
    ("SPEND_LTS_SHARE", 70.0, 88.0),  # finance_extract.md §10: 79.1% (2023-24), warning band 70-88%
    ("UNIT_COST_RES_NURSING_PER_WEEK", 592.78, 1778.33),  # £1,185.55 a week (2024-25) ± 50%
    ("UNIT_COST_HOMECARE_PER_HOUR", 11.78, 35.34),  # £23.56 an hour (2024-25) ± 50%
]


def test_headline_metrics_land_near_the_national_anchors(demo_build) -> None:
    warehouse, result = demo_build
    rows = dict(
        query(
            warehouse,
            """
            select metric_id, value from marts.commissioning_metrics
            where breakdown = 'total' and period_type = 'financial_year'
              and period_end = (select max(period_end) from marts.commissioning_metrics where period_type = 'financial_year')
            """,
        )
    )
    for metric_id, low, high in ANCHOR_BANDS:
        assert rows[metric_id] is not None and low <= rows[metric_id] <= high, (metric_id, rows[metric_id])
    # every catalogued metric is published; ASCOF_2D has no hospital extract in the demo: NULL with a reason
    assert len(rows) == 26
    assert rows["ASCOF_2D"] is None
    reason = query(
        warehouse,
        "select distinct suppression_reason from marts.commissioning_metrics where metric_id = 'ASCOF_2D'",
    )
    assert reason == [("input_not_supplied",)]
    assert "headline metrics, E06000005 2024-25" in result.stdout and "ASCOF_2A" in result.stdout
    # make run's summary includes spend: gross, net, long-term share and unit costs
    for metric in ("SPEND_GROSS", "SPEND_NET", "SPEND_LTS_SHARE", "UNIT_COST_RES_NURSING_PER_WEEK"):
        assert metric in result.stdout
    assert "£" in result.stdout and " an hour" in result.stdout


def test_spend_reconciles_to_the_ledger_and_to_the_case_data(demo_build, demo_extracts: Path) -> None:
    """finance_extract.md §8 and §11: the published spend adds up to the loaded ledger to the penny
    (integer pence, never floats), every period's control totals hold, and the reconciliation mart
    flags exactly the mismatches the generator listed."""
    from finance_recon_check import reconciliation_surprises

    warehouse, _ = demo_build
    published = dict(
        query(
            warehouse,
            "select financial_year, sum(cast(ledger_total * 100 as bigint)) from marts.spend_by_category "
            "where period_type = 'financial_year' group by 1",
        )
    )
    loaded = dict(
        query(
            warehouse,
            "select t.financial_year, sum(cast(t.amount * 100 as bigint)) from raw.finance_transactions as t "
            "inner join audit.loads as l on t.load_id = l.load_id and l.status = 'loaded' group by 1",
        )
    )
    assert published == loaded and len(published) >= 2
    checks = query(
        warehouse,
        "select count(*), count(*) filter (where ledger_identity_holds and control_totals_hold and has_control) "
        "from intermediate.int_finance__ledger_checks",
    )
    assert checks[0][0] > 0 and checks[0][0] == checks[0][1]
    gce = query(
        warehouse,
        "select value from marts.commissioning_metrics where metric_id = 'SPEND_GROSS' and breakdown = 'total' "
        "and period_type = 'financial_year' and value is not null",
    )
    assert len(gce) >= 1
    assert (
        reconciliation_surprises(warehouse / "warehouse.duckdb", demo_extracts / "finance_expected_mismatches.csv")
        == []
    )


def test_published_aggregates_never_show_small_counts(demo_build) -> None:
    warehouse, _ = demo_build
    for table, column in (
        ("commissioning_metrics", "numerator"),
        ("cohort_long_term_support", "people"),
        ("request_outcomes", "requests"),
        ("waiting_times", "requests"),
        ("finance_reconciliation_summary", "service_lines"),
        ("five_areas_costed", "people_supported"),
        ("good_lives_area_profile", "people"),
    ):
        small = query(warehouse, f"select count(*) from marts.{table} where {column} between 1 and 4")[0][0]
        suppressed = query(warehouse, f"select count(*) from marts.{table} where is_suppressed")[0][0]
        assert small == 0, table
        if table not in {"waiting_times", "five_areas_costed"}:  # these demo cells are all large
            assert suppressed > 0, table  # the demo has small cells, so suppression really ran


def test_commissioning_intelligence_on_the_demo(demo_build) -> None:
    """Issue 6 on the demo council: good-lives profiles (match rate, unmet need in the summary), the
    two shipped scenarios with their spend changes, the place profile with supplied and CQC values,
    and the metric trends (the demo's rolling series has 5 points: no projection, metrics.md §8)."""
    warehouse, result = demo_build
    rows_in, matched = query(
        warehouse,
        "select sum(profile_rows), sum(matched_people) * 100.0 / sum(people) from intermediate.int_good_lives__match_summary",
    )[0]
    assert rows_in > 20_000 and matched >= 95  # the generator's profiles belong to case-data people
    assert "biggest unmet-need domain" in result.stdout
    # residential residents say "no" to feels-like-home more often than people at home (§10)
    home = dict(
        query(
            warehouse,
            """
            select cohort_value, sum(people) filter (where measure = 'home_feels_like_home_no') * 1.0
                / sum(people) filter (where measure = 'people_profiled')
            from marts.good_lives_area_profile
            where cohort_type = 'setting' and domain = 'home' and period_type = 'financial_year'
              and not is_suppressed
            group by 1
            """,
        )
    )
    assert home["residential"] > home["no_service"]
    scenarios = query(
        warehouse,
        "select scenario_id, scenario_year, sum(spend_change) from marts.resource_shift_scenarios group by 1, 2",
    )
    assert {s for s, _, _ in scenarios} == {"ld_residential_to_community", "older_residential_to_home"}
    assert all(change is not None and change < 0 for _, _, change in scenarios)  # both shifts save money
    assert "ld_residential_to_community (E06000005): year 1 -£" in result.stdout
    place = dict(
        query(
            warehouse,
            "select indicator || ':' || source, value from marts.place_profile where financial_year = '2024-25' "
            "and value is not null",
        )
    )
    assert any(k.endswith(":place_inputs") for k in place) and any(k.endswith(":cqc_directory") for k in place)
    assert query(warehouse, "select count(*) from marts.dim_provider_location")[0][0] > 0
    trends = query(
        warehouse,
        "select period_grain, count(*), count(*) filter (where is_projection) from marts.metric_trends group by 1",
    )
    assert {g for g, _, _ in trends} == {"quarter", "year"} and all(p == 0 for _, _, p in trends)


def test_every_load_balances(demo_build) -> None:
    warehouse, _ = demo_build
    assert query(warehouse, "select count(*) from marts.load_audit where rows_in <> rows_loaded + rows_rejected") == [
        (0,)
    ]
    statuses = dict(query(warehouse, "select status, count(*) from marts.load_audit group by 1"))
    assert statuses.get("refused", 0) == 0 and statuses.get("failed", 0) == 0


def test_residential_costs_near_the_national_anchor(demo_build) -> None:
    warehouse, _ = demo_build
    mean = query(
        warehouse,
        """
        select avg(weekly_cost) from marts.fct_service_costs
        where service_type in ('Long term support: Residential care', 'Long term support: Nursing care')
          and cost_flag = 'costed'""",
    )[0][0]
    assert 900 <= float(mean) <= 1500  # £1,185.55 a week nationally, ±25% spread


def test_rebuild_is_idempotent(demo_build, demo_extracts: Path) -> None:
    warehouse, _ = demo_build
    before = query(warehouse, "select count(*), sum(quarter_cost) from marts.fct_service_costs")
    again = ascw("build", "--extracts", str(demo_extracts), "--warehouse", str(warehouse), "--allow-test-nhs-numbers")
    assert again.returncode == 0, again.stderr[-2000:]
    assert "skipped_duplicate" in again.stdout
    assert query(warehouse, "select count(*), sum(quarter_cost) from marts.fct_service_costs") == before
    assert (
        query(warehouse, "select count(*) from raw.cld_events")[0][0]
        == query(warehouse, "select sum(rows_loaded) from audit.loads where status = 'loaded' and dataset = 'cld'")[0][
            0
        ]
    )


def test_status_validate_and_rejections_commands(demo_build, demo_extracts: Path, tmp_path: Path) -> None:
    warehouse, _ = demo_build
    status = ascw("--warehouse", str(warehouse), "status")
    assert status.returncode == 0 and "loaded" in status.stdout
    load_id = query(warehouse, "select load_id from audit.loads where dataset = 'cld' limit 1")[0][0]
    out = tmp_path / "rejected.csv"
    exported = ascw(
        "--warehouse", str(warehouse), "rejections", "--load", load_id, "--out", str(out), "--include-flags"
    )
    assert exported.returncode == 0, exported.stderr
    with out.open() as handle:
        header = next(csv.reader(handle))
    assert header == ["source_file", "row_number", "column", "rule", "value", "message", "outcome"]
    first_cld = sorted(demo_extracts.glob("cld_*.csv"))[0]
    dry = ascw("validate", str(first_cld), "--allow-test-nhs-numbers")
    assert dry.returncode == 0, dry.stderr
    assert "would be loaded as cld" in dry.stdout
    assert ascw("--warehouse", str(warehouse), "rejections", "--load", "nope", "--out", str(out)).returncode == 2


def test_a_refused_file_gives_exit_code_3_and_good_files_still_load(tmp_path: Path) -> None:
    from cld_builder import row, write_cld

    extracts = tmp_path / "in"
    write_cld(extracts / "good.csv", [row()])
    write_cld(extracts / "bad.csv", [row()], drop=("event_outcome",))
    result = ascw("build", "--extracts", str(extracts), "--warehouse", str(tmp_path / "wh"), "--allow-test-nhs-numbers")
    assert result.returncode == 3, result.stdout[-2000:] + result.stderr[-2000:]
    assert "bad.csv rejected: missing required column(s): Event Outcome" in result.stdout
    assert query(tmp_path / "wh", "select count(*) from marts.fct_events") == [(1,)]


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert ascw("build", "--extracts", str(tmp_path / "missing")).returncode == 2
    assert ascw("--warehouse", str(tmp_path / "none"), "status").returncode == 2


def test_every_injected_fault_is_caught(tmp_path: Path) -> None:
    """`--faults 0.05`: each manifest entry is quarantined, flagged, or its file refused.

    Finance: duplicates, malformed dates and amounts are quarantined at load (FIN050, FIN051, FIN012,
    FIN020). The unmapped cost centre (FIN060) and the control differences are found by dbt, so here
    the first is checked against the category-map seed and the second recomputed from the raw tables
    as int_finance__ledger_checks computes it: the listed periods, and only those, differ.
    """
    from orchestration.defs.ingest.load import load_folder
    from orchestration.defs.ingest.store import connect
    from orchestration.synthetic.generate import generate

    result = generate(tmp_path / "x", scale="demo", seed=7, faults=0.05)
    settings = make_settings(tmp_path / "wh", tmp_path / "x")
    with connect(settings.duckdb_path) as con:
        loads = load_folder(con, tmp_path / "x", settings)
        assert all(r.rows_in == r.rows_loaded + r.rows_rejected for r in loads)
        caught = set(
            con.execute('select source_file, row_number, "column", rule from quarantine.rejected_rows').fetchall()
        )
        caught |= set(
            con.execute('select source_file, row_number, "column", rule from quarantine.row_issues').fetchall()
        )
        refused = set(con.execute("select source_file, rule from audit.loads where status = 'refused'").fetchall())
        # GL051 (person not in the case data) is decided in dbt; here: the row loaded and its keyed
        # local id occurs in no CLD row of the LA (the generator's unmatched people carry no NHS number)
        unmatched_profiles = set(
            con.execute(
                """
                select g.source_file, g.row_number from raw.good_lives_profiles as g
                where g.nhs_number_hash is null and not exists (
                    select 1 from raw.cld_events as c
                    where c.la_person_id_hash = g.la_person_id_hash
                )
                """
            ).fetchall()
        )
        loaded_codes = {
            (f, r): (c, a)
            for f, r, c, a in con.execute(
                "select source_file, row_number, cost_centre, account_code from raw.finance_transactions"
            ).fetchall()
        }
        # loaded − control per period, in rows and £, keyed by the control file's line (§8 identity 3)
        control_differences = {
            (f, r): (str(rows), str(pounds))
            for f, r, rows, pounds in con.execute(
                """
                with loaded as (
                    select la_code_ons, financial_year, period_number, count(*) as n, sum(amount) as total
                    from raw.finance_transactions group by all
                )
                select c.source_file, c.row_number, coalesce(l.n, 0) - c.row_count,
                    cast(coalesce(l.total, 0) - c.ledger_total as decimal(18, 2))
                from raw.finance_control as c
                left join loaded as l using (la_code_ons, financial_year, period_number)
                where coalesce(l.n, 0) <> c.row_count or coalesce(l.total, 0) <> c.ledger_total
                """
            ).fetchall()
        }
    with result.manifest_path.open() as handle:
        manifest = list(csv.DictReader(handle))
    assert {m["fault"] for m in manifest} >= {
        "date_unparseable",
        "date_us_order",
        "nhs_check_digit",
        "missing_mandatory",
        "unknown_code",
        "end_before_start",
        "duplicate_row",
        "event_after_death",
        "missing_column",
        "truncated_last_line",
        "finance_exact_duplicate",
        "finance_conflicting_duplicate",
        "finance_date_unparseable",
        "finance_amount_malformed",
        "finance_unmapped_cost_centre",
        "finance_control_difference",
        "gl_unmatched_person",
        "gl_duplicate_row",
    }
    with (Path(__file__).parents[2] / "seeds" / "finance" / "finance_category_map.csv").open() as handle:
        rules = [(r["cost_centre"], r["account_code"]) for r in csv.DictReader(handle)]
    listed_differences: dict[tuple[str, int], dict[str, str]] = {}
    missed = []
    for m in manifest:
        if m["expected_rule"] == "control_totals_hold":
            listed_differences.setdefault((m["file"], int(m["row_number"])), {})[m["column"]] = m["expected_difference"]
            continue
        if not m["row_number"]:
            found = (m["file"], m["expected_rule"]) in refused
        elif m["expected_rule"] in {"malformed_row", "duplicate_row"}:
            found = any(
                c[0] == m["file"] and c[1] == int(m["row_number"]) and c[3] == m["expected_rule"] for c in caught
            )
        elif m["expected_rule"] == "GL051":
            found = (m["file"], int(m["row_number"])) in unmatched_profiles
        elif m["expected_rule"] == "FIN060":
            centre, account = loaded_codes.get((m["file"], int(m["row_number"])), (None, None))
            found = centre is not None and not any(rc in (centre, "*") and ra in (account, "*") for rc, ra in rules)
        else:
            found = (m["file"], int(m["row_number"]), m["column"], m["expected_rule"]) in caught
        if not found:
            missed.append(m)
    assert not missed, f"{len(missed)} of {len(manifest)} faults not caught, e.g. {missed[:5]}"
    assert listed_differences, "no finance control difference listed"
    assert control_differences == {
        key: (listed["row_count"], listed["ledger_total"]) for key, listed in listed_differences.items()
    }
