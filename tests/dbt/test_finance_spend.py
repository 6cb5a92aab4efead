"""The finance_extract.md §8 hand-computed ledger through the real loader and a real dbt build:
exact spend measures, the ledger identity, control totals, the unmapped report, a council map
taking precedence, finance metrics in commissioning_metrics and a unit-cost fixture.

LA E06000005, 2024-25 unless said (T6 falls in 2025-26; T8 is an exact copy of T1 in the same
file, quarantined FIN050):

| Id  | Type (underlying)                 | Amount   | Cost centre | Period | Person |
|-----|-----------------------------------|----------|-------------|--------|--------|
| T1  | provider_payment                  | 1000.10  | RES01       | 2      | P1     |
| T2  | provider_payment                  | 250.20   | HC01        | 2      | P2     |
| T3  | client_contribution               | -300.00  | RES01       | 2      | P1     |
| T4  | nhs_income                        | -100.00  | HC01        | 3      |        |
| T5  | accrual (provider_payment)        | 400.00   | HC01        | 12     |        |
| T6  | accrual_reversal (provider_payment), 2025-26 | -400.00 | HC01 | 1 |        |
| T7  | reversal (provider_payment) of T2 | -250.20  | HC01        | 3      |        |
| T8  | copy of T1                        | 1000.10  | RES01       | 2      | P1     |
| T9  | provider_payment                  | 9.99     | ZZ999       | 4      |        |
| T10 | grant_received                    | -5000.00 | GRANT       | 1      |        |
| T11 | capital_charge                    | 50.00    | RES01       | 13     |        |
| T12 | own_provision                     | 0.10     | DAY01       | 5      |        |
| T13 | own_provision                     | 0.20     | DAY01       | 5      |        |

Hand computation (2024-25):
  gross_expenditure = T1 + T2 + T5 + T7 + T9 + T12 + T13 = 1000.10 + 250.20 + 400 − 250.20 + 9.99 + 0.30 = 1410.39
  capital 50.00 → total_expenditure 1460.39; income = 300 (T3) + 100 (T4) = 400.00
  GCE = 1410.39 − 100 (NHS) = 1310.39; NCE = 1310.39 − 300 = 1010.39; memo grants 5000.00
  ledger_total = 1410.39 + 50 − 400 − 5000 = −3939.61 (= Σ amounts kept); accruals 400.00
  unmapped share = 9.99 / 1410.39 = 0.708% → 0.71 (a warning only)
  GCE by support type: long-term = RES01 1000.10 + HC01 (250.20 − 100 + 400 − 250.20 = 300.00)
  + DAY01 0.30 = 1300.40; unmapped 9.99; → SPEND_LTS_SHARE = 1300.40 / 1310.39 = 99.237…% → 99.2.
A council map file gives GRANT a category and moves DAY01 (area 3 in the shipped seed) to area 2
for this LA: council rules take precedence (§6).
P1 is in the case data (LT residential, physical support, born 1940): T1 and T3 resolve to
Physical support / 65 and above; P2 is not known to the case data → Unallocated.

Unit costs, LA E06000001 (no case data), 2024-25:
  residential R1..R5 paid 4 weeks at £1,000 (quantity 4, Weekly) = 20,000 for 20 weeks; R1's
  payment reversed with its quantity (−4,000, −4 weeks); a credit note without quantity −100; a
  grant to a voluntary organisation on RES01 (500, excluded) → 15,900 / 16 weeks = 993.75 a week.
  nursing N1 2 weeks at £1,500 = 3,000: one person → NULL (denominator_below_minimum);
  residential and nursing: 18,900 / 18 weeks = 1,050.00 (6 people).
  home care hourly: R1 10 h × £20.00, R2 5.5 h × £21.10, R3..R5 1 h × £19.99:
  Σ(rate × hours) = 200 + 116.05 + 59.97 = 376.02 over 18.5 h = 20.3254… → £20.33.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from cld_builder import row, write_cld
from dbt_warehouse import dbt, load_and_build, query
from finance_builder import txn, write_category_map, write_control, write_ledger
from orchestration.defs.ingest.load import load_folder
from orchestration.defs.ingest.store import connect

LA = "E06000005"
LA2 = "E06000001"
PROVIDER = {"underlying_type": "provider_payment"}


def ledger_rows() -> list[dict[str, str]]:
    t1 = txn(
        "T1",
        "provider_payment",
        "1000.10",
        "RES01",
        "5101",
        "2024-05-10",
        2,
        person_local_id="P1",
        service_period_start="2024-04-01",
        service_period_end="2024-04-30",
    )
    return [
        t1,
        txn("T2", "provider_payment", "250.20", "HC01", "5110", "2024-05-10", 2, person_local_id="P2"),
        txn("T3", "client_contribution", "-300.00", "RES01", "9100", "2024-05-10", 2, person_local_id="P1"),
        txn("T4", "nhs_income", "-100.00", "HC01", "9200", "2024-06-10", 3),
        txn("T5", "accrual", "400.00", "HC01", "5110", "2025-03-31", 12, **PROVIDER),
        txn(
            "T6",
            "accrual_reversal",
            "-400.00",
            "HC01",
            "5110",
            "2025-04-01",
            1,
            financial_year="2025-26",
            reverses_transaction_id="T5",
            **PROVIDER,
        ),
        txn("T7", "reversal", "-250.20", "HC01", "5110", "2024-06-20", 3, reverses_transaction_id="T2", **PROVIDER),
        dict(t1),  # T8: the same posting twice in one file
        txn("T9", "provider_payment", "9.99", "ZZ999", "5999", "2024-07-10", 4),
        txn("T10", "grant_received", "-5000.00", "GRANT", "9500", "2024-04-15", 1),
        txn("T11", "capital_charge", "50.00", "RES01", "5800", "2025-03-31", 13),
        txn("T12", "own_provision", "0.10", "DAY01", "5400", "2024-08-01", 5),
        txn("T13", "own_provision", "0.20", "DAY01", "5400", "2024-08-01", 5),
    ]


def unit_cost_rows() -> list[dict[str, str]]:
    weekly = {"unit_type": "Weekly", "la_code": LA2}
    rows = [
        txn(
            f"U{i}",
            "provider_payment",
            "4000.00",
            "RES01",
            "5101",
            "2024-06-03",
            3,
            person_local_id=f"R{i}",
            quantity="4.00",
            unit_rate="1000.00",
            **weekly,
        )
        for i in range(1, 6)
    ]
    rows += [
        txn(
            "U6",
            "reversal",
            "-4000.00",
            "RES01",
            "5101",
            "2024-06-20",
            3,
            reverses_transaction_id="U1",
            person_local_id="R1",
            quantity="4.00",
            unit_rate="1000.00",
            **PROVIDER,
            **weekly,
        ),
        txn("U7", "credit_note", "-100.00", "RES01", "5101", "2024-07-20", 4, la_code=LA2, **PROVIDER),
        txn("U8", "grant_paid", "500.00", "RES01", "5300", "2024-07-20", 4, la_code=LA2),
        txn(
            "U9",
            "provider_payment",
            "3000.00",
            "NUR01",
            "5102",
            "2024-06-03",
            3,
            person_local_id="N1",
            quantity="2.00",
            unit_rate="1500.00",
            **weekly,
        ),
    ]
    hourly = [("R1", "10.00", "20.00", "200.00"), ("R2", "5.50", "21.10", "116.05")]
    hourly += [(f"R{i}", "1.00", "19.99", "19.99") for i in range(3, 6)]
    rows += [
        txn(
            f"H{n}",
            "provider_payment",
            amount,
            "HC01",
            "5110",
            "2024-06-03",
            3,
            la_code=LA2,
            person_local_id=person,
            quantity=hours,
            unit_type="Hourly",
            unit_rate=rate,
        )
        for n, (person, hours, rate, amount) in enumerate(hourly, start=1)
    ]
    return rows


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("finance_spend")
    extracts = root / "extracts"
    write_cld(
        extracts / f"cld_{LA}_2025-05-10.csv",
        [
            row(
                service=True,
                la_person_unique_identifier="P1",
                date_of_birth="1940-02-01",
                service_type="Long Term Support: Residential Care",
                service_component="Long Term Residential Care",
                event_start_date="2024-01-01",
                reporting_period_start_date="2024-04-01",
                reporting_period_end_date="2025-03-31",
            ),
        ],
    )
    write_ledger(extracts / f"finance_{LA}_2024-25.csv", ledger_rows())
    write_ledger(extracts / f"finance_{LA2}_2024-25.csv", unit_cost_rows())
    # control totals of what the finance system holds per period (T8 is a copy, not a posting)
    write_control(
        extracts / f"finance_control_{LA}_2024-25.csv",
        [
            {"la_code": LA, "financial_year": "2024-25", "period_number": p, "row_count": n, "ledger_total": t}
            for p, n, t in (
                ("1", "1", "-5000.00"),
                ("2", "3", "950.30"),
                ("3", "2", "-350.20"),
                ("4", "1", "9.99"),
                ("5", "2", "0.30"),
                ("12", "1", "400.00"),
                ("13", "1", "50.00"),
            )
        ],
    )
    write_category_map(
        extracts / "finance_category_map_council.csv",
        [
            {
                "la_code": LA,
                "cost_centre": "GRANT",
                "account_code": "*",
                "support_type": "other",
                "setting": "commissioning_service_delivery",
                "primary_support_reason": "not_applicable",
                "age_group": "not_applicable",
                "cost_group": "ssmss",
                "include_in_asc": "true",
                "note": "memo grants",
            },
            {
                "la_code": LA,
                "cost_centre": "DAY01",
                "account_code": "*",
                "support_type": "long_term",
                "setting": "community_other",
                "primary_support_reason": "from_person",
                "age_group": "from_person",
                "cost_group": "direct",
                "five_areas_category": "2_live_at_home",
                "include_in_asc": "true",
                "note": "our day services are home support",
            },
        ],
    )
    load_and_build(
        root,
        extracts,
        "+commissioning_metrics +spend_by_category +unit_costs +finance_unmapped_codes +int_finance__ledger_checks "
        "+five_areas_costed "
        "+fct_events +dim_person +fct_service_costs +load_audit",
    )
    return root


def money(root: Path, sql: str) -> list[tuple]:
    """Rows of a query whose money columns are cast to text in SQL (never compared as floats)."""
    return query(root, sql)


def year_total(root: Path, measure: str, year: str = "2024-25", la: str = LA) -> Decimal:
    [(value,)] = money(
        root,
        f"select cast(sum({measure}) as varchar) from marts.spend_by_category "
        f"where la_code = '{la}' and period_type = 'financial_year' and financial_year = '{year}'",
    )
    return Decimal(value)


@pytest.mark.parametrize(
    ("measure", "expected"),
    [
        ("gross_expenditure", "1410.39"),
        ("capital_charges", "50.00"),
        ("total_expenditure", "1460.39"),
        ("income", "400.00"),
        ("income_client_contributions", "300.00"),
        ("income_nhs", "100.00"),
        ("gross_current_expenditure", "1310.39"),
        ("net_current_expenditure", "1010.39"),
        ("net_expenditure", "1010.39"),
        ("memo_specific_grants", "5000.00"),
        ("memo_third_party_top_ups", "0.00"),
        ("accrual_amount", "400.00"),
        ("ledger_total", "-3939.61"),
        ("transactions", "11"),  # T1-T5, T7, T9-T13 (T6 is 2025-26, T8 the copy)
    ],
)
def test_the_section_8_ledger_measures(warehouse: Path, measure: str, expected: str) -> None:
    assert year_total(warehouse, measure) == Decimal(expected)


def test_the_accrual_reversal_counts_where_it_is_posted(warehouse: Path) -> None:
    # T6 is in 2025-26: the two-year net of the accrual is zero, the actual cost
    assert year_total(warehouse, "gross_expenditure", "2025-26") == Decimal("-400.00")
    assert year_total(warehouse, "accrual_amount", "2025-26") == Decimal("-400.00")


def test_quarters_add_up_to_the_year_and_period_13_is_in_the_fourth(warehouse: Path) -> None:
    rows = money(
        warehouse,
        "select period_start, cast(sum(ledger_total) as varchar), cast(sum(capital_charges) as varchar) "
        f"from marts.spend_by_category where la_code = '{LA}' and period_type = 'quarter' "
        "and financial_year = '2024-25' group by period_start order by period_start",
    )
    # Q1 T1+T2+T3+T4+T7+T10 = -4399.90; Q2 T9+T12+T13 = 10.29; Q4 T5 + T11 (period 13) = 450.00
    assert [(str(start), Decimal(total), Decimal(capital)) for start, total, capital in rows] == [
        ("2024-04-01", Decimal("-4399.90"), Decimal("0.00")),
        ("2024-07-01", Decimal("10.29"), Decimal("0.00")),
        ("2025-01-01", Decimal("450.00"), Decimal("50.00")),
    ]


def test_the_duplicate_is_quarantined_and_counted_once(warehouse: Path) -> None:
    [(rule,)] = query(
        warehouse,
        f"select rule from quarantine.rejected_rows where source_file = 'finance_{LA}_2024-25.csv'",
    )
    assert rule == "FIN050"
    [(rows_in, loaded, rejected)] = query(
        warehouse,
        f"select rows_in, rows_loaded, rows_rejected from audit.loads where source_file = 'finance_{LA}_2024-25.csv'",
    )
    assert (rows_in, loaded, rejected) == (13, 12, 1)


def test_ledger_identity_and_control_totals_hold_per_period(warehouse: Path) -> None:
    rows = query(
        warehouse,
        "select period_number, loaded_pence, categorised_pence, identity_pence, control_pence, "
        "ledger_identity_holds, control_totals_hold from intermediate.int_finance__ledger_checks "
        f"where la_code = '{LA}' and financial_year = '2024-25' order by period_number",
    )
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5, 12, 13]
    assert all(r[1] == r[2] == r[3] == r[4] and r[5] and r[6] for r in rows)
    assert sum(r[1] for r in rows) == -393961


def test_a_control_total_that_disagrees_fails_the_blocking_check(warehouse: Path, tmp_path: Path) -> None:
    """A newer control file saying period 2 holds 1,950.30 (the loaded rows hold 950.30) fails the
    build's blocking test and shows the difference."""
    from conftest import make_settings

    settings = make_settings(warehouse / "wh", warehouse / "extracts")
    late = tmp_path / "late"
    write_control(
        late / f"finance_control_{LA}_2024-25_v2.csv",
        [
            {
                "la_code": LA,
                "financial_year": "2024-25",
                "period_number": "2",
                "row_count": "3",
                "ledger_total": "1950.30",
            }
        ],
    )
    with connect(settings.duckdb_path) as con:
        [result] = load_folder(con, late, settings)
    assert result.status == "loaded"
    with pytest.raises(AssertionError):
        dbt(settings, "build", "stg_finance__control int_finance__ledger_checks")
    [(difference,)] = query(
        warehouse,
        "select cast(control_difference as varchar) from intermediate.int_finance__ledger_checks "
        f"where la_code = '{LA}' and financial_year = '2024-25' and period_number = 2",
    )
    assert Decimal(difference) == Decimal("-1000.00")


def test_unmapped_code_is_listed_not_dropped(warehouse: Path) -> None:
    rows = money(
        warehouse,
        "select cost_centre, account_code, transactions, cast(gross_amount as varchar), cast(share_of_gross as varchar) "
        f"from marts.finance_unmapped_codes where la_code = '{LA}'",
    )
    assert rows == [("ZZ999", "5999", 1, "9.99", "0.71")]
    [(setting, five_areas)] = query(
        warehouse,
        "select support_setting, five_areas_category from marts.spend_by_category "
        f"where la_code = '{LA}' and period_type = 'financial_year' and support_setting = 'Unmapped'",
    )
    assert (setting, five_areas) == ("Unmapped", "Unclassified")


def test_council_map_takes_precedence_and_people_resolve_from_case_data(warehouse: Path) -> None:
    rows = dict(
        query(
            warehouse,
            "select transaction_id, setting || '/' || primary_support_reason || '/' || age_group || '/' || "
            f"five_areas_category || '/' || rule_source from intermediate.int_finance__ledger where la_code = '{LA}'",
        )
    )
    assert rows["T1"] == "residential/physical/65_plus/4_care_and_home/shipped"
    assert rows["T3"] == "residential/physical/65_plus/4_care_and_home/shipped"
    assert rows["T2"] == "community_home_care/unallocated/unallocated/2_live_at_home/shipped"  # P2 unknown
    assert rows["T12"].endswith("/2_live_at_home/council")  # shipped seed says area 3
    assert rows["T10"] == "commissioning_service_delivery/not_applicable/not_applicable/enabling/council"
    # T7 reverses T2 and inherits nothing it lacks; T6 is linked to T5
    linked = dict(
        query(
            warehouse,
            f"select transaction_id, is_linked_adjustment from intermediate.int_finance__ledger where la_code = '{LA}'",
        )
    )
    assert linked["T7"] and linked["T6"] and not linked["T1"]


def test_finance_metrics_in_commissioning_metrics(warehouse: Path) -> None:
    rows = {
        (metric, breakdown, value): (amount, numerator, reason)
        for metric, breakdown, value, amount, numerator, reason in money(
            warehouse,
            "select metric_id, breakdown, breakdown_value, cast(value as varchar), numerator, suppression_reason "
            f"from marts.commissioning_metrics where la_code = '{LA}' and period_type = 'financial_year' "
            "and period_start = date '2024-04-01' and (metric_id like 'SPEND%' or metric_id like 'UNIT_COST%')",
        )
    }
    assert rows[("SPEND_GROSS", "total", "Total")] == ("1310.39", None, None)
    assert rows[("SPEND_NET", "total", "Total")] == ("1010.39", None, None)
    assert rows[("SPEND_LTS_SHARE", "total", "Total")] == ("99.20", None, None)  # 1300.40 / 1310.39
    assert rows[("SPEND_GROSS", "support_setting", "Residential")][0] == "1000.10"
    assert rows[("SPEND_GROSS", "support_setting", "Unmapped")][0] == "9.99"  # never suppressed
    # no resident weeks in this LA's ledger or case data beyond one person: no unit cost
    assert rows[("UNIT_COST_RES_NURSING_PER_WEEK", "total", "Total")][2] in {
        "denominator_below_minimum",
        "denominator_zero",
    }


@pytest.mark.parametrize(
    ("setting", "age_group", "expected"),
    [
        ("Residential", "All ages", ("15900.00", "16.00", "resident_weeks", "993.75", "finance", 5, None)),
        ("Nursing", "All ages", ("3000.00", "2.00", "resident_weeks", None, "finance", 1, "denominator_below_minimum")),
        ("Residential and nursing", "All ages", ("18900.00", "18.00", "resident_weeks", "1050.00", "finance", 6, None)),
        ("Community: home care", "All ages", ("376.02", "18.50", "hours", "20.33", "finance", 5, None)),
    ],
)
def test_unit_cost_fixture(warehouse: Path, setting: str, age_group: str, expected: tuple) -> None:
    [got] = money(
        warehouse,
        "select cast(expenditure as varchar), cast(activity as varchar), activity_unit, cast(unit_cost as varchar), "
        f"source, people, null_reason from marts.unit_costs where la_code = '{LA2}' and financial_year = '2024-25' "
        f"and setting = '{setting}' and age_group = '{age_group}'",
    )
    assert got == expected


LA3 = "E06000002"  # a third council, so the fixture's own LAs keep their results


def test_unmapped_spend_above_the_threshold_fails_the_blocking_test(warehouse: Path, tmp_path: Path) -> None:
    """finance_extract.md §6: LA3 books 90.00 on a mapped cost centre and 10.00 on one no rule maps:
    10% of gross expenditure is unmapped, above the 5% default, so the blocking test fails."""
    from conftest import make_settings

    settings = make_settings(warehouse / "wh", warehouse / "extracts")
    late = tmp_path / "late"
    write_ledger(
        late / f"finance_{LA3}_2024-25.csv",
        [
            txn("M1", "provider_payment", "90.00", "RES01", "5101", "2024-05-10", 2, la_code=LA3),
            txn("M2", "provider_payment", "10.00", "ZZ998", "5999", "2024-05-10", 2, la_code=LA3),
        ],
    )
    with connect(settings.duckdb_path) as con:
        [result] = load_folder(con, late, settings)
    assert result.status == "loaded"
    dbt(settings, "run", "stg_finance__transactions int_finance__ledger int_finance__spend_cube")
    with pytest.raises(AssertionError):
        dbt(settings, "test", "assert_finance_unmapped_share_below_threshold")
    [(unmapped, gross)] = query(
        warehouse,
        "select sum(case when setting = 'unmapped' then gross_expenditure_pence else 0 end), "
        "sum(gross_expenditure_pence) from intermediate.int_finance__spend_cube "
        f"where la_code = '{LA3}' and period_type = 'financial_year'",
    )
    assert (unmapped, gross) == (1000, 10000)


def test_ambiguous_council_rules_fail_the_map_test(warehouse: Path, tmp_path: Path) -> None:
    """finance_extract.md §6: two of the council's rules for the same LA, cost centre and account,
    equally specific and both in force, are ambiguous: the category-map test fails."""
    from conftest import make_settings

    settings = make_settings(warehouse / "wh", warehouse / "extracts")
    rule = {
        "la_code": LA3,
        "cost_centre": "AMB01",
        "account_code": "*",
        "primary_support_reason": "not_applicable",
        "age_group": "not_applicable",
        "cost_group": "direct",
        "include_in_asc": "true",
    }
    late = tmp_path / "late"
    write_category_map(
        late / "finance_category_map_ambiguous.csv",
        [
            {**rule, "support_type": "other", "setting": "social_care_activities"},
            {**rule, "support_type": "other", "setting": "information_early_intervention"},
        ],
    )
    with connect(settings.duckdb_path) as con:
        [result] = load_folder(con, late, settings)
    assert result.status == "loaded", result.message
    dbt(settings, "run", "stg_finance__category_map")
    with pytest.raises(AssertionError):
        dbt(settings, "test", "assert_finance_category_map_rules_valid")
