"""Hand-made CLD files in, exact long-term support cohorts and metric cells out (processing_rules.md
§9-§10; metrics.md LTS_PEOPLE_*, ASCOF_3D_1A/2A, NEW_LTS_PEOPLE_PER_WEEK), through a real dbt build.

Two small files (< 100 events, so each keeps its stated period) for LA E06000005:
  Y1  cld_E06000005_2024-05-10.csv  stated 2023-04-01 .. 2024-03-31
  Y2  cld_E06000005_2025-05-10.csv  stated 2024-04-01 .. 2025-03-31
Data start 1 April 2023, so 2023-24 is the first year of data (lines starting that day count as
started before it) and 2024-25 has a full 365-day look-back.

People (born 1950 unless said; all long-term lines open unless an end is given):
  A  LT Residential + LT Community DP, both from 2023-04-01      -> Residential (the 3D example)
  B  LT Community, component Direct Payment, mechanism blank, from 2023-06-01 -> Community: DP
  C  LT Community CASSR managed PB from 2022-01-01; born 1980     -> managed PB, 18 to 64
  D  LT Community commissioned from 2024-06-01                    -> new in 2024-25
  E  LT Community, mechanism blank, Home Support, from 2023-01-01 -> mechanism unknown
  F  commissioned 2023-01-01 .. 2024-06-10, then from 2024-06-11  -> chain joins (1 day)
  G  commissioned 2023-01-01 .. 2024-06-10, then from 2024-06-12  -> chain breaks (2 days)
  H  LT Nursing from 2023-01-01; died 2024-12-01                  -> gone by 31 March 2025
  I  commissioned 2023-04-01 .. 2023-08-31, LT Residential from 2024-09-01 -> new (gap > 365 days)
  J  LT Community DP from 2024-05-01; born 2008-01                -> under 18: counted, not in 3D
  K  an unpaid carer with carer support                           -> never counted
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cld_builder import row, write_cld
from dbt_warehouse import load_and_build, query

Y1 = {"reporting_period_start_date": "2023-04-01", "reporting_period_end_date": "2024-03-31"}
RES = {"service_type": "Long Term Support: Residential Care", "service_component": "Long Term Residential Care"}
NURSING = {"service_type": "Long Term Support: Nursing Care", "service_component": "Long Term Nursing Care"}
DP = {"service_component": "Direct Payment", "delivery_mechanism": "Direct Payment"}
PB = {"delivery_mechanism": "CASSR Managed Personal Budget"}


def lt(person: str, start: str, end: str = "", **fields: str) -> dict[str, str]:
    """A long-term service line (LT Community, commissioned home support unless overridden)."""
    return row(service=True, la_person_unique_identifier=person, event_start_date=start, event_end_date=end, **fields)


def year_1_rows() -> list[dict[str, str]]:
    return [
        lt("A", "2023-04-01", **RES, **Y1),
        lt("A", "2023-04-01", **DP, **Y1),
        lt("B", "2023-06-01", service_component="Direct Payment", delivery_mechanism="", **Y1),
        lt("C", "2022-01-01", date_of_birth="1980-05-10", **PB, **Y1),
        lt("E", "2023-01-01", delivery_mechanism="", **Y1),
        # F's and G's first lines were still open when this file was made
        lt("F", "2023-01-01", **Y1),
        lt("G", "2023-01-01", **Y1),
        lt("H", "2023-01-01", **NURSING, **Y1),
        lt("I", "2023-04-01", "2023-08-31", **Y1),
    ]


def year_2_rows() -> list[dict[str, str]]:
    return [
        lt("A", "2023-04-01", **RES),
        lt("A", "2023-04-01", **DP),
        lt("B", "2023-06-01", service_component="Direct Payment", delivery_mechanism=""),
        lt("C", "2022-01-01", date_of_birth="1980-05-10", **PB),
        lt("D", "2024-06-01"),
        lt("E", "2023-01-01", delivery_mechanism=""),
        lt("F", "2023-01-01", "2024-06-10"),
        lt("F", "2024-06-11"),
        lt("G", "2023-01-01", "2024-06-10"),
        lt("G", "2024-06-12"),
        lt("H", "2023-01-01", **NURSING, date_of_death="2024-12-01"),
        lt("I", "2024-09-01", **RES),
        lt("J", "2024-05-01", date_of_birth="2008-01-15", **DP),
        lt(
            "K",
            "2024-05-01",
            client_type="Carer",
            service_type="Carer Support: Direct to Carer",
            **DP,
        ),
    ]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lts")
    extracts = root / "extracts"
    write_cld(extracts / "cld_E06000005_2024-05-10.csv", year_1_rows())
    write_cld(extracts / "cld_E06000005_2025-05-10.csv", year_2_rows())
    load_and_build(root, extracts, "+int_metric_cells__lts +fct_lts_cohort +int_cohort_long_term_support")
    return root


def cells(root: Path, metric_id: str, year_start: str, breakdown: str = "total") -> dict[str, tuple]:
    """{breakdown_value: (numerator, denominator, null_reason, dq_rows, dq_failed)} for one financial year."""
    rows = query(
        root,
        f"""
        select breakdown_value, numerator, denominator, null_reason, dq_rows, dq_failed
        from intermediate.int_metric_cells__lts
        where metric_id = '{metric_id}' and breakdown = '{breakdown}'
          and period_type = 'financial_year' and period_start = date '{year_start}'
        """,
    )
    return {r[0]: tuple(r[1:]) for r in rows}


def counts(root: Path, metric_id: str, year_start: str, breakdown: str) -> dict[str, int]:
    """{breakdown_value: numerator} for one breakdown of one financial year."""
    return {k: v[0] for k, v in cells(root, metric_id, year_start, breakdown).items()}


def test_lts_people_during_the_year(warehouse: Path) -> None:
    # 2023-24: lines active 1/4/23-31/3/24 - A, B, C, E, F, G, H, I (D and J start in 2024) = 8
    assert cells(warehouse, "LTS_PEOPLE_DURING_YEAR", "2023-04-01")["Total"][0] == 8
    # 2024-25: A, B, C, D, E, F, G, H (died 1/12/24, after the start), I, J = 10; K is a carer
    assert cells(warehouse, "LTS_PEOPLE_DURING_YEAR", "2024-04-01")["Total"][0] == 10
    # settings over the year: H Nursing; A, I Residential; B, J DP; C PB; D, F, G commissioned; E unknown
    assert counts(warehouse, "LTS_PEOPLE_DURING_YEAR", "2024-04-01", "support_setting") == {
        "Nursing": 1,
        "Residential": 2,
        "Community: Direct Payment": 2,
        "Community: CASSR managed personal budget": 1,
        "Community: CASSR commissioned support": 3,
        "Community: mechanism unknown": 1,
    }


def test_lts_people_at_year_end(warehouse: Path) -> None:
    # 31/3/24: A, B, C, E, F, G, H (I ended Aug 2023) = 7
    assert cells(warehouse, "LTS_PEOPLE_AT_YEAR_END", "2023-04-01")["Total"][0] == 7
    # 31/3/25: A, B, C, D, E, F, G, I, J (H died before the period end) = 9
    assert cells(warehouse, "LTS_PEOPLE_AT_YEAR_END", "2024-04-01")["Total"][0] == 9
    # A Residential (its DP line is outranked), I Residential; B, J DP; C PB; D, F, G commissioned; E unknown
    assert counts(warehouse, "LTS_PEOPLE_AT_YEAR_END", "2024-04-01", "support_setting") == {
        "Residential": 2,
        "Community: Direct Payment": 2,
        "Community: CASSR managed personal budget": 1,
        "Community: CASSR commissioned support": 3,
        "Community: mechanism unknown": 1,
    }
    # by working age at 31/3/25: J under 18 (its own row), C 18 to 64, the other 7 aged 65+
    assert counts(warehouse, "LTS_PEOPLE_AT_YEAR_END", "2024-04-01", "working_age_band") == {
        "Under 18": 1,
        "18 to 64": 1,
        "65 and above": 7,
    }


def test_lts_people_over_12_months(warehouse: Path) -> None:
    # 2023-24, covered 31/3/23-31/3/24: A (starts on the data start date: counts as earlier), C, E, F,
    # G, H = 6; B started June 2023
    assert cells(warehouse, "LTS_PEOPLE_OVER_12_MONTHS", "2023-04-01")["Total"][0] == 6
    # 2024-25, covered 31/3/24-31/3/25: A, B, C, E and F (10 June -> 11 June joins) = 5; G breaks
    # (10 June -> 12 June), H died, D, I, J started in the year
    assert cells(warehouse, "LTS_PEOPLE_OVER_12_MONTHS", "2024-04-01")["Total"][0] == 5
    assert counts(warehouse, "LTS_PEOPLE_OVER_12_MONTHS", "2024-04-01", "support_setting") == {
        "Residential": 1,  # A
        "Community: Direct Payment": 1,  # B
        "Community: CASSR managed personal budget": 1,  # C
        "Community: CASSR commissioned support": 1,  # F
        "Community: mechanism unknown": 1,  # E
    }
    assert query(
        warehouse,
        """
        select snapshot, count(*) from marts.fct_lts_cohort
        where period_type = 'financial_year' and financial_year = '2024-25' group by snapshot order by snapshot
        """,
    ) == [("at_period_end", 9), ("during_period", 10), ("over_12_months", 5)]


def test_ascof_3d_clients(warehouse: Path) -> None:
    # 31/3/25, 18+ at the end: A, B, C, D, E, F, G, I (J is 17). Community top setting (ranks 3-6):
    # B (DP), C (PB), D, F, G (commissioned), E (unknown) = 6; A and I are Residential - A's DP line
    # does not put A in the denominator (metrics.md example).
    # 1A = DP + PB = B, C = 2; 2A = DP = B (component Direct Payment, blank mechanism) = 1.
    # dq: one open community line each for B, C, D, E, F (F2), G (G2) = 6 lines; E's blank mechanism
    # with a Home Support component fails (B's blank mechanism is rescued by its DP component) = 1.
    assert cells(warehouse, "ASCOF_3D_1A", "2024-04-01")["Total"] == (2, 6, None, 6, 1)
    assert cells(warehouse, "ASCOF_3D_2A", "2024-04-01")["Total"] == (1, 6, None, 6, 1)
    # 31/3/24: B, C, E, F, G in the community (A Residential, H Nursing) = 5; 1A B, C = 2; 2A B = 1;
    # lines 5, E's fails
    assert cells(warehouse, "ASCOF_3D_1A", "2023-04-01")["Total"] == (2, 5, None, 5, 1)
    assert cells(warehouse, "ASCOF_3D_2A", "2023-04-01")["Total"] == (1, 5, None, 5, 1)
    # by working age at 31/3/25: C (born 1980) is 18 to 64 and PB; the other five are 65+, B the only DP
    assert {k: v[:2] for k, v in cells(warehouse, "ASCOF_3D_1A", "2024-04-01", "working_age_band").items()} == {
        "18 to 64": (1, 1),
        "65 and above": (1, 5),
    }
    assert {k: v[:2] for k, v in cells(warehouse, "ASCOF_3D_2A", "2024-04-01", "working_age_band").items()} == {
        "18 to 64": (0, 1),
        "65 and above": (1, 5),
    }


def test_new_lts_people_per_week(warehouse: Path) -> None:
    # 2024-25 starts: D 1/6/24 (no earlier line) new; F 11/6/24 and G 12/6/24 follow lines ending
    # 10/6/24 (inside 365 days) - not new; I 1/9/24 follows a line ending 31/8/23, before
    # 1/9/24 - 365 days = 2/9/23 - new; J is 16 at the start - excluded. Numerator 2, denominator NULL.
    assert cells(warehouse, "NEW_LTS_PEOPLE_PER_WEEK", "2024-04-01")["Total"] == (2, None, None, 2, 0)
    assert counts(warehouse, "NEW_LTS_PEOPLE_PER_WEEK", "2024-04-01", "support_setting") == {
        "Community: CASSR commissioned support": 1,  # D
        "Residential": 1,  # I
    }
    # 2023-24 starts 1/4/23 - 365 days before the data start: the count is flagged, not trusted
    assert cells(warehouse, "NEW_LTS_PEOPLE_PER_WEEK", "2023-04-01")["Total"][2] == "insufficient_lookback"


def test_every_period_has_a_headline_and_cohort_counts_add_up(warehouse: Path) -> None:
    # 7 periods (2 financial years, 5 rolling 12 months) x 6 metrics
    headlines = "select count(*) from intermediate.int_metric_cells__lts where breakdown = 'total'"
    assert query(warehouse, headlines) == [(42,)]
    # the unsuppressed cube adds up to the headline counts for every period and snapshot
    assert query(
        warehouse,
        """
        with cube as (
            select period_type, period_start, snapshot, sum(people) as people
            from intermediate.int_cohort_long_term_support group by all
        ),
        metrics as (
            select period_type, period_start,
                case metric_id when 'LTS_PEOPLE_DURING_YEAR' then 'during_period'
                    when 'LTS_PEOPLE_AT_YEAR_END' then 'at_period_end' else 'over_12_months' end as snapshot,
                numerator
            from intermediate.int_metric_cells__lts
            where metric_id like 'LTS_PEOPLE_%' and breakdown = 'total'
        )
        select count(*) from metrics as m
        left join cube as c using (period_type, period_start, snapshot)
        where coalesce(c.people, 0) <> m.numerator
        """,
    ) == [(0,)]
