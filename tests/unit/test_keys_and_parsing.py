"""Header and value keys, pinned date formats, numbers, NHS numbers, postcodes and local ids."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.defs.ingest.keys import header_key, value_key
from orchestration.defs.ingest.parsing import (
    canonical_local_id,
    check_nhs_number,
    clean_number,
    nhs_check_digit,
    normalise_text,
    parse_dates,
    postcode_sector,
)


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("LA Code", "la_code"),
        ("\ufeffLA_Code", "la_code"),
        ("  Cost Frequency (Unit Type) ", "cost_frequency_unit_type"),
        ("Request: Route of Access", "request_route_of_access"),
        ("Autism Spectrum Disorder (ASD)", "autism_spectrum_disorder_asd"),
        ("No. of adults being cared for", "no_of_adults_being_cared_for"),
        ("Hours & Minutes", "hours_and_minutes"),
    ],
)
def test_header_key(header: str, key: str) -> None:
    assert header_key(header) == key


@pytest.mark.parametrize("text", ["NFA - Other", "NFA- Other", "NFA: Other", "nfa other", " NFA  –  Other "])
def test_value_key_absorbs_punctuation_drift(text: str) -> None:
    assert value_key(text) == "nfa other"


def test_value_key_sql_macro_matches_python() -> None:
    """The dbt macro value_key() must give the same key as ingest (both map seeds)."""
    from orchestration.defs.ingest.load import _VALUE_KEY_SQL

    values = ["NFA - Information & Advice / Signposting only", "Short Term Support: ST-Max", "  Carer ", "4-weekly"]
    con = duckdb.connect()
    for value in values:
        sql_key = con.execute(f"select {_VALUE_KEY_SQL.format(col='?')}", [value]).fetchone()[0]
        assert sql_key == value_key(value)
    macro = Path("dbt_project/macros/keys.sql").read_text()
    assert "trim(regexp_replace(replace(lower({{ expr }}), '&', 'and'), '[^a-z0-9]+', ' ', 'g'))" in macro


def _parse(values: list[str | None], formats: tuple[str, ...] = ("iso", "uk")) -> tuple[list, list]:
    parsed = parse_dates(pd.Series(values, dtype="object"), formats)
    dates = [None if pd.isna(v) else v.date().isoformat() for v in parsed.values]
    failures = [None if pd.isna(f) else f for f in parsed.failures]
    return dates, failures


def test_pinned_date_formats_parse() -> None:
    dates, failures = _parse(["2024-03-31", "31/03/2024", "5/4/2024", "2024-03-31T10:15:00", None])
    assert dates == ["2024-03-31", "2024-03-31", "2024-04-05", "2024-03-31", None]
    assert failures == [None] * 5


def test_us_month_first_date_is_rejected_never_swapped() -> None:
    dates, failures = _parse(["12/25/2024"])
    assert dates == [None]
    assert failures == ["date_unparseable"]


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("01022024", "date_ambiguous"),
        ("1/4/24", "date_ambiguous"),
        ("31/02/2024", "date_unparseable"),
        ("2024-13-01", "date_unparseable"),
        ("Jan 5 2024", "date_unparseable"),
        ("45123", "date_unparseable"),
    ],
)
def test_bad_dates_get_a_reason(value: str, rule: str) -> None:
    assert _parse([value])[1] == [rule]


def test_a_per_la_setting_narrows_to_one_format() -> None:
    dates, failures = _parse(["31/03/2024", "2024-03-31"], formats=("iso",))
    assert dates == [None, "2024-03-31"]
    assert failures == ["date_unparseable", None]


def test_null_tokens_and_blanks_are_real_nulls() -> None:
    assert normalise_text(pd.Series([" a ", "NULL", "null", "", "  ", None, "N/A"])).tolist() == [
        "a",
        None,
        None,
        None,
        None,
        None,
        "N/A",
    ]


@pytest.mark.parametrize(
    ("text", "number"),
    [("£1,185.55", "1185.55"), ("-50", "-50"), ("23.56", "23.56"), ("- £12", "-12"), ("abc", None), ("1.2.3", None)],
)
def test_numbers(text: str, number: str | None) -> None:
    assert clean_number(text) == number


def test_nhs_check_digit_worked_examples() -> None:
    # cld_extract.md §7: 999 000 0018 -> sum 245, mod 11 = 3, check 8.
    assert nhs_check_digit("999000001") == 8
    # 9990000050 -> check 11 -> 0.
    assert nhs_check_digit("999000005") == 0
    # 999123456x -> check 10 -> no valid digit.
    assert nhs_check_digit("999123456") is None


@pytest.mark.parametrize(
    ("value", "allow", "chk", "rule"),
    [
        ("999 000 0018", True, 1, None),
        ("999-000-0050", True, 1, None),
        ("9990000018", False, -6, "nhs_number_test_range"),
        ("9990000019", True, -6, "nhs_number_check_digit"),
        ("9991234560", True, -6, "nhs_number_check_digit"),
        ("0000000000", True, -6, "nhs_number_repeated_digit"),
        ("12345", True, -3, "nhs_number_format"),
        ("", True, 0, None),
    ],
)
def test_nhs_number_validation(value: str, allow: bool, chk: int, rule: str | None) -> None:
    result = check_nhs_number(value, allow)
    assert (result.chk, result.rule) == (chk, rule)


def test_postcode_is_reduced_to_sector() -> None:
    assert postcode_sector("dl1 1aa") == "DL1 1"
    assert postcode_sector("SW1A1AA") == "SW1A 1"
    assert postcode_sector("not a postcode") is None


def test_canonical_local_id_keeps_zeros_and_case() -> None:
    assert canonical_local_id(" P 000123 ") == "P000123"
    assert canonical_local_id("ab12") == "ab12"
