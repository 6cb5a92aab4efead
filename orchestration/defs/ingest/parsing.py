"""Value parsing with pinned formats (`cld_extract.md` §4.3, §4.4, §7).

Vectorised over pandas Series of text so a 50,000-row chunk is parsed in one pass per column.
Nothing here guesses: a date is ISO `YYYY-MM-DD` or UK `DD/MM/YYYY`, or it is rejected with a
reason; US month-first dates are never swapped into shape.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd

ISO_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
UK_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
# Two-digit years and separator-less digit runs cannot be read without guessing.
AMBIGUOUS_RE = re.compile(r"^(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}|\d{6}|\d{8})$")

DATE_RULE_AMBIGUOUS = "date_ambiguous"
DATE_RULE_UNPARSEABLE = "date_unparseable"


@dataclass(frozen=True)
class ParsedDates:
    values: pd.Series  # datetime64 (NaT where blank or failed)
    failures: pd.Series  # rule code where a non-blank value failed, else None


def map_unique(series: pd.Series, func: Callable[[Any], Any]) -> pd.Series:
    """Apply `func` once per distinct non-null value: codes, dates and ids repeat on most rows."""
    return map_unique_fields(series, lambda v: (func(v),), 1)[0]


def map_unique_fields(series: pd.Series, func: Callable[[Any], tuple[Any, ...]], width: int) -> list[pd.Series]:
    """Like map_unique for a function returning a tuple: one Series per tuple position.

    Each result is mapped from the original (string) values, so pandas hashes plain strings in C
    rather than Python objects.
    """
    present = series.dropna()
    results = {value: func(value) for value in pd.unique(present)} if len(present) else {}
    out = []
    for position in range(width):
        mapped = series.map({value: result[position] for value, result in results.items()}).astype("object")
        out.append(mapped.where(mapped.notna(), None))
    return out


def normalise_text(series: pd.Series, null_tokens: tuple[str, ...] = ("NULL",)) -> pd.Series:
    """Trim; blank, whitespace-only and the null tokens (any case) become real nulls."""
    tokens = {t.lower() for t in null_tokens}

    def clean(value: str) -> str | None:
        text = value.strip()
        return None if not text or text.lower() in tokens else text

    return map_unique(series.astype("object"), clean)


def parse_date(value: str, formats: tuple[str, ...] = ("iso", "uk")) -> tuple[dt.date | None, str | None]:
    """One text date in a pinned format -> (date, None), or (None, rule code) when it fails."""
    for fmt, pattern, order in (("iso", ISO_RE, (0, 1, 2)), ("uk", UK_RE, (2, 1, 0))):
        if fmt not in formats:
            continue
        match = pattern.match(value)
        if match:
            year, month, day = (int(match.group(i + 1)) for i in order)
            try:
                return dt.date(year, month, day), None
            except ValueError:
                return None, DATE_RULE_UNPARSEABLE
    return None, DATE_RULE_AMBIGUOUS if AMBIGUOUS_RE.match(value) else DATE_RULE_UNPARSEABLE


def parse_dates(series: pd.Series, formats: tuple[str, ...] = ("iso", "uk")) -> ParsedDates:
    """Parse a text Series with the pinned formats; report `date_ambiguous`/`date_unparseable`."""
    dates, failures = map_unique_fields(series, lambda v: parse_date(v, formats), 2)
    values = pd.to_datetime(dates, errors="coerce")
    return ParsedDates(values=values, failures=failures)


_NUMBER_RE = re.compile(r"^-?\d+(?:\.\d+)?$")


def clean_number(value: str | None) -> str | None:
    """Strip `£` and thousands separators; return canonical text or None when not a number."""
    if value is None:
        return None
    text = value.strip()
    negative = text.startswith("-")
    text = text.lstrip("-").strip().lstrip("£").strip().replace(",", "")
    if not _NUMBER_RE.match(text):
        return None
    try:
        Decimal(text)
    except InvalidOperation:  # pragma: no cover - regex already guarantees a decimal
        return None
    return f"-{text}" if negative else text


def parse_numbers(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return (canonical number text or None, mask of present-but-unparseable values)."""
    cleaned = map_unique(series, clean_number)
    return cleaned, series.notna() & cleaned.isna()


# --- Money (finance_extract.md §1) -----------------------------------------------------------

MONEY_UNPARSEABLE = "unparseable"
MONEY_TOO_PRECISE = "too_many_decimal_places"
MONEY_TOO_LARGE = "too_large"

# Digits with correctly placed thousands separators (`1,234,567.89`) or none (`1234567.89`, `.5`).
# `12,50` is not accepted: it is a decimal comma, and reading it as 1,250 would be a guess.
_MONEY_BODY = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_MONEY_SIGNED = re.compile(rf"^(?P<neg>-)?\s*£?\s*(?P<body>{_MONEY_BODY})$")
_MONEY_PARENS = re.compile(rf"^\(\s*£?\s*(?P<body>{_MONEY_BODY})\s*\)$")


def parse_money(value: str, places: int = 2, integer_digits: int = 16) -> tuple[Decimal | None, str | None]:
    """One money text -> (Decimal, None), or (None, reason); never through float.

    finance_extract.md §1: a leading `-` or `£`, thousands separators and a negative in parentheses
    `(12.50)` are accepted; more than `places` decimal places (as written) or any other text is not.
    XLSX numbers reach here as their shortest repr (`reading._cell_text`), so `0.30000000000000004`
    fails the places check instead of being rounded into shape. `integer_digits` keeps the value
    inside its DECIMAL(18, places) column.
    """
    text = value.strip()
    match = _MONEY_SIGNED.match(text)
    negative = bool(match and match["neg"])
    if match is None:
        match = _MONEY_PARENS.match(text)
        negative = match is not None
    if match is None:
        return None, MONEY_UNPARSEABLE
    number = Decimal(match["body"].replace(",", ""))
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        return None, MONEY_TOO_PRECISE
    if abs(number) >= Decimal(10) ** integer_digits:
        return None, MONEY_TOO_LARGE
    number = number.quantize(Decimal(1).scaleb(-places))
    # -0.00 is stored as 0.00: a sign on zero means nothing in a ledger.
    return (-number if negative and number else number), None


# --- NHS numbers (cld_extract.md §7) ---------------------------------------------------------

NHS_OK = 1
NHS_BLANK = 0
NHS_FORMAT = -3
NHS_INVALID = -6
_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


@dataclass(frozen=True)
class NhsCheck:
    chk: int  # 1 valid, 0 blank, -3 not 10 digits, -6 check digit / repeated digit / test range
    number: str | None  # the 10 digits when the format is right
    rule: str | None  # rule code when it fails
    message: str | None


def nhs_check_digit(first_nine: str) -> int | None:
    """The modulus-11 check digit for nine digits, or None when no valid digit exists (check 10)."""
    total = sum(int(d) * w for d, w in zip(first_nine, _WEIGHTS, strict=True))
    check = 11 - (total % 11)
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def check_nhs_number(value: str | None, allow_test_numbers: bool = False) -> NhsCheck:
    """Validate one NHS number: format, modulus 11, repeated digits and the 999 test range."""
    if value is None or not value.strip():
        return NhsCheck(NHS_BLANK, None, None, None)
    digits = re.sub(r"[\s\-]", "", value)
    if not re.fullmatch(r"\d{10}", digits):
        return NhsCheck(NHS_FORMAT, None, "nhs_number_format", "NHS number is not 10 digits")
    expected = nhs_check_digit(digits[:9])
    if expected is None or expected != int(digits[9]):
        return NhsCheck(NHS_INVALID, digits, "nhs_number_check_digit", "NHS number fails the modulus-11 check")
    if len(set(digits)) == 1:
        return NhsCheck(NHS_INVALID, digits, "nhs_number_repeated_digit", "NHS number is one repeated digit")
    if digits.startswith("999") and not allow_test_numbers:
        return NhsCheck(NHS_INVALID, digits, "nhs_number_test_range", "test NHS number (999 range)")
    return NhsCheck(NHS_OK, digits, None, None)


# --- Postcodes --------------------------------------------------------------------------------

_POSTCODE_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")


def postcode_sector(value: str | None) -> str | None:
    """Reduce a full postcode to its sector (`DL1 1AA` -> `DL1 1`); None when not a postcode."""
    if value is None:
        return None
    compact = re.sub(r"\s+", "", value.upper())
    if not _POSTCODE_RE.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3]}"


def canonical_local_id(value: str | None) -> str | None:
    """processing_rules.md §12: trimmed, internal whitespace removed, leading zeros and case kept."""
    if value is None:
        return None
    compact = re.sub(r"\s+", "", value)
    return compact or None
