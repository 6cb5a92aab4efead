"""Hand-made CLD files in, exact request clusters, sequels and request metrics out (processing_rules.md
§8.1-§8.4, §12 "Request ages"; metrics.md §4 REQUESTS_NEW_CLIENTS, REQUESTS_PER_100K, §5
REPEAT_REQUEST_RATE), through one real dbt build.

Two small files (< 100 events each, so each keeps its stated period) for E06000005:
  A  cld_E06000005_2024-05-10.csv  stated 2023-04-01 .. 2024-03-31 (FY 2023-24)
  B  cld_E06000005_2025-05-10.csv  stated 2024-04-01 .. 2025-03-31 (FY 2024-25)
so the data run 2023-04-01 .. 2025-03-31 and FY 2024-25 has the 12-month look-back the repeat rate needs.
A population file gives mid-2023 18-64 = 190,000, 65+ = 48,000 (18+ 238,000) and mid-2024
18-64 = 200,000, 65+ = 50,000 (18+ 250,000).

People (all service users with new-client requests unless said; default birth 1950-06 → 65+):
  BG01-BG25 one signposting request on 3 Jun 2024, no later event (BG01-BG10 born 1980-01 → 18-64)
  S1  request 1 May 2024 (hospital discharge), ST-Max starts 27 May (26 days)  → ST-Max
  S2  request 1 May 2024 (support declined), ongoing low level starts 30 May (29 days) → out of scope
  S3  LT Community open since Oct 2023; request 1-2 Jul 2024 (hospital discharge) → existing client
  S4  request 1 Nov 2023; requests 2-3 Sep and 7 Sep 2024 (4-day gap: one cluster, outcome NFA: Other)
  S5  requests 1-2 Oct and 7 Oct 2024 (5-day gap: two clusters; the first is followed by a request),
      born 1980-01
  S6  born 2010-01: request 10 Jun 2024, under 18 (out of the metrics, kept in request outcomes)
  S7  no date of birth: request 1 Aug 2024 (self-funder), unknown age
  S8  request 1 Nov 2024; two assessments end 10 Nov with different usable outcomes → NFA: Other, born 1980-01
  S9  request 20-21 Mar 2025 with an invalid route of access (a DQ failure)
  S10 request 2 Dec 2024; assessment 3-6 Dec; LT Nursing starts 9 Dec (3 days after) → LT Nursing, born 1980-01
  S11 the same but LT Nursing starts 13 Dec (7 days after) → chain broken → own outcome
  H1  request 1-2 Jun 2023 (FY 2023-24 only)
  C1  an unpaid carer's request (not a service user: never a request cluster)
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cld_builder import LA, row, write_cld
from dbt_warehouse import load_and_build, query, write_population

YOUNG = "1980-01-10"  # proxy DoB 1980-01-01: 44 in 2024 → 18 to 64
FILE_A = {"reporting_period_start_date": "2023-04-01", "reporting_period_end_date": "2024-03-31"}
SIGNPOSTING = "NFA - Information & Advice / Signposting only"
LT_COMMUNITY_S3 = {
    "service": True,
    "la_person_unique_identifier": "S3",
    "event_start_date": "2023-10-01",
    "event_end_date": "",
}


def request(person: str, start: str, end: str | None = None, **overrides: str) -> dict[str, str]:
    return row(la_person_unique_identifier=person, event_start_date=start, event_end_date=end or start, **overrides)


def assessment(person: str, start: str, end: str, outcome: str, **overrides: str) -> dict[str, str]:
    fields = {"event_type": "Assessment", "request_route_of_access": "", "assessment_type": "Long Term Assessment"}
    return request(person, start, end, **{**fields, "event_outcome": outcome, **overrides})


def service(person: str, start: str, end: str, service_type: str, component: str, **overrides: str) -> dict[str, str]:
    return row(
        service=True,
        la_person_unique_identifier=person,
        event_start_date=start,
        event_end_date=end,
        service_type=service_type,
        service_component=component,
        **overrides,
    )


def file_a_rows() -> list[dict[str, str]]:
    return [
        {**row(**LT_COMMUNITY_S3), **FILE_A},
        request("S4", "2023-11-01", event_outcome=SIGNPOSTING, **FILE_A),
        request(
            "H1",
            "2023-06-01",
            "2023-06-02",
            event_outcome="NFA - Self-funded client (Inc. 12wk disregard)",
            request_route_of_access="Self-Funder",
            **FILE_A,
        ),
    ]


def file_b_rows() -> list[dict[str, str]]:
    background = [
        request(f"BG{n:02d}", "2024-06-03", event_outcome=SIGNPOSTING, **({"date_of_birth": YOUNG} if n <= 10 else {}))
        for n in range(1, 26)
    ]
    return [
        *background,
        row(**LT_COMMUNITY_S3),
        # S1: §8.3 example, 26 days → the service counts
        request(
            "S1",
            "2024-05-01",
            event_outcome="Progress to Reablement/ST-Max",
            request_route_of_access="Discharge from Hospital",
        ),
        service("S1", "2024-05-27", "2024-06-20", "Short Term Support: ST-Max", "Reablement"),
        # S2: §8.3 example, 29 days → out of scope
        request("S2", "2024-05-01", event_outcome="NFA - Support declined"),
        service("S2", "2024-05-30", "2024-07-30", "Short Term Support: Ongoing Low Level", "Equipment"),
        # S3: existing client (request inside an open LT Community service)
        request(
            "S3",
            "2024-07-01",
            "2024-07-02",
            event_outcome="No change in package",
            request_route_of_access="Discharge from Hospital",
        ),
        # S4: a 4-day gap joins the cluster
        request("S4", "2024-09-02", "2024-09-03", event_outcome=SIGNPOSTING),
        request("S4", "2024-09-07", event_outcome="NFA- Other"),
        # S5: a 5-day gap starts a new cluster
        request("S5", "2024-10-01", "2024-10-02", event_outcome=SIGNPOSTING, date_of_birth=YOUNG),
        request("S5", "2024-10-07", event_outcome=SIGNPOSTING, date_of_birth=YOUNG),
        request("S6", "2024-06-10", event_outcome=SIGNPOSTING, date_of_birth="2010-01-15"),
        request("S7", "2024-08-01", event_outcome=SIGNPOSTING, request_route_of_access="Self-Funder", date_of_birth=""),
        # S8: several different usable assessment outcomes → NFA: Other
        request("S8", "2024-11-01", event_outcome="Progress to Assessment", date_of_birth=YOUNG),
        assessment("S8", "2024-11-04", "2024-11-10", "NFA - Support declined", date_of_birth=YOUNG),
        assessment(
            "S8",
            "2024-11-05",
            "2024-11-10",
            SIGNPOSTING,
            assessment_type="Short Term Assessment",
            date_of_birth=YOUNG,
        ),
        request("S9", "2025-03-20", "2025-03-21", event_outcome=SIGNPOSTING, request_route_of_access="Carrier pigeon"),
        # S10 / S11: chain gap of 3 days stays, 7 days breaks
        request("S10", "2024-12-02", event_outcome="Progress to Assessment", date_of_birth=YOUNG),
        assessment("S10", "2024-12-03", "2024-12-06", "Progress to Support Planning / Services", date_of_birth=YOUNG),
        service(
            "S10",
            "2024-12-09",
            "",
            "Long Term Support: Nursing Care",
            "Long Term Nursing Care",
            date_of_birth=YOUNG,
        ),
        request("S11", "2024-12-02", event_outcome="Progress to Assessment"),
        assessment("S11", "2024-12-03", "2024-12-06", "Progress to Support Planning / Services"),
        service("S11", "2024-12-13", "", "Long Term Support: Nursing Care", "Long Term Nursing Care"),
        request("C1", "2024-06-03", event_outcome=SIGNPOSTING, client_type="Carer"),
    ]


def population_rows() -> list[tuple[str, int, str, int, int]]:
    # One single year of age stands for each band: age 10 (under 18, never used), 40 (18-64), 70 (65+).
    rows = [
        (2023, 10, 30_000),
        (2023, 40, 190_000),
        (2023, 70, 48_000),
        (2024, 10, 30_000),
        (2024, 40, 200_000),
        (2024, 70, 50_000),
    ]
    return [(LA, mid_year, "", age, population) for mid_year, age, population in rows]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("requests")
    extracts = root / "extracts"
    write_cld(extracts / "cld_E06000005_2024-05-10.csv", file_a_rows())
    write_cld(extracts / "cld_E06000005_2025-05-10.csv", file_b_rows())
    write_population(extracts / f"population_{LA}.csv", population_rows())
    load_and_build(root, extracts, "+int_metric_cells__requests +fct_requests +int_request_outcomes")
    return root


def cell(root: Path, metric_id: str, breakdown: str, value: str, period_start: str = "2024-04-01") -> tuple:
    rows = query(
        root,
        f"""
        select numerator, denominator, null_reason, is_provisional, dq_rows, dq_failed
        from intermediate.int_metric_cells__requests
        where period_type = 'financial_year' and period_start = '{period_start}'
          and metric_id = '{metric_id}' and breakdown = '{breakdown}' and breakdown_value = '{value}'""",
    )
    assert len(rows) == 1, (metric_id, breakdown, value, rows)
    return rows[0]


def test_clusters_follow_the_4_day_rule(warehouse: Path) -> None:
    # Service-user requests: file A has 2 (S4, H1; S3's line is a service); file B has
    # 25 BG + S1 S2 S3 + 2 S4 + 2 S5 + S6 S7 S8 S9 S10 S11 = 38 (C1 is a carer) → 40 requests.
    # S4's two 2024 requests merge (gap 4 days) → 39 clusters.
    assert query(warehouse, "select count(*), sum(requests_in_cluster) from marts.fct_requests") == [(39, 40)]
    rows = query(
        warehouse,
        """
        select request_start_date, request_end_date, requests_in_cluster, event_outcome
        from marts.fct_requests where request_start_date in ('2024-09-02', '2024-10-01', '2024-10-07')
        order by 1""",
    )
    assert [(str(s), str(e), n, o) for s, e, n, o in rows] == [
        # S4: 2-3 Sep and 7 Sep (4 days after 3 Sep) → one cluster, outcome of the latest end (7 Sep)
        ("2024-09-02", "2024-09-07", 2, "NFA: Other"),
        # S5: 1-2 Oct and 7 Oct (5 days after 2 Oct) → two clusters
        ("2024-10-01", "2024-10-02", 1, "NFA: Information and advice or signposting"),
        ("2024-10-07", "2024-10-07", 1, "NFA: Information and advice or signposting"),
    ]


def test_sequels_of_the_worked_examples(warehouse: Path) -> None:
    rows = query(
        warehouse,
        """
        select request_start_date, sequel, sts001_sequel, sequel_source, is_new_client, age_band
        from marts.fct_requests
        where request_start_date not in ('2024-06-03', '2024-06-10', '2024-08-01')
        order by request_start_date, sequel""",
    )
    got = [(str(d), s, c, src, new, band) for d, s, c, src, new, band in rows]
    assert got == [
        # H1: nothing follows → own outcome (no_chronology)
        (
            "2023-06-01",
            "NFA: Self-funded client or under 12wk disregard",
            "No Services Provided – other reason",
            "no_chronology",
            True,
            "65 to 74",
        ),
        # S4 2023: the next event (a request in Sep 2024) is far outside 28 days → out of scope
        (
            "2023-11-01",
            "NFA: Information and advice or signposting",
            "Universal Services / Signposted to other services",
            "out_of_scope",
            True,
            "65 to 74",
        ),
        # S1: ends 1 May, ST-Max starts 27 May (26 days) → ST-Max.
        # S2: ends 1 May, service starts 30 May (29 days) → out of scope → own outcome (support declined)
        (
            "2024-05-01",
            "NFA: Support declined",
            "No Services Provided – other reason",
            "out_of_scope",
            True,
            "65 to 74",
        ),
        (
            "2024-05-01",
            "Short term support: ST-Max",
            "Short Term Support to Maximise Independence",
            "service",
            True,
            "65 to 74",
        ),
        # S3: inside its open LT Community service → existing; nothing starts after → own outcome
        ("2024-07-01", "Continuation of support or services", "Unable to classify", "no_chronology", False, "65 to 74"),
        # S4 2024 cluster: own outcome NFA: Other, nothing after
        ("2024-09-02", "NFA: Other", "No Services Provided – other reason", "no_chronology", True, "65 to 74"),
        # S5: the first cluster's first candidate is the next request → out of scope
        (
            "2024-10-01",
            "NFA: Information and advice or signposting",
            "Universal Services / Signposted to other services",
            "out_of_scope",
            True,
            "25 to 44",
        ),
        (
            "2024-10-07",
            "NFA: Information and advice or signposting",
            "Universal Services / Signposted to other services",
            "no_chronology",
            True,
            "25 to 44",
        ),
        # S8: support declined and signposting both end 10 Nov → NFA: Other
        ("2024-11-01", "NFA: Other", "No Services Provided – other reason", "non_service_nfa", True, "25 to 44"),
        # S10: LT Nursing 3 days after the assessment → in the chain.
        # S11: 7 days after → chain broken → own outcome (assessment outcome not usable)
        ("2024-12-02", "Long term support: Nursing care", "Long Term Support: Nursing", "service", True, "25 to 44"),
        (
            "2024-12-02",
            "Progress to assessment, review or reassessment",
            "Unable to classify",
            "non_service_default",
            True,
            "65 to 74",
        ),
        # S9: nothing after → own outcome
        (
            "2025-03-20",
            "NFA: Information and advice or signposting",
            "Universal Services / Signposted to other services",
            "no_chronology",
            True,
            "65 to 74",
        ),
    ]


def test_requests_new_clients(warehouse: Path) -> None:
    # FY 2024-25, new clients 18+ or unknown age at the cluster start, clusters ending in the year:
    #   25 BG + S1 + S2 + S4 + 2 S5 + S7 + S8 + S9 + S10 + S11 = 35 (S3 existing, S6 under 18, C1 carer).
    # The sequel looks 28 days past 31 Mar 2025, beyond the data → provisional. DQ: S9's route is invalid.
    assert cell(warehouse, "REQUESTS_NEW_CLIENTS", "total", "Total") == (35, None, None, True, 35, 1)
    # FY 2023-24: S4 (Nov 2023) + H1 = 2; 31 Mar 2024 + 28 days is inside the data → not provisional
    assert cell(warehouse, "REQUESTS_NEW_CLIENTS", "total", "Total", "2023-04-01") == (2, None, None, False, 2, 0)
    # 18 to 64: BG01-BG10, S5 ×2, S8, S10 = 14; 65+: BG11-BG25 (15) + S1 S2 S4 S9 S11 = 20; unknown: S7
    assert cell(warehouse, "REQUESTS_NEW_CLIENTS", "working_age_band", "18 to 64")[0] == 14
    assert cell(warehouse, "REQUESTS_NEW_CLIENTS", "working_age_band", "65 and above")[0] == 20
    assert cell(warehouse, "REQUESTS_NEW_CLIENTS", "working_age_band", "Unknown")[0] == 1
    # routes: hospital discharge S1; self-funder S7; invalid S9 (a DQ failure); community the other 32
    assert cell(warehouse, "REQUESTS_NEW_CLIENTS", "route_of_access", "Discharge from hospital")[:4] == (
        1,
        None,
        None,
        False,
    )
    assert cell(warehouse, "REQUESTS_NEW_CLIENTS", "route_of_access", "Invalid and not mapped")[4:] == (1, 1)
    assert cell(warehouse, "REQUESTS_NEW_CLIENTS", "route_of_access", "Community / other route")[0] == 32
    # sequels: universal 25 BG + 2 S5 + S7 + S9 = 29; no services other: S2 S4 S8 = 3; ST-Max S1;
    # LT Nursing S10; unable to classify S11 (1 of 35 = 2.9%). Sequel rows are provisional like the total.
    sts = dict(
        query(
            warehouse,
            """
            select breakdown_value, numerator from intermediate.int_metric_cells__requests
            where metric_id = 'REQUESTS_NEW_CLIENTS' and breakdown = 'sts001_sequel'
              and period_type = 'financial_year' and period_start = '2024-04-01'""",
        )
    )
    assert sts == {
        "Universal Services / Signposted to other services": 29,
        "No Services Provided – other reason": 3,
        "Short Term Support to Maximise Independence": 1,
        "Long Term Support: Nursing": 1,
        "Unable to classify": 1,
    }
    assert cell(warehouse, "REQUESTS_NEW_CLIENTS", "sts001_sequel", "Unable to classify")[3] is True


def test_requests_per_100k(warehouse: Path) -> None:
    # 35 ÷ 250,000 (mid-2024 18+: 200,000 + 50,000) × 100,000 = 14.0
    assert cell(warehouse, "REQUESTS_PER_100K", "total", "Total")[:3] == (35, 250_000, None)
    # 14 ÷ 200,000 → 7.0; 20 ÷ 50,000 → 40.0; unknown age: the count, no population
    assert cell(warehouse, "REQUESTS_PER_100K", "working_age_band", "18 to 64")[:3] == (14, 200_000, None)
    assert cell(warehouse, "REQUESTS_PER_100K", "working_age_band", "65 and above")[:3] == (20, 50_000, None)
    assert cell(warehouse, "REQUESTS_PER_100K", "working_age_band", "Unknown")[:3] == (1, None, "not_applicable")
    # FY 2023-24 uses mid-2023: 2 ÷ 238,000
    assert cell(warehouse, "REQUESTS_PER_100K", "total", "Total", "2023-04-01")[:3] == (2, 238_000, None)


def test_repeat_request_rate(warehouse: Path) -> None:
    # FY 2024-25 denominator: the 35 new-client clusters + S3's existing one = 36 (S6 under 18 out).
    # Numerator: S4's Sep 2024 cluster (S4's earlier cluster ended 1 Nov 2023 ≥ 2 Sep 2023) and S5's
    # second cluster (the first ended 2 Oct 2024) = 2. 2 ÷ 36 = 5.6%. Look-back: 1 Apr 2024 − 12 months
    # = 1 Apr 2023 = data start → enough.
    assert cell(warehouse, "REPEAT_REQUEST_RATE", "total", "Total") == (2, 36, None, False, 36, 1)
    assert cell(warehouse, "REPEAT_REQUEST_RATE", "client_status", "New")[:2] == (2, 35)
    assert cell(warehouse, "REPEAT_REQUEST_RATE", "client_status", "Existing")[:2] == (0, 1)
    # 18 to 64: S5's repeat of 14; 65+: S4's repeat of 20 + S3 = 21
    assert cell(warehouse, "REPEAT_REQUEST_RATE", "working_age_band", "18 to 64")[:2] == (1, 14)
    assert cell(warehouse, "REPEAT_REQUEST_RATE", "working_age_band", "65 and above")[:2] == (1, 21)
    # FY 2023-24: H1 and S4, neither a repeat; data start 1 Apr 2023 > 1 Apr 2022 → insufficient look-back
    assert cell(warehouse, "REPEAT_REQUEST_RATE", "total", "Total", "2023-04-01")[:3] == (
        0,
        2,
        "insufficient_lookback",
    )


def test_every_period_has_its_headline_rows(warehouse: Path) -> None:
    # periods: FY 2023-24, FY 2024-25 and rolling 12 months to each quarter end from Mar 2024 (5)
    rows = query(
        warehouse,
        """
        select metric_id, count(*) from intermediate.int_metric_cells__requests
        where breakdown = 'total' group by 1 order by 1""",
    )
    assert rows == [("REPEAT_REQUEST_RATE", 7), ("REQUESTS_NEW_CLIENTS", 7), ("REQUESTS_PER_100K", 7)]
    # rolling 12 months to 31 Dec 2024: the FY 2024-25 clusters but S9 (Mar 2025) = 34
    rolling = query(
        warehouse,
        """
        select numerator from intermediate.int_metric_cells__requests
        where period_type = 'rolling_12m' and period_end = '2024-12-31'
          and metric_id = 'REQUESTS_NEW_CLIENTS' and breakdown = 'total'""",
    )
    assert rolling == [(34,)]


def test_request_outcomes_hold_every_service_user_cluster(warehouse: Path) -> None:
    # FY 2024-25: 35 new (18+/unknown) + S3 existing + S6 under 18 = 37; carers are not clustered
    rows = query(
        warehouse,
        """
        select client_status, sum(requests) from intermediate.int_request_outcomes
        where period_type = 'financial_year' and period_start = '2024-04-01' group by 1 order by 1""",
    )
    assert rows == [("Existing", 1), ("New", 36)]
    under_18 = query(
        warehouse,
        """
        select sum(requests) from intermediate.int_request_outcomes
        where period_type = 'financial_year' and period_start = '2024-04-01' and age_band = 'Under 18'""",
    )
    assert under_18 == [(1,)]


def test_sts001_map_uses_the_shared_labels() -> None:
    """Every STS001 category in the sequel map is a ref_code_lists sts001_sequel label, and all are used."""
    seeds = Path(__file__).resolve().parents[2] / "seeds" / "reference"
    with (seeds / "ref_code_lists.csv").open(newline="") as handle:
        labels = {r["label"] for r in csv.DictReader(handle) if r["dimension"] == "sts001_sequel"}
    with (seeds / "ref_sts001_sequel_map.csv").open(newline="") as handle:
        mapped = {r["sts001_sequel"] for r in csv.DictReader(handle)}
    assert mapped == labels
