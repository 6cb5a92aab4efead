"""Three Conversations cost avoidance (context.md §3 (g)) from hand-made CLD files through the real
loader and dbt: the NEW_LTS_PEOPLE_PER_WEEK entrants of a practice site before and after its
go-live, the mean annualised cost of a new package and the estimate, to the penny.

Three yearly files for LA E06000005 (data start 2022-04-01), every long-term line Weekly-costed:
  Y0 2022-23  B8 2022-05-01 .. 2022-12-31 (£999); B9 2022-05-01, open
  Y1 2023-24  B1 2023-05-01 £100, B2 06-01 £200 (both postcode sector DL3 3), B3 07-01 £300,
              B4 08-01 £400, B5 09-01 £500, B6 10-01 £600, B7 2024-01-02 two lines £400 + £300
              (a package of £700) and a third line 2024-03-01 £5,000 (not an entry: B7 is in
              support), B8 again from 2023-06-01 £800 (not new: a line ended 2022-12-31, < 365 days)
  Y2 2024-25  C1 2024-05-01 (postcode sector DL3 3), C2 06-01, C3 07-01, C4 08-01, C5 09-01
Requests a week before each line: B3-B7 and C1-C5 "Discharge from Hospital", B1, B2 community.

Sites: DEMO_WHOLE_LA (the shipped seed row: whole LA, go-live 2024-04-01) plus three added to the
seed table for the test: ROUTE (Discharge from hospital, 2024-04-01), SECTOR (DL3 3, 2024-04-01) and
EARLY (whole LA, 2023-04-01).

Baseline 2023-04-01 .. 2024-03-31 = 366 days (bd), FY 2024-25 = 365 days (cd); 365-day entry
look-backs start 2022-04-01 and 2023-04-02, inside the data.
DEMO_WHOLE_LA: b = 7 (B1-B7), c = 5 (C1-C5); inflows 7×7/366 = 0.134 → 0.1, 5×7/365 = 0.096 → 0.1;
  fall = 7 × (7×365 − 5×366)/(366×365) = 7 × 725/133,590 = 0.038 → 0.0 a week.
  Packages: 100+200+300+400+500+600+700 = £2,800 a week over 7 → mean × 52 = £20,800.00.
  Estimate = 7 × 52 × 52 × 280,000p × 725 / (133,590 × 7) = 4,108,930.3p → £41,089.30.
ROUTE: b = 5 (B3-B7), c = 5; packages £2,500/5 × 52 = £26,000.00; fall_scaled = 5×365 − 5×366 = −5
  (the leap day makes the baseline week rate lower) → fall −0.0004 → 0.0;
  estimate = 18,928 × 250,000 × (−5) / (133,590 × 5) = −35,421.8p → −£354.22 (inflow rose).
SECTOR: b = 2, c = 1 → counts suppressed (small_count), no inflows, no estimate.
EARLY: baseline 2022-04-01 .. 2023-03-31 needs data from 2021-04-01 → insufficient_lookback on
  every period from 2023-04-01 (FY 2023-24, 2024-25 and 5 rolling years); its current inflow for
  FY 2023-24 is B1-B7 = 7 people, 0.1 a week.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from cld_builder import row, write_cld
from conftest import make_settings
from dbt_warehouse import dbt, query
from orchestration.defs.ingest.load import load_folder
from orchestration.defs.ingest.store import connect
from orchestration.defs.transform.project import run_dbt
from orchestration.settings import Settings

MODEL = "three_conversations_cost_avoidance"
Y0 = {"reporting_period_start_date": "2022-04-01", "reporting_period_end_date": "2023-03-31"}
Y1 = {"reporting_period_start_date": "2023-04-01", "reporting_period_end_date": "2024-03-31"}
Y2 = {"reporting_period_start_date": "2024-04-01", "reporting_period_end_date": "2025-03-31"}
SECTOR = {"postcode": "DL3 3AB"}
HOSPITAL = "Discharge from Hospital"


def line(person: str, start: str, weekly: str, period: dict, end: str = "", **fields: str) -> dict[str, str]:
    """A long-term community line costed weekly (weekly cost = unit cost)."""
    return row(
        service=True,
        la_person_unique_identifier=person,
        event_start_date=start,
        event_end_date=end,
        unit_cost=weekly,
        cost_frequency_unit_type="Weekly",
        planned_units_per_week="1",
        **period,
        **fields,
    )


def request(person: str, start: str, route: str, period: dict, **fields: str) -> dict[str, str]:
    return row(
        la_person_unique_identifier=person,
        event_start_date=start,
        event_end_date=start,
        request_route_of_access=route,
        **period,
        **fields,
    )


def write_files(extracts: Path) -> None:
    community = "Community / Other route"
    write_cld(
        extracts / "cld_E06000005_2023-05-10.csv",
        [line("B8", "2022-05-01", "999.00", Y0, end="2022-12-31"), line("B9", "2022-05-01", "50.00", Y0)],
    )
    baseline = [
        ("B1", "2023-05-01", "100.00", community, SECTOR),
        ("B2", "2023-06-01", "200.00", community, SECTOR),
        ("B3", "2023-07-01", "300.00", HOSPITAL, {}),
        ("B4", "2023-08-01", "400.00", HOSPITAL, {}),
        ("B5", "2023-09-01", "500.00", HOSPITAL, {}),
        ("B6", "2023-10-01", "600.00", HOSPITAL, {}),
        ("B7", "2024-01-02", "400.00", HOSPITAL, {}),
    ]
    y1 = []
    for person, start, weekly, route, extra in baseline:
        week_before = date.fromisoformat(start).toordinal() - 7
        y1.append(request(person, date.fromordinal(week_before).isoformat(), route, Y1, **extra))
        y1.append(line(person, start, weekly, Y1, **extra))
    y1 += [
        line("B7", "2024-01-02", "300.00", Y1, service_component="Day Support"),
        line("B7", "2024-03-01", "5000.00", Y1, service_component="Other Long Term Support"),
        line("B8", "2023-06-01", "800.00", Y1),
    ]
    write_cld(extracts / "cld_E06000005_2024-05-10.csv", y1)
    y2 = []
    for i, person in enumerate(["C1", "C2", "C3", "C4", "C5"]):
        start = date(2024, 5 + i, 1)
        extra = SECTOR if person == "C1" else {}
        y2.append(request(person, date.fromordinal(start.toordinal() - 7).isoformat(), HOSPITAL, Y2, **extra))
        y2.append(line(person, start.isoformat(), "50.00", Y2, **extra))
    write_cld(extracts / "cld_E06000005_2025-05-10.csv", y2)


EXTRA_SITES = [
    ("ROUTE", "E06000005", "Hospital discharge route", date(2024, 4, 1), "route_of_access", "Discharge from hospital"),
    ("SECTOR", "E06000005", "Sector DL3 3", date(2024, 4, 1), "postcode_sector", "DL3 3"),
    ("EARLY", "E06000005", "Whole LA, early go-live", date(2023, 4, 1), "whole_la", None),
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("three_conversations")
    extracts = root / "extracts"
    write_files(extracts)
    settings = make_settings(root / "wh", extracts)
    with connect(settings.duckdb_path) as con:
        results = load_folder(con, extracts, settings)
    assert [(r.status, r.rows_rejected) for r in results] == [("loaded", 0)] * 3, results
    # the shipped seed, then three more sites added to its table (a council edits the CSV)
    dbt(settings, "seed", "practice_sites")
    con = duckdb.connect(str(settings.duckdb_path))
    try:
        con.executemany("insert into seeds.practice_sites values (?, ?, ?, ?, ?, ?)", EXTRA_SITES)
    finally:
        con.close()
    result = run_dbt(
        [
            "build",
            "--select",
            f"+{MODEL}",
            "--exclude",
            "practice_sites",
            "--vars",
            json.dumps(settings.dbt_vars()),
        ],
        settings,
    )
    assert result.success, result.exception
    return settings


COLUMNS = (
    "period_type, period_start, baseline_new_people, baseline_weekly_inflow, current_new_people, "
    "current_weekly_inflow, fall_per_week, baseline_priced_packages, mean_annual_package_cost, "
    "estimated_annual_cost_avoidance, is_estimate, is_suppressed, null_reason"
)


def rows(settings: Settings, site: str) -> list[tuple]:
    return query(
        settings,
        f"select {COLUMNS} from marts.{MODEL} where site_id = '{site}' order by period_type, period_start",
    )


def test_whole_la_estimate_to_the_penny(warehouse: Settings) -> None:
    fy = ("financial_year", date(2024, 4, 1))
    rolling = ("rolling_12m", date(2024, 4, 1))  # the 12 months to 2025-03-31
    values = (7, Decimal("0.10"), 5, Decimal("0.10"), Decimal("0.00"), 7, Decimal("20800.00"), Decimal("41089.30"))
    assert rows(warehouse, "DEMO_WHOLE_LA") == [
        (*fy, *values, True, False, None),
        (*rolling, *values, True, False, None),
    ]


def test_route_of_access_site_and_a_negative_estimate(warehouse: Settings) -> None:
    fy = rows(warehouse, "ROUTE")[0]
    assert fy == (
        "financial_year",
        date(2024, 4, 1),
        5,
        Decimal("0.10"),
        5,
        Decimal("0.10"),
        Decimal("0.00"),
        5,
        Decimal("26000.00"),
        Decimal("-354.22"),
        True,
        False,
        None,
    )


def test_small_counts_are_suppressed(warehouse: Settings) -> None:
    """SECTOR: 2 baseline and 1 current entrant (1-4 people, metrics.md §1.3): counts, inflows and the
    estimate hidden; its 2 priced packages are also below the 5 a mean cost needs."""
    fy = rows(warehouse, "SECTOR")[0]
    assert fy[2:] == (None, None, None, None, None, 2, None, None, True, True, "small_count")


def test_baseline_before_the_data_is_insufficient_lookback(warehouse: Settings) -> None:
    early = rows(warehouse, "EARLY")
    assert [(r[0], r[1]) for r in early] == [
        ("financial_year", date(2023, 4, 1)),
        ("financial_year", date(2024, 4, 1)),
    ] + [("rolling_12m", date(y, m, 1)) for y, m in ((2023, 4), (2023, 7), (2023, 10), (2024, 1), (2024, 4))]
    assert {(r[3], r[6], r[9], r[12]) for r in early} == {(None, None, None, "insufficient_lookback")}
    assert early[0][4:6] == (7, Decimal("0.10"))  # FY 2023-24: B1-B7, with a full entry look-back
