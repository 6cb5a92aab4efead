"""Reading files into records with physical row numbers (`cld_extract.md` §4.1).

Decoding happens here, in Python: a BOM decides (UTF-8 or UTF-16); without one, strict UTF-8, else
Windows-1252 with a file-level warning. CSV records carry the physical line on which they start
(header = row 1) so a row number matches what a spreadsheet shows; XLSX rows carry the sheet row.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

csv.field_size_limit(10_000_000)


class FileRefused(Exception):
    """The whole file is refused; `rule` is the audit rule code and the message names what to fix."""

    def __init__(self, rule: str, message: str, column: str | None = None) -> None:
        super().__init__(message)
        self.rule = rule
        self.column = column


@dataclass(frozen=True)
class Record:
    row_number: int
    values: list[str | None] | None  # None when the record could not be parsed
    problem: str | None = None  # why a record is malformed


@dataclass
class OpenedFile:
    header: list[str]
    records: Iterator[Record]
    encoding: str
    warnings: list[str]


def detect_encoding(sample: bytes, pinned: str | None = None) -> tuple[str, list[str]]:
    """Choose the decoder: pinned setting, then BOM, then strict UTF-8, else Windows-1252."""
    if pinned:
        return pinned, []
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", []
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", []
    return "utf-8", []


def decode_bytes(data: bytes, pinned: str | None = None) -> tuple[str, str, list[str]]:
    """Decode a whole file; returns (text, encoding used, warnings)."""
    encoding, warnings = detect_encoding(data[:4], pinned)
    try:
        return data.decode(encoding), encoding, warnings
    except UnicodeDecodeError as exc:
        if pinned or encoding != "utf-8":
            raise FileRefused("undecodable", f"cannot decode the file as {encoding}: {exc.reason}") from exc
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise FileRefused("undecodable", "the file is neither UTF-8 nor Windows-1252 text") from exc
    return text, "cp1252", ["file is not UTF-8; decoded as Windows-1252"]


def _csv_records(text: str, width: int) -> Iterator[Record]:
    """Yield CSV data records with the physical line each starts on; wrong widths are malformed."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    next(reader, None)  # header already read
    start_line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Record(start_line, None, f"unreadable CSV record: {exc}")
            return
        line = start_line
        start_line = reader.line_num + 1
        if not row or (len(row) == 1 and row[0] == ""):
            continue  # blank line: no record
        if len(row) != width:
            yield Record(line, None, f"record has {len(row)} fields, header has {width}")
            continue
        yield Record(line, [v if v != "" else None for v in row])


def open_csv(path: Path, pinned_encoding: str | None = None) -> OpenedFile:
    text, encoding, warnings = decode_bytes(path.read_bytes(), pinned_encoding)
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise FileRefused("no_header", "the file has no header row") from exc
    if not any(h.strip() for h in header):
        raise FileRefused("no_header", "the file has no header row")
    return OpenedFile(header, _csv_records(text, len(header)), encoding, warnings)


def _cell_text(value: object) -> str | None:
    """XLSX cells typed as dates are taken as dates (ISO text); numbers keep their shortest form."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def open_xlsx(path: Path, sheet_name: str | None = None) -> OpenedFile:
    import openpyxl  # imported lazily: only XLSX loads pay for it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a corrupt workbook
        raise FileRefused("undecodable", f"cannot open the workbook: {exc}") from exc
    if sheet_name and sheet_name not in book.sheetnames:
        raise FileRefused("no_header", f"sheet {sheet_name!r} not found; sheets: {book.sheetnames}")
    sheet = book[sheet_name] if sheet_name else book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    first = next(rows, None)
    if first is None or not any(c is not None and str(c).strip() for c in first):
        book.close()
        raise FileRefused("no_header", "the first sheet has no header row")
    # Trailing empty header cells are padding, not columns.
    header = [str(c) if c is not None else "" for c in first]
    while header and not header[-1].strip():
        header.pop()
    width = len(header)

    def records() -> Iterator[Record]:
        try:
            for number, row in enumerate(rows, start=2):
                cells = [_cell_text(c) for c in row[:width]]
                if all(c is None or not c.strip() for c in cells):
                    continue
                extra = [c for c in row[width:] if c is not None and str(c).strip()]
                if extra:
                    yield Record(number, None, f"record has values beyond the {width} header columns")
                    continue
                yield Record(number, cells + [None] * (width - len(cells)))
        finally:
            book.close()

    return OpenedFile(header, records(), "xlsx", [])


def open_extract(path: Path, pinned_encoding: str | None = None, sheet_name: str | None = None) -> OpenedFile:
    """Open a CSV or XLSX extract; anything else is refused."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return open_xlsx(path, sheet_name)
    if suffix in {".csv", ".txt"}:
        return open_csv(path, pinned_encoding)
    raise FileRefused("unsupported_container", f"{path.name}: only .csv and .xlsx extracts are accepted")
