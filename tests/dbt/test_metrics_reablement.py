"""Reablement metrics from hand-made CLD rows (metrics.md ASCOF_2A and ST_MAX_EPISODES, PR §8.5).

Two small files for E06000005 (< 100 events each, so each keeps its stated period):
  A  cld_E06000005_2024-05-10.csv  stated 2023-04-01 .. 2024-03-31
  B  cld_E06000005_2025-05-10.csv  stated 2024-04-01 .. 2025-03-31
Data therefore run 2023-04-01 .. 2025-03-31: 2024-25 has its 91-day new-client look-back
(2024-04-01 - 91 days = 2024-01-01, inside the data); 2023-24 does not.

People (born 15 Jun 1950 unless stated, so 73-74 at every episode end: '65 and above'):
  N1..N6  ST-Max 1-20 Jun 2024, outcome Service ended as planned (R2: NFA: Support ended as planned)
  N7      the same ST-Max, then LT Community from 25 Jun 2024 (5 days after the end: inside the 7-day
          DHSC window, outside the 3-day NHS England one)
  N8      ST-Max 1-20 Jun 2024, outcome Admitted to hospital
  E1      LT Community open since 1 Jan 2023 (existing client); ST-Max 1-20 Jul 2024 with an invalid outcome
  U1      born 10 Jan 2008 (16 at the end): ST-Max 1-20 Jun 2024
  O1      ST-Max from 1 Mar 2025, still open (no end: counted nowhere)
  N9      ST-Max 1-20 Sep 2023, Service ended as planned (the 2023-24 year)
This is the metrics.md ASCOF_2A example (40 episodes: 30 ended as planned, 4 LT Community, 3 admitted to
hospital, 3 unable to classify -> 30/34) at small scale.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cld_builder import row, write_cld
from dbt_warehouse import dbt, load_and_build, query, settings_for

FILE_A_PERIOD = {"reporting_period_start_date": "2023-04-01", "reporting_period_end_date": "2024-03-31"}
FILE_B_PERIOD = {"reporting_period_start_date": "2024-04-01", "reporting_period_end_date": "2025-03-31"}

STMAX = {
    "service": True,
    "service_type": "Short Term Support: ST-Max",
    "service_component": "Reablement",
    "event_outcome": "Service ended as planned",
}

SELECT = "+int_metric_cells__reablement +fct_reablement_episodes"


def stmax(person: str, start: str, end: str, **overrides: str) -> dict[str, str]:
    return row(la_person_unique_identifier=person, event_start_date=start, event_end_date=end, **{**STMAX, **overrides})


def file_b_rows() -> list[dict[str, str]]:
    june = ("2024-06-01", "2024-06-20")
    rows = [stmax(f"N{i}", *june) for i in range(1, 7)]
    rows += [
        stmax("N7", *june),
        row(service=True, la_person_unique_identifier="N7", event_start_date="2024-06-25", event_end_date=""),
        stmax("N8", *june, event_outcome="Admitted to Hospital"),
        row(service=True, la_person_unique_identifier="E1", event_start_date="2023-01-01", event_end_date=""),
        stmax("E1", "2024-07-01", "2024-07-20", event_outcome="Not a national outcome"),
        stmax("U1", *june, date_of_birth="2008-01-10"),
        stmax("O1", "2025-03-01", ""),
    ]
    return [{**r, **FILE_B_PERIOD} for r in rows]


def file_a_rows() -> list[dict[str, str]]:
    rows = [
        row(service=True, la_person_unique_identifier="E1", event_start_date="2023-01-01", event_end_date=""),
        stmax("N9", "2023-09-01", "2023-09-20"),
    ]
    return [{**r, **FILE_A_PERIOD} for r in rows]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("reablement")
    extracts = root / "extracts"
    write_cld(extracts / "cld_E06000005_2024-05-10.csv", file_a_rows())
    write_cld(extracts / "cld_E06000005_2025-05-10.csv", file_b_rows())
    load_and_build(root, extracts, SELECT)
    return root


def cells(root: Path, period_end: str, metric_id: str, breakdown: str, period_type: str = "financial_year") -> dict:
    rows = query(
        root,
        f"""
        select breakdown_value, numerator, denominator, null_reason, is_provisional, dq_rows, dq_failed
        from intermediate.int_metric_cells__reablement
        where period_type = '{period_type}' and period_end = '{period_end}'
          and metric_id = '{metric_id}' and breakdown = '{breakdown}'""",
    )
    return {value: rest for value, *rest in rows}


def test_episodes_and_sequels(warehouse: Path) -> None:
    rows = query(
        warehouse,
        """
        select sequel, sequel_rule, is_new_client, working_age_band, count(*)
        from marts.fct_reablement_episodes group by all order by all""",
    )
    assert rows == [
        # N8: rule 2 (own outcome)
        ("Admitted to hospital", "admitted_to_hospital", True, "65 and above", 1),
        # N7: LT Community starts 25 Jun, inside the window (20 Jun + 7 = 27 Jun)
        ("Long term support: Community", "window_service", True, "65 and above", 1),
        # N1..N6 and N9 (new); U1 (new, under 18): their own outcome is the usable evidence
        ("NFA: Support ended as planned", "outcome_evidence", True, "65 and above", 7),
        ("NFA: Support ended as planned", "outcome_evidence", True, "Under 18", 1),
        # E1: invalid outcome, nothing in the window (its LT Community started before the episode)
        ("Unable to classify", "unable_to_classify", False, "65 and above", 1),
        # O1: open
        (None, "episode_open", True, "65 and above", 1),
    ]


def test_ascof_2a_2024_25(warehouse: Path) -> None:
    # 2A population: new clients, 18+, alive, ending in 2024-25 = N1..N8 (E1 existing, U1 under 18,
    # O1 open, N9 in 2023-24).
    # Denominator: N1..N6 (ended as planned) + N7 (LT Community) = 7; N8 (Admitted to hospital) is excluded.
    # Numerator: 7 minus the LT setting (N7) = 6  -> 6/7 = 85.7%.
    # Provisional: 31 Mar 2025 + 7 days passes the data end (31 Mar 2025). dq: 8 ST-Max lines, all valid.
    assert cells(warehouse, "2025-03-31", "ASCOF_2A", "total") == {"Total": [6, 7, None, True, 8, 0]}
    assert cells(warehouse, "2025-03-31", "ASCOF_2A", "working_age_band") == {"65 and above": [6, 7, None, True, 8, 0]}
    # Sequel counts of the 2A population, excluded categories included, no denominator
    assert cells(warehouse, "2025-03-31", "ASCOF_2A", "sequel") == {
        "NFA: Support ended as planned": [6, None, "not_applicable", True, 6, 0],
        "Long term support: Community": [1, None, "not_applicable", True, 1, 0],
        "Admitted to hospital": [1, None, "not_applicable", True, 1, 0],
    }


def test_st_max_episodes_2024_25(warehouse: Path) -> None:
    # Completed, 18+, alive: N1..N8 (new) + E1 (existing) = 9; U1 (under 18) and O1 (open) are out.
    # dq: 9 lines, E1's outcome is 'Invalid and not mapped' -> 1 failed (in the Existing cell).
    assert cells(warehouse, "2025-03-31", "ST_MAX_EPISODES", "total") == {"Total": [9, None, None, True, 9, 1]}
    assert cells(warehouse, "2025-03-31", "ST_MAX_EPISODES", "client_status") == {
        "New": [8, None, None, True, 8, 0],
        "Existing": [1, None, None, True, 1, 1],
    }
    # Sequel: 6 ended as planned + 1 LT Community + 1 admitted + E1 unable to classify = 9
    assert cells(warehouse, "2025-03-31", "ST_MAX_EPISODES", "sequel") == {
        "NFA: Support ended as planned": [6, None, None, True, 6, 0],
        "Long term support: Community": [1, None, None, True, 1, 0],
        "Admitted to hospital": [1, None, None, True, 1, 0],
        "Unable to classify": [1, None, None, True, 1, 1],
    }
    assert cells(warehouse, "2025-03-31", "ST_MAX_EPISODES", "working_age_band") == {
        "65 and above": [9, None, None, True, 9, 1]
    }


def test_2023_24_lacks_the_look_back(warehouse: Path) -> None:
    # N9 alone ends in 2023-24: 1/1, but 2023-04-01 - 91 days is before the data start (2023-04-01).
    # Not provisional: 31 Mar 2024 + 7 days is inside the data.
    assert cells(warehouse, "2024-03-31", "ASCOF_2A", "total") == {
        "Total": [1, 1, "insufficient_lookback", False, 1, 0]
    }
    assert cells(warehouse, "2024-03-31", "ST_MAX_EPISODES", "total") == {"Total": [1, None, None, False, 1, 0]}


def test_rolling_12_months(warehouse: Path) -> None:
    # Every rolling 12 months to a covered quarter end has both headline rows (5 periods x 2 metrics).
    rows = query(
        warehouse,
        """
        select period_end, metric_id, numerator, denominator, null_reason from intermediate.int_metric_cells__reablement
        where period_type = 'rolling_12m' and breakdown = 'total' order by period_end, metric_id""",
    )
    assert [(str(e), m, n, d, r) for e, m, n, d, r in rows] == [
        # Apr 2023 - Mar 2024: N9 only; look-back reaches 1 Jan 2023, before the data
        ("2024-03-31", "ASCOF_2A", 1, 1, "insufficient_lookback"),
        ("2024-03-31", "ST_MAX_EPISODES", 1, None, None),
        # Jul 2023 - Jun 2024: N9 + N1..N8; look-back to exactly 1 Apr 2023 = data start (enough).
        # 2A: denominator 8 (N1..N7, N9), numerator 7
        ("2024-06-30", "ASCOF_2A", 7, 8, None),
        ("2024-06-30", "ST_MAX_EPISODES", 9, None, None),
        # Oct 2023 - Sep 2024: N1..N8 + E1 (existing, July)
        ("2024-09-30", "ASCOF_2A", 6, 7, None),
        ("2024-09-30", "ST_MAX_EPISODES", 9, None, None),
        ("2024-12-31", "ASCOF_2A", 6, 7, None),
        ("2024-12-31", "ST_MAX_EPISODES", 9, None, None),
        ("2025-03-31", "ASCOF_2A", 6, 7, None),
        ("2025-03-31", "ST_MAX_EPISODES", 9, None, None),
    ]


def test_nhse_2324_method_shortens_the_window(warehouse: Path) -> None:
    # Rebuild the reablement models with ascof_2a_method = nhse_2324 (cluster gap 1, window 3): N7's LT
    # Community (25 Jun) is now outside the window (20 Jun + 3 = 23 Jun), so its sequel is its own outcome,
    # NFA: Support ended as planned -> 2A denominator 7, numerator 7. Runs last: it changes the warehouse.
    selection = "int_reablement__episode_lines+,+int_metric_cells__reablement"
    dbt(settings_for(warehouse), "run", selection, ascof_2a_method="nhse_2324")
    assert cells(warehouse, "2025-03-31", "ASCOF_2A", "total") == {"Total": [7, 7, None, True, 8, 0]}
    assert cells(warehouse, "2025-03-31", "ASCOF_2A", "sequel") == {
        "NFA: Support ended as planned": [7, None, "not_applicable", True, 7, 0],
        "Admitted to hospital": [1, None, "not_applicable", True, 1, 0],
    }
