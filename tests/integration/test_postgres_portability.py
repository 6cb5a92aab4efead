"""The dbt project builds on PostgreSQL and gives the same marts as on DuckDB.

A small hand-made CLD extract (two submissions of one council) is ingested into a temporary DuckDB
file with the project's own loader and built there with dbt. The ingest tables (raw, audit,
quarantine) are then copied as they are into a real PostgreSQL server (tests/postgres_server.py)
and the same dbt project is built on the postgres target. Every mart must match: row counts,
keys, and every value - money, metric values, medians and percentiles to the last decimal place
(compared as decimal text, never as floats). The fixture has requests with sequels, an ST-Max
episode, long-term support and five waits in one quarter, and a population file for the
per-100,000 metrics, so the cohort and metric marts are compared on real, unsuppressed values.
A 2024-25 finance ledger paying those service lines (with a control file and a council category
map row) feeds the spend marts: spend_by_category, unit_costs, finance_unmapped_codes and
five_areas_costed.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import psycopg
import pytest

from cld_builder import row, write_cld
from finance_builder import txn, write_category_map, write_control, write_ledger
from good_lives_builder import DOMAINS, profile_row, write_good_lives_csv
from orchestration.defs.ingest.load import load_folder
from orchestration.defs.ingest.store import connect
from orchestration.defs.scenarios.schema import read_scenario
from orchestration.defs.scenarios.store import store_scenario
from orchestration.defs.transform.project import run_dbt
from orchestration.settings import Settings, load_settings
from orchestration.synthetic.place import CSV_HEADER, write_place_inputs
from postgres_server import PostgresServer

pytestmark = pytest.mark.postgres

INGEST_TABLES = (
    "raw.cld_events",
    "raw.cld_extra_columns",
    "raw.population",
    "raw.hospital_discharges",
    "raw.finance_transactions",
    "raw.finance_control",
    "raw.finance_category_map",
    "raw.good_lives_profiles",
    "raw.place_inputs",
    "raw.cqc_locations",
    "raw.scenario_definitions",
    "raw.scenario_shifts",
    "audit.loads",
    "audit.check_counts",
    "audit.finance_totals",
    "quarantine.rejected_rows",
    "quarantine.row_issues",
)
MARTS = (
    "fct_events",
    "dim_person",
    "fct_service_costs",
    "load_audit",
    "fct_requests",
    "request_outcomes",
    "fct_reablement_episodes",
    "fct_lts_cohort",
    "cohort_long_term_support",
    "waiting_times",
    "commissioning_metrics",
    "dim_period",
    "population_bands",
    "dim_la",
    "spend_by_category",
    "unit_costs",
    "finance_unmapped_codes",
    "five_areas_costed",
    "finance_reconciliation_summary",
    "finance_case_reconciliation",
    "three_conversations_cost_avoidance",
    "fct_good_lives_profiles",
    "good_lives_area_profile",
    "place_profile",
    "dim_provider_location",
    "resource_shift_scenarios",
    "resource_shift_scenario_metrics",
)
# Marts dbt builds on DuckDB only (Python models); publishing copies them to Postgres.
DUCKDB_ONLY_MARTS = {"metric_trends"}
# Each mart's grain (its unique_combination / unique test in the marts' YAML).
PERIOD = ("la_code", "period_type", "period_start")
MART_KEYS = {
    "fct_events": ("event_key",),
    "dim_person": ("la_code", "person_key"),
    "fct_service_costs": ("service_cost_key",),
    "load_audit": ("load_id",),
    "fct_requests": ("request_key",),
    "request_outcomes": (*PERIOD, "client_status", "route_of_access", "age_band", "sequel"),
    "fct_reablement_episodes": ("episode_key",),
    "fct_lts_cohort": ("la_code", "person_key", "period_type", "period_start", "snapshot"),
    "cohort_long_term_support": (*PERIOD, "snapshot", "support_setting", "primary_support_reason", "age_band"),
    "waiting_times": (*PERIOD, "age_band", "wait_part"),
    "commissioning_metrics": (*PERIOD, "metric_id", "breakdown", "breakdown_value"),
    "dim_period": ("period_type", "period_start", "period_end"),
    "population_bands": ("la_code", "mid_year", "age_band"),
    "dim_la": ("la_code", "effective_from"),
    "spend_by_category": (
        *PERIOD,
        "support_type",
        "support_setting",
        "primary_support_reason",
        "age_group",
        "five_areas_category",
    ),
    "unit_costs": ("la_code", "period_start", "setting", "age_group"),
    "finance_unmapped_codes": ("la_code", "financial_year", "cost_centre", "account_code"),
    "five_areas_costed": ("la_code", "period_start", "five_areas_category"),
    "finance_reconciliation_summary": (*PERIOD, "status", "match_level", "support_setting"),
    "finance_case_reconciliation": ("la_code", "quarter_start", "reconciliation_key"),
    "three_conversations_cost_avoidance": ("la_code", "site_id", "period_type", "period_start"),
    "fct_good_lives_profiles": ("profile_row_key",),
    "good_lives_area_profile": (*PERIOD, "cohort_type", "cohort_value", "domain", "measure"),
    "place_profile": ("la_code", "financial_year", "indicator", "event_seq"),
    "dim_provider_location": ("location_id", "snapshot_date"),
    "resource_shift_scenarios": ("scenario_id", "la_code", "scenario_year", "sector_id"),
    "resource_shift_scenario_metrics": ("scenario_id", "la_code", "scenario_year", "metric_id"),
}
MONEY = {
    "fct_service_costs": (
        "unit_cost",
        "planned_units_per_week",
        "units_per_week",
        "weekly_cost",
        "weeks_in_quarter",
        "quarter_cost",
    ),
    "spend_by_category": (
        "gross_expenditure",
        "capital_charges",
        "total_expenditure",
        "income_client_contributions",
        "income_nhs",
        "income_joint_arrangements",
        "income_other",
        "income",
        "gross_current_expenditure",
        "net_current_expenditure",
        "net_expenditure",
        "memo_specific_grants",
        "memo_third_party_top_ups",
        "accrual_amount",
        "ledger_total",
    ),
    "unit_costs": ("expenditure", "activity", "unit_cost", "national_anchor", "difference_from_anchor_pct"),
    "finance_unmapped_codes": ("gross_amount", "amount", "share_of_gross"),
    "five_areas_costed": (
        "gross_expenditure",
        "gross_current_expenditure",
        "net_current_expenditure",
        "gross_expenditure_change_pct",
        "case_data_cost",
        "case_data_weekly_cost",
        "promising_models_share_pct",
    ),
}

FIRST_FILE = "cld_E06000005_2024-08-10.csv"  # Q1 2024-25, sent in August
SECOND_FILE = "cld_E06000005_2025-05-10.csv"  # the rest of the year, sent after year end
POPULATION_FILE = "population_E06000005.csv"
LEDGER_FILE = "finance_E06000005_2024-25.csv"
CONTROL_FILE = "finance_control_E06000005_2024-25.csv"
COUNCIL_MAP_FILE = "finance_category_map_council.csv"
Q1 = {"reporting_period_start_date": "2024-04-01", "reporting_period_end_date": "2024-06-30"}
REST = {"reporting_period_start_date": "2024-07-01", "reporting_period_end_date": "2025-03-31"}


def _people_and_requests(period: dict[str, str]) -> list[dict[str, str]]:
    """Identity cases and requests; the same (repeated) request appears in both files."""
    return [
        # NHS number without an LA id, then with LA id 456; LA id 456 alone; LA id 789 alone.
        row(nhs_number="9990000018", la_person_unique_identifier="", **period),
        row(
            nhs_number="9990000018",
            la_person_unique_identifier="456",
            event_start_date="2024-06-01",
            event_end_date="2024-06-03",
            **period,
        ),
        row(la_person_unique_identifier="456", event_start_date="2024-06-10", event_end_date="2024-06-12", **period),
        row(
            la_person_unique_identifier="789",
            event_start_date="2024-08-01",
            event_end_date="2024-08-03",
            request_route_of_access="Hospital",
            **period,
        ),
        # End before start: excluded (end_before_start), never deleted.
        row(la_person_unique_identifier="R9", event_start_date="2024-09-10", event_end_date="2024-09-05", **period),
    ]


def _services(period: dict[str, str]) -> list[dict[str, str]]:
    return [
        # Long-term community service, hourly: £23.56 x 14.38 hours a week, open from 2024-04-01.
        row(
            service=True,
            la_person_unique_identifier="S1",
            event_reference="REF-S1",
            event_start_date="2024-04-01",
            event_end_date="",
            unit_cost="23.56",
            cost_frequency_unit_type="Hourly",
            planned_units_per_week="14.38",
            **period,
        ),
        # Monthly £1,000.
        row(
            service=True,
            la_person_unique_identifier="S2",
            event_reference="REF-S2",
            event_start_date="2024-05-15",
            event_end_date="",
            unit_cost="1000.00",
            cost_frequency_unit_type="Monthly",
            delivery_mechanism="Direct Payment",
            **period,
        ),
        # One-off £250.
        row(
            service=True,
            la_person_unique_identifier="S3",
            event_reference="REF-S3",
            event_start_date="2024-06-20",
            event_end_date="2024-06-20",
            unit_cost="250",
            cost_frequency_unit_type="One-off",
            **period,
        ),
        # Person who died part-way through an open weekly service: ends on the date of death.
        row(
            service=True,
            la_person_unique_identifier="D1",
            event_reference="REF-D1",
            event_start_date="2024-05-01",
            event_end_date="",
            date_of_death="2024-10-15",
            unit_cost="812.45",
            cost_frequency_unit_type="Weekly",
            **period,
        ),
    ]


def _cohort_cases(period: dict[str, str]) -> list[dict[str, str]]:
    """Requests with sequels, assessments (waits), an ST-Max episode and residential care (LTS)."""
    return [
        # W1 (74): request -> long-term assessment -> residential care from 2024-07-22: a wait to the
        # first response and to the first service, and a request with a long-term support sequel.
        row(
            la_person_unique_identifier="W1",
            event_start_date="2024-07-01",
            event_end_date="2024-07-02",
            event_outcome="Progress to Assessment",
            **period,
        ),
        row(
            la_person_unique_identifier="W1",
            event_type="Assessment",
            assessment_type="Long Term Assessment",
            request_route_of_access="",
            event_start_date="2024-07-10",
            event_end_date="2024-07-19",
            event_outcome="Progress to Support Planning / Services",
            **period,
        ),
        row(
            service=True,
            la_person_unique_identifier="W1",
            event_reference="REF-W1",
            service_type="Long Term Support: Residential Care",
            service_component="Long Term Residential Care",
            event_start_date="2024-07-22",
            event_end_date="",
            unit_cost="1012.50",
            cost_frequency_unit_type="Weekly",
            **period,
        ),
        # W2 (74): request -> ST-Max ended as planned: an ST-Max sequel and a reablement episode.
        row(
            la_person_unique_identifier="W2",
            event_start_date="2024-09-02",
            event_end_date="2024-09-03",
            event_outcome="Progress to Reablement/ST-Max",
            **period,
        ),
        row(
            service=True,
            la_person_unique_identifier="W2",
            service_type="Short Term Support: ST-Max",
            service_component="Reablement",
            event_start_date="2024-09-05",
            event_end_date="2024-10-10",
            event_outcome="Service ended as planned",
            **period,
        ),
        # W3 (30): request -> short-term assessment, support declined: a wait to the first response only.
        row(
            la_person_unique_identifier="W3",
            date_of_birth="1994-03-15",
            gender="Female",
            primary_support_reason="Mental Health Support",
            event_start_date="2024-11-04",
            event_end_date="2024-11-05",
            event_outcome="Progress to Assessment",
            **period,
        ),
        row(
            la_person_unique_identifier="W3",
            date_of_birth="1994-03-15",
            gender="Female",
            primary_support_reason="Mental Health Support",
            event_type="Assessment",
            assessment_type="Short Term Assessment",
            request_route_of_access="",
            event_start_date="2024-11-20",
            event_end_date="2024-11-25",
            event_outcome="NFA - Support declined",
            **period,
        ),
    ]


def _waits(period: dict[str, str]) -> list[dict[str, str]]:
    """Three more people aged 74: request -> long-term assessment -> home support, all in Q2 2024-25.

    With W1 and W2 that is five waits in one quarter and age band (65 and above), so the medians and
    90th percentiles are published, not suppressed: first response 9, 3, 14, 1, 20 days (median 9,
    p90 17.6 by interpolation); first service 21, 3, 28, 21, 32 days (median 21, p90 30.4).
    """
    cases = (  # person, request, assessment, service
        ("W4", "2024-07-15", "2024-07-29", "2024-08-12"),
        ("W5", "2024-08-05", "2024-08-06", "2024-08-26"),
        ("W6", "2024-08-19", "2024-09-08", "2024-09-20"),
    )
    rows = []
    for person, request, assessment, service in cases:
        rows += [
            row(
                la_person_unique_identifier=person,
                event_start_date=request,
                event_end_date=request,
                event_outcome="Progress to Assessment",
                **period,
            ),
            row(
                la_person_unique_identifier=person,
                event_type="Assessment",
                assessment_type="Long Term Assessment",
                request_route_of_access="",
                event_start_date=assessment,
                event_end_date=assessment,
                event_outcome="Progress to Support Planning / Services",
                **period,
            ),
            row(
                service=True,
                la_person_unique_identifier=person,
                event_reference=f"REF-{person}",
                event_start_date=service,
                event_end_date="",
                unit_cost="21.07",
                cost_frequency_unit_type="Hourly",
                planned_units_per_week="7.5",
                **period,
            ),
        ]
    return rows


def _ledger() -> list[dict[str, str]]:
    """A 2024-25 ledger paying the fixture's CLD service lines (person_local_id, service_ref = the CLD
    Event Reference), with the other kinds of posting the spend marts treat differently."""
    adjustment = {"underlying_type": "provider_payment"}

    def paid(txn_id: str, person: str, amount: str, posted: str, period: int, start: str, end: str, **more: str):
        cost_centre, account = ("RES01", "5101") if person == "W1" else ("HC01", "5110")
        return txn(
            txn_id,
            "provider_payment",
            amount,
            cost_centre,
            account,
            posted,
            period,
            person_local_id=person,
            service_ref=f"REF-{person}",
            service_period_start=start,
            service_period_end=end,
            provider_id="PRV1",
            provider_name="Darlington Care Ltd",
            **more,
        )

    def hourly(hours: str, rate: str) -> dict[str, str]:
        return {"quantity": hours, "unit_type": "Hourly", "unit_rate": rate}

    return [
        # home care paid by the hour: S1 57.52 h x £23.56 = 1355.1712 -> 1355.17, and W4-W6, D1
        paid("F01", "S1", "1355.17", "2024-05-10", 2, "2024-04-01", "2024-04-28", **hourly("57.52", "23.56")),
        paid("F02", "D1", "812.40", "2024-06-10", 3, "2024-05-01", "2024-05-28", **hourly("40.00", "20.31")),
        paid("F03", "W4", "632.10", "2024-09-20", 6, "2024-08-12", "2024-09-08", **hourly("30.00", "21.07")),
        paid("F04", "W5", "558.36", "2024-10-04", 7, "2024-08-26", "2024-09-22", **hourly("26.50", "21.07")),
        paid("F05", "W6", "664.50", "2024-10-25", 7, "2024-09-20", "2024-10-17", **hourly("30.00", "22.15")),
        # residential: W1 4 weeks at £1,012.50, and the contribution W1 pays
        paid(
            "F06",
            "W1",
            "4050.00",
            "2024-09-02",
            6,
            "2024-07-22",
            "2024-08-18",
            quantity="4.00",
            unit_type="Weekly",
            unit_rate="1012.50",
        ),
        txn("F07", "client_contribution", "-600.00", "RES01", "9100", "2024-09-02", 6, person_local_id="W1"),
        # S2's direct payment for June
        txn(
            "F08",
            "direct_payment",
            "1000.00",
            "DP01",
            "5200",
            "2024-06-03",
            3,
            person_local_id="S2",
            service_ref="REF-S2",
            service_period_start="2024-06-01",
            service_period_end="2024-06-30",
        ),
        # a credit note against S1's April invoice
        txn(
            "F09",
            "credit_note",
            "-55.17",
            "HC01",
            "5110",
            "2024-06-10",
            3,
            reverses_transaction_id="F01",
            person_local_id="S1",
            service_ref="REF-S1",
            **adjustment,
        ),
        txn("F10", "nhs_income", "-2500.00", "BCF01", "9200", "2024-07-15", 4),
        # S1's March accrued at the year end, reversed in period 1 of 2025-26
        txn(
            "F11",
            "accrual",
            "700.00",
            "HC01",
            "5110",
            "2025-03-31",
            12,
            person_local_id="S1",
            service_ref="REF-S1",
            **adjustment,
        ),
        txn(
            "F12",
            "accrual_reversal",
            "-700.00",
            "HC01",
            "5110",
            "2025-04-01",
            1,
            financial_year="2025-26",
            reverses_transaction_id="F11",
            person_local_id="S1",
            service_ref="REF-S1",
            **adjustment,
        ),
        txn("F13", "capital_charge", "120.00", "CAP01", "5800", "2025-03-31", 13),
        # a cost centre no rule maps (finance_unmapped_codes), and one only the council's map knows
        txn("F14", "provider_payment", "45.50", "ZZ999", "5999", "2024-08-05", 5),
        txn("F15", "own_provision", "250.00", "LOC01", "5400", "2024-07-15", 4),
    ]


def write_finance(folder: Path) -> None:
    write_ledger(folder / LEDGER_FILE, _ledger())
    # what the finance system holds per period (F12 is in 2025-26, which this file does not cover)
    totals = (
        (2, 1, "1355.17"),
        (3, 3, "1757.23"),
        (4, 2, "-2250.00"),
        (5, 1, "45.50"),
        (6, 3, "4082.10"),
        (7, 2, "1222.86"),
        (12, 1, "700.00"),
        (13, 1, "120.00"),
    )
    write_control(
        folder / CONTROL_FILE,
        [
            {
                "la_code": "E06000005",
                "financial_year": "2024-25",
                "period_number": str(p),
                "row_count": str(n),
                "ledger_total": t,
            }
            for p, n, t in totals
        ],
    )
    write_category_map(
        folder / COUNCIL_MAP_FILE,
        [
            {
                "la_code": "E06000005",
                "cost_centre": "LOC01",
                "account_code": "*",
                "support_type": "other",
                "setting": "commissioning_service_delivery",
                "primary_support_reason": "not_applicable",
                "age_group": "not_applicable",
                "cost_group": "ssmss",
                "include_in_asc": "true",
                "note": "council commissioning team",
            }
        ],
    )


def write_fixture(folder: Path) -> None:
    first = _people_and_requests(Q1) + _services(Q1)
    second = (
        _people_and_requests(REST)
        + _services(REST)
        + _cohort_cases(REST)
        + _waits(REST)
        + [
            # The 789 request again in the same file with a different outcome: one event, two copies.
            row(
                la_person_unique_identifier="789",
                event_start_date="2024-08-01",
                event_end_date="2024-08-03",
                request_route_of_access="Hospital",
                event_outcome="Progress to Assessment",
                **REST,
            ),
            # A second dated request for 789 later in the year.
            row(la_person_unique_identifier="789", event_start_date="2025-01-06", event_end_date="2025-01-08", **REST),
        ]
    )
    write_cld(folder / FIRST_FILE, first)
    write_cld(folder / SECOND_FILE, second)
    # Mid-2024 estimates so the per-100k metrics have a denominator: 2 x 300 aged 30, 2 x 200 aged 74.
    lines = ["la_code,mid_year,sex,age,population"]
    lines += [f"E06000005,2024,{sex},{age},{people}" for sex in (1, 2) for age, people in ((30, 300), (74, 200))]
    (folder / POPULATION_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_finance(folder)
    write_good_lives(folder)
    write_place_inputs(folder, "E06000005", [2024])
    write_cqc_directory(folder)


def write_cqc_directory(folder: Path) -> None:
    """A care directory CSV (reference_data.md §5 layout (a)): 4 preamble lines, then two locations."""
    rows = [
        [
            f"Home {location}",
            "",
            "1 Road",
            "DL1 1AA",
            "",
            "",
            types,
            "01/02/2025",
            "",
            "Prov",
            "Darlington",
            "",
            "",
            location,
            "1-9",
        ]
        for location, types in (("1-101", "Nursing homes, Residential homes"), ("1-102", "Homecare agencies"))
    ]
    with (folder / "cqc_care_directory_E06000005.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        for line in ("Care directory with filters", "Data as at 1 March 2025", "", ""):
            writer.writerow([line] if line else [])
        writer.writerow(CSV_HEADER)
        writer.writerows(rows)


GOOD_LIVES_FILE = "good_lives_profiles_E06000005_2025-05-10.csv"
SCENARIO = {
    "scenario_id": "pg_home_care_to_dp",
    "name": "Half of home care to direct payments",
    "years": 2,
    "shifts": [
        {
            "from_sector": "home_care",
            "to_sector": "community_direct_payment",
            "share_percent": 50,
            "over_years": 2,
            "destination_weekly_cost": 300,
        }
    ],
}


def write_good_lives(folder: Path) -> None:
    """S1 (home care, REF-S1) profiled in every domain, paid support on physical_practical; 456
    (identity through the local id map) on two domains; U1 is unknown to the case data."""
    rows = [
        profile_row(
            la_code="E06000005",
            person_local_id="S1",
            profile_date="2024-09-01",
            domain=domain,
            need_level="high" if domain == "physical_practical" else "low",
            support_sources="paid" if domain == "physical_practical" else "family",
            paid_service_ref="REF-S1" if domain == "physical_practical" else "",
            support_fit="does_not_fit" if domain == "independence" else "fits",
            feels_like_home="partly" if domain == "home" else "",
            goal_status="achieved" if domain == "community" else "",
        )
        for domain in DOMAINS
    ]
    rows += [
        profile_row(la_code="E06000005", person_local_id="456", profile_date="2024-10-01", domain=d, need_level="none")
        for d in ("community", "safety")
    ]
    rows += [profile_row(la_code="E06000005", person_local_id="U1", profile_date="2024-11-01", domain="relationships")]
    write_good_lives_csv(folder / GOOD_LIVES_FILE, rows)


# --- DuckDB -> PostgreSQL copy of the ingest tables -------------------------------------------


def postgres_type(duckdb_type: str) -> str:
    kind = duckdb_type.upper()
    if kind.startswith("DECIMAL") or kind.startswith("NUMERIC"):
        return kind.replace("DECIMAL", "NUMERIC")
    mapping = {
        "VARCHAR": "VARCHAR",
        "DATE": "DATE",
        "INTEGER": "INTEGER",
        "BIGINT": "BIGINT",
        "TIMESTAMP": "TIMESTAMP",
        "BOOLEAN": "BOOLEAN",
        "DOUBLE": "DOUBLE PRECISION",
        "SMALLINT": "SMALLINT",
    }
    if kind not in mapping:
        raise AssertionError(f"no PostgreSQL type for DuckDB {duckdb_type}")
    return mapping[kind]


def table_columns(con: duckdb.DuckDBPyConnection, qualified: str) -> list[tuple[str, str, bool]]:
    schema, table = qualified.split(".")
    rows = con.execute(
        "select column_name, data_type, is_nullable from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    assert rows, f"{qualified} missing from DuckDB"
    return [(name, kind, nullable == "YES") for name, kind, nullable in rows]


def copy_ingest_tables(duck: duckdb.DuckDBPyConnection, server: PostgresServer) -> dict[str, int]:
    """Create raw/audit/quarantine in Postgres with DuckDB's column types and COPY the rows over."""
    copied = {}
    with psycopg.connect(server.conninfo()) as pg, pg.cursor() as cur:
        for qualified in INGEST_TABLES:
            schema, table = qualified.split(".")
            columns = table_columns(duck, qualified)
            cur.execute(f"create schema if not exists {schema}")
            column_ddl = ", ".join(
                f'"{name}" {postgres_type(kind)}{"" if nullable else " NOT NULL"}' for name, kind, nullable in columns
            )
            cur.execute(f"create table {schema}.{table} ({column_ddl})")
            names = ", ".join(f'"{name}"' for name, _, _ in columns)
            rows = duck.execute(f"select {names} from {qualified}").fetchall()
            with cur.copy(f"copy {schema}.{table} ({names}) from stdin") as copy:
                for values in rows:
                    copy.write_row(values)
            copied[qualified] = len(rows)
        pg.commit()
        for qualified, expected in copied.items():
            assert cur.execute(f"select count(*) from {qualified}").fetchone() == (expected,)
    return copied


# --- comparison -------------------------------------------------------------------------------


def normalise(value: Any) -> Any:
    """A comparable, exact form: decimals as their text (scale included), dates as ISO text."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float):
        raise AssertionError(f"unexpected float {value!r} in a mart: money and measures must be decimals")
    return value


TYPE_FAMILIES = {
    "VARCHAR": "string",
    "TEXT": "string",
    "CHARACTER VARYING": "string",
    "INTEGER": "integer",
    "BIGINT": "integer",
    "SMALLINT": "integer",
    "HUGEINT": "integer",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITHOUT TIME ZONE": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "TIMESTAMPTZ": "timestamptz",
}
MART_COLUMNS_SQL = (
    "select table_name, column_name, data_type, numeric_precision, numeric_scale "
    "from information_schema.columns where table_schema = 'marts' order by table_name, ordinal_position"
)


def type_family(data_type: str, precision: int | None, scale: int | None) -> str:
    """Comparable column type: decimals with their precision and scale, integers of any width alike."""
    kind = data_type.upper()
    if kind.startswith(("DECIMAL", "NUMERIC")):
        return f"decimal({precision},{scale})"
    return TYPE_FAMILIES.get(kind, kind)


def mart_types(rows: list[tuple]) -> dict[tuple[str, str], str]:
    return {(table, column): type_family(kind, p, s) for table, column, kind, p, s in rows}


def mart_rows(fetch, table: str) -> tuple[list[str], dict[tuple, dict[str, Any]]]:
    columns, rows = fetch(table)
    keyed = {}
    for values in rows:
        record = {c: normalise(v) for c, v in zip(columns, values, strict=True)}
        key = tuple(record[k] for k in MART_KEYS[table])
        assert key not in keyed, f"{table}: duplicate key {key}"
        keyed[key] = record
    return columns, keyed


def duckdb_fetcher(con: duckdb.DuckDBPyConnection):
    def fetch(table: str):
        cursor = con.execute(f"select * from marts.{table}")
        return [d[0] for d in cursor.description], cursor.fetchall()

    return fetch


def postgres_fetcher(con: psycopg.Connection):
    def fetch(table: str):
        cursor = con.execute(f"select * from marts.{table}")
        return [d.name for d in cursor.description], cursor.fetchall()

    return fetch


def dbt_errors(result: Any) -> str:
    """dbt's summary of what failed (from "Completed with" on), else the tail of its output."""
    output = getattr(result, "output", None)
    if not output:
        return str(result.exception)
    lines = output.splitlines()
    starts = [i for i, line in enumerate(lines) if "Completed with" in line]
    return "\n".join(lines[starts[-1] :][:300]) if starts else str(result.exception)


# --- the test ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, postgres_server: PostgresServer) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("pg_portability")
    extracts = base / "extracts"
    write_fixture(extracts)
    settings: Settings = load_settings(
        base / "warehouse", extracts, env={"ASCW_ALLOW_TEST_NHS_NUMBERS": "true", "ASCW_HMAC_KEY": "test-key"}
    )
    with connect(settings.duckdb_path) as con:
        results = load_folder(con, extracts, settings)
        scenario_file = base / "scenario_pg.yaml"
        scenario_file.write_text(json.dumps(SCENARIO), encoding="utf-8")  # JSON is YAML
        store_scenario(con, read_scenario(scenario_file))
    assert [(r.status, r.rows_rejected) for r in results] == [("loaded", 0)] * 9, results

    # The ingest tables are final once loaded (dbt only reads them), so copy them first and build
    # both targets at once: dbt runs as a subprocess per call, so two threads overlap the builds.
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as duck:
        copied = copy_ingest_tables(duck, postgres_server)

    dbt_vars = ["--vars", json.dumps(settings.dbt_vars())]
    # Own target and log dirs per target: never disturb dbt_project/target, never share a log.
    runs = {
        "duckdb": {},
        "postgres": postgres_server.dbt_env(),
    }
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {
            target: pool.submit(
                run_dbt,
                ["build", *dbt_vars],
                settings,
                target,
                {
                    "DBT_TARGET_PATH": str(base / f"target_{target}"),
                    "DBT_LOG_PATH": str(base / f"logs_{target}"),
                    **env,
                },
            )
            for target, env in runs.items()
        }
        results = {target: future.result() for target, future in futures.items()}
    for target, result in results.items():
        assert result.success, f"dbt build on {target} failed:\n{dbt_errors(result)}"

    marts: dict[str, dict[str, Any]] = {"duckdb": {}, "postgres": {}}
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as duck:
        fetch = duckdb_fetcher(duck)
        for table in MARTS:
            marts["duckdb"][table] = mart_rows(fetch, table)
        duck_types = mart_types(duck.execute(MART_COLUMNS_SQL).fetchall())
    with psycopg.connect(postgres_server.conninfo()) as pg:
        fetch = postgres_fetcher(pg)
        for table in MARTS:
            marts["postgres"][table] = mart_rows(fetch, table)
        pg_types = mart_types(pg.execute(MART_COLUMNS_SQL).fetchall())
    return {"copied": copied, "marts": marts, "types": {"duckdb": duck_types, "postgres": pg_types}}


def test_ingest_tables_copied(built: dict[str, Any]) -> None:
    copied = built["copied"]
    assert copied["audit.loads"] == 9
    assert copied["raw.cqc_locations"] == 2
    assert copied["raw.good_lives_profiles"] == 7 + 2 + 1
    assert copied["raw.scenario_shifts"] == 1
    assert copied["raw.cld_events"] == 9 + 11 + 7 + 9
    assert copied["raw.population"] == 4
    assert copied["raw.finance_transactions"] == 15
    assert copied["raw.finance_control"] == 8
    assert copied["raw.finance_category_map"] == 1
    assert copied["audit.finance_totals"] > 0


def test_fixture_exercises_the_rules(built: dict[str, Any]) -> None:
    """Guard the fixture itself, so the comparison below is never between two empty tables."""
    _, events = built["marts"]["duckdb"]["fct_events"]
    _, costs = built["marts"]["duckdb"]["fct_service_costs"]
    assert max(e["submitted_copies"] for e in events.values()) > 1  # dedup merged copies
    assert {e["event_type"] for e in events.values()} == {"Request", "Assessment", "Service"}
    assert {c["cost_flag"] for c in costs.values()} >= {"costed", "one_off"}
    assert any(c["event_end_date"] == "2024-10-15" for c in costs.values())  # death-corrected end
    hourly = [c for c in costs.values() if c["cost_frequency"] == "Hourly"]
    # S1: 2356p x 14.38 = 33879.28p; W4-W6: 2107p x 7.5 = 15802.5p, half away from zero
    assert {c["weekly_cost"] for c in hourly} == {"338.79", "158.03"}
    assert len({c["load_id"] for c in costs.values()}) == 2  # both files selected for some quarter


def test_fixture_exercises_the_cohort_marts(built: dict[str, Any]) -> None:
    """The cohort and metric marts are compared on real values: sequels, an episode, LTS and waits."""
    marts = built["marts"]["duckdb"]
    requests = marts["fct_requests"][1].values()
    assert {"Short term support: ST-Max", "Long term support: Residential care"} <= {r["sequel"] for r in requests}
    episodes = marts["fct_reablement_episodes"][1].values()
    assert [(e["episode_end_date"], e["in_ascof_2a_denominator"]) for e in episodes] == [("2024-10-10", True)]
    assert {r["snapshot"] for r in marts["fct_lts_cohort"][1].values()} == {
        "during_period",
        "at_period_end",
        "over_12_months",
    }
    waits = {(w["wait_part"], w["median_days"], w["p90_days"]) for w in marts["waiting_times"][1].values()}
    assert {("first_response", "9.00", "17.60"), ("first_service", "21.00", "30.40")} <= waits  # see _waits
    metrics = marts["commissioning_metrics"][1]
    # 11 new-client requests per 1,000 people aged 18+ (2 x 300 + 2 x 200) = 1,100.0 per 100,000
    per_100k = metrics[("E06000005", "financial_year", "2024-04-01", "REQUESTS_PER_100K", "total", "Total")]
    assert (per_100k["numerator"], per_100k["denominator"], per_100k["value"]) == (11, 1000, "1100.00")
    assert {b["population"] for b in marts["population_bands"][1].values()} >= {600, 400, 1000}
    assert marts["dim_period"][1] and marts["dim_la"][1]


def test_fixture_exercises_the_finance_marts(built: dict[str, Any]) -> None:
    """The spend marts are compared on real values, including exact half-up divisions."""
    marts = built["marts"]["duckdb"]
    spend = marts["spend_by_category"][1].values()
    assert {"Unmapped", "Commissioning and service delivery"} <= {r["support_setting"] for r in spend}
    year = [r for r in spend if r["period_type"] == "financial_year" and r["financial_year"] == "2024-25"]
    # F01-F06, F08, F09, F11, F14, F15 (see _ledger)
    assert sum(Decimal(r["gross_expenditure"]) for r in year) == Decimal("10012.86")
    assert sum(Decimal(r["ledger_total"]) for r in year) == Decimal("7032.86")  # the control file's total
    assert {r["period_type"] for r in spend} == {"financial_year", "quarter"}
    # ZZ999 only (LOC01 is mapped by the council's map): 45.50 / 10012.86 = 0.4544% -> 0.45
    unmapped = marts["finance_unmapped_codes"][1]
    assert list(unmapped) == [("E06000005", "2024-25", "ZZ999", "5999")]
    assert unmapped[("E06000005", "2024-25", "ZZ999", "5999")]["share_of_gross"] == "0.45"
    # home care: Σ(rate × hours) 1355.1712 + 812.40 + 632.10 + 558.355 + 664.50 = 4022.5262 over
    # 57.52 + 40 + 30 + 26.5 + 30 = 184.02 hours = 21.8592... -> £21.86, five people
    home_care = marts["unit_costs"][1][("E06000005", "2024-04-01", "Community: home care", "All ages")]
    assert (home_care["unit_cost"], home_care["people"], home_care["source"]) == ("21.86", 5, "finance")
    # 2025-26 holds only the accrual reversal: areas without spend fall by exactly 100.0%
    changes = {r["gross_expenditure_change_pct"] for r in marts["five_areas_costed"][1].values()}
    assert "-100.0" in changes


@pytest.mark.parametrize("table", MARTS)
def test_mart_matches_between_duckdb_and_postgres(built: dict[str, Any], table: str) -> None:
    duck_columns, duck_rows = built["marts"]["duckdb"][table]
    pg_columns, pg_rows = built["marts"]["postgres"][table]
    assert pg_columns == duck_columns
    assert len(pg_rows) == len(duck_rows) > 0
    assert set(pg_rows) == set(duck_rows)
    for column in MONEY.get(table, ()):
        assert {k: r[column] for k, r in pg_rows.items()} == {k: r[column] for k, r in duck_rows.items()}, column
    differences = [
        (key, column, duck_rows[key][column], pg_rows[key][column])
        for key in duck_rows
        for column in duck_columns
        if duck_rows[key][column] != pg_rows[key][column]
    ]
    assert not differences, f"{table}: {len(differences)} values differ, first: {differences[:5]}"


def test_mart_column_types_match(built: dict[str, Any]) -> None:
    """Same type family per column; decimals with the same precision and scale (money is numeric(18,2))."""
    duck, pg = built["types"]["duckdb"], built["types"]["postgres"]
    assert {t for t, _ in duck} >= set(MARTS)
    # metric_trends is a dbt Python model, built on DuckDB only (dbt-postgres has no Python
    # models); publishing copies the table to Postgres
    duck = {k: v for k, v in duck.items() if k[0] not in DUCKDB_ONLY_MARTS}
    assert pg == duck
    assert duck[("fct_service_costs", "quarter_cost")] == "decimal(18,2)"
    assert duck[("commissioning_metrics", "value")] == "decimal(18,2)"
    assert duck[("waiting_times", "p90_days")] == "decimal(18,2)"
