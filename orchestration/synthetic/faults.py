"""Fault injection for CLD files, and the fault manifest.

With ``faults = RATE`` about that share of data rows (spread over every CSV file) carries exactly one
fault, recorded in ``fault_manifest.csv`` as ``file,row_number,column,fault,expected_rule,expected_difference``:
``row_number`` is the physical line (header = line 1; blank for file-level faults), ``column`` the
canonical column name. Faults never touch other cells of the row. ``expected_difference`` is blank
except for the finance control differences (``ledger_faults.py``, which also injects the ledger faults).

| fault | what is written | expected rule |
|---|---|---|
| date_unparseable | an impossible date, month 13, a text month or an Excel serial | date_unparseable |
| date_us_order | month-first with day > 12 (``12/25/2024``) | date_unparseable |
| nhs_check_digit | the row's 999 NHS number with a wrong last digit | nhs_number_check_digit |
| missing_mandatory | gender, ethnicity, accommodation, has-unpaid-carer or postcode blanked | mandatory_missing |
| unknown_code | a value in no code list (``Mle``, ``Home Suport``...) | code_not_in_list |
| end_before_start | a request/assessment/review ending before it starts | end_before_start |
| duplicate_row | an exact copy of an earlier row of the file (the copy is listed) | duplicate_row |
| event_after_death | date of death set before the event start | event_after_death |
| missing_column | once per run: a resent file without ``Event Outcome`` | missing_required_column |
| truncated_last_line | once per run: a file whose last line is cut mid-record | malformed_row |
| gl_invalid_code | good-lives file: a goal_status in no list (``Finished``) | GL023 |
| gl_missing_home_answer | good-lives file: a home row without feels_like_home | GL030 |
| gl_us_order_date | good-lives file: a month-first profile_date with day > 12 | GL012 |
| gl_unmatched_person | good-lives file: 3 profiles of people unknown to the case data (rows listed) | GL051 (dbt) |
| gl_duplicate_row | good-lives file: an exact copy of a row, appended (the copy is listed) | GL040 |
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from . import codes, nhs
from .files import IDX, Renderer, RowMeta

EXPECTED_RULE: dict[str, str] = {
    "date_unparseable": "date_unparseable",
    "date_us_order": "date_unparseable",
    "nhs_check_digit": "nhs_number_check_digit",
    "missing_mandatory": "mandatory_missing",
    "unknown_code": "code_not_in_list",
    "end_before_start": "end_before_start",
    "duplicate_row": "duplicate_row",
    "event_after_death": "event_after_death",
    "missing_column": "missing_required_column",
    "truncated_last_line": "malformed_row",
    # finance ledger faults (ledger_faults.py); FIN060 and the control difference are found by dbt
    "finance_exact_duplicate": "FIN050",
    "finance_conflicting_duplicate": "FIN051",
    "finance_date_unparseable": "FIN012",
    "finance_amount_malformed": "FIN020",
    "finance_unmapped_cost_centre": "FIN060",
    "finance_control_difference": "control_totals_hold",
    # good-lives profiles (synthetic/good_lives.py); GL051 is found by dbt (the person is unknown)
    "gl_invalid_code": "GL023",
    "gl_missing_home_answer": "GL030",
    "gl_us_order_date": "GL012",
    "gl_unmatched_person": "GL051",
    "gl_duplicate_row": "GL040",
}
ROW_FAULTS: tuple[str, ...] = (
    "date_unparseable",
    "date_us_order",
    "nhs_check_digit",
    "missing_mandatory",
    "unknown_code",
    "end_before_start",
    "duplicate_row",
    "event_after_death",
)
MANIFEST_HEADER = ("file", "row_number", "column", "fault", "expected_rule", "expected_difference")

MANDATORY_BLANKABLE = ("gender", "ethnicity", "accommodation_status", "has_unpaid_carer", "postcode")
UNKNOWN_CODES: dict[str, tuple[str, ...]] = {
    "gender": ("Mle", "Femail", "M/F"),
    "ethnicity": ("Whte British", "British White"),
    "accommodation_status": ("Owner ocupier", "Living at home"),
    "client_type": ("Servce User", "Client"),
    "service_component": ("Home Suport", "Domicilary Care"),
    "event_outcome": ("NFA - Not known", "Progress to Panel"),
    "delivery_mechanism": ("Personal Budget (Direct)",),
}
_DATE_FIELDS = ("event_start_date", "event_end_date", "date_of_birth", "date_of_death")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_EXCEL_EPOCH = date(1899, 12, 30)


def _check_unknown_codes() -> None:
    known = codes.all_value_keys()
    for field, values in UNKNOWN_CODES.items():
        for v in values:
            assert codes.value_key(v) not in known[field], (field, v)


_check_unknown_codes()


class Manifest:
    """Streams fault rows to ``fault_manifest.csv``; entries are held per file until it is complete."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh = path.open("w", encoding="utf-8", newline="")
        self._w = csv.writer(self._fh, lineterminator="\n")
        self._w.writerow(MANIFEST_HEADER)
        self.counts: dict[str, int] = {}

    def write(self, file: str, row_number: int | None, column: str, fault: str, difference: str = "") -> None:
        row = "" if row_number is None else row_number
        self._w.writerow((file, row, column, fault, EXPECTED_RULE[fault], difference))
        self.counts[fault] = self.counts.get(fault, 0) + 1

    def close(self) -> None:
        self._fh.close()


class FileFaults:
    """The row hook for one file (``files.write_cld_file``)."""

    def __init__(self, file_name: str, rate: float, rng: random.Random) -> None:
        self.file_name = file_name
        self.rate = rate
        self.rng = rng
        self.entries: list[tuple[int, str, str]] = []  # (line, column, fault)
        self._clean: list[list[str]] = []

    def __call__(self, next_line: int, strings: list[str], meta: RowMeta, renderer: Renderer) -> list[list[str]]:
        r = self.rng
        if r.random() >= self.rate:
            self._remember(strings)
            return [strings]
        kinds = list(ROW_FAULTS)
        r.shuffle(kinds)
        for kind in kinds:
            if kind == "duplicate_row":
                if not self._clean:
                    continue
                copy = list(r.choice(self._clean))
                self._remember(strings)
                self.entries.append((next_line + 1, "", kind))
                return [strings, copy]
            faulty = list(strings)
            column = getattr(self, "_" + kind)(faulty, meta, renderer)
            if column is not None:
                self.entries.append((next_line, column, kind))
                return [faulty]
        self._remember(strings)
        return [strings]

    def _remember(self, strings: list[str]) -> None:
        if len(self._clean) < 300:
            self._clean.append(strings)
        else:
            self._clean[self.rng.randrange(300)] = strings

    def finish(self, manifest: Manifest, last_line: int, truncated: bool) -> None:
        for line, column, kind in self.entries:
            if truncated and line == last_line:
                continue  # the truncated line carries only the malformed-row fault
            manifest.write(self.file_name, line, column, kind)
        if truncated:
            manifest.write(self.file_name, last_line, "", "truncated_last_line")

    # ---- one method per fault: edit ``row`` in place, return the column, or None if not applicable ----
    def _typed_date(self, name: str, meta: RowMeta) -> date | None:
        return {
            "event_start_date": meta.start,
            "event_end_date": meta.end,
            "date_of_birth": meta.dob,
            "date_of_death": meta.dod,
        }[name]

    def _date_cells(self, row: list[str], meta: RowMeta) -> list[tuple[str, date]]:
        out = []
        for name in _DATE_FIELDS:
            d = self._typed_date(name, meta)
            text = row[IDX[name]]
            if d is not None and text and text.upper() != "NULL":
                out.append((name, d))
        return out

    def _date_unparseable(self, row: list[str], meta: RowMeta, rd: Renderer) -> str | None:
        cells = self._date_cells(row, meta)
        if not cells:
            return None
        name, d = self.rng.choice(cells)
        iso = rd.f.date_format == "iso"
        style = self.rng.randrange(4)
        if style == 0:  # impossible day
            day, month = (31, 2) if self.rng.random() < 0.5 else (31, self.rng.choice((4, 6, 9, 11)))
            bad = f"{d.year}-{month:02d}-{day:02d}" if iso else f"{day:02d}/{month:02d}/{d.year}"
        elif style == 1:  # month 13
            bad = f"{d.year}-13-{d.day:02d}" if iso else f"{d.day:02d}/13/{d.year}"
        elif style == 2:  # text month
            bad = f"{_MONTHS[d.month - 1]} {d.day} {d.year}"
        else:  # Excel serial in a text column
            bad = str((d - _EXCEL_EPOCH).days)
        row[IDX[name]] = bad
        return name

    def _date_us_order(self, row: list[str], meta: RowMeta, rd: Renderer) -> str | None:
        cells = [(n, d) for n, d in self._date_cells(row, meta) if d.day > 12]
        if not cells:
            return None
        name, d = self.rng.choice(cells)
        row[IDX[name]] = f"{d.month:02d}/{d.day:02d}/{d.year}"
        return name

    def _nhs_check_digit(self, row: list[str], meta: RowMeta, rd: Renderer) -> str | None:
        i = IDX["nhs_number"]
        value = row[i]
        if len(value) != 10 or not value.isdigit():
            return None
        row[i] = nhs.wrong_check_digit(value, self.rng)
        return "nhs_number"

    def _missing_mandatory(self, row: list[str], meta: RowMeta, rd: Renderer) -> str | None:
        options = [n for n in MANDATORY_BLANKABLE if row[IDX[n]].strip() and row[IDX[n]].strip().upper() != "NULL"]
        if not options:
            return None
        name = self.rng.choice(options)
        row[IDX[name]] = ""
        return name

    def _unknown_code(self, row: list[str], meta: RowMeta, rd: Renderer) -> str | None:
        options = [n for n in UNKNOWN_CODES if row[IDX[n]].strip() and row[IDX[n]].strip().upper() != "NULL"]
        if not options:
            return None
        name = self.rng.choice(options)
        row[IDX[name]] = self.rng.choice(UNKNOWN_CODES[name])
        return name

    def _end_before_start(self, row: list[str], meta: RowMeta, rd: Renderer) -> str | None:
        if meta.etype not in ("REQ", "ASM", "REV") or meta.end is None:
            return None
        row[IDX["event_end_date"]] = rd.fmt_date(meta.start - timedelta(days=self.rng.randrange(1, 31)))
        return "event_end_date"

    def _event_after_death(self, row: list[str], meta: RowMeta, rd: Renderer) -> str | None:
        if meta.etype == "KBA" or (meta.start - meta.dob).days < 120:
            return None
        dod = meta.start - timedelta(days=self.rng.randrange(1, 61))
        row[IDX["date_of_death"]] = rd.fmt_date(dod)
        return "date_of_death"
