"""Validate the optional place-inputs file (`reference_data.md` §7) for `raw.place_inputs`.

Long layout `la_code, year, indicator_code, value, unit, event_date, source, note`: values a council
supplies because the warehouse cannot derive them (budget, labour market, land, politics, dated
policy events; `context.md` (f)). They are shown as supplied and never imputed, so ingest only
checks that a row can be shown honestly:
- PLC001: the indicator code is not in the `place_indicators` seed. §7 calls this "a warning and
  ignored"; the row is quarantined (not loaded) so rows_in = rows_loaded + rows_rejected holds.
- PLC002: a number / percent / money indicator whose value is not a number is rejected (§7).
- PLC003: a policy event without a readable event_date is rejected (§7 "needs event_date").
- PLC004: a year that is neither a financial year `YYYY-YY` nor a calendar year `YYYY`.
- PLC005: la_code blank or not a council in the LA seed (a file may hold several councils).
Several councils may share one file (e.g. a regional comparison), so there is no one-LA guard.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pandas as pd

from orchestration.defs.ingest.cld import ChunkResult
from orchestration.defs.ingest.contract import PLACE_INPUTS_COLUMNS
from orchestration.defs.ingest.finance import normalise_financial_year
from orchestration.defs.ingest.parsing import clean_number, parse_date
from orchestration.defs.ingest.reference import resolve_la_code
from orchestration.settings import SEEDS_DIR

# Columns of raw.place_inputs after the load metadata, with their DuckDB types.
RAW_PLACE_INPUTS_SCHEMA: tuple[tuple[str, str], ...] = (
    ("la_code", "VARCHAR"),  # as submitted
    ("la_code_ons", "VARCHAR"),  # resolved through the LA seed (a recode follows to its successor)
    ("year", "VARCHAR"),  # as submitted (YYYY-YY or YYYY)
    ("financial_year", "VARCHAR"),  # YYYY-YY the value is shown against (a calendar year YYYY -> YYYY-YY+1)
    ("indicator_code", "VARCHAR"),
    ("indicator_type", "VARCHAR"),  # number | percent | money | text | event (from the seed)
    ("value_number", "DECIMAL(18,4)"),  # numeric types only, exact from the submitted text
    ("value_text", "VARCHAR"),  # text and event types: the value as supplied
    ("unit", "VARCHAR"),
    ("event_date", "DATE"),
    ("source", "VARCHAR"),
    ("note", "VARCHAR"),
)

PLACE_INPUT_COLUMNS: tuple[str, ...] = tuple(c.name for c in PLACE_INPUTS_COLUMNS)
NUMERIC_TYPES = frozenset({"number", "percent", "money"})

_CALENDAR_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    type: str
    landscape_variable: str
    unit: str


@lru_cache(maxsize=4)
def place_indicators(seeds_dir: Path = SEEDS_DIR) -> dict[str, Indicator]:
    """The `place_indicators` seed (reference_data.md §7), keyed by code."""
    with (seeds_dir / "place" / "place_indicators.csv").open(newline="", encoding="utf-8") as handle:
        return {
            row["code"]: Indicator(row["code"], row["label"], row["type"], row["landscape_variable"], row["unit"])
            for row in csv.DictReader(handle)
        }


def place_financial_year(value: str | None) -> str | None:
    """§7 `year`: a financial year (`2024-25`, also `2024/25`) or a calendar year `YYYY`.

    A calendar year is shown against the financial year that starts in it (2024 -> 2024-25): that
    year holds nine of its twelve months. Anything else is None (PLC004).
    """
    if value is None:
        return None
    text = value.strip()
    match = _CALENDAR_YEAR.match(text)
    if match:
        first = int(match[1])
        return f"{first}-{(first + 1) % 100:02d}" if 1990 <= first <= 2100 else None
    return normalise_financial_year(text)


def parse_place_number(value: str | None) -> Decimal | None:
    """A supplied number: `£` and thousands separators stripped, a trailing `%` allowed; else None."""
    if value is None:
        return None
    text = value.strip().removesuffix("%").strip()
    cleaned = clean_number(text)
    if cleaned is None:
        return None
    number = Decimal(cleaned)
    # DECIMAL(18,4): 14 integer digits at most
    return number.quantize(Decimal("0.0001")) if abs(number) < Decimal(10) ** 14 else None


def _text(value: object) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    return str(value)


def _reject(row_number: int, column: str, code: str, value: str | None, message: str) -> dict[str, object]:
    return {"row_number": row_number, "column": column, "rule": code, "value": value, "message": message}


def validate_place_inputs(
    frame: pd.DataFrame, date_formats: tuple[str, ...], indicators: dict[str, Indicator] | None = None
) -> ChunkResult:
    """Validate a chunk of text rows: each row either loads typed or is quarantined once (first failure)."""
    known = place_indicators() if indicators is None else indicators
    out = ChunkResult(loaded=pd.DataFrame(), rejected=[], issues=[])
    rows: list[dict[str, object]] = []
    for record in frame.to_dict("records"):
        row_number = int(record["row_number"])
        values = {name: _text(record.get(name)) for name in PLACE_INPUT_COLUMNS}
        code = (values["indicator_code"] or "").strip().lower()
        la_code = values["la_code"]
        year = place_financial_year(values["year"])
        indicator = known.get(code)
        event_date, date_failure = (
            parse_date(values["event_date"], date_formats) if values["event_date"] else (None, None)
        )
        ons = resolve_la_code(la_code) if la_code else None
        problem: tuple[str, str, str] | None = None
        if indicator is None:
            problem = ("indicator_code", "PLC001", f"indicator_code {code or 'blank'!r} is not in place_indicators")
        elif ons is None:
            problem = ("la_code", "PLC005", "la_code is blank or not a council code in the LA seed")
        elif year is None:
            problem = ("year", "PLC004", "year is neither a financial year YYYY-YY nor a calendar year YYYY")
        elif date_failure is not None:
            problem = ("event_date", date_failure, "event_date is in no pinned date format")
        elif indicator.type == "event" and event_date is None:
            problem = ("event_date", "PLC003", f"{code} needs an event_date")
        elif indicator.type in NUMERIC_TYPES and parse_place_number(values["value"]) is None:
            problem = ("value", "PLC002", f"{code} is a {indicator.type} indicator; the value is not a number")
        elif indicator.type == "text" and values["value"] is None:
            problem = ("value", "PLC002", f"{code} has no value")
        if problem is not None:
            column, rule_code, message = problem
            out.rejected.append(_reject(row_number, column, rule_code, values[column], message))
            continue
        assert indicator is not None
        numeric = indicator.type in NUMERIC_TYPES
        rows.append(
            {
                "row_number": row_number,
                "la_code": (la_code or "").strip().upper(),
                "la_code_ons": ons,
                "year": (values["year"] or "").strip(),
                "financial_year": year,
                "indicator_code": code,
                "indicator_type": indicator.type,
                "value_number": str(parse_place_number(values["value"])) if numeric else None,
                "value_text": None if numeric else values["value"],
                "unit": values["unit"] or indicator.unit,
                "event_date": event_date,
                "source": values["source"],
                "note": values["note"],
            }
        )
    columns = ["row_number", *(name for name, _ in RAW_PLACE_INPUTS_SCHEMA)]
    out.loaded = pd.DataFrame(rows, columns=columns)
    return out
