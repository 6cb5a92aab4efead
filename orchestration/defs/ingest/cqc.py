"""The CQC care directory (`reference_data.md` §5): finding, reading and validating it.

Two layouts are read, columns always by name (headers pad with empty cells and move between releases):
- (a) the care directory CSV: preamble lines, then `Name, ..., CQC Location ID (for office use only), ...`;
  no beds and no ratings;
- (b) the active-locations workbook with ratings (XLSX, ODS in recent releases): `Location ID, Care home?,
  Care homes beds, ..., Service type - ..., Service user band - ..., Provider ID, ...`.
The header row is the row among the first 20 of a sheet holding the layout's key columns, and the
sheet holding it is the one read, so a CQC file is found before header-set recognition (which takes
row 1 as the header). Workbooks are read with python-calamine (both XLSX and ODS), numbers as text.

The council comes from the `Local authority` / `Location Local Authority` name in dbt (stg_cqc__locations),
through the LA seed names and ref_la_name_aliases: §5 derives it from the postcode through the §4
postcode package, which this project does not install, and names the council text as the fallback.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from orchestration.defs.ingest.cld import ChunkResult, issue_record
from orchestration.defs.ingest.keys import header_key
from orchestration.defs.ingest.reading import FileRefused, OpenedFile, Record, decode_bytes

SCAN_ROWS = 20  # §5: the header row is searched for in the first 20 rows of each sheet

# §5 key columns (header keys) that identify each layout's header row.
LAYOUT_KEYS: dict[str, frozenset[str]] = {
    "a": frozenset({"cqc_location_id_for_office_use_only", "name", "postcode"}),
    "b": frozenset({"location_id", "care_home", "location_inspection_directorate"}),
}

# Canonical column <- header keys per layout (the first present wins).
COLUMN_KEYS: dict[str, dict[str, tuple[str, ...]]] = {
    "a": {
        "location_id": ("cqc_location_id_for_office_use_only",),
        "provider_id": ("cqc_provider_id_for_office_use_only",),
        "location_name": ("name",),
        "provider_name": ("provider_name",),
        "postcode": ("postcode",),
        "local_authority": ("local_authority",),
        "region": ("region",),
        "service_types": ("service_types",),
        "specialisms": ("specialisms_services",),
        "last_checked": ("date_of_latest_check",),
    },
    "b": {
        "location_id": ("location_id",),
        "provider_id": ("provider_id",),
        "location_name": ("location_name",),
        "provider_name": ("provider_name",),
        "postcode": ("location_postal_code",),
        "local_authority": ("location_local_authority",),
        "region": ("location_region",),
        "care_home": ("care_home",),
        "dormant": ("dormant_y_n",),
        "beds": ("care_homes_beds",),
        "location_type": ("location_type_sector",),
        "inspection_directorate": ("location_inspection_directorate",),
        "primary_inspection_category": ("location_primary_inspection_category",),
        "latest_rating": ("location_latest_overall_rating",),
        "publication_date": ("publication_date",),
        "svc_care_home_nursing": ("service_type_care_home_service_with_nursing",),
        "svc_care_home_no_nursing": ("service_type_care_home_service_without_nursing",),
        "svc_domiciliary": ("service_type_domiciliary_care_service",),
        "svc_supported_living": ("service_type_supported_living_service",),
        "svc_extra_care": ("service_type_extra_care_housing_services",),
        "svc_shared_lives": ("service_type_shared_lives",),
        "band_older_people": ("service_user_band_older_people",),
        "band_younger_adults": ("service_user_band_younger_adults",),
        "band_learning_disability_autism": ("service_user_band_learning_disabilities_or_autistic_spectrum_disorder",),
        "band_mental_health": ("service_user_band_mental_health",),
        "band_physical_disability": ("service_user_band_physical_disability",),
        "band_dementia": ("service_user_band_dementia",),
    },
}
CQC_NAMES: tuple[str, ...] = tuple(dict.fromkeys(n for layout in COLUMN_KEYS.values() for n in layout))

# Layout (a) has no flags: its `Service types` text names the care directory's service types.
SERVICE_TYPE_TEXT = {
    "svc_care_home_nursing": "nursing homes",
    "svc_care_home_no_nursing": "residential homes",
    "svc_domiciliary": "homecare agencies",
    "svc_supported_living": "supported living",
    "svc_extra_care": "extra care housing",
    "svc_shared_lives": "shared lives",
}
FLAG_COLUMNS: tuple[str, ...] = tuple(n for n in CQC_NAMES if n.startswith(("svc_", "band_")))

RAW_CQC_SCHEMA: tuple[tuple[str, str], ...] = (
    ("snapshot_date", "DATE"),
    ("layout", "VARCHAR"),  # a (care directory CSV) or b (active locations workbook)
    ("data_source", "VARCHAR"),  # cqc, or synthetic when the preamble says so (demo files)
    ("location_id", "VARCHAR"),
    ("provider_id", "VARCHAR"),
    ("location_name", "VARCHAR"),
    ("provider_name", "VARCHAR"),
    ("postcode", "VARCHAR"),  # a provider's public business address, not personal data
    ("local_authority", "VARCHAR"),  # council name as CQC gives it (resolved to a code in dbt)
    ("region", "VARCHAR"),
    ("is_adult_social_care", "BOOLEAN"),
    ("is_care_home", "BOOLEAN"),
    ("is_dormant", "BOOLEAN"),
    ("beds", "INTEGER"),
    ("location_type", "VARCHAR"),
    ("primary_inspection_category", "VARCHAR"),
    ("latest_rating", "VARCHAR"),
    ("publication_date", "DATE"),
    ("service_types", "VARCHAR"),
    *((name, "BOOLEAN") for name in FLAG_COLUMNS),
)

_MONTHS = {
    m: i
    for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)
}
_DATE_PATTERNS = (
    re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)"),  # ISO
    re.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)"),  # UK d/m/yyyy
    re.compile(r"(?<!\d)(\d{1,2})[ _-]([A-Za-z]{3})[a-z]*[ _-](\d{4})(?!\d)"),  # 1 May 2025, 01_May_2025
)
_RATINGS = {"outstanding": "Outstanding", "good": "Good", "requires improvement": "Requires improvement"}
_RATINGS["inadequate"] = "Inadequate"
_ASC_TYPES = tuple(SERVICE_TYPE_TEXT.values())


@dataclass
class CqcOpenedFile(OpenedFile):
    """An opened CQC directory: the header row found, its layout and what the preamble said."""

    layout: str = "b"
    preamble: list[str] = field(default_factory=list)
    sheet: str | None = None


def find_date(text: str) -> dt.date | None:
    """The first date in a preamble line or file name (ISO, d/m/yyyy or `1 May 2025`)."""
    for number, pattern in enumerate(_DATE_PATTERNS):
        for match in pattern.finditer(text):
            try:
                if number == 0:
                    return dt.date(int(match[1]), int(match[2]), int(match[3]))
                if number == 1:
                    return dt.date(int(match[3]), int(match[2]), int(match[1]))
                month = _MONTHS.get(match[2].lower())
                if month:
                    return dt.date(int(match[3]), month, int(match[1]))
            except ValueError:
                continue
    return None


def header_layout(row: list[str | None]) -> str | None:
    keys = {header_key(c) for c in row if c}
    return next((layout for layout, wanted in LAYOUT_KEYS.items() if wanted <= keys), None)


def _cell_text(value: object) -> str | None:
    """Numbers as text (shortest form), dates as ISO text, blanks as None."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _scan(rows: list[list[str | None]]) -> tuple[int, str] | None:
    for index, row in enumerate(rows[:SCAN_ROWS]):
        layout = header_layout(row)
        if layout:
            return index, layout
    return None


def _csv_head(path: Path) -> list[list[str | None]]:
    """The first rows of a CSV, read from its first 256 KB only (cheap for every landed file)."""
    with path.open("rb") as handle:
        sample = handle.read(1 << 18)
    text = sample.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = text.splitlines()[: SCAN_ROWS + 1]
    try:
        return [list(r) for r in csv.reader(lines)]
    except csv.Error:
        return []


def sniff_cqc(path: Path) -> tuple[str, str | None] | None:
    """(layout, sheet) when a file is a CQC directory; None for any other file."""
    suffix = path.suffix.lower()
    if suffix in {".csv", ".txt"}:
        return (found[1], None) if (found := _scan(_csv_head(path))) else None
    if suffix == ".ods":
        return _sniff_workbook(path)
    if suffix == ".xlsx":
        return _sniff_xlsx(path)
    return None


def _sniff_xlsx(path: Path) -> tuple[str, str | None] | None:
    import openpyxl  # read-only: only the first rows of each sheet are parsed

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # not a workbook we can open: ordinary reading will refuse it
        return None
    try:
        for sheet in book.worksheets:
            head = [[_cell_text(c) for c in row] for row in sheet.iter_rows(max_row=SCAN_ROWS, values_only=True)]
            found = _scan(head)
            if found:
                return found[1], sheet.title
    finally:
        book.close()
    return None


def _sniff_workbook(path: Path) -> tuple[str, str | None] | None:
    try:
        rows_by_sheet = _calamine_sheets(path, SCAN_ROWS)
    except FileRefused:
        return None
    for name, rows in rows_by_sheet.items():
        found = _scan(rows)
        if found:
            return found[1], name
    return None


def _calamine_sheets(
    path: Path, nrows: int | None = None, only: str | None = None
) -> dict[str, list[list[str | None]]]:
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for a corrupt workbook
        raise FileRefused("undecodable", f"cannot open the workbook: {exc}") from exc
    out = {}
    for name in book.sheet_names:
        if only is not None and name != only:
            continue
        sheet = book.get_sheet_by_name(name)
        out[name] = [[_cell_text(c) for c in row] for row in sheet.to_python(skip_empty_area=False, nrows=nrows)]
    return out


def open_cqc(path: Path, layout: str, sheet: str | None) -> CqcOpenedFile:
    """Read the sheet (or CSV) holding the header row; rows above it are the preamble."""
    if path.suffix.lower() in {".csv", ".txt"}:
        text, encoding, warnings = decode_bytes(path.read_bytes())
        rows: list[list[str | None]] = [
            [c if c != "" else None for c in r] for r in csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
        ]
    else:
        encoding, warnings = path.suffix.lower().lstrip("."), []
        rows = _calamine_sheets(path, only=sheet).get(sheet or "", [])
    found = _scan(rows)
    if found is None:
        raise FileRefused("no_header", f"{path.name}: no CQC header row in the first {SCAN_ROWS} rows")
    index, layout = found
    header = [c or "" for c in rows[index]]
    while header and not header[-1].strip():
        header.pop()  # padding cells
    preamble = [" ".join(c for c in row if c) for row in rows[:index]]
    width = len(header)

    def records() -> Iterator[Record]:
        for number, row in enumerate(rows[index + 1 :], start=index + 2):
            cells = [(c.strip() or None) if isinstance(c, str) else c for c in row[:width]]
            if all(c is None for c in cells):
                continue
            yield Record(number, cells + [None] * (width - len(cells)))

    return CqcOpenedFile(header, records(), encoding, warnings, layout=layout, preamble=preamble, sheet=sheet)


def cqc_positions(header: list[str], layout: str) -> dict[str, int]:
    """Canonical name -> column index, by header key; blank or unnamed padding columns are ignored."""
    keys = {header_key(h): i for i, h in reversed(list(enumerate(header))) if h and h.strip()}
    positions = {}
    for name, candidates in COLUMN_KEYS[layout].items():
        index = next((keys[k] for k in candidates if k in keys), None)
        if index is not None:
            positions[name] = index
    return positions


def snapshot_date(opened: CqcOpenedFile, file_name: str, setting: dt.date | None) -> dt.date:
    """§5: a date in the preamble, else in the file name, else the setting `cqc_snapshot_date`."""
    for line in opened.preamble:
        found = find_date(line)
        if found:
            return found
    found = find_date(Path(file_name).stem)
    if found:
        return found
    if setting is not None:
        return setting
    raise FileRefused(
        "CQC001",
        f"{file_name} rejected: the CQC directory's snapshot date is not in its preamble or file name. "
        "Set cqc_snapshot_date (the date the directory was downloaded, YYYY-MM-DD) and load it again.",
        column="cqc_snapshot_date",
    )


def data_source(opened: CqcOpenedFile) -> str:
    """Demo files say `source = synthetic` in their preamble (reference_data.md §1 "Synthetic data")."""
    return "synthetic" if any("synthetic" in line.lower() for line in opened.preamble) else "cqc"


def _flag(value: object) -> bool:
    return isinstance(value, str) and value.strip().upper() in {"Y", "YES", "TRUE"}


def _beds(value: str | None) -> tuple[int | None, bool]:
    """(beds, unreadable): beds are text; a non-numeric value is NULL with a warning (§5)."""
    if value is None:
        return None, False
    text = value.strip().replace(",", "")
    if re.fullmatch(r"\d+(\.0+)?", text):
        return int(float(text)), False
    return None, True


def _date(value: str | None) -> dt.date | None:
    return find_date(value) if value else None


def validate_cqc(frame: pd.DataFrame, layout: str, snapshot: dt.date, source: str, seen: set[str]) -> ChunkResult:
    """Typed rows for raw.cqc_locations; blank or repeated location ids are rejected (CQC002/CQC003)."""
    out = ChunkResult(loaded=pd.DataFrame(), rejected=[], issues=[])
    rows = []
    for record in frame.to_dict("records"):
        row_number = int(record["row_number"])
        value = {n: (None if record.get(n) is None or record.get(n) is pd.NA else str(record[n])) for n in CQC_NAMES}
        location_id = (value["location_id"] or "").strip()
        if not location_id:
            out.rejected.append(
                {"row_number": row_number, "column": "location_id", "rule": "CQC002", "value": None,
                 "message": "the CQC location id is blank"}
            )  # fmt: skip
            continue
        if location_id in seen:
            out.rejected.append(
                {"row_number": row_number, "column": "location_id", "rule": "CQC003", "value": location_id,
                 "message": "the location id repeats an earlier row of the file; the first is kept"}
            )  # fmt: skip
            continue
        seen.add(location_id)
        beds, unreadable = _beds(value["beds"])
        out.checked["beds"] += 1
        if unreadable:
            out.failed[("beds", "number_unparseable")] += 1
            out.issues.append(issue_record(row_number, "beds", "number_unparseable", value["beds"]))
        if layout == "a":
            types = (value["service_types"] or "").lower()
            flags = {n: (SERVICE_TYPE_TEXT[n] in types if n in SERVICE_TYPE_TEXT else None) for n in FLAG_COLUMNS}
            is_care_home = bool(flags["svc_care_home_nursing"] or flags["svc_care_home_no_nursing"])
            is_asc = any(t in types for t in _ASC_TYPES)
            dormant = None
        else:
            flags = {n: _flag(value[n]) for n in FLAG_COLUMNS}
            is_care_home = _flag(value["care_home"])
            is_asc = (value["inspection_directorate"] or "").strip().lower() == "adult social care"
            dormant = _flag(value["dormant"])
        rating = _RATINGS.get((value["latest_rating"] or "").strip().lower()) or (
            value["latest_rating"].strip() if value["latest_rating"] else None
        )
        rows.append(
            {
                "row_number": row_number,
                "snapshot_date": snapshot,
                "layout": layout,
                "data_source": source,
                "location_id": location_id,
                "provider_id": (value["provider_id"] or "").strip() or None,
                "location_name": value["location_name"],
                "provider_name": value["provider_name"],
                "postcode": value["postcode"],
                "local_authority": value["local_authority"],
                "region": value["region"],
                "is_adult_social_care": is_asc,
                "is_care_home": is_care_home,
                "is_dormant": dormant,
                "beds": beds,
                "location_type": value["location_type"],
                "primary_inspection_category": value["primary_inspection_category"],
                "latest_rating": rating,
                "publication_date": _date(value["publication_date"]),
                "service_types": value["service_types"],
                **flags,
            }
        )
    columns = ["row_number", *(n for n, _ in RAW_CQC_SCHEMA)]
    loaded = pd.DataFrame(rows, columns=columns)
    loaded["beds"] = loaded["beds"].astype("Int64")
    out.loaded = loaded
    return out
