"""Validate chunks of the finance extracts and shape them for the raw finance tables.

The contract is shared/spec/finance_extract.md (§1 files and money, §2 columns, §3 transaction
types, §5 duplicates, §6 category map, §8 rules). Like the CLD and hospital chunk validators these
are pure functions over a text frame (canonical column names plus `row_number`) returning the
quarantine rows, the field issues and the typed frame to insert; the loader in load.py does the I/O.

Money never passes through float: amounts are parsed to `Decimal` (`parsing.parse_money`) and handed
to DuckDB as canonical text that SQL casts to DECIMAL. Person identifiers are hashed exactly as CLD
hashes them (processing_rules.md §1), so a payment resolves to the same person key as the case data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

import pandas as pd

from orchestration.defs.ingest.cld import ChunkResult
from orchestration.defs.ingest.duplicates import FirstSeen, content_digests, drop_copies
from orchestration.defs.ingest.hashing import Hasher
from orchestration.defs.ingest.parsing import (
    canonical_local_id,
    check_nhs_number,
    map_unique,
    map_unique_fields,
    parse_dates,
    parse_money,
)
from orchestration.defs.ingest.reference import la_codes, resolve_la_code
from orchestration.defs.ingest.rules import rule

# --- §3 transaction types -----------------------------------------------------------------------

EXPENDITURE, CAPITAL, INCOME, NETTED, MEMO, EXCLUDED = (
    "expenditure",
    "capital",
    "income",
    "netted",
    "memo",
    "excluded",
)
BASE_TYPE_CLASS: dict[str, str] = {
    "provider_payment": EXPENDITURE,
    "direct_payment": EXPENDITURE,
    "own_provision": EXPENDITURE,
    "grant_paid": EXPENDITURE,
    "capital_charge": CAPITAL,
    "client_contribution": INCOME,
    "nhs_income": INCOME,
    "joint_arrangement_income": INCOME,
    "other_income": INCOME,
    "inter_authority_income": NETTED,
    "grant_received": MEMO,
    "third_party_top_up": EXCLUDED,
}
# Adjustments take the class of their underlying base type (§3), which they must therefore carry.
ADJUSTMENT_TYPES: frozenset[str] = frozenset({"accrual", "accrual_reversal", "reversal", "credit_note"})
TRANSACTION_TYPES: frozenset[str] = frozenset(BASE_TYPE_CLASS) | ADJUSTMENT_TYPES
# FIN022 (§3): expenditure and capital rows are normally positive; income, inter-authority income and
# specific grants normally negative. Top-ups are excluded from both sides, so either sign is usual.
NORMALLY_POSITIVE: frozenset[str] = frozenset({EXPENDITURE, CAPITAL})
NORMALLY_NEGATIVE: frozenset[str] = frozenset({INCOME, NETTED, MEMO})
# FIN041 (§2): the types expected to name the person they are paid to or collected from.
PERSON_LINKED_TYPES: frozenset[str] = frozenset({"direct_payment", "client_contribution"})

MAX_ID_LENGTH = 64  # §2: transaction_id is text <= 64
VAT_SHARE = Decimal("0.20")  # FIN023: |vat| > 20% x |amount| + £0.01
VAT_SLACK = Decimal("0.01")
# Period p of 1-12 is the month April + p - 1; 13-16 are year-end adjustment periods shown with March.
PERIOD_MONTH: dict[int, int] = {p: (p + 2) % 12 + 1 for p in range(1, 13)}

# Rules whose warning form loads the row (finance_extract.md §8 "error -> rejected / warning").
_WARNING_FORM = {"FIN011": "warning", "FIN013": "warning", "FIN031": "warning"}

# --- raw table columns (the contract of /work/fin_raw_schema.md, after the load metadata) ---------

RAW_FINANCE_SCHEMA: tuple[tuple[str, str], ...] = (
    ("la_code", "VARCHAR"),
    ("la_code_ons", "VARCHAR"),
    ("transaction_id", "VARCHAR"),
    ("posting_date", "DATE"),
    ("financial_year", "VARCHAR"),
    ("period_number", "INTEGER"),
    ("cost_centre", "VARCHAR"),
    ("cost_centre_name", "VARCHAR"),
    ("account_code", "VARCHAR"),
    ("account_name", "VARCHAR"),
    ("description", "VARCHAR"),
    ("nhs_number_hash", "VARCHAR"),
    ("nhs_number_chk", "INTEGER"),
    ("la_person_id_hash", "VARCHAR"),
    ("service_ref", "VARCHAR"),
    ("service_period_start", "DATE"),
    ("service_period_end", "DATE"),
    ("provider_id", "VARCHAR"),
    ("provider_name", "VARCHAR"),
    ("provider_cqc_location_id", "VARCHAR"),
    ("transaction_type", "VARCHAR"),
    ("underlying_type", "VARCHAR"),
    ("reverses_transaction_id", "VARCHAR"),
    ("quantity", "DECIMAL(18,4)"),
    ("unit_type", "VARCHAR"),
    ("unit_rate", "DECIMAL(18,4)"),
    ("amount", "DECIMAL(18,2)"),
    ("vat_amount", "DECIMAL(18,2)"),
    ("source_system", "VARCHAR"),
    ("dq_flags", "VARCHAR"),
)
RAW_FINANCE_CONTROL_SCHEMA: tuple[tuple[str, str], ...] = (
    ("la_code", "VARCHAR"),
    ("la_code_ons", "VARCHAR"),
    ("financial_year", "VARCHAR"),
    ("period_number", "INTEGER"),
    ("row_count", "BIGINT"),
    ("ledger_total", "DECIMAL(18,2)"),
)
RAW_FINANCE_CATEGORY_MAP_SCHEMA: tuple[tuple[str, str], ...] = (
    ("la_code", "VARCHAR"),
    ("cost_centre", "VARCHAR"),
    ("account_code", "VARCHAR"),
    ("effective_from", "DATE"),
    ("effective_to", "DATE"),
    ("support_type", "VARCHAR"),
    ("setting", "VARCHAR"),
    ("primary_support_reason", "VARCHAR"),
    ("age_group", "VARCHAR"),
    ("cost_group", "VARCHAR"),
    ("five_areas_category", "VARCHAR"),
    ("include_in_asc", "BOOLEAN"),
    ("note", "VARCHAR"),
)
# Columns declared NOT NULL in the DDL (the casts above stay plain types).
RAW_NOT_NULL: frozenset[str] = frozenset({"amount"})

# --- §6 / §7 category map lists -------------------------------------------------------------------

SETTINGS_BY_SUPPORT_TYPE: dict[str, frozenset[str]] = {
    "long_term": frozenset(
        {
            "nursing",
            "residential",
            "community_direct_payments",
            "community_home_care",
            "community_supported_living",
            "community_other",
        }
    ),
    "short_term": frozenset({"st_max", "other_short_term"}),
    "other": frozenset(
        {
            "social_support_substance_misuse",
            "social_support_asylum_seeker",
            "social_support_carer_direct_payments",
            "social_support_carer_other",
            "social_support_isolation_other",
            "assistive_equipment_technology",
            "social_care_activities",
            "information_early_intervention",
            "commissioning_service_delivery",
        }
    ),
    # System values (§6): only with support type not_applicable.
    "not_applicable": frozenset({"unmapped", "excluded_non_asc"}),
}
SUPPORT_TYPES: frozenset[str] = frozenset(SETTINGS_BY_SUPPORT_TYPE)
SETTINGS: frozenset[str] = frozenset().union(*SETTINGS_BY_SUPPORT_TYPE.values())
PRIMARY_SUPPORT_REASONS: frozenset[str] = frozenset(
    {
        "physical",
        "sensory",
        "memory_cognition",
        "learning_disability",
        "mental_health",
        "from_person",
        "not_applicable",
    }
)
AGE_GROUPS: frozenset[str] = frozenset({"18_64", "65_plus", "from_person", "not_applicable"})
COST_GROUPS: frozenset[str] = frozenset({"direct", "ssmss"})
FIVE_AREAS: frozenset[str] = frozenset(
    {
        "1_stay_well_connected",
        "2_live_at_home",
        "3_day_and_work",
        "4_care_and_home",
        "5_regain_independence",
        "enabling",
        "unclassified",
    }
)
# Non-SALT rules (§6) carry PSR and age group not_applicable; so do the system settings.
NON_SALT_SUPPORT_TYPES: frozenset[str] = frozenset({"other", "not_applicable"})
WILDCARD = "*"
BOOLEANS: dict[str, bool] = {"true": True, "false": False}


@dataclass(frozen=True)
class FinanceContext:
    file_name: str
    date_formats: tuple[str, ...]
    allow_test_nhs_numbers: bool
    la_code_ons: str | None  # resolved once the file's LA is known (one LA per file)
    hasher: Hasher


@dataclass
class LedgerChunk(ChunkResult):
    # row_number, financial_year, period_number, amount_pence (Int64) for every row whose amount
    # parsed, kept or not: §8 item 4 reports the file's parseable total against what was loaded.
    amounts: pd.DataFrame = field(default_factory=pd.DataFrame)


# --- value parsing (pure, one value at a time; mapped once per distinct value) ---------------------

_FINANCIAL_YEAR = re.compile(r"^(\d{4})\s*[-/]\s*(\d{2}|\d{4})$")


def normalise_financial_year(value: str) -> str | None:
    """§2: `YYYY-YY` whose second part is the first + 1; `2024/25` and `2024-2025` read as `2024-25`."""
    match = _FINANCIAL_YEAR.match(value.strip())
    if match is None:
        return None
    first, second = int(match[1]), match[2]
    following = first + 1
    if int(second) != (following % 100 if len(second) == 2 else following):
        return None
    return f"{first}-{following % 100:02d}"


def parse_period_number(value: str) -> int | None:
    """§2: a whole number 1-16 (`03` is 3); anything else is None (FIN014)."""
    text = value.strip()
    if not re.fullmatch(r"\d{1,2}", text):
        return None
    number = int(text)
    return number if 1 <= number <= 16 else None


def split_period(value: str) -> tuple[str, str | None]:
    """§2: a single `period` column `2024-25/03` -> (`2024-25`, `03`); validated like the two columns."""
    head, separator, tail = value.strip().rpartition("/")
    return (head.strip(), tail.strip() or None) if separator else (value.strip(), None)


@lru_cache(maxsize=4096)
def la_validity(code: str, day: dt.date) -> str:
    """reference_data.md §3: 'valid' on the day; 'successor' when the code only starts later but
    succeeds the code valid on the day (a council resubmitting history under its new code: a
    warning); otherwise 'invalid' (FIN011)."""
    known = la_codes()

    def valid(candidate: str) -> bool:
        return any(
            (i.effective_from is None or i.effective_from <= day) and (i.effective_to is None or day <= i.effective_to)
            for i in known.get(candidate, [])
        )

    if valid(code):
        return "valid"
    if any(code in i.successor_codes and valid(c) for c, intervals in known.items() for i in intervals):
        return "successor"
    return "invalid"


def _money_fields(places: int) -> Callable[[str], tuple[str | None, str | None, int | None]]:
    """(canonical text, failure reason, value in 1/10^places units) for map_unique_fields."""

    def fields(value: str) -> tuple[str | None, str | None, int | None]:
        number, failure = parse_money(value, places, 18 - places)
        if number is None:
            return None, failure, None
        return str(number), None, int(number.scaleb(places))

    return fields


# --- building quarantine and issue rows ----------------------------------------------------------


def _text(value: object) -> str | None:
    return None if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)) else str(value)


def _reject(
    out: ChunkResult,
    rows: pd.Series,
    mask: pd.Series,
    column: str,
    code: str,
    values: pd.Series,
    message: str,
) -> None:
    """Quarantine rows in mask under `code`; `{value}` in the message is the submitted text."""
    if not mask.any():
        return
    for row_number, value in zip(rows[mask], values[mask], strict=True):
        text = _text(value)
        out.rejected.append(
            {
                "row_number": int(row_number),
                "column": column,
                "rule": code,
                "value": text,
                "message": message.format(value=repr(text) if text is not None else "blank"),
            }
        )


def _flag(
    out: ChunkResult,
    rows: pd.Series,
    mask: pd.Series,
    column: str,
    code: str,
    values: pd.Series,
    message: str | None = None,
    chk: pd.Series | None = None,
) -> None:
    """Record a warning or info issue (the row loads) for each row in mask."""
    if not mask.any():
        return
    spec = rule(code)
    severity = _WARNING_FORM.get(code, spec.severity)
    out.failed[(column, code)] += int(mask.sum())
    checks = chk[mask] if chk is not None else pd.Series(spec.chk, index=rows[mask].index, dtype="object")
    for row_number, value, check in zip(rows[mask], values[mask], checks, strict=True):
        out.issues.append(
            {
                "row_number": int(row_number),
                "column": column,
                "rule": code,
                "severity": severity,
                "chk": None if check is None or pd.isna(check) else int(check),
                "value": _text(value),
                "message": message or spec.description,
            }
        )


def _dq_flags(rows: pd.Series, issues: list[dict[str, object]]) -> list[str | None]:
    """';'-joined sorted codes of each row's issues, None when it has none."""
    flags: dict[int, set[str]] = {}
    for issue in issues:
        flags.setdefault(int(issue["row_number"]), set()).add(str(issue["rule"]))
    return [";".join(sorted(flags[r])) if r in flags else None for r in rows]


def _as_dates(values: pd.Series) -> pd.Series:
    """datetime64 -> Python dates with None for NaT (DuckDB reads the object column as DATE)."""
    dates = values.dt.date.astype(object)
    dates[values.isna()] = None
    return dates


def _formats(date_formats: tuple[str, ...]) -> str:
    return " or ".join("YYYY-MM-DD" if f == "iso" else "DD/MM/YYYY" for f in date_formats)


def _parse_date_column(
    out: ChunkResult, frame: pd.DataFrame, name: str, date_formats: tuple[str, ...], code: str
) -> tuple[pd.Series, pd.Series]:
    """Parse a date column with the LA's pinned formats; unparseable values reject the row under code."""
    result = parse_dates(frame[name], date_formats)
    failed = result.failures.notna()
    _reject(
        out,
        frame["row_number"],
        failed,
        name,
        code,
        frame[name],
        f"{name} {{value}} is not a date in the accepted formats ({_formats(date_formats)})",
    )
    return result.values, failed


# --- transactions ---------------------------------------------------------------------------------


def _year_and_period(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The financial year and period text, split from `period` where the two columns are blank (§2)."""
    year, number = frame["financial_year"], frame["period_number"]
    if frame["period"].notna().any():
        head, tail = map_unique_fields(frame["period"], split_period, 2)
        year = year.where(year.notna(), head)
        number = number.where(number.notna(), tail)
    return year, number


def validate_transactions(frame: pd.DataFrame, ctx: FinanceContext) -> LedgerChunk:
    """Validate a chunk of ledger rows (§2, §3, §8); return quarantine rows, issues and the typed frame."""
    out = LedgerChunk(loaded=pd.DataFrame(), rejected=[], issues=[])
    rows = frame["row_number"]
    blank = frame.isna()

    # 1. Row errors (§8 "error -> rejected"): every failing rule is recorded, the row counts once.
    transaction_id = frame["transaction_id"]
    too_long = transaction_id.fillna("").str.len() > MAX_ID_LENGTH
    _reject(out, rows, blank["transaction_id"], "transaction_id", "FIN010", transaction_id, "transaction_id is blank")
    _reject(
        out,
        rows,
        too_long,
        "transaction_id",
        "FIN010",
        transaction_id,
        f"transaction_id is longer than {MAX_ID_LENGTH} characters",
    )
    _reject(out, rows, blank["la_code"], "la_code", "FIN011", frame["la_code"], "la_code is blank")

    _reject(out, rows, blank["posting_date"], "posting_date", "FIN012", frame["posting_date"], "posting_date is blank")
    posting, posting_bad = _parse_date_column(out, frame, "posting_date", ctx.date_formats, "FIN012")
    start, start_bad = _parse_date_column(out, frame, "service_period_start", ctx.date_formats, "FIN012")
    end, end_bad = _parse_date_column(out, frame, "service_period_end", ctx.date_formats, "FIN012")

    year_text, number_text = _year_and_period(frame)
    year = map_unique(year_text, normalise_financial_year)
    year_bad = year.isna()
    number = map_unique(number_text, parse_period_number)
    number_bad = number.isna()
    # A failure is reported against the column the value came from, `period` where it was split.
    for source, split in (("financial_year", False), ("period", True)):
        from_period = frame["financial_year"].isna() & frame["period"].notna()
        mask = from_period if split else ~from_period
        _reject(
            out,
            rows,
            year_bad & mask,
            source,
            "FIN013",
            frame[source] if split else year_text,
            f"{source} {{value}} does not give a financial year YYYY-YY with the second year the first + 1",
        )
        from_period = frame["period_number"].isna() & frame["period"].notna()
        mask = from_period if split else ~from_period
        _reject(
            out,
            rows,
            number_bad & mask,
            source if split else "period_number",
            "FIN014",
            frame[source] if split else number_text,
            f"{source if split else 'period_number'} {{value}} does not give a period number from 1 to 16",
        )

    for name in ("cost_centre", "account_code"):
        _reject(
            out,
            rows,
            blank[name],
            name,
            "required_value_missing",
            frame[name],
            f"{name} is blank; a posting cannot be categorised without it",
        )

    transaction_type = map_unique(frame["transaction_type"], str.lower)
    type_bad = ~transaction_type.isin(TRANSACTION_TYPES)
    _reject(
        out,
        rows,
        type_bad,
        "transaction_type",
        "FIN030",
        frame["transaction_type"],
        "transaction_type {value} is not a code of finance_extract.md §3",
    )
    underlying = map_unique(frame["underlying_type"], str.lower)
    adjustment = transaction_type.isin(ADJUSTMENT_TYPES)
    underlying_bad = adjustment & ~underlying.isin(BASE_TYPE_CLASS)
    _reject(
        out,
        rows,
        underlying_bad,
        "underlying_type",
        "FIN031",
        frame["underlying_type"],
        "an adjustment needs a base underlying_type (§3); got {value}",
    )

    amount, _, amount_pence = map_unique_fields(frame["amount"], _money_fields(2), 3)
    amount_bad = amount.isna()
    _reject(
        out,
        rows,
        amount_bad,
        "amount",
        "FIN020",
        frame["amount"],
        "amount {value} is not money with at most 2 decimal places (§1)",
    )

    # FIN011: the code must be a CASSR code valid on the posting date (the file's LA is known to
    # the seed: the loader refuses a file with an unknown or second code before this runs).
    la_code = map_unique(frame["la_code"], lambda v: v.strip().upper())
    validity = pd.Series(None, index=frame.index, dtype="object")
    dated = posting.notna() & la_code.notna()
    if dated.any():
        days = posting[dated].dt.date
        validity[dated] = [la_validity(c, d) for c, d in zip(la_code[dated], days, strict=True)]
    _reject(
        out,
        rows,
        validity == "invalid",
        "la_code",
        "FIN011",
        frame["la_code"],
        "la_code {value} is not a CASSR code valid on the posting date",
    )

    reject = (
        blank["transaction_id"]
        | too_long
        | blank["la_code"]
        | blank["posting_date"]
        | posting_bad
        | start_bad
        | end_bad
        | year_bad
        | number_bad
        | blank["cost_centre"]
        | blank["account_code"]
        | type_bad
        | underlying_bad
        | amount_bad
        | (validity == "invalid")
    )
    # Every parseable amount, rejected or not, for the §8 item 4 totals.
    parsed = amount_pence.notna()
    out.amounts = pd.DataFrame(
        {
            "row_number": rows[parsed].astype("int64"),
            "financial_year": year[parsed],
            "period_number": number[parsed].astype("Int64"),
            "amount_pence": amount_pence[parsed].astype("int64"),
        }
    )

    keep = ~reject
    frame, rows = frame[keep], rows[keep]
    posting, start, end = posting[keep], start[keep], end[keep]
    year, number, la_code, validity = year[keep], number[keep], la_code[keep], validity[keep]
    transaction_type, underlying, amount = transaction_type[keep], underlying[keep], amount[keep]
    for name in frame.columns:
        if name != "row_number":
            out.checked[name] += len(frame)

    # 2. Field warnings and info (§8): the row loads with the codes in dq_flags.
    _flag(
        out,
        rows,
        validity == "successor",
        "la_code",
        "FIN011",
        frame["la_code"],
        "la_code starts after the posting date; taken as the successor of the code valid then",
    )
    year_start = pd.to_datetime(year.str[:4] + "-04-01")
    outside = (posting < year_start) | (posting >= year_start + pd.DateOffset(years=1))
    _flag(
        out,
        rows,
        outside,
        "posting_date",
        "FIN013",
        frame["posting_date"],
        "posting_date is outside the financial year",
    )
    month = number.map(PERIOD_MONTH)
    _flag(out, rows, month.notna() & (posting.dt.month != month), "posting_date", "FIN015", frame["posting_date"])

    value = map_unique(amount, Decimal)
    _flag(out, rows, value == 0, "amount", "FIN021", frame["amount"])
    # An adjustment takes the class of its underlying type (§3); FIN022 is about base rows only,
    # because reversals, credit notes and accrual reversals are negative by nature.
    type_class = transaction_type.map(BASE_TYPE_CLASS)
    unusual = (type_class.isin(NORMALLY_POSITIVE) & (value < 0)) | (type_class.isin(NORMALLY_NEGATIVE) & (value > 0))
    _flag(out, rows, unusual, "amount", "FIN022", frame["amount"])

    base_with_underlying = ~transaction_type.isin(ADJUSTMENT_TYPES) & frame["underlying_type"].notna()
    _flag(
        out,
        rows,
        base_with_underlying,
        "underlying_type",
        "FIN031",
        frame["underlying_type"],
        "a base transaction_type carries an underlying_type; it is ignored (stored as null)",
    )
    underlying = underlying.where(~base_with_underlying, None)

    optional_numbers: dict[str, pd.Series] = {}
    for name, places in (("vat_amount", 2), ("quantity", 4), ("unit_rate", 4)):
        text, failure, _ = map_unique_fields(frame[name], _money_fields(places), 3)
        _flag(
            out,
            rows,
            failure.notna(),
            name,
            "number_unparseable",
            frame[name],
            f"{name} is not a number with at most {places} decimal places; loaded as null",
        )
        optional_numbers[name] = text
    vat = map_unique(optional_numbers["vat_amount"], Decimal)
    has_vat = vat.notna()
    vat_high = pd.Series(False, index=frame.index)
    if has_vat.any():
        vat_high[has_vat] = [
            abs(v) > VAT_SHARE * abs(a) + VAT_SLACK for v, a in zip(vat[has_vat], value[has_vat], strict=True)
        ]
    _flag(out, rows, vat_high, "vat_amount", "FIN023", frame["vat_amount"])

    # Identity (processing_rules.md §1, as CLD): a valid NHS number hashed as its 10 digits, a local
    # id as `<ONS LA code>_<canonical id>`; an invalid NHS number is flagged and never used.
    def nhs_fields(text: str) -> tuple[int, str | None]:
        check = check_nhs_number(text, ctx.allow_test_nhs_numbers)
        return check.chk, check.number if check.chk > 0 else None

    nhs_chk, nhs_valid = map_unique_fields(frame["nhs_number"], nhs_fields, 2)
    nhs_chk = nhs_chk.fillna(0).astype("int64")
    _flag(out, rows, nhs_chk < 0, "nhs_number", "FIN040", frame["nhs_number"], chk=nhs_chk)
    local_ids = map_unique(frame["person_local_id"], canonical_local_id)
    effective_type = transaction_type.where(~transaction_type.isin(ADJUSTMENT_TYPES), underlying)
    unlinked = effective_type.isin(PERSON_LINKED_TYPES) & local_ids.isna() & nhs_valid.isna()
    _flag(out, rows, unlinked, "person_local_id", "FIN041", frame["person_local_id"])

    backwards = start.notna() & end.notna() & (end < start)
    _flag(out, rows, backwards, "service_period_end", "FIN043", frame["service_period_end"])
    start, end = start.where(~backwards), end.where(~backwards)

    # 3. The typed frame for raw.finance_transactions.
    prefix = (ctx.la_code_ons or "") + "_"
    typed = pd.DataFrame(index=frame.index)
    typed["row_number"] = rows.astype("int64")
    typed["la_code"] = la_code
    typed["la_code_ons"] = ctx.la_code_ons
    typed["transaction_id"] = frame["transaction_id"]
    typed["posting_date"] = _as_dates(posting)
    typed["financial_year"] = year
    typed["period_number"] = number.astype("Int64")
    typed["cost_centre"] = map_unique(frame["cost_centre"], str.upper)
    typed["cost_centre_name"] = frame["cost_centre_name"]
    typed["account_code"] = map_unique(frame["account_code"], str.upper)
    typed["account_name"] = frame["account_name"]
    typed["description"] = frame["description"]
    typed["nhs_number_hash"] = map_unique(nhs_valid, ctx.hasher.hash)
    typed["nhs_number_chk"] = nhs_chk
    typed["la_person_id_hash"] = map_unique(local_ids, lambda v: ctx.hasher.hash(prefix + v))
    typed["service_ref"] = frame["service_ref"]
    typed["service_period_start"] = _as_dates(start)
    typed["service_period_end"] = _as_dates(end)
    typed["provider_id"] = frame["provider_id"]
    typed["provider_name"] = frame["provider_name"]
    typed["provider_cqc_location_id"] = frame["provider_cqc_location_id"]
    typed["transaction_type"] = transaction_type
    typed["underlying_type"] = underlying
    typed["reverses_transaction_id"] = frame["reverses_transaction_id"]
    typed["quantity"] = optional_numbers["quantity"]
    typed["unit_type"] = frame["unit_type"]
    typed["unit_rate"] = optional_numbers["unit_rate"]
    typed["amount"] = amount
    typed["vat_amount"] = optional_numbers["vat_amount"]
    typed["source_system"] = frame["source_system"]
    typed["dq_flags"] = _dq_flags(typed["row_number"], out.issues)
    out.loaded = typed
    return out


# --- §5 duplicates within one file ----------------------------------------------------------------

# Every typed column except the row number and the flags derived from it: "all fields equal".
_CONTENT_COLUMNS = tuple(name for name, _ in RAW_FINANCE_SCHEMA if name != "dq_flags")


class DuplicateTracker:
    """First-seen row of each la_code + transaction_id across the chunks of one file (§5)."""

    def __init__(self) -> None:
        self._seen = FirstSeen()

    def classify(self, loaded: pd.DataFrame) -> list[dict[str, object]]:
        """Rejections for the copies among `loaded` (FIN050 exact, FIN051 conflicting); the first stays."""
        if loaded.empty:
            return []
        keys = (f"{la}\x1f{tid}" for la, tid in zip(loaded["la_code"], loaded["transaction_id"], strict=True))
        copies = self._seen.copies(loaded["row_number"], keys, content_digests(loaded, _CONTENT_COLUMNS))
        rejected: list[dict[str, object]] = []
        for position, row_number, first_row, exact in copies:
            transaction_id = loaded["transaction_id"].iloc[position]
            rejected.append(
                {
                    "row_number": row_number,
                    "column": "transaction_id",
                    "rule": "FIN050" if exact else "FIN051",
                    "value": transaction_id,
                    "message": (
                        f"exact copy of row {first_row} (same la_code and transaction_id, all fields equal); "
                        f"row {first_row} kept, row {row_number} quarantined"
                        if exact
                        else f"transaction_id {transaction_id!r} is on rows {first_row} and {row_number} with "
                        f"different values; row {first_row} kept, row {row_number} quarantined"
                    ),
                }
            )
        return rejected


def drop_duplicates(chunk: LedgerChunk, tracker: DuplicateTracker) -> list[dict[str, object]]:
    """Move the §5 copies out of the chunk's loaded rows and issues; returns their rejections."""
    duplicates = tracker.classify(chunk.loaded)
    drop_copies(chunk, duplicates)
    return duplicates


# --- control totals -------------------------------------------------------------------------------


def validate_control(frame: pd.DataFrame, la_code_ons: str | None) -> ChunkResult:
    """Control totals (§1, §8 identity 3): rows with an unreadable key or number are rejected."""
    out = ChunkResult(loaded=pd.DataFrame(), rejected=[], issues=[])
    rows = frame["row_number"]
    _reject(out, rows, frame["la_code"].isna(), "la_code", "FIN011", frame["la_code"], "la_code is blank")
    year = map_unique(frame["financial_year"], normalise_financial_year)
    _reject(
        out,
        rows,
        year.isna(),
        "financial_year",
        "FIN013",
        frame["financial_year"],
        "financial_year {value} is not YYYY-YY with the second year the first + 1",
    )
    number = map_unique(frame["period_number"], parse_period_number)
    _reject(
        out,
        rows,
        number.isna(),
        "period_number",
        "FIN014",
        frame["period_number"],
        "period_number {value} is not a whole number from 1 to 16",
    )
    count = map_unique(frame["row_count"], lambda v: int(v) if re.fullmatch(r"\d+", v.strip()) else None)
    _reject(
        out,
        rows,
        count.isna(),
        "row_count",
        "integer_invalid",
        frame["row_count"],
        "row_count {value} is not a whole number of rows",
    )
    total, _, _ = map_unique_fields(frame["ledger_total"], _money_fields(2), 3)
    _reject(
        out,
        rows,
        total.isna(),
        "ledger_total",
        "FIN020",
        frame["ledger_total"],
        "ledger_total {value} is not money with at most 2 decimal places (§1)",
    )
    keep = ~(frame["la_code"].isna() | year.isna() | number.isna() | count.isna() | total.isna())
    typed = pd.DataFrame(index=frame.index[keep])
    typed["row_number"] = rows[keep].astype("int64")
    typed["la_code"] = map_unique(frame["la_code"][keep], lambda v: v.strip().upper())
    typed["la_code_ons"] = la_code_ons
    typed["financial_year"] = year[keep]
    typed["period_number"] = number[keep].astype("Int64")
    typed["row_count"] = count[keep].astype("Int64")
    typed["ledger_total"] = total[keep]
    out.loaded = typed
    return out


# --- category map (§6) ----------------------------------------------------------------------------


def _normalise_code(value: str) -> str:
    return value.strip().upper()


def _lower(value: str) -> str:
    return value.strip().lower()


def validate_category_map(frame: pd.DataFrame, date_formats: tuple[str, ...]) -> ChunkResult:
    """A council's category map rules (§6, §7): lists, pairings, dates, include_in_asc, la_code.

    A map may hold rules for several LAs or for any LA (blank la_code), so no one-LA guard applies.
    """
    out = ChunkResult(loaded=pd.DataFrame(), rejected=[], issues=[])
    rows = frame["row_number"]
    reject = pd.Series(False, index=frame.index)

    la_text = frame["la_code"]
    la_ons = map_unique(la_text, resolve_la_code)
    unknown_la = la_text.notna() & la_ons.isna()
    _reject(
        out,
        rows,
        unknown_la,
        "la_code",
        "map_la_code_unknown",
        la_text,
        "la_code {value} is not a council code in the LA seed (E06/E08/E09/E10); leave it blank for any LA",
    )
    reject |= unknown_la

    codes: dict[str, pd.Series] = {}
    for name in ("cost_centre", "account_code"):
        codes[name] = map_unique(frame[name], _normalise_code)
        missing = frame[name].isna()
        _reject(
            out,
            rows,
            missing,
            name,
            "required_value_missing",
            frame[name],
            f"{name} is blank; use an exact code or *",
        )
        reject |= missing
    catch_all = la_text.isna() & (codes["cost_centre"] == WILDCARD) & (codes["account_code"] == WILDCARD)
    _reject(
        out,
        rows,
        catch_all,
        "cost_centre",
        "map_catch_all",
        frame["cost_centre"],
        "a blank-LA rule with cost_centre and account_code both * is forbidden: it would hide unmapped codes (§6)",
    )
    reject |= catch_all

    lists = (
        ("support_type", SUPPORT_TYPES, True),
        ("setting", SETTINGS, True),
        ("primary_support_reason", PRIMARY_SUPPORT_REASONS, True),
        ("age_group", AGE_GROUPS, True),
        ("cost_group", COST_GROUPS, False),
        ("five_areas_category", FIVE_AREAS, False),
    )
    values: dict[str, pd.Series] = {}
    for name, allowed, required in lists:
        values[name] = map_unique(frame[name], _lower)
        if required:
            missing = frame[name].isna()
            _reject(out, rows, missing, name, "required_value_missing", frame[name], f"{name} is blank")
            reject |= missing
        bad = values[name].notna() & ~values[name].isin(allowed)
        _reject(
            out,
            rows,
            bad,
            name,
            "map_value_not_in_list",
            frame[name],
            f"{name} {{value}} is not one of: {', '.join(sorted(allowed))}",
        )
        reject |= bad

    support, setting = values["support_type"], values["setting"]
    known_pair = support.isin(SUPPORT_TYPES) & setting.isin(SETTINGS)
    mismatch = known_pair & pd.Series(
        [s not in SETTINGS_BY_SUPPORT_TYPE.get(t or "", frozenset()) for t, s in zip(support, setting, strict=True)],
        index=frame.index,
        dtype="bool",
    )
    _reject(
        out,
        rows,
        mismatch,
        "setting",
        "map_setting_mismatch",
        frame["setting"],
        "setting {value} does not belong to the rule's support_type (§6 settings table)",
    )
    reject |= mismatch
    non_salt = support.isin(NON_SALT_SUPPORT_TYPES)
    for name in ("primary_support_reason", "age_group"):
        breakdown = (
            non_salt & values[name].isin(PRIMARY_SUPPORT_REASONS | AGE_GROUPS) & (values[name] != "not_applicable")
        )
        _reject(
            out,
            rows,
            breakdown,
            name,
            "map_non_salt_breakdown",
            frame[name],
            f"a non-SALT rule (support_type other or not_applicable) takes {name} not_applicable, not {{value}}",
        )
        reject |= breakdown

    dates: dict[str, pd.Series] = {}
    for name in ("effective_from", "effective_to"):
        result = parse_dates(frame[name], date_formats)
        failed = result.failures.notna()
        for row_number, value, code in zip(rows[failed], frame[name][failed], result.failures[failed], strict=True):
            out.rejected.append(
                {
                    "row_number": int(row_number),
                    "column": name,
                    "rule": code,
                    "value": value,
                    "message": f"{name} {value!r} is not a date in the accepted formats ({_formats(date_formats)})",
                }
            )
        reject |= failed
        dates[name] = result.values
    backwards = dates["effective_from"].notna() & dates["effective_to"].notna()
    backwards &= dates["effective_to"] < dates["effective_from"]
    _reject(
        out,
        rows,
        backwards,
        "effective_to",
        "map_dates_backwards",
        frame["effective_to"],
        "effective_to {value} is before effective_from",
    )
    reject |= backwards

    include = map_unique(frame["include_in_asc"], lambda v: BOOLEANS.get(_lower(v)))
    include_bad = frame["include_in_asc"].notna() & include.isna()
    _reject(
        out,
        rows,
        include_bad,
        "include_in_asc",
        "map_boolean_invalid",
        frame["include_in_asc"],
        "include_in_asc {value} is not true or false (blank means true)",
    )
    reject |= include_bad

    keep = ~reject
    typed = pd.DataFrame(index=frame.index[keep])
    typed["row_number"] = rows[keep].astype("int64")
    typed["la_code"] = la_ons[keep]
    typed["cost_centre"] = codes["cost_centre"][keep]
    typed["account_code"] = codes["account_code"][keep]
    for name in ("effective_from", "effective_to"):
        typed[name] = _as_dates(dates[name][keep])
    for name, _, _ in lists:
        typed[name] = values[name][keep]
    # §6: blank include_in_asc means true.
    typed["include_in_asc"] = include[keep].where(include[keep].notna(), True).astype(bool)
    typed["note"] = frame["note"][keep]
    out.loaded = typed
    return out
