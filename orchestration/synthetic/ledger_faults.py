"""Fault injection for the finance ledger files (finance_extract.md §11), with their control differences.

Applied to each ``finance_<la>_<YYYY-YY>.csv`` after it and its control file are written, and only
with ``faults > 0``: the demo ledger never passes through here, so its bytes do not change. The
counts are fixed per ledger file, not the CLD row rate: a ledger has tens of thousands of rows, and
every rejected posting moves the period's control totals, so a few of each kind is what a test needs.

| fault | what is written | expected rule |
|---|---|---|
| finance_exact_duplicate | an exact copy of an earlier row, later in the file (the copy is listed) | FIN050 |
| finance_conflicting_duplicate | an earlier row's id again, amount amended (the second row is listed) | FIN051 |
| finance_date_unparseable | an impossible ``posting_date`` (31 February, month 13, text month, Excel serial) | FIN012 |
| finance_amount_malformed | an ``amount`` with 3 dp, a letter O for a zero, a decimal comma or ``#VALUE!`` | FIN020 |
| finance_unmapped_cost_centre | cost centre ``ZZ999`` (no category rule) on a few block-booked payments | FIN060 |
| finance_control_difference | a faulted period's control line: the expected loaded − control | control_totals_hold |

**Control totals stay what the finance system holds.** A malformed date or amount is an export fault
of a real posting, so the control file still counts it: the period's loaded total then differs from
the control total by exactly the rejected rows, and the blocking identity 3 (§8, the
``control_totals_hold`` test on ``int_finance__ledger_checks``) fails for those periods by design.
Each such period is listed twice, on its control-file line: ``row_count`` with the difference in rows
and ``ledger_total`` with the difference in £, both loaded − control as ``control_difference`` shows
it. A duplicate was never a posting (the first row is kept, so nothing changes), and ZZ999 only
recodes a posting (FIN060 is found by dbt in ``marts.finance_unmapped_codes``, not at load).

Rows are chosen so the deliberate reconciliation mismatches (``finance_expected_mismatches.csv``)
stay exactly the listed ones: rejected and recoded rows are general-ledger postings without a person
link or ``service_ref`` (outside finance_extract.md §9), and a duplicate's first row always loads.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from .faults import Manifest
from .ledger_model import FINANCE_COLUMNS, money, quote

EXACT_DUPLICATES = 3
CONFLICTING_DUPLICATES = 2
BAD_DATES = 3
BAD_AMOUNTS = 3
UNMAPPED_ROWS = 3
UNMAPPED_CENTRE = "ZZ999"
UNMAPPED_CENTRE_NAME = "Miscellaneous - to be coded"

_COL = {name: i for i, name in enumerate(FINANCE_COLUMNS)}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_EXCEL_EPOCH = date(1899, 12, 30)
# Expenditure types a general-ledger row may carry and still be recoded to a cost centre of spend.
_SPEND_TYPES = ("provider_payment", "own_provision", "grant_paid")


@dataclass
class _Row:
    text: str  # the physical line without its terminator
    fault: str | None = None  # manifest fault of this line, None when clean
    column: str = ""


def _fields(line: str) -> list[str]:
    return next(csv.reader([line]))


def _line(fields: list[str]) -> str:
    return ",".join(quote(f) for f in fields)


def _pence(text: str) -> int:
    return int(Decimal(text).scaleb(2))


def _is_general_ledger(fields: list[str]) -> bool:
    """A general-ledger posting outside the finance ↔ case reconciliation (no person, no service_ref)."""
    return (
        fields[_COL["source_system"]] == "Oracle"
        and not fields[_COL["service_ref"]]
        and not fields[_COL["person_local_id"]]
        and not fields[_COL["reverses_transaction_id"]]
    )


def _bad_date(text: str, rng: random.Random) -> str:
    """An impossible posting date in the file's own format (ISO or UK day-first)."""
    iso = "-" in text
    d = date.fromisoformat(text) if iso else date(int(text[6:10]), int(text[3:5]), int(text[0:2]))
    style = rng.randrange(4)
    if style == 0:  # a day the month does not have
        day, month = (31, 2) if rng.random() < 0.5 else (31, rng.choice((4, 6, 9, 11)))
        return f"{d.year}-{month:02d}-{day:02d}" if iso else f"{day:02d}/{month:02d}/{d.year}"
    if style == 1:  # month 13
        return f"{d.year}-13-{d.day:02d}" if iso else f"{d.day:02d}/13/{d.year}"
    if style == 2:  # a text month
        return f"{_MONTHS[d.month - 1]} {d.day} {d.year}"
    return str((d - _EXCEL_EPOCH).days)  # an Excel serial in a text column


def _bad_amount(text: str, rng: random.Random) -> str:
    """Money the §1 rules reject: 3 dp, a letter O for a zero, a decimal comma, a spreadsheet error."""
    style = rng.randrange(4)
    if style == 0:
        return text + str(rng.randrange(1, 10))
    if style == 1 and "0" in text:
        i = text.index("0")
        return text[:i] + "O" + text[i + 1 :]
    if style == 2:
        return text.replace(".", ",")
    return "#VALUE!"


def inject_ledger_faults(
    fin_path: Path, ctl_path: Path, manifest: Manifest, rng: random.Random
) -> dict[int, tuple[int, int]]:
    """Rewrite one ledger file with its faults and list them (and the control differences) in the manifest.

    Returns the expected loaded − control difference per period, as (rows, pence).
    """
    lines = fin_path.read_bytes().decode("utf-8").split("\r\n")
    header, body = lines[0], [_Row(t) for t in lines[1:] if t]
    parsed = [_fields(r.text) for r in body]
    used: set[int] = set()

    def pick(pool: list[int], n: int) -> list[int]:
        chosen = rng.sample(pool, min(n, len(pool)))
        used.update(chosen)
        return sorted(chosen)

    general = [i for i, f in enumerate(parsed) if _is_general_ledger(f)]
    blocks = [i for i in general if parsed[i][_COL["transaction_type"]] == "provider_payment"]
    if len(blocks) < UNMAPPED_ROWS:  # no block-booked beds this year: other general-ledger spend
        blocks = [i for i in general if parsed[i][_COL["transaction_type"]] in _SPEND_TYPES]
    for i in pick(blocks, UNMAPPED_ROWS):
        fields = parsed[i]
        fields[_COL["cost_centre"]] = UNMAPPED_CENTRE
        fields[_COL["cost_centre_name"]] = UNMAPPED_CENTRE_NAME
        body[i] = _Row(_line(fields), "finance_unmapped_cost_centre", "cost_centre")

    # Rejected rows: real postings the export garbled; the control file still counts them.
    differences: dict[int, tuple[int, int]] = {}
    rejectable = [i for i in general if i not in used]
    for kind, column, count in (
        ("finance_date_unparseable", "posting_date", BAD_DATES),
        ("finance_amount_malformed", "amount", BAD_AMOUNTS),
    ):
        for i in pick([i for i in rejectable if i not in used], count):
            fields = list(parsed[i])
            if kind == "finance_date_unparseable":
                fields[_COL["posting_date"]] = _bad_date(fields[_COL["posting_date"]], rng)
            else:
                fields[_COL["amount"]] = _bad_amount(fields[_COL["amount"]], rng)
            body[i] = _Row(_line(fields), kind, column)
            period = int(parsed[i][_COL["period_number"]])
            rows, pence = differences.get(period, (0, 0))
            differences[period] = (rows - 1, pence - _pence(parsed[i][_COL["amount"]]))

    # Duplicates: a later second row for an id whose first row loads (that first row is kept).
    copies: list[tuple[int, _Row]] = []
    clean = [i for i in range(len(body)) if i not in used]
    for i in pick(clean, EXACT_DUPLICATES):
        copy = _Row(body[i].text, "finance_exact_duplicate", "transaction_id")
        copies.append((rng.randrange(i + 1, len(body) + 1), copy))
    for i in pick([i for i in clean if i not in used], CONFLICTING_DUPLICATES):
        fields = list(parsed[i])
        fields[_COL["amount"]] = money(_pence(fields[_COL["amount"]]) + rng.randrange(1_000, 5_000))
        fields[_COL["description"]] += " (amended)"
        copy = _Row(_line(fields), "finance_conflicting_duplicate", "transaction_id")
        copies.append((rng.randrange(i + 1, len(body) + 1), copy))
    for position, row in sorted(copies, key=lambda c: c[0], reverse=True):
        body.insert(position, row)

    with fin_path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(header + "\r\n")
        for row in body:
            fh.write(row.text + "\r\n")
    for line_no, row in enumerate(body, start=2):
        if row.fault is not None:
            manifest.write(fin_path.name, line_no, row.column, row.fault)
    _list_control_differences(ctl_path, differences, manifest)
    return differences


def _list_control_differences(ctl_path: Path, differences: dict[int, tuple[int, int]], manifest: Manifest) -> None:
    """One manifest entry per faulted period for row_count and for ledger_total, on its control line."""
    with ctl_path.open(encoding="utf-8", newline="") as fh:
        records = list(csv.DictReader(fh))
    for line_no, record in enumerate(records, start=2):
        period = int(record["period_number"])
        if period not in differences:
            continue
        rows, pence = differences[period]
        manifest.write(ctl_path.name, line_no, "row_count", "finance_control_difference", str(rows))
        manifest.write(ctl_path.name, line_no, "ledger_total", "finance_control_difference", money(pence))
