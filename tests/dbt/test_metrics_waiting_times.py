"""Waiting times (metrics.md §4, DHSC provisional method v1.1): hand-made CLD files in, exact waits out.

Two small files for E06000005 (< 100 events, so each keeps its stated period):
  A  cld_E06000005_2024-05-15.csv  2023-04-01 .. 2024-03-31
  B  cld_E06000005_2025-05-15.csv  2024-04-01 .. 2025-03-31
so int_periods holds every quarter from April 2023 to March 2025 (data end 2025-03-31).

People (default birth 1950-06 → 73/74, band 65 and above; "1980-01" → 44, band 25 to 64):
  W1  conversation request (R1, progress to reablement) 1 Jul 2024 → its own response, wait 0;
      ST-Max 15 Jul → first service, wait 14
  W2  request 10 Jul; long-term assessment 13 Jul (progress to support planning) → wait 3;
      community service 9 Aug → wait 30
  W3  request 20 Jul; ST-Max 27 Jul before the assessment of 5 Aug → response and service, wait 7
  W4  request 1 Aug; assessment 11 Aug (NFA support declined) → wait 10; its service 1 Sep is dropped
  W5  request 20 Aug; short-term assessment 9 Sep → wait 20; no service yet
  O1  (25 to 64) requests 1 and 3 Oct; assessment 8 Oct → wait 7; service 20 Oct → wait 19;
      the 3 Oct request comes before the first one's follow-up: discarded (step 6)
  C1  request 20 Dec 2024; assessment 6 Jan 2025 → wait 17, counted in the January quarter
  S1  request 20 Mar 2025, nothing yet: still waiting
  D1  request 25 Jul with an unmapped outcome: in scope, a dq failure, no response
  Y1  (25 to 64, file A) request 1 May 2023; assessment 4 May → wait 3
  Out: X1 NFA, X2 admitted to hospital, X3 aged 24, X4 long-term service (file A) ended 31 Jan 2024
  (within 12 months of its 5 Jul request), X5 ST-Max ended 10 Apr 2024 (within 3 months of 5 Jul).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from cld_builder import row, write_cld
from dbt_warehouse import load_and_build, query

FILE_A = {"reporting_period_start_date": "2023-04-01", "reporting_period_end_date": "2024-03-31"}
WORKING_AGE = {"date_of_birth": "1980-01-15"}
PROGRESS_REQUEST = {"event_outcome": "Progress to Assessment"}


def request(person: str, start: str, end: str, **extra) -> dict:
    return row(la_person_unique_identifier=person, event_start_date=start, event_end_date=end, **extra)


def assessment(person: str, start: str, outcome: str, kind: str = "Long Term Assessment", **extra) -> dict:
    return row(
        la_person_unique_identifier=person,
        event_type="Assessment",
        event_start_date=start,
        event_end_date=start,
        request_route_of_access="",
        assessment_type=kind,
        event_outcome=outcome,
        **extra,
    )


def service(person: str, start: str, end: str = "", kind: str = "Long Term Support: Community", **extra) -> dict:
    return row(
        service=True,
        la_person_unique_identifier=person,
        service_type=kind,
        event_start_date=start,
        event_end_date=end,
        **extra,
    )


def file_a_rows() -> list[dict]:
    return [
        request("Y1", "2023-05-01", "2023-05-02", **PROGRESS_REQUEST, **WORKING_AGE, **FILE_A),
        assessment("Y1", "2023-05-04", "Progress to Support Planning / Services", **WORKING_AGE, **FILE_A),
        service("X4", "2023-06-01", "2024-01-31", **FILE_A),
    ]


def file_b_rows() -> list[dict]:
    st_max = "Short Term Support: ST-Max"
    return [
        # W1: the conversation rule
        request(
            "W1",
            "2024-07-01",
            "2024-07-02",
            event_outcome="Progress to Reablement/ST-Max",
            event_description="Three Conversations: conversation 1",
        ),
        service("W1", "2024-07-15", "2024-08-10", kind=st_max, event_outcome="Service ended as planned"),
        # W2: assessment then service
        request("W2", "2024-07-10", "2024-07-11", **PROGRESS_REQUEST),
        assessment("W2", "2024-07-13", "Progress to Support Planning / Services"),
        service("W2", "2024-08-09"),
        # W3: a service before any assessment is the response
        request("W3", "2024-07-20", "2024-07-21", **PROGRESS_REQUEST),
        service("W3", "2024-07-27", "2024-08-20", kind=st_max, event_outcome="Service ended as planned"),
        assessment("W3", "2024-08-05", "Progress to Support Planning / Services"),
        # W4: the NFA assessment drops the later service
        request("W4", "2024-08-01", "2024-08-02", **PROGRESS_REQUEST),
        assessment("W4", "2024-08-11", "NFA - Support declined"),
        service("W4", "2024-09-01"),
        # W5: short-term assessment, no service
        request("W5", "2024-08-20", "2024-08-21", **PROGRESS_REQUEST),
        assessment("W5", "2024-09-09", "Progress to Reablement/ST-Max", kind="Short Term Assessment"),
        # O1: overlap
        request("O1", "2024-10-01", "2024-10-02", **PROGRESS_REQUEST, **WORKING_AGE),
        request("O1", "2024-10-03", "2024-10-04", **PROGRESS_REQUEST, **WORKING_AGE),
        assessment("O1", "2024-10-08", "Progress to Support Planning / Services", **WORKING_AGE),
        service("O1", "2024-10-20", **WORKING_AGE),
        # C1: the wait counts in the quarter of the response
        request("C1", "2024-12-20", "2024-12-21", **PROGRESS_REQUEST),
        assessment("C1", "2025-01-06", "NFA - Information & Advice / Signposting only"),
        # S1: still waiting
        request("S1", "2025-03-20", "2025-03-21", **PROGRESS_REQUEST),
        # D1: unmapped outcome
        request("D1", "2024-07-25", "2024-07-26", event_outcome="Something else entirely"),
        # out of scope
        request("X1", "2024-07-05", "2024-07-06"),  # default outcome: NFA information & advice
        request("X2", "2024-07-05", "2024-07-06", event_outcome="Admitted to Hospital"),
        request("X3", "2024-07-05", "2024-07-06", date_of_birth="2000-03-15", **PROGRESS_REQUEST),
        assessment("X3", "2024-07-07", "Progress to Support Planning / Services", date_of_birth="2000-03-15"),
        request("X4", "2024-07-05", "2024-07-06", **PROGRESS_REQUEST),
        assessment("X4", "2024-07-08", "Progress to Support Planning / Services"),
        service("X5", "2024-04-01", "2024-04-10", kind=st_max, event_outcome="Service ended as planned"),
        request("X5", "2024-07-05", "2024-07-06", **PROGRESS_REQUEST),
        assessment("X5", "2024-07-09", "Progress to Support Planning / Services"),
    ]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("waiting")
    extracts = root / "extracts"
    write_cld(extracts / "cld_E06000005_2024-05-15.csv", file_a_rows())
    write_cld(extracts / "cld_E06000005_2025-05-15.csv", file_b_rows())
    load_and_build(root, extracts, "+int_metric_cells__waiting_times +int_waiting_times")
    return root


def test_scope_drops_nfa_hospital_under_25_and_existing_clients(warehouse: Path) -> None:
    # In scope: W1-W5, O1 (twice), C1, S1, D1 (file B) and Y1 (file A) = 11 requests. X1 (NFA),
    # X2 (admitted), X3 (24), X4 (long-term service ended 31 Jan 2024 ≥ 5 Jul 2023) and X5 (ST-Max
    # ended 10 Apr 2024 ≥ 5 Apr 2024) are out.
    rows = query(
        warehouse,
        "select count(*), count(*) filter (where has_unknown_outcome) from intermediate.int_waiting_times__requests",
    )
    assert rows == [(11, 1)]


def test_waits_per_request(warehouse: Path) -> None:
    rows = query(
        warehouse,
        """
        select
            cast(request_start_date as varchar), is_overlap_discarded, response_event_type, response_wait_days,
            response_age_band, service_wait_days, is_service_dropped
        from intermediate.int_waiting_times__waits order by request_start_date""",
    )
    assert rows == [
        ("2023-05-01", False, "Assessment", 3, "25 to 64", None, False),  # Y1
        ("2024-07-01", False, "Request", 0, "65 and above", 14, False),  # W1: conversation, 1 → 15 Jul
        ("2024-07-10", False, "Assessment", 3, "65 and above", 30, False),  # W2: 13 Jul; 9 Aug
        ("2024-07-20", False, "Service", 7, "65 and above", 7, False),  # W3: ST-Max 27 Jul
        ("2024-07-25", False, None, None, None, None, None),  # D1
        ("2024-08-01", False, "Assessment", 10, "65 and above", None, True),  # W4: NFA drops the service
        ("2024-08-20", False, "Assessment", 20, "65 and above", None, False),  # W5: 20 Aug → 9 Sep
        ("2024-10-01", False, "Assessment", 7, "25 to 64", 19, False),  # O1 first request
        ("2024-10-03", True, "Assessment", 5, "25 to 64", 17, False),  # O1 second: before 20 Oct
        ("2024-12-20", False, "Assessment", 17, "65 and above", None, True),  # C1: 20 Dec → 6 Jan
        ("2025-03-20", False, None, None, None, None, None),  # S1 still waiting
    ]


def test_quarterly_aggregate(warehouse: Path) -> None:
    rows = query(
        warehouse,
        """
        select cast(quarter_start as varchar), financial_year, age_band, wait_part, requests, median_days, p90_days
        from intermediate.int_waiting_times order by quarter_start, age_band, wait_part""",
    )
    assert rows == [
        ("2023-04-01", "2023-24", "25 to 64", "first_response", 1, Decimal("3"), Decimal("3")),  # Y1
        # Jul-Sep 2024, 65+: waits 0, 3, 7, 10, 20. Median = the 3rd = 7. p90: position
        # (5 − 1) × 0.9 = 3.6 (0-based) → 10 + 0.6 × (20 − 10) = 16.0
        ("2024-07-01", "2024-25", "65 and above", "first_response", 5, Decimal("7"), Decimal("16")),
        # first services 7 (W3), 14 (W1), 30 (W2): median 14; p90 position 2 × 0.9 = 1.8 → 14 + 0.8 × 16 = 26.8
        ("2024-07-01", "2024-25", "65 and above", "first_service", 3, Decimal("14"), Decimal("26.8")),
        # O1 (the discarded second request adds nothing)
        ("2024-10-01", "2024-25", "25 to 64", "first_response", 1, Decimal("7"), Decimal("7")),
        ("2024-10-01", "2024-25", "25 to 64", "first_service", 1, Decimal("19"), Decimal("19")),
        # C1's wait belongs to the quarter of its response (6 Jan 2025)
        ("2025-01-01", "2024-25", "65 and above", "first_response", 1, Decimal("17"), Decimal("17")),
    ]


def cells(root: Path, period_type: str, period_start: str) -> dict[tuple[str, str], tuple]:
    rows = query(
        root,
        f"""
        select metric_id, breakdown_value, numerator, denominator, median_days, null_reason, is_provisional,
            dq_rows, dq_failed
        from intermediate.int_metric_cells__waiting_times
        where period_type = '{period_type}' and period_start = '{period_start}'""",
    )
    return {(r[0].removeprefix("WAIT_FIRST_").removesuffix("_MEDIAN_DAYS"), r[1]): r[2:] for r in rows}


def test_quarter_cells(warehouse: Path) -> None:
    # Jul-Sep 2024: dq over the 6 in-scope requests starting in it (W1-W5, D1), D1 unmapped.
    assert cells(warehouse, "quarter", "2024-07-01") == {
        ("RESPONSE", "Total"): (5, None, Decimal("7"), None, False, 6, 1),
        ("RESPONSE", "65 and above"): (5, None, Decimal("7"), None, False, 6, 1),
        ("SERVICE", "Total"): (3, None, Decimal("14"), None, False, 6, 1),
        ("SERVICE", "65 and above"): (3, None, Decimal("14"), None, False, 6, 1),
    }
    # Jan-Mar 2025 ends at the data end: provisional. C1 waited into it; dq counts S1 only (C1 started in Dec).
    assert cells(warehouse, "quarter", "2025-01-01") == {
        ("RESPONSE", "Total"): (1, None, Decimal("17"), None, True, 1, 0),
        ("RESPONSE", "65 and above"): (1, None, Decimal("17"), None, True, 1, 0),
        ("SERVICE", "Total"): (0, None, None, None, True, 1, 0),
    }


def test_financial_year_cells(warehouse: Path) -> None:
    # 2024-25 responses: 0, 3, 7, 10, 20 (Jul-Sep), 7 (O1), 17 (C1) → sorted 0 3 7 7 10 17 20, median 7.
    #   65+: 0 3 7 10 17 20 → (7 + 10) / 2 = 8.5;  25 to 64: 7.
    # Services: 7, 14, 30 (65+) and 19 (O1) → 7 14 19 30, median (14 + 19) / 2 = 16.5; 65+ 14; 25 to 64 19.
    # dq: W1-W5, D1, O1 ×2, C1, S1 = 10 in-scope requests, D1 unmapped. Ends at the data end: provisional.
    assert cells(warehouse, "financial_year", "2024-04-01") == {
        ("RESPONSE", "Total"): (7, None, Decimal("7"), None, True, 10, 1),
        ("RESPONSE", "65 and above"): (6, None, Decimal("8.5"), None, True, 10, 1),
        ("RESPONSE", "25 to 64"): (1, None, Decimal("7"), None, True, 10, 1),
        ("SERVICE", "Total"): (4, None, Decimal("16.5"), None, True, 10, 1),
        ("SERVICE", "65 and above"): (3, None, Decimal("14"), None, True, 10, 1),
        ("SERVICE", "25 to 64"): (1, None, Decimal("19"), None, True, 10, 1),
    }
    # 2023-24: Y1 only; no service wait, but the headline row is still there.
    assert cells(warehouse, "financial_year", "2023-04-01") == {
        ("RESPONSE", "Total"): (1, None, Decimal("3"), None, False, 1, 0),
        ("RESPONSE", "25 to 64"): (1, None, Decimal("3"), None, False, 1, 0),
        ("SERVICE", "Total"): (0, None, None, None, False, 1, 0),
    }


def test_rolling_12_months_cells(warehouse: Path) -> None:
    # Jan-Dec 2024: responses 0 3 7 10 20 and 7 (O1) → 0 3 7 7 10 20, median 7; C1's response is in 2025.
    # dq: W1-W5, D1, O1 ×2, C1 (20 Dec) = 9.
    got = cells(warehouse, "rolling_12m", "2024-01-01")
    assert got[("RESPONSE", "Total")] == (6, None, Decimal("7"), None, False, 9, 1)
    assert got[("SERVICE", "Total")] == (4, None, Decimal("16.5"), None, False, 9, 1)
    # Every period of every type has its two headline rows: 8 quarters + 2 years + 5 rolling = 15.
    headline = query(
        warehouse,
        "select count(*) from intermediate.int_metric_cells__waiting_times where breakdown = 'total'",
    )
    assert headline == [(30,)]
