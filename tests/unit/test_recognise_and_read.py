"""File recognition by header set, decoding, malformed records and XLSX reading."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from cld_builder import row, write_cld
from orchestration.defs.ingest.contract import CLD_COLUMNS
from orchestration.defs.ingest.reading import FileRefused, open_csv, open_extract
from orchestration.defs.ingest.recognise import recognise

R1_HEADERS = [c.header for c in CLD_COLUMNS]


def test_r1_headers_are_recognised_as_cld() -> None:
    result = recognise(R1_HEADERS, "x.csv")
    assert result.dataset == "cld"
    assert result.positions["event_outcome"] == R1_HEADERS.index("Event Outcome")
    assert result.unknown_headers == {}


def test_headers_match_case_and_spacing_insensitively_and_dhsc_style() -> None:
    headers = [h.upper().replace(" ", "_") for h in R1_HEADERS]
    headers = ["  " + h.lower() + " " if i % 3 == 0 else h for i, h in enumerate(headers)]
    assert recognise(headers, "x.csv").dataset == "cld"


def test_alias_headers_map_to_canonical_names() -> None:
    headers = [("Total Hours Caring per week" if h == "Total Hrs Caring per week" else h) for h in R1_HEADERS]
    assert "total_hrs_caring_per_week" in recognise(headers, "x.csv").positions


def test_unknown_extra_columns_are_reported_not_fatal() -> None:
    result = recognise([*R1_HEADERS, "Local Team"], "x.csv")
    assert result.unknown_headers == {len(R1_HEADERS): "Local Team"}


def test_missing_required_columns_refuse_the_file_naming_them() -> None:
    headers = [h for h in R1_HEADERS if h not in {"Event Outcome", "Service Type"}]
    with pytest.raises(FileRefused) as refused:
        recognise(headers, "cld_2025Q2.csv")
    assert refused.value.rule == "missing_required_column"
    assert str(refused.value) == (
        "cld_2025Q2.csv rejected: missing required column(s): Event Outcome, Service Type. "
        "Add the columns (values may be blank where not applicable) and resend."
    )


def test_missing_optional_columns_load_as_null() -> None:
    headers = [h for h in R1_HEADERS if h != "GP Practice Name"]
    assert recognise(headers, "x.csv").missing_optional == ["gp_practice_name"]


def test_duplicate_header_refuses_the_file() -> None:
    with pytest.raises(FileRefused) as refused:
        recognise([*R1_HEADERS, "LA_CODE"], "x.csv")
    assert refused.value.rule == "duplicate_header"


def test_unknown_header_set_is_refused() -> None:
    with pytest.raises(FileRefused) as refused:
        recognise(["name", "address", "phone"], "contacts.csv")
    assert refused.value.rule == "unknown_header_set"


def test_population_and_finance_are_recognised_by_headers_not_names() -> None:
    assert recognise(["la_code", "mid_year", "sex", "age", "population"], "cld_looks_like.csv").dataset == "population"
    finance = [
        "transaction_id",
        "la_code",
        "posting_date",
        "financial_year",
        "period_number",
        "cost_centre",
        "account_code",
        "transaction_type",
        "amount",
        "description",
    ]
    assert recognise(finance, "anything.csv").dataset == "finance"


@pytest.mark.parametrize(
    ("prefix", "encoding", "expected"),
    [(codecs.BOM_UTF8, "utf-8", "utf-8-sig"), (b"", "utf-8", "utf-8"), (b"", "cp1252", "cp1252")],
)
def test_encodings(tmp_path: Path, prefix: bytes, encoding: str, expected: str) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(prefix + "Name,Note\nCafé,£5\n".encode(encoding))
    opened = open_csv(path)
    assert opened.encoding == expected
    assert opened.header == ["Name", "Note"]
    assert [r.values for r in opened.records] == [["Café", "£5"]]
    assert bool(opened.warnings) == (expected == "cp1252")


def test_utf16_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + "a,b\n1,2\n".encode("utf-16-le"))
    assert [r.values for r in open_csv(path).records] == [["1", "2"]]


def test_row_numbers_are_physical_lines_and_malformed_rows_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text('a,b\n1,2\n\n3,"multi\nline"\n4,5,6\n7\n8,"unterminated\n')
    records = list(open_csv(path).records)
    assert [(r.row_number, r.values) for r in records[:2]] == [(2, ["1", "2"]), (4, ["3", "multi\nline"])]
    assert [(r.row_number, r.values is None) for r in records[2:]] == [(6, True), (7, True), (8, True)]


def test_xlsx_rows_use_sheet_numbers_and_dates(tmp_path: Path) -> None:
    import datetime as dt

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Event Start Date", "Unit Cost", None])
    sheet.append([dt.datetime(2024, 4, 1), 23.56])
    sheet.append([None, None])
    sheet.append([dt.date(2024, 5, 2), 1185])
    path = tmp_path / "f.xlsx"
    book.save(path)
    opened = open_extract(path)
    assert opened.header == ["Event Start Date", "Unit Cost"]
    assert [(r.row_number, r.values) for r in opened.records] == [
        (2, ["2024-04-01", "23.56"]),
        (4, ["2024-05-02", "1185"]),
    ]


def test_other_containers_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "f.ods"
    path.write_bytes(b"x")
    with pytest.raises(FileRefused):
        open_extract(path)


def test_builder_writes_r1_headers(tmp_path: Path) -> None:
    path = write_cld(tmp_path / "c.csv", [row()])
    assert path.read_text().splitlines()[0].startswith("LA Code,Reporting Period Start Date")


def test_finance_control_totals_are_recognised() -> None:
    headers = ["la_code", "financial_year", "period_number", "row_count", "ledger_total"]
    assert recognise(headers, "totals.csv").dataset == "finance_control"


def test_finance_ledger_optional_columns_and_period_alternative() -> None:
    required = [
        "transaction_id",
        "la_code",
        "posting_date",
        "cost_centre",
        "account_code",
        "transaction_type",
        "amount",
    ]
    with_period = recognise([*required, "period", "nhs_number", "vat_amount"], "ledger.csv")
    assert with_period.dataset == "finance"
    assert {"period", "nhs_number", "vat_amount"} <= set(with_period.positions)
    assert with_period.unknown_headers == {}
    # Neither the split columns nor `period` is reported missing when the other form is present.
    assert not {"financial_year", "period_number"} & set(with_period.missing_optional)
    with_columns = recognise([*required, "financial_year", "period_number"], "ledger.csv")
    assert "period" not in with_columns.missing_optional and "nhs_number" in with_columns.missing_optional


def test_finance_files_missing_columns_are_refused_with_fin001() -> None:
    with pytest.raises(FileRefused) as refused:
        recognise(["la_code", "financial_year", "period_number", "row_count"], "totals.csv")
    assert refused.value.rule == "FIN001" and "ledger_total" in str(refused.value)
    with pytest.raises(FileRefused) as refused:
        recognise(["la_code", "cost_centre", "account_code", "support_type", "setting", "note"], "map.csv")
    assert refused.value.rule == "FIN001"
    assert "primary_support_reason, age_group" in str(refused.value)


def test_category_map_headers_are_not_taken_for_a_ledger() -> None:
    headers = ["la_code", "cost_centre", "account_code", "support_type", "setting", "primary_support_reason"]
    headers += ["age_group", "include_in_asc"]
    assert recognise(headers, "finance_map.csv").dataset == "finance_category_map"
