"""CQC care directory (reference_data.md §5): header-row scan, both layouts, beds and flags, the
snapshot date rule (preamble, file name, setting, else refusal naming the setting), rows_in =
rows_loaded + rows_rejected, other files still recognised as before, and the demo generator's files."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pytest

from conftest import make_settings
from orchestration.defs.ingest.cqc import find_date, sniff_cqc
from orchestration.defs.ingest.load import LoadResult, load_file
from orchestration.defs.ingest.store import ensure_schema
from orchestration.synthetic.place import CSV_HEADER, XLSX_HEADER
from orchestration.synthetic.xlsx import write_xlsx


def connect(tmp_path: Path, **env: str) -> tuple[duckdb.DuckDBPyConnection, object]:
    settings = make_settings(tmp_path / "wh", **env)
    settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.duckdb_path))
    ensure_schema(con)
    return con, settings


def write_csv(path: Path, preamble: list[str], rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        for line in preamble:
            writer.writerow([line] if line else [])
        writer.writerow(CSV_HEADER)
        writer.writerows(rows)
    return path


def csv_row(location_id: str, types: str, la: str = "Darlington") -> list[str]:
    return [f"Home {location_id}", "", "1 Road", "DL1 1AA", "", "", types, "01/02/2024", "", "Prov", la, "", "",
            location_id, "1-999"]  # fmt: skip


def xlsx_row(location_id: str, care_home: str, beds: object, rating: str, nursing: str = "", dom: str = "") -> list:
    values = {
        "Location ID": location_id,
        "Dormant (Y/N)": "N",
        "Care home?": care_home,
        "Location Name": f"Home {location_id}",
        "Care homes beds": beds,
        "Location Inspection Directorate": "Adult social care",
        "Location Latest Overall Rating": rating,
        "Location Local Authority": "Darlington",
        "Service type - Care home service with nursing": nursing,
        "Service type - Domiciliary care service": dom,
        "Provider ID": "1-1",
    }
    return [values.get(h) for h in XLSX_HEADER]


def test_dates_in_preamble_text() -> None:
    assert find_date("Data as at 1 March 2024") == dt.date(2024, 3, 1)
    assert find_date("snapshot 2025-03-01") == dt.date(2025, 3, 1)
    assert find_date("as at 05/04/2025") == dt.date(2025, 4, 5)
    assert find_date("cqc_directory_01_May_2025") == dt.date(2025, 5, 1)
    assert find_date("no date here") is None


def test_layout_a_csv_with_preamble_loads(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "in" / "directory.csv",
        ["Care directory with filters", "Data as at 1 March 2024", "", ""],
        [csv_row("1-1", "Nursing homes, Residential homes"), csv_row("1-2", "Homecare agencies"),
         csv_row("", "Homecare agencies"), csv_row("1-2", "Homecare agencies")],
    )  # fmt: skip
    assert sniff_cqc(path) == ("a", None)
    con, settings = connect(tmp_path)
    result: LoadResult = load_file(con, path, settings)
    assert (result.dataset, result.status) == ("cqc_directory", "loaded"), result.message
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (4, 2, 2)
    assert con.execute("SELECT row_number, rule FROM quarantine.rejected_rows ORDER BY 1").fetchall() == [
        (8, "CQC002"),
        (9, "CQC003"),
    ]
    rows = con.execute(
        "SELECT location_id, snapshot_date, layout, is_care_home, svc_care_home_nursing, svc_domiciliary, beds, "
        "latest_rating, is_dormant FROM raw.cqc_locations ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("1-1", dt.date(2024, 3, 1), "a", True, True, False, None, None, None),
        ("1-2", dt.date(2024, 3, 1), "a", False, False, True, None, None, None),
    ]


def test_layout_b_workbook_beds_flags_and_the_snapshot_setting(tmp_path: Path) -> None:
    path = tmp_path / "in" / "active_locations.xlsx"
    path.parent.mkdir(parents=True)
    width = len(XLSX_HEADER)
    rows = [
        [],
        list(XLSX_HEADER),
        xlsx_row("1-10", "Y", 40, "Good", nursing="Y"),
        xlsx_row("1-11", "Y", "about 30", "requires improvement"),
        xlsx_row("1-12", "N", None, "Outstanding", dom="Y"),
    ]
    write_xlsx(path, ["Active locations"] + [""] * (width - 1), rows, sheet_name="HSCA_Active_Locations")
    assert sniff_cqc(path) == ("b", "HSCA_Active_Locations")
    con, settings = connect(tmp_path)
    refused = load_file(con, path, settings)
    assert (refused.status, refused.rule) == ("refused", "CQC001")
    assert "cqc_snapshot_date" in (refused.message or "")
    con.close()
    con, settings = connect(tmp_path / "again", ASCW_CQC_SNAPSHOT_DATE="2025-03-01")
    result = load_file(con, path, settings)
    assert (result.status, result.rows_in, result.rows_loaded, result.rows_rejected) == ("loaded", 3, 3, 0)
    assert result.rows_flagged == 1  # unreadable beds: NULL with a warning
    rows = con.execute(
        "SELECT location_id, snapshot_date, is_care_home, beds, latest_rating, svc_care_home_nursing, svc_domiciliary, "
        "is_dormant, is_adult_social_care FROM raw.cqc_locations ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("1-10", dt.date(2025, 3, 1), True, 40, "Good", True, False, False, True),
        ("1-11", dt.date(2025, 3, 1), True, None, "Requires improvement", False, False, False, True),
        ("1-12", dt.date(2025, 3, 1), False, None, "Outstanding", False, True, False, True),
    ]
    issues = con.execute('SELECT row_number, "column", rule, severity FROM quarantine.row_issues').fetchall()
    assert issues == [(5, "beds", "number_unparseable", "warning")]


def test_other_files_are_not_taken_for_a_directory(tmp_path: Path) -> None:
    path = tmp_path / "place.csv"
    path.write_text("la_code,year,indicator_code,value\nE06000005,2024-25,asc_budget_net,1\n")
    assert sniff_cqc(path) is None


@pytest.mark.parametrize("layout", ["csv", "xlsx"])
def test_demo_generator_directory_loads(tmp_path: Path, layout: str) -> None:
    from orchestration.synthetic.model import LAData, Provider
    from orchestration.synthetic.place import write_cqc_directory

    data = LAData.__new__(LAData)
    data.providers = [
        Provider("SUP00001", "Ash Care Home", "1-100", "care_home", "DL1 1AA"),
        Provider("SUP00002", "Oak Home Care Ltd", "1-200", "home_care", "DL1 1AB"),
        Provider("SUP00003", "Community Meals", None, "meals", "DL1 1AC"),
    ]
    paths = write_cqc_directory(tmp_path, data, "E06000005", "Darlington", [2023, 2024], 42)
    path = next(p for p in paths if p.suffix == f".{layout}")
    con, settings = connect(tmp_path)
    result = load_file(con, path, settings)
    assert (result.status, result.rows_loaded) == ("loaded", 2), result.message
    ids = con.execute("SELECT location_id, data_source, snapshot_date FROM raw.cqc_locations ORDER BY 1").fetchall()
    snapshot = dt.date(2024, 3, 1) if layout == "csv" else dt.date(2025, 3, 1)
    assert ids == [("1-100", "synthetic", snapshot), ("1-200", "synthetic", snapshot)]
