"""Place-inputs file (reference_data.md §7): recognition by header set, validation rules PLC001-PLC005,
exact numbers, rows_in = rows_loaded + rows_rejected, and the raw rows the staging model reads."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import make_settings
from orchestration.defs.ingest.load import load_file
from orchestration.defs.ingest.place import parse_place_number, place_financial_year, place_indicators
from orchestration.defs.ingest.reading import FileRefused
from orchestration.defs.ingest.recognise import recognise
from orchestration.defs.ingest.rules import RULES
from orchestration.defs.ingest.store import ensure_schema

HEADER = ["la_code", "year", "indicator_code", "value", "unit", "event_date", "source", "note"]


def write_inputs(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_header_set_is_recognised_and_a_missing_value_column_is_named() -> None:
    assert recognise(HEADER, "x.csv").dataset == "place_inputs"
    assert recognise(["LA Code", "Year", "Indicator Code", "Value"], "x.csv").missing_optional == [
        "unit",
        "event_date",
        "source",
        "note",
    ]
    with pytest.raises(FileRefused) as refused:
        recognise(["la_code", "year", "indicator_code", "unit", "source"], "x.csv")
    assert "Value" in str(refused.value) or "value" in str(refused.value)


def test_years_and_numbers() -> None:
    assert place_financial_year("2024-25") == "2024-25"
    assert place_financial_year("2024/25") == "2024-25"
    assert place_financial_year("2024") == "2024-25"  # a calendar year counts in the financial year it starts
    assert place_financial_year("24-25") is None
    assert place_financial_year("2024-26") is None
    assert parse_place_number("£1,234,567.5") == Decimal("1234567.5000")
    assert parse_place_number("8.25%") == Decimal("8.2500")
    assert parse_place_number("-3") == Decimal("-3.0000")
    assert parse_place_number("n/a") is None
    assert parse_place_number(None) is None


def test_seed_holds_the_spec_codes() -> None:
    codes = set(place_indicators())
    assert {
        "asc_budget_net",
        "asc_budget_gross",
        "care_worker_vacancy_rate",
        "care_worker_turnover_rate",
        "care_worker_median_hourly_pay",
        "house_price_median",
        "land_value_index",
        "supported_housing_pipeline_units",
        "extra_care_pipeline_units",
        "icb_codes",
        "political_control",
        "next_election_year",
        "policy_event",
    } == codes
    assert place_indicators()["policy_event"].type == "event"
    assert all(f"PLC00{n}" in RULES for n in range(1, 6))


def test_load_quarantines_bad_rows_and_keeps_good_ones_exactly(tmp_path: Path) -> None:
    rows = [
        ["E06000005", "2024-25", "asc_budget_net", "£98,765,432.10", "gbp", "", "Budget book", ""],  # 2 loads
        ["E06000005", "2024", "care_worker_vacancy_rate", "8.5%", "", "", "Skills for Care", ""],  # 3 loads
        ["E06000005", "2024-25", "political_control", "No overall control", "", "", "", ""],  # 4 loads
        ["E06000005", "2024-25", "policy_event", "National Living Wage rise", "", "01/04/2024", "", ""],  # 5 loads
        ["E06000005", "2024-25", "mystery_index", "5", "", "", "", ""],  # 6 PLC001
        ["E06000005", "2024-25", "asc_budget_gross", "about 100m", "", "", "", ""],  # 7 PLC002
        ["E06000005", "2024-25", "policy_event", "Charging reform", "", "", "", ""],  # 8 PLC003
        ["E06000005", "FY24", "house_price_median", "250000", "", "", "", ""],  # 9 PLC004
        ["E99999999", "2024-25", "asc_budget_net", "1", "", "", "", ""],  # 10 PLC005
        ["E06000005", "2024-25", "political_control", "", "", "", "", ""],  # 11 PLC002 (blank text)
        ["E06000005", "2024-25", "next_election_year", "2027", "", "31/13/2024", "", ""],  # 12 date
    ]
    path = write_inputs(tmp_path / "in" / "place_inputs.csv", rows)
    settings = make_settings(tmp_path / "wh")
    settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.duckdb_path))
    ensure_schema(con)
    result = load_file(con, path, settings)
    assert result.status == "loaded", result.message
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (11, 4, 7)
    rejected = con.execute("SELECT row_number, rule FROM quarantine.rejected_rows ORDER BY row_number").fetchall()
    assert rejected == [
        (6, "PLC001"),
        (7, "PLC002"),
        (8, "PLC003"),
        (9, "PLC004"),
        (10, "PLC005"),
        (11, "PLC002"),
        (12, "date_unparseable"),
    ]
    loaded = con.execute(
        "SELECT row_number, la_code_ons, financial_year, indicator_code, indicator_type, value_number, value_text, "
        "unit, event_date, source FROM raw.place_inputs ORDER BY row_number"
    ).fetchall()
    import datetime as dt

    assert loaded == [
        (2, "E06000005", "2024-25", "asc_budget_net", "money", Decimal("98765432.1000"), None, "gbp", None, "Budget book"),
        (3, "E06000005", "2024-25", "care_worker_vacancy_rate", "percent", Decimal("8.5000"), None, "percent", None,
         "Skills for Care"),
        (4, "E06000005", "2024-25", "political_control", "text", None, "No overall control", "text", None, None),
        (5, "E06000005", "2024-25", "policy_event", "event", None, "National Living Wage rise", "event",
         dt.date(2024, 4, 1), None),
    ]  # fmt: skip
    audit = con.execute("SELECT dataset, la_code, rows_in, rows_loaded, rows_rejected FROM audit.loads").fetchall()
    assert audit == [("place_inputs", "E06000005", 11, 4, 7)]
