"""Hand-made finance extracts for tests: ledger rows in the contract's column order
(finance_extract.md §2), control totals and council category-map files, written as CSV."""

from __future__ import annotations

import csv
from pathlib import Path

from orchestration.defs.ingest.contract import FINANCE_CATEGORY_MAP_COLUMNS
from orchestration.synthetic.ledger_model import CONTROL_COLUMNS, FINANCE_COLUMNS

# The column orders a council's finance system exports (finance_extract.md §2, §1, §6): the same
# tuples the demo generator writes and the loader recognises.
LEDGER_COLUMNS = FINANCE_COLUMNS
MAP_COLUMNS = tuple(c.name for c in FINANCE_CATEGORY_MAP_COLUMNS)


def txn(
    transaction_id: str,
    transaction_type: str,
    amount: str,
    cost_centre: str,
    account_code: str,
    posting_date: str,
    period_number: int,
    financial_year: str = "2024-25",
    la_code: str = "E06000005",
    **fields: str,
) -> dict[str, str]:
    """One ledger row; every other column blank unless given."""
    values = dict.fromkeys(LEDGER_COLUMNS, "")
    values.update(
        transaction_id=transaction_id,
        la_code=la_code,
        posting_date=posting_date,
        financial_year=financial_year,
        period_number=str(period_number),
        cost_centre=cost_centre,
        account_code=account_code,
        transaction_type=transaction_type,
        amount=amount,
        **fields,
    )
    return values


def _write(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_ledger(path: Path, rows: list[dict[str, str]]) -> Path:
    return _write(path, LEDGER_COLUMNS, rows)


def write_control(path: Path, rows: list[dict[str, str]]) -> Path:
    return _write(path, CONTROL_COLUMNS, rows)


def write_category_map(path: Path, rows: list[dict[str, str]]) -> Path:
    return _write(path, MAP_COLUMNS, [{**dict.fromkeys(MAP_COLUMNS, ""), **r} for r in rows])
