"""Finance ledger, control totals and category map ingest (shared/spec/finance_extract.md).

Hand-made files in, exact rows out: the §8 hand-computed ledger (Decimal sums, never float), the §1
money rules (CSV text and XLSX floats), the §5 duplicates across chunks, the §8 row rules, control
totals, a council's category map (§6), and a generated ledger whose per-period totals must equal its
control file except where rows were deliberately broken. Every load keeps
rows_in = rows_loaded + rows_rejected.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import TEST_KEY, make_settings
from orchestration.defs.ingest.contract import FINANCE_CATEGORY_MAP_COLUMNS, FINANCE_COLUMNS
from orchestration.defs.ingest.finance import normalise_financial_year, parse_period_number, split_period
from orchestration.defs.ingest.load import LoadResult, load_file, load_folder
from orchestration.defs.ingest.parsing import parse_money
from orchestration.defs.ingest.recognise import recognise
from orchestration.defs.ingest.store import ensure_schema
from orchestration.settings import Settings
from orchestration.synthetic import generate
from orchestration.synthetic.xlsx import write_xlsx

LA = "E06000005"
NHS = "9434765919"  # valid modulus 11, outside the 999 test range
HEADER = [c.name for c in FINANCE_COLUMNS if c.name != "period"]
DATE_COLUMNS = ("posting_date", "service_period_start", "service_period_end")
MAP_HEADER = [c.name for c in FINANCE_CATEGORY_MAP_COLUMNS]


def keyed(value: str) -> str:
    return hmac.new(TEST_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def txn(transaction_id: str = "X1", **values: str) -> dict[str, str]:
    """One ledger row (ISO dates) that passes every rule; overrides by column name."""
    row = dict.fromkeys(HEADER, "")
    row.update(
        transaction_id=transaction_id,
        la_code=LA,
        posting_date="2024-05-10",
        financial_year="2024-25",
        period_number="2",
        cost_centre="RES01",
        account_code="5101",
        transaction_type="provider_payment",
        amount="100.00",
        person_local_id="P1",
    )
    row.update(values)
    return row


def uk(day: str) -> str:
    """ISO `YYYY-MM-DD` -> UK `DD/MM/YYYY` (blank stays blank)."""
    return dt.date.fromisoformat(day).strftime("%d/%m/%Y") if day else day


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_ledger(path: Path, rows: list[dict[str, str]], dates: str = "iso", header: list[str] = HEADER) -> Path:
    if dates == "uk":
        rows = [{k: (uk(v) if k in DATE_COLUMNS else v) for k, v in r.items()} for r in rows]
    return write_csv(path, header, [{k: r.get(k, "") for k in header} for r in rows])


def warehouse(tmp_path: Path, **env: str) -> tuple[Settings, duckdb.DuckDBPyConnection]:
    settings = make_settings(tmp_path / "wh", **env)
    settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.duckdb_path))
    ensure_schema(con)
    return settings, con


def load_one(tmp_path: Path, path: Path, **env: str) -> tuple[LoadResult, duckdb.DuckDBPyConnection]:
    settings, con = warehouse(tmp_path, **env)
    return load_file(con, path, settings), con


def assert_rows_invariant(con: duckdb.DuckDBPyConnection) -> None:
    """§8 identity 1 for every load, from the audit row and the tables themselves."""
    for load_id, dataset, rows_in, loaded, rejected in con.execute(
        "SELECT load_id, dataset, rows_in, rows_loaded, rows_rejected FROM audit.loads WHERE status = 'loaded'"
    ).fetchall():
        table = {
            "finance": "finance_transactions",
            "finance_control": "finance_control",
            "finance_category_map": "finance_category_map",
        }[dataset]
        in_table = con.execute(f"SELECT count(*) FROM raw.{table} WHERE load_id = ?", [load_id]).fetchone()[0]
        quarantined = con.execute(
            "SELECT count(DISTINCT row_number) FROM quarantine.rejected_rows WHERE load_id = ?", [load_id]
        ).fetchone()[0]
        assert (rows_in, loaded, rejected) == (loaded + rejected, in_table, quarantined)


def rejections(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        'SELECT row_number, "column", rule, value FROM quarantine.rejected_rows ORDER BY row_number, rule'
    ).fetchall()


def issues(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        'SELECT row_number, "column", rule, severity FROM quarantine.row_issues ORDER BY row_number, rule'
    ).fetchall()


# ---------------------------------------------------------------- §8 hand-computed ledger


def spec_ledger() -> list[dict[str, str]]:
    """finance_extract.md §8: T1..T13, one LA, 2024-25 unless stated; T8 is a second copy of T1."""
    t1 = txn("T1", amount="1000.10", cost_centre="RES01", nhs_number=NHS, service_ref="REF1")
    return [
        t1,
        txn("T2", amount="250.20", cost_centre="HC01", account_code="5110", posting_date="2024-05-17"),
        txn(
            "T3",
            transaction_type="client_contribution",
            amount="-300.00",
            account_code="9100",
            posting_date="2024-05-20",
        ),
        txn("T4", transaction_type="nhs_income", amount="-100.00", cost_centre="HC01", account_code="9200"),
        txn(
            "T5",
            transaction_type="accrual",
            underlying_type="provider_payment",
            amount="400.00",
            cost_centre="HC01",
            posting_date="2025-03-31",
            period_number="12",
            service_period_start="2025-03-01",
            service_period_end="2025-03-31",
        ),
        txn(
            "T6",
            transaction_type="accrual_reversal",
            underlying_type="provider_payment",
            reverses_transaction_id="T5",
            amount="-400.00",
            cost_centre="HC01",
            posting_date="2025-04-01",
            financial_year="2025-26",
            period_number="1",
        ),
        txn(
            "T7",
            transaction_type="reversal",
            underlying_type="provider_payment",
            reverses_transaction_id="T2",
            amount="-250.20",
            cost_centre="HC01",
            posting_date="2024-05-24",
        ),
        dict(t1),  # T8: the exact copy of T1
        txn("T9", amount="9.99", cost_centre="ZZ999", account_code="5999"),
        txn("T10", transaction_type="grant_received", amount="-5000.00", cost_centre="GRANT", account_code="9500"),
        txn("T11", transaction_type="capital_charge", amount="50.00", account_code="5800"),
        txn("T12", transaction_type="own_provision", amount="0.10", cost_centre="DAY01", account_code="5400"),
        txn("T13", transaction_type="own_provision", amount="0.20", cost_centre="DAY01", account_code="5400"),
    ]


@pytest.mark.parametrize("dates", ["iso", "uk"])
def test_spec_ledger_fixture_loads_with_the_copy_quarantined(tmp_path: Path, dates: str) -> None:
    path = write_ledger(tmp_path / "in" / f"ledger_{dates}.csv", spec_ledger(), dates)
    result, con = load_one(tmp_path, path)
    assert (result.status, result.rows_in, result.rows_loaded, result.rows_rejected) == ("loaded", 13, 12, 1)
    # T8 is file row 9 (header = row 1); T1 at row 2 is kept.
    assert rejections(con) == [(9, "transaction_id", "FIN050", "T1")]
    message = con.execute("SELECT message FROM quarantine.rejected_rows").fetchone()[0]
    assert "row 2" in message and "row 9" in message
    assert issues(con) == []  # nothing else in the fixture is unusual
    # Ledger total 2024-25: every row but T6 (2025-26) and T8 (quarantined):
    # 1000.10 + 250.20 - 300.00 - 100.00 + 400.00 - 250.20 + 9.99 - 5000.00 + 50.00 + 0.10 + 0.20 = -3939.61
    total = con.execute("SELECT sum(amount) FROM raw.finance_transactions WHERE financial_year = '2024-25'").fetchone()
    assert total[0] == Decimal("-3939.61") and isinstance(total[0], Decimal)
    assert con.execute("SELECT sum(amount) FROM raw.finance_transactions WHERE financial_year = '2025-26'").fetchone()[
        0
    ] == Decimal("-400.00")
    # §8 item 4: raw parseable total 2024-25 = loaded + duplicates + rejected-parseable.
    by_outcome = dict(
        con.execute(
            "SELECT outcome, sum(amount) FROM audit.finance_totals WHERE financial_year = '2024-25' GROUP BY 1"
        ).fetchall()
    )
    assert by_outcome == {"loaded": Decimal("-3939.61"), "duplicate": Decimal("1000.10")}
    assert sum(by_outcome.values()) == Decimal("-2939.51")
    # Decimal sums only: in floats 0.10 + 0.20 != 0.30.
    assert con.execute(
        "SELECT sum(amount) FROM raw.finance_transactions WHERE transaction_id IN ('T12', 'T13')"
    ).fetchone()[0] == Decimal("0.30")
    assert_rows_invariant(con)


def test_typed_ledger_row_and_identity_hashed_as_cld(tmp_path: Path) -> None:
    path = write_ledger(tmp_path / "in" / "ledger.csv", spec_ledger(), "uk")
    _, con = load_one(tmp_path, path)
    t1 = con.execute(
        "SELECT la_code, la_code_ons, posting_date, financial_year, period_number, nhs_number_hash, nhs_number_chk, "
        "la_person_id_hash, service_ref, underlying_type, amount FROM raw.finance_transactions "
        "WHERE transaction_id = 'T1'"
    ).fetchone()
    assert t1 == (
        LA,
        LA,
        dt.date(2024, 5, 10),
        "2024-25",
        2,
        keyed(NHS),  # the 10 digits, as raw.cld_events
        1,
        keyed(f"{LA}_P1"),  # `<ONS code>_<canonical local id>`, as raw.cld_events
        "REF1",
        None,
        Decimal("1000.10"),
    )
    t6 = con.execute(
        "SELECT transaction_type, underlying_type, reverses_transaction_id, financial_year, period_number "
        "FROM raw.finance_transactions WHERE transaction_id = 'T6'"
    ).fetchone()
    assert t6 == ("accrual_reversal", "provider_payment", "T5", "2025-26", 1)
    audit = con.execute("SELECT la_code, derived_period_start, derived_period_end, message FROM audit.loads").fetchone()
    assert audit[:3] == (LA, dt.date(2024, 5, 10), dt.date(2025, 4, 1))
    assert "parseable -3339.51 = loaded -4339.61 + duplicates 1000.10 + rejected 0.00" in audit[3]


# ---------------------------------------------------------------- §1 money


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("£1,234.56", Decimal("1234.56")),
        ("(12.50)", Decimal("-12.50")),
        ("-0.10", Decimal("-0.10")),
        ("-£3", Decimal("-3.00")),
        ("(£1,000.00)", Decimal("-1000.00")),
        ("0.1", Decimal("0.10")),
        ("1.005", None),  # more than 2 dp
        ("abc", None),
        ("12,50", None),  # a decimal comma is not a thousands separator
        ("1,2345.00", None),
        ("+5", None),
        ("(-5)", None),
        ("0.30000000000000004", None),  # an XLSX float's shortest repr with more than 2 dp
    ],
)
def test_money_text_is_decimal_never_float(text: str, expected: Decimal | None) -> None:
    value, failure = parse_money(text)
    assert value == expected
    assert (failure is None) == (expected is not None)
    if value is not None:
        assert isinstance(value, Decimal) and value.as_tuple().exponent == -2


def test_money_edge_cases_in_a_file(tmp_path: Path) -> None:
    amounts = ["£1,234.56", "(12.50)", "-0.10", "1.005", "abc"]
    rows = [txn(f"M{i}", amount=a) for i, a in enumerate(amounts)]
    result, con = load_one(tmp_path, write_ledger(tmp_path / "in" / "money.csv", rows))
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (5, 3, 2)
    loaded = con.execute("SELECT transaction_id, amount FROM raw.finance_transactions ORDER BY 1").fetchall()
    assert loaded == [("M0", Decimal("1234.56")), ("M1", Decimal("-12.50")), ("M2", Decimal("-0.10"))]
    assert rejections(con) == [(5, "amount", "FIN020", "1.005"), (6, "amount", "FIN020", "abc")]
    assert_rows_invariant(con)


def test_xlsx_ledger_numbers_go_through_their_shortest_repr(tmp_path: Path) -> None:
    header = ["transaction_id", "la_code", "posting_date", "financial_year", "period_number", "cost_centre"]
    header += ["account_code", "transaction_type", "amount", "vat_amount", "quantity"]
    base = [LA, dt.date(2024, 5, 10), "2024-25", 2, "RES01", 5101, "provider_payment"]
    rows = [
        ["X1", *base, 0.1, 0.02, 1.5],
        ["X2", *base, 1234.56, 0, 2],
        ["X3", *base, 0.1 + 0.2, None, None],  # 0.30000000000000004: more than 2 dp
        ["X4", *base, 1000, None, 0.12345],  # a whole float is read as 1000; quantity has 5 dp
    ]
    path = tmp_path / "in" / "ledger.xlsx"
    path.parent.mkdir(parents=True)
    write_xlsx(path, header, rows, sheet_name="Ledger")
    result, con = load_one(tmp_path, path)
    assert (result.status, result.rows_in, result.rows_loaded, result.rows_rejected) == ("loaded", 4, 3, 1)
    loaded = con.execute(
        "SELECT transaction_id, posting_date, account_code, amount, vat_amount, quantity "
        "FROM raw.finance_transactions ORDER BY 1"
    ).fetchall()
    assert loaded == [
        ("X1", dt.date(2024, 5, 10), "5101", Decimal("0.10"), Decimal("0.02"), Decimal("1.5000")),
        ("X2", dt.date(2024, 5, 10), "5101", Decimal("1234.56"), Decimal("0.00"), Decimal("2.0000")),
        ("X4", dt.date(2024, 5, 10), "5101", Decimal("1000.00"), None, None),
    ]
    assert rejections(con) == [(4, "amount", "FIN020", "0.30000000000000004")]
    assert issues(con) == [(5, "quantity", "number_unparseable", "warning")]
    assert_rows_invariant(con)


# ---------------------------------------------------------------- §5 duplicates


def test_conflicting_copy_is_quarantined_naming_both_rows_even_in_a_later_chunk(tmp_path: Path) -> None:
    rows = [
        txn("D1"),
        txn("D2", amount="5.00"),
        txn("D3"),
        txn("D4"),
        txn("D2", amount="6.00"),  # row 6, chunk 3: conflicting copy of row 3
        txn("D1"),  # row 7, chunk 3: exact copy of row 2
        txn("D1", cost_centre="res01"),  # row 8: normalised to RES01, so an exact copy too
    ]
    path = write_ledger(tmp_path / "in" / "dups.csv", rows)
    result, con = load_one(tmp_path, path, ASCW_CHUNK_ROWS="2")
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (7, 4, 3)
    assert rejections(con) == [
        (6, "transaction_id", "FIN051", "D2"),
        (7, "transaction_id", "FIN050", "D1"),
        (8, "transaction_id", "FIN050", "D1"),
    ]
    message = con.execute("SELECT message FROM quarantine.rejected_rows WHERE rule = 'FIN051'").fetchone()[0]
    assert "rows 3 and 6" in message
    kept = con.execute("SELECT amount FROM raw.finance_transactions WHERE transaction_id = 'D2'").fetchall()
    assert kept == [(Decimal("5.00"),)]  # the first is kept
    totals = dict(con.execute("SELECT outcome, sum(amount) FROM audit.finance_totals GROUP BY 1").fetchall())
    assert totals == {"loaded": Decimal("305.00"), "duplicate": Decimal("206.00")}
    assert_rows_invariant(con)


def test_a_rejected_first_copy_does_not_make_the_next_a_duplicate(tmp_path: Path) -> None:
    rows = [txn("R1", amount="abc"), txn("R1")]
    result, con = load_one(tmp_path, write_ledger(tmp_path / "in" / "r.csv", rows))
    assert (result.rows_loaded, result.rows_rejected) == (1, 1)
    assert rejections(con) == [(2, "amount", "FIN020", "abc")]


# ---------------------------------------------------------------- §8 row rules


@pytest.mark.parametrize(
    ("overrides", "column", "code"),
    [
        ({"transaction_id": ""}, "transaction_id", "FIN010"),
        ({"transaction_id": "X" * 65}, "transaction_id", "FIN010"),
        ({"posting_date": ""}, "posting_date", "FIN012"),
        ({"posting_date": "2024-02-31"}, "posting_date", "FIN012"),
        ({"posting_date": "05/10/24"}, "posting_date", "FIN012"),
        ({"service_period_start": "next week"}, "service_period_start", "FIN012"),
        ({"financial_year": ""}, "financial_year", "FIN013"),
        ({"financial_year": "2024-26"}, "financial_year", "FIN013"),
        ({"financial_year": "FY24"}, "financial_year", "FIN013"),
        ({"period_number": ""}, "period_number", "FIN014"),
        ({"period_number": "17"}, "period_number", "FIN014"),
        ({"period_number": "0"}, "period_number", "FIN014"),
        ({"period_number": "2.5"}, "period_number", "FIN014"),
        ({"cost_centre": ""}, "cost_centre", "required_value_missing"),
        ({"account_code": ""}, "account_code", "required_value_missing"),
        ({"transaction_type": "payment"}, "transaction_type", "FIN030"),
        ({"transaction_type": ""}, "transaction_type", "FIN030"),
        ({"transaction_type": "accrual"}, "underlying_type", "FIN031"),
        ({"transaction_type": "credit_note", "underlying_type": "reversal"}, "underlying_type", "FIN031"),
        ({"amount": ""}, "amount", "FIN020"),
        ({"amount": "12.345"}, "amount", "FIN020"),
        ({"amount": "99999999999999999.00"}, "amount", "FIN020"),
    ],
)
def test_each_row_error_rejects_the_row(tmp_path: Path, overrides: dict[str, str], column: str, code: str) -> None:
    rows = [txn("OK"), txn(**{"transaction_id": "BAD", **overrides})]
    result, con = load_one(tmp_path, write_ledger(tmp_path / "in" / "f.csv", rows))
    assert (result.status, result.rows_in, result.rows_loaded, result.rows_rejected) == ("loaded", 2, 1, 1)
    assert [(r[1], r[2]) for r in rejections(con)] == [(column, code)]
    assert_rows_invariant(con)


def test_a_row_breaking_several_rules_counts_once(tmp_path: Path) -> None:
    rows = [txn("X", posting_date="", amount="abc", transaction_type="gift")]
    result, con = load_one(tmp_path, write_ledger(tmp_path / "in" / "f.csv", rows))
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (1, 0, 1)
    assert [r[2] for r in rejections(con)] == ["FIN012", "FIN020", "FIN030"]


def test_la_code_must_be_valid_on_the_posting_date(tmp_path: Path) -> None:
    # E10000002 (Buckinghamshire county) ended 2020-03-31; its successor is E06000060.
    rows = [
        txn("A", la_code="E10000002", posting_date="2020-03-10", financial_year="2019-20", period_number="12"),
        txn("B", la_code="E10000002", posting_date="2024-05-10"),
    ]
    result, con = load_one(tmp_path, write_ledger(tmp_path / "in" / "bucks.csv", rows))
    assert (result.rows_loaded, result.rows_rejected) == (1, 1)
    assert rejections(con) == [(3, "la_code", "FIN011", "E10000002")]
    assert con.execute("SELECT la_code, la_code_ons FROM raw.finance_transactions").fetchall() == [
        ("E10000002", "E06000060")
    ]


def test_a_successor_code_before_its_start_is_a_warning(tmp_path: Path) -> None:
    rows = [txn("A", la_code="E06000060", posting_date="2020-03-10", financial_year="2019-20", period_number="12")]
    result, con = load_one(tmp_path, write_ledger(tmp_path / "in" / "bucks.csv", rows))
    assert (result.rows_loaded, result.rows_rejected, result.rows_flagged) == (1, 0, 1)
    assert issues(con) == [(2, "la_code", "FIN011", "warning")]


def test_a_file_with_two_la_codes_is_refused(tmp_path: Path) -> None:
    rows = [txn("A"), txn("B", la_code="E06000001")]
    result, con = load_one(tmp_path, write_ledger(tmp_path / "in" / "two.csv", rows))
    assert (result.status, result.rule, result.rows_in, result.rows_rejected) == ("refused", "multiple_la_codes", 2, 2)
    assert con.execute("SELECT count(*) FROM raw.finance_transactions").fetchone()[0] == 0


@pytest.mark.parametrize(
    ("overrides", "column", "code", "severity"),
    [
        ({"posting_date": "2023-05-10"}, "posting_date", "FIN013", "warning"),  # May, but of 2023-24
        ({"posting_date": "2024-06-10"}, "posting_date", "FIN015", "warning"),  # June is period 3, not 2
        ({"amount": "0.00"}, "amount", "FIN021", "info"),
        ({"amount": "-5.00"}, "amount", "FIN022", "warning"),  # negative provider payment
        ({"transaction_type": "nhs_income", "amount": "5.00"}, "amount", "FIN022", "warning"),
        ({"transaction_type": "grant_received", "amount": "5.00"}, "amount", "FIN022", "warning"),
        ({"vat_amount": "20.02"}, "vat_amount", "FIN023", "warning"),  # > 20% x 100.00 + 0.01
        ({"underlying_type": "direct_payment"}, "underlying_type", "FIN031", "warning"),
        ({"nhs_number": "9434765918"}, "nhs_number", "FIN040", "warning"),  # check digit
        ({"nhs_number": "12345"}, "nhs_number", "FIN040", "warning"),
        ({"transaction_type": "direct_payment", "person_local_id": ""}, "person_local_id", "FIN041", "warning"),
        (
            {"transaction_type": "reversal", "underlying_type": "client_contribution", "person_local_id": ""},
            "person_local_id",
            "FIN041",
            "warning",
        ),
        (
            {"service_period_start": "2024-04-30", "service_period_end": "2024-04-01"},
            "service_period_end",
            "FIN043",
            "warning",
        ),
        ({"quantity": "lots"}, "quantity", "number_unparseable", "warning"),
        ({"unit_rate": "1.23456"}, "unit_rate", "number_unparseable", "warning"),
    ],
)
def test_each_warning_flags_the_row_and_still_loads_it(
    tmp_path: Path, overrides: dict[str, str], column: str, code: str, severity: str
) -> None:
    rows = [txn("W", **overrides)]
    result, con = load_one(tmp_path, write_ledger(tmp_path / "in" / "f.csv", rows))
    assert (result.rows_loaded, result.rows_rejected, result.rows_flagged) == (1, 0, int(severity == "warning"))
    assert issues(con) == [(2, column, code, severity)]
    assert con.execute("SELECT dq_flags FROM raw.finance_transactions").fetchone()[0] == code


def test_warnings_clear_what_they_say_is_ignored(tmp_path: Path) -> None:
    rows = [
        txn(
            "W",
            underlying_type="direct_payment",
            service_period_start="2024-04-30",
            service_period_end="2024-04-01",
            nhs_number="9434765918",
            vat_amount="30.00",
            quantity="abc",
        )
    ]
    _, con = load_one(tmp_path, write_ledger(tmp_path / "in" / "f.csv", rows))
    row = con.execute(
        "SELECT underlying_type, service_period_start, service_period_end, nhs_number_hash, nhs_number_chk, "
        "la_person_id_hash, vat_amount, quantity, dq_flags FROM raw.finance_transactions"
    ).fetchone()
    assert row == (
        None,
        None,
        None,
        None,
        -6,
        keyed(f"{LA}_P1"),
        Decimal("30.00"),
        None,
        "FIN023;FIN031;FIN040;FIN043;number_unparseable",
    )
    chk = con.execute("SELECT chk FROM quarantine.row_issues WHERE rule = 'FIN040'").fetchone()[0]
    assert chk == -6


def test_accrual_and_period_13_postings_are_not_flagged(tmp_path: Path) -> None:
    rows = [
        txn("A", transaction_type="capital_charge", posting_date="2025-03-31", period_number="13"),
        txn("B", transaction_type="credit_note", underlying_type="provider_payment", amount="-20.00"),
        txn("C", transaction_type="third_party_top_up", amount="50.00"),
    ]
    result, con = load_one(tmp_path, write_ledger(tmp_path / "in" / "f.csv", rows))
    assert (result.rows_loaded, result.rows_flagged) == (3, 0)
    assert issues(con) == []


# ---------------------------------------------------------------- recognition and the `period` column


def test_missing_amount_and_cost_centre_refuse_the_file_naming_them(tmp_path: Path) -> None:
    header = [h for h in HEADER if h not in ("amount", "cost_centre")]
    path = write_ledger(tmp_path / "in" / "short.csv", [txn("X")], header=header)
    result, con = load_one(tmp_path, path)
    assert (result.status, result.rule) == ("refused", "FIN001")
    assert "cost_centre" in result.message and "amount" in result.message
    assert con.execute("SELECT status, rule FROM audit.loads").fetchall() == [("refused", "FIN001")]


def test_period_column_is_split_into_year_and_number(tmp_path: Path) -> None:
    header = [h for h in HEADER if h not in ("financial_year", "period_number")] + ["period"]
    rows = [
        {**txn("P1"), "period": "2024-25/02"},
        {**txn("P2"), "period": "2024/25/2"},
        {**txn("P3"), "period": "2024-26/02"},
        {**txn("P4"), "period": "2024-25/17"},
    ]
    path = write_ledger(tmp_path / "in" / "period.csv", rows, header=header)
    result, con = load_one(tmp_path, path)
    assert (result.status, result.rows_loaded, result.rows_rejected) == ("loaded", 2, 2)
    assert con.execute("SELECT DISTINCT financial_year, period_number FROM raw.finance_transactions").fetchall() == [
        ("2024-25", 2)
    ]
    assert [(r[0], r[1], r[2], r[3]) for r in rejections(con)] == [
        (4, "period", "FIN013", "2024-26/02"),
        (5, "period", "FIN014", "2024-25/17"),
    ]
    assert "period" not in " ".join(result.warnings)  # `period` stands in for two columns: not "missing"


def test_file_without_period_or_year_is_refused_naming_both_options() -> None:
    header = [h for h in HEADER if h != "financial_year"]
    from orchestration.defs.ingest.reading import FileRefused

    with pytest.raises(FileRefused) as refused:
        recognise(header, "ledger.csv")
    assert refused.value.rule == "FIN001"
    assert "financial_year or period" in str(refused.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2024-25", "2024-25"), ("2024/25", "2024-25"), ("2024-2025", "2024-25"), ("1999-00", "1999-00")],
)
def test_financial_year_forms(text: str, expected: str) -> None:
    assert normalise_financial_year(text) == expected


def test_period_helpers() -> None:
    assert split_period("2024-25/03") == ("2024-25", "03")
    assert split_period("2024-25") == ("2024-25", None)
    assert [parse_period_number(v) for v in ("1", "03", "16", "0", "17", "x")] == [1, 3, 16, None, None, None]
    assert normalise_financial_year("2024-26") is None


def test_unknown_columns_are_reported_and_ignored(tmp_path: Path) -> None:
    header = [*HEADER, "cost_centre_manager"]
    rows = [{**txn("X"), "cost_centre_manager": "J Smith"}]
    result, _ = load_one(tmp_path, write_ledger(tmp_path / "in" / "f.csv", rows, header=header))
    assert result.status == "loaded"
    assert "unknown column(s) ignored (FIN002): cost_centre_manager" in result.warnings


# ---------------------------------------------------------------- control totals


def test_control_file_loads_and_bad_rows_are_rejected(tmp_path: Path) -> None:
    header = ["la_code", "financial_year", "period_number", "row_count", "ledger_total"]
    rows = [
        dict(zip(header, (LA, "2024-25", "1", "9169", "816595.37"), strict=True)),
        dict(zip(header, (LA, "2024-25", "2", "3746", "-5,706,333.51"), strict=True)),
        dict(zip(header, (LA, "2024-2x", "3", "1", "1.00"), strict=True)),
        dict(zip(header, (LA, "2024-25", "20", "1", "1.00"), strict=True)),
        dict(zip(header, (LA, "2024-25", "4", "1.5", "1.00"), strict=True)),
        dict(zip(header, (LA, "2024-25", "5", "1", "1.005"), strict=True)),
    ]
    result, con = load_one(tmp_path, write_csv(tmp_path / "in" / "control.csv", header, rows))
    assert (result.status, result.rows_in, result.rows_loaded, result.rows_rejected) == ("loaded", 6, 2, 4)
    assert con.execute(
        "SELECT la_code, la_code_ons, financial_year, period_number, row_count, ledger_total "
        "FROM raw.finance_control ORDER BY period_number"
    ).fetchall() == [
        (LA, LA, "2024-25", 1, 9169, Decimal("816595.37")),
        (LA, LA, "2024-25", 2, 3746, Decimal("-5706333.51")),
    ]
    assert [(r[0], r[2]) for r in rejections(con)] == [
        (4, "FIN013"),
        (5, "FIN014"),
        (6, "integer_invalid"),
        (7, "FIN020"),
    ]
    assert_rows_invariant(con)


# ---------------------------------------------------------------- category map (§6)


def rule_row(**values: str) -> dict[str, str]:
    row = dict.fromkeys(MAP_HEADER, "")
    row.update(
        cost_centre="RES01",
        account_code="*",
        support_type="long_term",
        setting="residential",
        primary_support_reason="from_person",
        age_group="from_person",
    )
    row.update(values)
    return row


def test_category_map_is_recognised_by_its_headers() -> None:
    assert recognise(MAP_HEADER, "anything.csv").dataset == "finance_category_map"
    required = ["cost_centre", "account_code", "support_type", "setting", "primary_support_reason", "age_group"]
    assert recognise(required, "anything.csv").dataset == "finance_category_map"


def test_category_map_loads_valid_rules_and_rejects_the_rest(tmp_path: Path) -> None:
    rows = [
        rule_row(),  # 2: any LA, RES01/*
        rule_row(la_code="E10000002", cost_centre="*", account_code="*", effective_from="01/04/2024"),  # 3
        rule_row(
            la_code=LA,
            cost_centre="mgt01",
            support_type="Other",
            setting="social_care_activities",
            primary_support_reason="not_applicable",
            age_group="not_applicable",
            cost_group="ssmss",
            five_areas_category="enabling",
            include_in_asc="FALSE",
            note="care management",
        ),  # 4
        rule_row(cost_centre="*", account_code="*"),  # 5: blank-LA catch-all
        rule_row(support_type="short_term", setting="nursing"),  # 6: setting of another support type
        rule_row(support_type="other", setting="social_care_activities", age_group="not_applicable"),  # 7: PSR set
        rule_row(age_group="18-64"),  # 8
        rule_row(include_in_asc="maybe"),  # 9
        rule_row(la_code="E99999999"),  # 10
        rule_row(effective_from="2024-04-01", effective_to="2024-03-31"),  # 11
        rule_row(effective_from="31/31/2024"),  # 12
        rule_row(five_areas_category="6_other"),  # 13
        rule_row(setting=""),  # 14
        rule_row(la_code="E06000001", cost_centre="HC01", setting="community_home_care", cost_group="both"),  # 15
    ]
    path = write_csv(tmp_path / "in" / "my_map.csv", MAP_HEADER, rows)
    result, con = load_one(tmp_path, path)
    assert (result.status, result.rows_in, result.rows_loaded, result.rows_rejected) == ("loaded", 14, 3, 11)
    assert con.execute(
        "SELECT la_code, cost_centre, account_code, effective_from, support_type, setting, primary_support_reason, "
        "cost_group, five_areas_category, include_in_asc, note FROM raw.finance_category_map ORDER BY row_number"
    ).fetchall() == [
        (None, "RES01", "*", None, "long_term", "residential", "from_person", None, None, True, None),
        ("E06000060", "*", "*", dt.date(2024, 4, 1), "long_term", "residential", "from_person", None, None, True, None),
        (
            LA,
            "MGT01",
            "*",
            None,
            "other",
            "social_care_activities",
            "not_applicable",
            "ssmss",
            "enabling",
            False,
            "care management",
        ),
    ]
    assert [(r[0], r[1], r[2]) for r in rejections(con)] == [
        (5, "cost_centre", "map_catch_all"),
        (6, "setting", "map_setting_mismatch"),
        (7, "primary_support_reason", "map_non_salt_breakdown"),
        (8, "age_group", "map_value_not_in_list"),
        (9, "include_in_asc", "map_boolean_invalid"),
        (10, "la_code", "map_la_code_unknown"),
        (11, "effective_to", "map_dates_backwards"),
        (12, "effective_from", "date_unparseable"),
        (13, "five_areas_category", "map_value_not_in_list"),
        (14, "setting", "required_value_missing"),
        (15, "cost_group", "map_value_not_in_list"),
    ]
    # Rules for several LAs in one file are fine; the audit LA is left blank.
    assert con.execute("SELECT dataset, la_code FROM audit.loads").fetchone() == ("finance_category_map", None)
    assert_rows_invariant(con)


def test_configured_category_map_is_loaded_once_with_the_folder(tmp_path: Path) -> None:
    map_path = write_csv(tmp_path / "config" / "council_map.csv", MAP_HEADER, [rule_row(la_code=LA)])
    landing = tmp_path / "landing"
    write_ledger(landing / "ledger.csv", [txn("X")])
    settings, con = warehouse(tmp_path, ASCW_FINANCE_CATEGORY_MAP=str(map_path))
    assert settings.finance_category_map == map_path.resolve()
    first = load_folder(con, landing, settings)
    assert [(r.source_file, r.dataset, r.status) for r in first] == [
        ("ledger.csv", "finance", "loaded"),
        ("council_map.csv", "finance_category_map", "loaded"),
    ]
    again = load_folder(con, landing, settings)
    assert [r.status for r in again] == ["skipped_duplicate", "skipped_duplicate"]
    assert con.execute("SELECT count(*) FROM raw.finance_category_map").fetchone()[0] == 1


# ---------------------------------------------------------------- a generated ledger against its control file


def _break_rows(path: Path) -> dict[tuple[str, int], tuple[int, Decimal]]:
    """Corrupt some amounts and append copies; returns the rows and pounds each period loses."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    lost: dict[tuple[str, int], tuple[int, Decimal]] = {}
    for index, text in ((10, "12,50"), (len(rows) // 2, "1.005"), (len(rows) - 3, "n/a")):
        row = rows[index]
        key = (row["financial_year"], int(row["period_number"]))
        count, amount = lost.get(key, (0, Decimal(0)))
        lost[key] = (count + 1, amount + Decimal(row["amount"]))
        row["amount"] = text
    rows.append(dict(rows[20]))  # an exact copy, many chunks later
    rows.append({**rows[30], "amount": "1.00"})  # a conflicting copy
    write_csv(path, header, rows)
    return lost


def test_generated_ledger_matches_its_control_totals_except_the_broken_rows(tmp_path: Path) -> None:
    out = generate(tmp_path / "gen", scale="demo", seed=11, adult_scale=0.1, years=2)
    landing = tmp_path / "landing"
    landing.mkdir()
    for path in out.files:
        if path.name.startswith("finance_") and path.name != "finance_expected_mismatches.csv":
            shutil.copy(path, landing / path.name)
    ledger = landing / f"finance_{LA}_2024-25.csv"
    lost = _break_rows(ledger)
    settings, con = warehouse(tmp_path, ASCW_CHUNK_ROWS="1000")
    results = {r.source_file: r for r in load_folder(con, landing, settings)}
    assert {r.status for r in results.values()} == {"loaded"}
    assert results[ledger.name].rows_rejected == 3 + 2
    assert results[f"finance_{LA}_2023-24.csv"].rows_rejected == 0
    for result in results.values():
        assert result.rows_in == result.rows_loaded + result.rows_rejected
    assert_rows_invariant(con)
    compared = con.execute(
        """SELECT c.financial_year, c.period_number, c.row_count, c.ledger_total,
                  count(t.amount), coalesce(sum(t.amount), 0)
           FROM raw.finance_control c
           LEFT JOIN raw.finance_transactions t USING (financial_year, period_number)
           GROUP BY ALL ORDER BY 1, 2"""
    ).fetchall()
    assert len(compared) == 26  # 13 periods (1-12 and 13) in each year
    for year, period, row_count, ledger_total, loaded_rows, loaded_total in compared:
        missing_rows, missing_amount = lost.get((year, period), (0, Decimal(0)))
        # §8 identity 3: the control file matches except for the rejected rows, to the penny.
        assert (row_count - loaded_rows, ledger_total - loaded_total) == (missing_rows, missing_amount)
