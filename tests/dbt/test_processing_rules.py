"""Hand-made CLD files in, exact facts out (processing_rules.md §1-§7), through real dbt builds.

Three files for one LA (E06000005), each small (< 100 events) so it keeps its stated period:
  A  cld_E06000005_2024-08-10.csv  stated 2023-07-01 .. 2024-06-30
  B  cld_E06000005_2025-05-10.csv  stated 2024-04-01 .. 2025-03-31
  C  cld_E06000005_2025-06-01.csv  a corrected resubmission of B (one outcome changed)
Selection gives A the quarters to March 2024 and the latest covering file (C, or B once C is
withdrawn) every quarter from April 2024.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from cld_builder import row, write_cld
from dbt_warehouse import dbt, load_and_build, query, settings_for
from orchestration.defs.ingest.load import withdraw_load
from orchestration.defs.ingest.store import connect

HOURLY = {
    "service": True,
    "delivery_mechanism": "Direct Payment",
    "cost_frequency_unit_type": "Hourly",
    "planned_units_per_week": "14.38",
}


def file_b_rows(resubmission: bool) -> list[dict]:
    return [
        # §1 identity worked example: (NHS, LA id) = (123, -), (123, 456), (-, 456), (-, 789)
        row(
            nhs_number="9990000018",
            la_person_unique_identifier="",
            event_start_date="2024-05-01",
            event_end_date="2024-05-02",
        ),
        row(
            nhs_number="9990000018",
            la_person_unique_identifier="456",
            event_start_date="2024-06-01",
            event_end_date="2024-06-03",
        ),
        row(la_person_unique_identifier="456", event_start_date="2024-07-01", event_end_date="2024-07-03"),
        row(la_person_unique_identifier="789", event_start_date="2024-08-01", event_end_date="2024-08-03"),
        # §3 death: DoD 10 Jun 2024; open service from 1 Jan 2024 ends then; review on 12 Jun is after death
        row(
            service=True,
            la_person_unique_identifier="D1",
            event_start_date="2024-01-01",
            event_end_date="",
            date_of_death="2024-06-10",
        ),
        row(
            la_person_unique_identifier="D1",
            event_type="Review",
            event_start_date="2024-06-12",
            event_end_date="2024-06-12",
            request_route_of_access="",
            review_reason="Planned",
            event_outcome="No change in package",
            date_of_death="2024-06-10",
        ),
        # §3 end before start: assessment 3 May -> 1 May 2024
        row(
            la_person_unique_identifier="X1",
            event_type="Assessment",
            event_start_date="2024-05-03",
            event_end_date="2024-05-01",
            request_route_of_access="",
            assessment_type="Long Term Assessment",
            event_outcome="Progress to Support Planning / Services",
        ),
        # §7 an hourly service from Oct 2023, uplifted from £23.56 to £24.00 in this file
        row(
            la_person_unique_identifier="S1",
            event_start_date="2023-10-01",
            event_end_date="",
            unit_cost="24.00",
            **HOURLY,
        ),
        # §2/§5 the resubmission corrects this request's outcome
        row(
            la_person_unique_identifier="R1",
            event_start_date="2024-09-01",
            event_end_date="2024-09-02",
            event_outcome="Progress to Reablement/ST-Max" if resubmission else "NFA - Support declined",
        ),
    ]


def file_a_rows() -> list[dict]:
    period = {"reporting_period_start_date": "2023-07-01", "reporting_period_end_date": "2024-06-30"}
    return [
        row(service=True, la_person_unique_identifier="D1", event_start_date="2024-01-01", event_end_date="", **period),
        row(
            la_person_unique_identifier="S1",
            event_start_date="2023-10-01",
            event_end_date="",
            unit_cost="23.56",
            **HOURLY,
            **period,
        ),
        # §4 age example: born 1958-04 -> proxy 1958-04-01; ends 2024-03-31 -> 24,106 days / 365.25 = 65.998 -> 65
        row(
            la_person_unique_identifier="AGE1",
            date_of_birth="1958-04-20",
            event_start_date="2024-03-30",
            event_end_date="2024-03-31",
            **period,
        ),
    ]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("rules")
    extracts = root / "extracts"
    write_cld(extracts / "cld_E06000005_2024-08-10.csv", file_a_rows())
    write_cld(extracts / "cld_E06000005_2025-05-10.csv", file_b_rows(resubmission=False))
    write_cld(extracts / "cld_E06000005_2025-06-01.csv", file_b_rows(resubmission=True))
    load_and_build(root, extracts, None)  # the whole project: every mart and staging model is checked
    return root


def test_events_after_selection_and_dedup(warehouse: Path) -> None:
    # 2 requests for NHS 123, 1 for LA_456, 1 for LA_789, D1's service, S1's service, R1's and AGE1's
    # requests. D1's review (after death) and X1's assessment (end before start) are excluded.
    assert query(warehouse, "select count(*) from marts.fct_events") == [(8,)]
    assert query(warehouse, "select count(distinct person_key) from marts.fct_events") == [(7,)]


def test_ages_come_from_the_proxy_date_of_birth(warehouse: Path) -> None:
    rows = query(
        warehouse,
        "select age_at_event_start, latest_age, age_band from marts.fct_events where event_end_date = '2024-03-31'",
    )
    assert rows == [(65, 65, "65 to 74")]
    assert sorted(
        query(warehouse, "select exclusion_reason, count(*) from intermediate.int_cld__event_exclusions group by 1")
    ) == [("end_before_start", 1), ("event_after_death", 1)]


def test_identity_coalesce_counts_three_people_for_the_worked_example(warehouse: Path) -> None:
    rows = query(
        warehouse,
        """
        select count(distinct person_key) from marts.fct_events
        where event_type = 'Request' and event_start_date between '2024-05-01' and '2024-08-01'""",
    )
    assert rows == [(3,)]


def test_death_truncates_the_open_service(warehouse: Path) -> None:
    rows = query(
        warehouse,
        "select event_start_date, event_end_date from marts.fct_events where event_type = 'Service' order by 1",
    )
    ends = {str(start): str(end) for start, end in rows}
    assert ends["2024-01-01"] == "2024-06-10"
    assert ends["2023-10-01"] == "None"  # S1 still open in the final quarter


def test_the_newer_submission_wins(warehouse: Path) -> None:
    rows = query(
        warehouse, "select event_outcome, source_file from marts.fct_events where event_start_date = '2024-09-01'"
    )
    assert rows == [("Progress to reablement/ST-Max", "cld_E06000005_2025-06-01.csv")]


def test_service_costs_follow_each_quarters_file(warehouse: Path) -> None:
    # S1: 14.38 hours a week. A prices Oct 2023 - Mar 2024 at £23.56 (weekly £338.7928);
    # C prices Apr 2024 on at £24.00 (weekly £345.12). Quarter days: 92, 91 | 91, 92, 92, 90.
    #   £338.7928 × 92/7 = £4,452.71   × 91/7 = £4,404.31
    #   £345.12 × 91/7 = £4,486.56   × 92/7 = £4,535.86 (twice)   × 90/7 = £4,437.26
    rows = query(
        warehouse,
        """
        select quarter_start, unit_cost, weekly_cost, days_in_quarter, quarter_cost from marts.fct_service_costs
        where event_start_date = '2023-10-01' order by quarter_start""",
    )
    assert [(str(q), str(u), str(w), d, str(c)) for q, u, w, d, c in rows] == [
        ("2023-10-01", "23.56", "338.79", 92, "4452.71"),
        ("2024-01-01", "23.56", "338.79", 91, "4404.31"),
        ("2024-04-01", "24.00", "345.12", 91, "4486.56"),
        ("2024-07-01", "24.00", "345.12", 92, "4535.86"),
        ("2024-10-01", "24.00", "345.12", 92, "4535.86"),
        ("2025-01-01", "24.00", "345.12", 90, "4437.26"),
    ]
    total = query(
        warehouse, "select sum(quarter_cost) from marts.fct_service_costs where event_start_date = '2023-10-01'"
    )
    assert total == [(Decimal("26852.56"),)]


def test_costed_lines_link_to_events_and_people(warehouse: Path) -> None:
    orphans = query(
        warehouse,
        """
        select count(*) from marts.fct_service_costs c
        left join marts.fct_events e on c.event_key = e.event_key where e.event_key is null""",
    )
    assert orphans == [(0,)]


def test_every_fact_traces_back_to_a_file_line(warehouse: Path) -> None:
    rows = query(
        warehouse,
        """
        select count(*) from marts.fct_events f
        left join raw.cld_events r on r.load_id = f.load_id and r.row_number = f.source_row_number
        where r.load_id is null""",
    )
    assert rows == [(0,)]


def test_no_identifier_reaches_a_mart(warehouse: Path) -> None:
    """No cell holds an NHS number, a local id, a full postcode or a full date of birth.

    Short ids are compared as whole values (a 64-character hex hash may contain "456" by chance);
    long ones are also searched inside every value.
    """
    whole_values = {"9990000018", "456", "789", "AGE1", "DL1 1AA", "1950-06-15"}  # not "R1": a release code
    substrings = {"9990000018", "DL1 1AA", "1950-06-15"}
    for table in ("fct_events", "dim_person", "fct_service_costs"):
        for record in query(warehouse, f"select * from marts.{table}"):
            for value in map(str, record):
                assert value not in whole_values, (table, value)
                assert not any(secret in value for secret in substrings), (table, value)


def test_hybrid_rule_and_withdrawal(warehouse: Path) -> None:
    settings = settings_for(warehouse)
    # only the CLD chain: the cohort and metric models are not what this test is about
    dbt(settings, "build", "+fct_events +load_audit +int_cld__event_exclusions", person_id_rule="hybrid")
    rows = query(
        warehouse,
        """
        select count(distinct person_key) from marts.fct_events
        where event_type = 'Request' and event_start_date between '2024-05-01' and '2024-08-01'""",
    )
    assert rows == [(2,)]  # the (-, 456) row is excluded: 456 is linked to NHS number 123
    assert ("la_id_linked_to_nhs_number", 1) in query(
        warehouse, "select exclusion_reason, count(*) from intermediate.int_cld__event_exclusions group by 1"
    )

    # Withdraw the resubmission: B's outcome comes back after a rebuild.
    with connect(settings.duckdb_path) as con:
        load_id = con.execute("select load_id from audit.loads where source_file like '%2025-06-01%'").fetchone()[0]
        withdraw_load(con, load_id)
    dbt(settings, "build", "+fct_events +load_audit +int_cld__event_exclusions")
    rows = query(
        warehouse, "select event_outcome, source_file from marts.fct_events where event_start_date = '2024-09-01'"
    )
    assert rows == [("NFA: Support declined", "cld_E06000005_2025-05-10.csv")]
    assert query(warehouse, "select status from marts.load_audit where load_id = ?".replace("?", f"'{load_id}'")) == [
        ("withdrawn",)
    ]


def test_every_built_mart_and_staging_column_is_described(warehouse: Path, dbt_manifest: Path) -> None:
    """The YAML describes every column the marts and staging models really have (data dictionary)."""
    manifest = json.loads(dbt_manifest.read_text())
    documented = {
        (n["config"]["schema"], n["name"]): {c for c, v in n["columns"].items() if v.get("description", "").strip()}
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model"
    }
    actual: dict[tuple[str, str], set[str]] = {}
    for schema, table, column in query(
        warehouse,
        """
            select table_schema, table_name, column_name from information_schema.columns
            where table_schema in ('marts', 'staging')""",
    ):
        actual.setdefault((schema, table), set()).add(column)
    assert actual, "no mart or staging tables found"
    for key, columns in actual.items():
        missing = columns - documented.get(key, set())
        assert not missing, f"{key}: undocumented columns {sorted(missing)}"
