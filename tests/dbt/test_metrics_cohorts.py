"""Hand-made CLD files in, exact cohort metric cells out (metrics.md §3: ASCOF 2B, 2C, 2E, 2E_LD,
3D_1B, 3D_2B and LD_PAID_EMPLOYMENT), through one real dbt build.

One LA (E06000005), two small files (< 100 events, so each keeps its stated period):
  A  cld_E06000005_2024-05-10.csv  2023-04-01 .. 2024-03-31 (the earlier care-home lines)
  B  cld_E06000005_2025-05-10.csv  2024-04-01 .. 2025-03-31
and population_E06000005.csv for mid-2024: 20,000 people aged 18-64 (age 30) and 5,000 aged 65+
(age 70). Assertions are for 2024-25 unless said; data start 1 Apr 2023, so 2024-25 has the
365-day look-back (1 Apr 2024 - 365 days = 2 Apr 2023) and 2023-24 does not.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cld_builder import LA, row, write_cld
from dbt_warehouse import load_and_build, query, write_population

FILE_A = {"reporting_period_start_date": "2023-04-01", "reporting_period_end_date": "2024-03-31"}
RES = "Long Term Support: Residential Care"
NUR = "Long Term Support: Nursing Care"
COM = "Long Term Support: Community"
LTRC = "Long Term Residential Care"
LTNC = "Long Term Nursing Care"
CARE_HOME = "Registered care home"
LD_PSR = "Learning Disability Support"

# Person-level fields written on every row of the person (ages are at 31 Mar 2025 unless said).
PEOPLE: dict[str, dict[str, str]] = {
    # care-home admissions (all recorded as living in a registered care home: unsettled for 2E)
    "AD1": {"date_of_birth": "1984-01-15", "accommodation_status": CARE_HOME},  # 40 at admission
    "AD2": {"date_of_birth": "1974-01-15", "accommodation_status": CARE_HOME},  # 50
    "AD3": {"date_of_birth": "1979-01-15", "accommodation_status": CARE_HOME},  # 45, a move
    "AD4": {"date_of_birth": "1994-01-15", "accommodation_status": CARE_HOME},  # 30, self-funded
    "AD5": {"date_of_birth": "1989-01-15", "accommodation_status": CARE_HOME},  # 35, short-term component
    "AD6": {"date_of_birth": "1944-01-15", "accommodation_status": CARE_HOME},  # 80, two settings
    "AD7": {"date_of_birth": "1954-01-15", "accommodation_status": CARE_HOME},  # 70, gap of 365 days
    "AD8": {"date_of_birth": "1952-01-15", "accommodation_status": CARE_HOME},  # 72, gap of 364 days
    "AD9": {"date_of_birth": "1939-01-15", "accommodation_status": CARE_HOME},  # 85
    # learning disability
    "LD1": {
        "date_of_birth": "1994-01-15",
        "primary_support_reason": LD_PSR,
        "accommodation_status": "Settled mainstream housing with family/friends",
        "employment_status": "Paid: Less than 16 hours a week",
        "gender": "Female",
    },
    "LD2": {
        "date_of_birth": "1984-01-15",
        "primary_support_reason": LD_PSR,
        "accommodation_status": "Unknown",  # imputed from supported living: settled
        "employment_status": "Paid: 16 or more hours a week",
    },
    "LD3": {
        "date_of_birth": "1974-01-15",
        "primary_support_reason": LD_PSR,
        "accommodation_status": CARE_HOME,
        "employment_status": "Unknown",
    },
    "LD4": {
        "date_of_birth": "1999-01-15",
        "primary_support_reason": LD_PSR,
        "accommodation_status": "Unknown",  # latest line short-term: stays Unknown, not settled
        "employment_status": "Not in Paid Employment (seeking work)",
    },
    "LD5": {  # 71: in 2E, not in 2E_LD or LD employment
        "date_of_birth": "1954-01-15",
        "primary_support_reason": LD_PSR,
        "employment_status": "Paid: Hours per week unknown",
    },
    "LD6": {  # prison only: in 2E and 2E_LD, not in LD employment
        "date_of_birth": "1989-01-15",
        "primary_support_reason": LD_PSR,
        "accommodation_status": "Prison / YOI / detention centre",
        "employment_status": "Paid: Hours per week unknown",
    },
    "LD7": {  # 64 when the line ends (30 Jun 2024), 65 at 31 Mar 2025
        "date_of_birth": "1959-10-15",
        "primary_support_reason": LD_PSR,
        "accommodation_status": "Tenant - private landlord",
        "employment_status": "Paid: Less than 16 hours a week",
    },
    "LD8": {"date_of_birth": "2008-01-15", "primary_support_reason": LD_PSR},  # 17: out
    "O1": {"date_of_birth": "1944-01-15", "accommodation_status": "Unknown"},  # presumed at home: settled
    "O2": {"date_of_birth": "1900-01-15"},  # 125: implausible, age unknown, out of 2E
    "O3": {"date_of_birth": "1944-01-15", "date_of_death": "2024-02-01"},  # died before 2024-25
}


def person(pid: str, **fields: object) -> dict[str, str]:
    return row(la_person_unique_identifier=pid, **{**PEOPLE.get(pid, {}), **fields})


def line(pid: str, service_type: str, component: str, start: str, end: str = "", **fields: object) -> dict[str, str]:
    return person(
        pid,
        service=True,
        service_type=service_type,
        service_component=component,
        event_start_date=start,
        event_end_date=end,
        **fields,
    )


def carer(pid: str, **fields: object) -> dict[str, str]:
    return row(**{"la_person_unique_identifier": pid, "client_type": "Carer", "date_of_birth": "1960-03-15", **fields})


def carer_line(pid: str, service_type: str, component: str, mechanism: str, **fields: object) -> dict[str, str]:
    return carer(
        pid,
        service=True,
        service_type=service_type,
        service_component=component,
        delivery_mechanism=mechanism,
        event_start_date="2024-05-01",
        event_end_date="",
        **fields,
    )


DIRECT = "Carer Support: Direct to Carer"
INVOLVING = "Carer Support: Support involving the person cared-for"


def file_a_rows() -> list[dict[str, str]]:
    return [
        line("AD7", RES, LTRC, "2023-05-01", "2023-09-01", **FILE_A),
        line("AD8", RES, LTRC, "2023-05-01", "2023-09-01", **FILE_A),
        line("O3", COM, "Home Support", "2023-05-01", "", **FILE_A),
        person("O1", event_start_date="2023-06-01", event_end_date="2023-06-02", **FILE_A),
    ]


def file_b_rows() -> list[dict[str, str]]:
    return [
        # --- 2B / 2C -------------------------------------------------------------------------
        line("AD1", RES, LTRC, "2024-06-01"),  # new, 18-64, Residential
        line("AD2", NUR, LTNC, "2024-09-01"),  # new, 18-64, Nursing
        line("AD3", RES, LTRC, "2023-05-01", "2024-07-31"),  # started before the year
        line("AD3", NUR, LTNC, "2024-08-01"),  # a move between homes: not new
        line(
            "AD4", RES, LTRC, "2024-05-01", "2024-10-01", event_outcome="NFA - Self-funded client (Inc. 12wk disregard)"
        ),
        line("AD5", RES, "Short Term Residential Care", "2024-05-01"),  # short-term component: out
        line("AD6", RES, LTRC, "2024-05-01", "2024-05-31", event_outcome="NFA - Support ended: Other reason"),
        line("AD6", NUR, LTNC, "2024-12-01"),  # second setting: one admission, Residential (first)
        line("AD7", RES, LTRC, "2024-08-31"),  # 365 days after 1 Sep 2023: new
        line("AD8", RES, LTRC, "2024-08-30"),  # 364 days: not new
        line("AD9", NUR, LTNC, "2024-10-01"),  # new, 65+, Nursing
        # --- 2E / LD --------------------------------------------------------------------------
        line("LD1", COM, "Home Support", "2023-06-01"),
        line("LD2", COM, "Community Supported Living", "2024-05-01"),
        line("LD3", RES, LTRC, "2022-01-01"),
        line("LD4", COM, "Home Support", "2024-04-10"),
        line("LD4", "Short Term Support: Ongoing Low Level", "Equipment", "2024-10-01", "2024-10-02"),
        line(
            "LD5", COM, "Home Support", "2024-04-10", accommodation_status="Owner occupier or shared ownership scheme"
        ),
        line("LD6", "Long Term Support: Prison", "Other Long Term Support", "2024-04-10"),
        line("LD7", COM, "Home Support", "2024-04-10", "2024-06-30"),
        line("LD8", COM, "Home Support", "2024-04-10"),
        line("O1", COM, "Home Support", "2024-04-10"),
        line("O2", COM, "Home Support", "2024-04-10"),
        # --- 3D carers ------------------------------------------------------------------------
        carer_line("C1", DIRECT, "Direct Payment", "Direct Payment"),  # 1 DP
        carer_line("C2", DIRECT, "Direct Payment", ""),  # 1 DP by component (blank mechanism)...
        carer_line("C2", DIRECT, "Carer Sitting Service", "CASSR Commissioned Support"),  # ...beats commissioned
        carer_line("C3", DIRECT, "Carer Sitting Service", "CASSR Commissioned Support"),  # 3 commissioned
        carer_line("C4", DIRECT, "Carer Respite", "CASSR Managed Personal Budget"),  # 2 managed PB
        carer_line("C5", DIRECT, "Other Carer Support", ""),  # 4 unknown mechanism
        carer(  # 5 information and advice
            "C6",
            event_type="Assessment",
            request_route_of_access="",
            assessment_type="Long Term Assessment",
            event_start_date="2024-07-01",
            event_end_date="2024-07-05",
        ),
        carer(
            "C7", client_type="Carer known by association", event_start_date="2024-08-01", event_end_date="2024-08-01"
        ),
        carer_line("C8", INVOLVING, "Carer Respite", "CASSR Commissioned Support"),  # 6 no direct support
    ]


def population_rows() -> list[tuple[str, int, int, int, int]]:
    # mid-2024: age 30 → 10,000 + 10,000 = 20,000 (18-64); age 70 → 2,500 + 2,500 = 5,000 (65+)
    return [
        (LA, 2024, sex, age, population) for sex in (1, 2) for age, population in ((10, 7000), (30, 10000), (70, 2500))
    ]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cohorts")
    extracts = root / "extracts"
    write_cld(extracts / "cld_E06000005_2024-05-10.csv", file_a_rows())
    write_cld(extracts / "cld_E06000005_2025-05-10.csv", file_b_rows())
    write_population(extracts / "population_E06000005.csv", population_rows())
    load_and_build(root, extracts, "+int_metric_cells__cohorts")
    return root


def cells(root: Path, metric_id: str, breakdown: str = "total", start: str = "2024-04-01") -> dict:
    rows = query(
        root,
        f"""
        select breakdown_value, numerator, denominator, null_reason, dq_rows, dq_failed
        from intermediate.int_metric_cells__cohorts
        where period_type = 'financial_year' and period_start = '{start}'
            and metric_id = '{metric_id}' and breakdown = '{breakdown}'""",
    )
    return {r[0]: tuple(r[1:]) for r in rows}


def test_ascof_2b_younger_admissions(warehouse: Path) -> None:
    # New admissions aged 18-64: AD1 (residential, 40) and AD2 (nursing, 50). AD3 moved homes,
    # AD4 self-funded, AD5 short-term component → 2 ÷ 20,000 × 100,000 = 10.0.
    # dq: LT residential/nursing lines starting in the year: AD1, AD2, AD3 (nursing), AD4, AD5, AD6 ×2,
    # AD7, AD8, AD9 = 10, none with a blank component or unknown age.
    assert cells(warehouse, "ASCOF_2B") == {"Total": (2, 20000, None, 10, 0)}
    assert cells(warehouse, "ASCOF_2B", "admission_setting") == {
        "Residential": (1, 20000, None, 10, 0),
        "Nursing": (1, 20000, None, 10, 0),
    }
    assert cells(warehouse, "ASCOF_2B", "psr_group") == {"Physical support": (2, 20000, None, 10, 0)}


def test_ascof_2c_older_admissions(warehouse: Path) -> None:
    # AD6 (residential in May, nursing in Dec: one admission, Residential), AD7 (365 days after the
    # last line ended: new), AD9 (nursing); AD8 (364 days) is a move → 3 ÷ 5,000 × 100,000 = 60.0.
    assert cells(warehouse, "ASCOF_2C") == {"Total": (3, 5000, None, 10, 0)}
    assert cells(warehouse, "ASCOF_2C", "admission_setting") == {
        "Residential": (2, 5000, None, 10, 0),
        "Nursing": (1, 5000, None, 10, 0),
    }


def test_admissions_need_a_year_of_earlier_data(warehouse: Path) -> None:
    # 2023-24 starts on the data start date: no 365-day look-back → insufficient_lookback; no
    # mid-2023 population either (insufficient_lookback takes precedence over population_missing).
    # With nothing earlier known, the lines starting in 2023-24 all look new: AD7 and AD8 (69 and 71,
    # file A) and AD3's residential line (44; file B carries it, as it is still active in 2024-25).
    assert cells(warehouse, "ASCOF_2C", start="2023-04-01") == {"Total": (2, None, "insufficient_lookback", 3, 0)}
    assert cells(warehouse, "ASCOF_2B", start="2023-04-01") == {"Total": (1, None, "insufficient_lookback", 3, 0)}


def test_ascof_2e_settled_accommodation(warehouse: Path) -> None:
    # LT support during 2024-25, 18+ at the end of the latest LT line: AD1-AD9 (9, care home:
    # unsettled), LD1 (family: settled), LD2 (Unknown → supported living: settled), LD3 (care home),
    # LD4 (Unknown, latest line short-term: stays Unknown), LD5 (owner occupier: settled), LD6
    # (prison), LD7 (tenant: settled), O1 (Unknown → presumed at home: settled) = 17; settled 5.
    # Out: LD8 (17), O2 (implausible age), O3 (died Feb 2024). dq: recorded Unknown LD2, LD4, O1 = 3.
    assert cells(warehouse, "ASCOF_2E") == {"Total": (5, 17, None, 17, 3)}
    assert cells(warehouse, "ASCOF_2E", "working_age_band") == {
        # 18-64: AD1-AD5, LD1-LD4, LD6, LD7 (64 at 30 Jun 2024) = 11; settled LD1, LD2, LD7
        "18 to 64": (3, 11, None, 17, 3),
        # 65+: AD6-AD9, LD5, O1 = 6; settled LD5, O1
        "65 and above": (2, 6, None, 17, 3),
    }
    status = cells(warehouse, "ASCOF_2E", "accommodation_status")
    assert status["Registered care home"] == (10, None, "not_applicable", 17, 3)  # AD1-AD9, LD3
    assert status["Unknown: presumed at home"] == (1, None, "not_applicable", 17, 3)  # O1
    assert status["Unknown"] == (1, None, "not_applicable", 17, 3)  # LD4
    assert sum(n for n, *_ in status.values()) == 17


def test_ascof_2e_ld(warehouse: Path) -> None:
    # Learning disability, 18-64 at the latest LT end: LD1 (S), LD2 (S), LD3, LD4, LD6, LD7 (S, 64 when
    # the line ended) = 6, settled 3 → 50.0%. dq: recorded Unknown LD2, LD4 = 2.
    assert cells(warehouse, "ASCOF_2E_LD") == {"Total": (3, 6, None, 6, 2)}
    assert cells(warehouse, "ASCOF_2E_LD", "working_age_band") == {}


def test_ascof_3d_carers(warehouse: Path) -> None:
    # Carers: C1 DP, C2 DP by component (beats its commissioned line), C3 commissioned, C4 managed PB,
    # C5 unknown mechanism, C6 information (assessment NFA signposting), C7 request (known by
    # association), C8 support involving the cared-for. Denominator ranks 1-3 = C1-C4 = 4;
    # 1B = C1, C2, C4 = 3 (75.0%); 2B = C1, C2 = 2 (50.0%).
    # dq: direct-to-carer lines C1, C2 ×2, C3, C4, C5 = 6; blank mechanism C2 (DP component), C5 = 2.
    assert cells(warehouse, "ASCOF_3D_1B") == {"Total": (3, 4, None, 6, 2)}
    assert cells(warehouse, "ASCOF_3D_2B") == {"Total": (2, 4, None, 6, 2)}


def test_ld_paid_employment(warehouse: Path) -> None:
    # 18-64 at 31 Mar 2025, learning disability, LT nursing/residential/community in the year: LD1
    # (paid < 16 h), LD2 (paid 16+ h), LD3 (Unknown), LD4 (seeking work) = 4; paid 2 → 50.0%.
    # Out: LD5 (71), LD6 (prison only), LD7 (65 at period end), LD8 (17). dq: Unknown LD3 = 1.
    assert cells(warehouse, "LD_PAID_EMPLOYMENT") == {"Total": (2, 4, None, 4, 1)}
    assert cells(warehouse, "LD_PAID_EMPLOYMENT", "employment_hours") == {
        "Less than 16 hours a week": (1, None, "not_applicable", 4, 1),
        "16 or more hours a week": (1, None, "not_applicable", 4, 1),
    }
    assert cells(warehouse, "LD_PAID_EMPLOYMENT", "gender") == {
        "Female": (1, 1, None, 4, 1),  # LD1
        "Male": (1, 3, None, 4, 1),  # LD2 paid; LD3, LD4
    }


def test_every_period_has_every_headline_row(warehouse: Path) -> None:
    # int_periods: 2 financial years + 5 rolling 12 months (to each quarter end from Mar 2024) = 7
    # periods × 7 metrics, one total row each, zero when nothing counts.
    rows = query(
        warehouse,
        """
        select count(*), count(distinct period_type || cast(period_start as varchar)), count(distinct metric_id)
        from intermediate.int_metric_cells__cohorts where breakdown = 'total'""",
    )
    assert rows == [(49, 7, 7)]
