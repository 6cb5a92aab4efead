"""Hand-made CLD lines and ledger rows in, the finance <-> case reconciliation out
(finance_extract.md §9; marts.md finance_case_reconciliation, finance_reconciliation_summary),
through one real dbt build.

One CLD file for LA E06000005 (stated 2024-04-01 .. 2025-03-31). Q1 2024-25 has 91 days (13 weeks).
Every line runs 1 April - 30 June 2024 unless said:
  A  LT residential, Weekly £1,000                  -> 13,000.00 expected
  B  LT community home support, Hourly £20 × 10 h   -> 2,600.00 (sent with an NHS number, so B's CLD
     person is the NHS-number identity; B's ledger row has the local id only and reaches it through
     the local-id map, good_lives_extract.md §6)
  C  LT community direct payment, Weekly £150       -> 1,950.00
  E  LT community home support, Hourly £20 × 10 h from 1 July 2024, open -> Q2: 92 days, 2,628.57
  F  home support Hourly £20 × 5 h (1,300.00) and a direct payment Weekly £50 (650.00)
  G  LT nursing Weekly £500 (6,500.00) and ST-Max reablement Hourly £25 × 4 h (1,300.00)
  H  LT residential Weekly £900, client funding "Fully Health Funded" -> out of scope
Ledger 2024-25, posted from May to July 2024 (so Q2 is the latest ledger quarter and Q1 is outside
the one-quarter lag window):
  A  6,500 + 6,500, an erroneous 6,500 and its reversal (no service period or reference of its
     own: inherited from the payment it reverses)                       -> matched, level 1
  B  2,400                                                               -> value_mismatch, tolerance 130.00
  C  nothing in Q1 or Q2                                                 -> package_without_payment
  D  £700.00 for a person with no service lines                          -> payment_without_package
  E  nothing (Q2 is the latest ledger quarter)                           -> provisional package_without_payment
  F  home care £1,300 under a reference CLD does not have                -> level 2 (setting), matched;
     the direct payment £650 under its own reference                     -> level 1
  G  £7,800.01 from a community cost centre, compatible with neither line -> level 3: spread 6,500:1,300,
     exactly: 6,500.01 (650,000.83 pence rounded) and 1,300.00 (130,000.17 rounded)
  X  £1,000 block payment with neither person nor reference              -> unlinked_share 1,000 /
     26,850.01 = 3.72% of Q1's provider and direct-payment money
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cld_builder import LA, row, write_cld
from conftest import make_settings
from dbt_warehouse import dbt, query
from finance_builder import txn, write_ledger
from hospital_builder import NHS
from orchestration.defs.ingest.load import load_folder
from orchestration.defs.ingest.store import connect

RES = {"service_type": "Long Term Support: Residential Care", "service_component": "Long Term Residential Care"}
NURSING = {"service_type": "Long Term Support: Nursing Care", "service_component": "Long Term Nursing Care"}
DP = {"service_component": "Direct Payment", "delivery_mechanism": "Direct Payment"}
REABLEMENT = {"service_type": "Short Term Support: ST-Max", "service_component": "Reablement"}


def line(person: str, ref: str, cost: str, frequency: str, units: str = "", end: str = "2024-06-30", **fields: str):
    """A service line from 1 April 2024 (LT community home support unless overridden)."""
    values = {
        "la_person_unique_identifier": person,
        "event_reference": ref,
        "event_start_date": "2024-04-01",
        "event_end_date": end,
        "unit_cost": cost,
        "cost_frequency_unit_type": frequency,
        "planned_units_per_week": units,
        **fields,
    }
    return row(service=True, **values)


def cld_rows() -> list[dict[str, str]]:
    return [
        line("A", "RA", "1000.00", "Weekly", **RES),
        line("B", "RB", "20.00", "Hourly", "10", nhs_number=NHS),
        line("C", "RC", "150.00", "Weekly", **DP),
        line("E", "RE", "20.00", "Hourly", "10", end="", event_start_date="2024-07-01"),
        line("F", "RF1", "20.00", "Hourly", "5"),
        line("F", "RF2", "50.00", "Weekly", **DP),
        line("G", "RG1", "500.00", "Weekly", **NURSING),
        line("G", "RG2", "25.00", "Hourly", "4", **REABLEMENT),
        line("H", "RH", "900.00", "Weekly", client_funding_status="Fully Health Funded", **RES),
    ]


# id | posting date | period | cost centre | account | type | underlying | reverses | person | ref |
# service period start | end | amount  ('-' = blank)
LEDGER_TEXT = """
A1 | 2024-05-28 | 2 | RES01 | 5101 | provider_payment | -                | -  | A | RA    | 2024-04-01 | 2024-05-15 | 6500.00
A2 | 2024-07-10 | 4 | RES01 | 5101 | provider_payment | -                | -  | A | RA    | 2024-05-16 | 2024-06-30 | 6500.00
A3 | 2024-07-10 | 4 | RES01 | 5101 | provider_payment | -                | -  | A | RA    | 2024-05-16 | 2024-06-30 | 6500.00
A4 | 2024-07-24 | 4 | RES01 | 5101 | reversal         | provider_payment | A3 | A | -     | -          | -          | -6500.00
B1 | 2024-07-12 | 4 | HC01  | 5110 | provider_payment | -                | -  | B | RB    | 2024-04-01 | 2024-06-30 | 2400.00
D1 | 2024-05-20 | 2 | HC01  | 5110 | provider_payment | -                | -  | D | -     | 2024-04-01 | 2024-04-28 | 700.00
F1 | 2024-07-12 | 4 | HC01  | 5110 | provider_payment | -                | -  | F | OLD-F | 2024-04-01 | 2024-06-30 | 1300.00
F2 | 2024-05-02 | 2 | DP01  | 5200 | direct_payment   | -                | -  | F | RF2   | 2024-04-01 | 2024-06-30 | 650.00
G1 | 2024-07-15 | 4 | OLT01 | 5140 | provider_payment | -                | -  | G | -     | 2024-04-01 | 2024-06-30 | 7800.01
X1 | 2024-05-06 | 2 | STO01 | 5160 | provider_payment | -                | -  | - | -     | 2024-04-01 | 2024-04-30 | 1000.00
"""
LEDGER = [
    tuple(None if v == "-" else v for v in (cell.strip() for cell in text.split("|")))
    for text in LEDGER_TEXT.strip().splitlines()
]


def ledger_rows(ledger) -> list[dict[str, str]]:
    """The ledger table above as rows of a finance extract (finance_builder; '-' cells blank)."""
    out = []
    for tid, posted, period, centre, account, ttype, underlying, reverses, person, ref, start, end, amount in ledger:
        optional = {
            "underlying_type": underlying,
            "reverses_transaction_id": reverses,
            "person_local_id": person,
            "service_ref": ref,
            "service_period_start": start,
            "service_period_end": end,
        }
        out.append(
            txn(tid, ttype, amount, centre, account, posted, int(period), **{k: v for k, v in optional.items() if v})
        )
    return out


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("finance_recon")
    extracts = root / "extracts"
    write_cld(extracts / f"cld_{LA}_2025-05-10.csv", cld_rows())
    write_ledger(extracts / f"finance_{LA}_2024-25.csv", ledger_rows(LEDGER))
    settings = make_settings(root / "wh", extracts)
    with connect(settings.duckdb_path) as con:
        results = load_folder(con, extracts, settings)
    assert [r.status for r in results] == ["loaded", "loaded"], [(r.source_file, r.status, r.message) for r in results]
    dbt(settings, "build", "+finance_case_reconciliation +finance_reconciliation_summary")
    return root


def lines(root: Path) -> dict[tuple[str, str], tuple]:
    """{(quarter_start, service_ref or key type): (expected, paid, difference, status, match_level,
    tolerance, is_provisional)}, money as exact text."""
    rows = query(
        root,
        """
        select
            cast(quarter_start as varchar),
            case when reconciliation_key_type = 'service_line' then service_ref else reconciliation_key_type end,
            cast(expected_cost as varchar), cast(paid_amount as varchar), cast(difference as varchar),
            status, match_level, cast(tolerance as varchar), is_provisional
        from marts.finance_case_reconciliation
        """,
    )
    return {(r[0], r[1]): tuple(r[2:]) for r in rows}


def test_the_section_9_fixture(warehouse: Path) -> None:
    got = lines(warehouse)
    q1 = "2024-04-01"
    assert got[(q1, "RA")] == ("13000.00", "13000.00", "0.00", "matched", 1, "650.00", False)
    assert got[(q1, "RB")] == ("2600.00", "2400.00", "-200.00", "value_mismatch", 1, "130.00", False)
    assert got[(q1, "RC")] == ("1950.00", "0.00", "-1950.00", "package_without_payment", 0, "97.50", False)
    assert got[(q1, "person")] == ("0.00", "700.00", "700.00", "payment_without_package", 0, "10.00", False)


def test_level_2_matches_the_compatible_line_only(warehouse: Path) -> None:
    got = lines(warehouse)
    # home care money under a reference CLD does not know: person + setting finds the home-care line,
    # not the person's direct payment (paid under its own reference, level 1)
    assert got[("2024-04-01", "RF1")] == ("1300.00", "1300.00", "0.00", "matched", 2, "65.00", False)
    assert got[("2024-04-01", "RF2")] == ("650.00", "650.00", "0.00", "matched", 1, "32.50", False)


def test_level_3_spreads_pro_rata_to_expected_cost_exactly(warehouse: Path) -> None:
    got = lines(warehouse)
    assert got[("2024-04-01", "RG1")] == ("6500.00", "6500.01", "0.01", "matched", 3, "325.00", False)
    assert got[("2024-04-01", "RG2")] == ("1300.00", "1300.00", "0.00", "matched", 3, "65.00", False)
    pence = query(
        warehouse,
        """
        select sum(matched_pence), count(*) from intermediate.int_finance__recon_matches
        where match_level = 3
        """,
    )
    assert pence == [(780001, 2)]  # no penny lost or made


def test_lag_window_scope_and_grain(warehouse: Path) -> None:
    got = lines(warehouse)
    # E's line is active in Q2, the latest ledger quarter: a payment may still come
    assert got[("2024-07-01", "RE")] == ("2628.57", "0.00", "-2628.57", "package_without_payment", 0, "131.43", True)
    # H is fully health-funded; quarters after the ledger's latest (Q3, Q4) are not reported
    assert set(got) == {("2024-04-01", ref) for ref in ("RA", "RB", "RC", "person", "RF1", "RF2", "RG1", "RG2")} | {
        ("2024-07-01", "RE")
    }


def test_summary_adds_up_exactly_with_coverage(warehouse: Path) -> None:
    rows = query(
        warehouse,
        """
        select
            cast(period_start as varchar), period_type, financial_year, status, match_level, support_setting,
            service_lines, cast(expected_cost as varchar), cast(paid_amount as varchar),
            cast(difference as varchar), is_provisional, cast(unlinked_share as varchar)
        from marts.finance_reconciliation_summary
        order by 1, 4, 5, 6
        """,
    )
    q1 = ("2024-04-01", "quarter", "2024-25")
    # one line per row here: every service_lines count is 1 and suppressed (metrics.md §1.3)
    share = "3.72"  # 1,000.00 of 26,850.01
    assert rows == [
        (*q1, "matched", 1, "Community: direct payments", None, "650.00", "650.00", "0.00", False, share),
        (*q1, "matched", 1, "Residential", None, "13000.00", "13000.00", "0.00", False, share),
        (*q1, "matched", 2, "Community: home care", None, "1300.00", "1300.00", "0.00", False, share),
        (*q1, "matched", 3, "Nursing", None, "6500.00", "6500.01", "0.01", False, share),
        (*q1, "matched", 3, "Short-term: ST-Max", None, "1300.00", "1300.00", "0.00", False, share),
        (
            *q1,
            "package_without_payment",
            0,
            "Community: direct payments",
            None,
            "1950.00",
            "0.00",
            "-1950.00",
            False,
            share,
        ),
        (*q1, "payment_without_package", 0, "Community: home care", 0, "0.00", "700.00", "700.00", False, share),
        (*q1, "value_mismatch", 1, "Community: home care", None, "2600.00", "2400.00", "-200.00", False, share),
        (
            "2024-07-01",
            "quarter",
            "2024-25",
            "package_without_payment",
            0,
            "Community: home care",
            None,
            "2628.57",
            "0.00",
            "-2628.57",
            True,
            None,
        ),
    ]
