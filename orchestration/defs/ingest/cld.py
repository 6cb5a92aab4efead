"""Validate one chunk of CLD rows and shape it for `raw.cld_events`.

Pure functions over a pandas frame of text (canonical column names, `row_number`). The result says
which rows are rejected (quarantine), which field checks failed on loaded rows (flags), and the
typed frame to insert. Identifiers are reduced here, before anything is stored: NHS numbers and
local ids become keyed hashes, dates of birth year and month, postcodes their sector.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd

from orchestration.defs.ingest.contract import CLD_COLUMNS, CODED_FIELDS, RELEASE_EVIDENCE_FIELDS
from orchestration.defs.ingest.hashing import Hasher
from orchestration.defs.ingest.keys import value_key
from orchestration.defs.ingest.parsing import (
    canonical_local_id,
    check_nhs_number,
    map_unique,
    map_unique_fields,
    parse_dates,
    parse_numbers,
    postcode_sector,
)
from orchestration.defs.ingest.reference import INVALID, Code
from orchestration.defs.ingest.rules import rule

DATE_COLUMNS = tuple(c.name for c in CLD_COLUMNS if c.kind == "date")
DECIMAL_COLUMNS = ("unit_cost", "planned_units_per_week")
INTEGER_COLUMNS = ("no_of_adults_being_cared_for",)
LINKED_ID_COLUMNS = ("adult_1_linked_person_id", "adult_2_linked_person_id", "adult_3_linked_person_id")
TEXT_COLUMNS = (
    "gp_practice_name",
    "gp_practice_code",
    "event_reference",
    "event_description",
    "provider_cqc_location_name",
    "provider_cqc_location_id",
)

# Columns of raw.cld_events after the load metadata, with their DuckDB types.
RAW_CLD_SCHEMA: tuple[tuple[str, str], ...] = (
    ("la_code", "VARCHAR"),
    ("la_code_ons", "VARCHAR"),
    ("reporting_period_start_date", "DATE"),
    ("reporting_period_end_date", "DATE"),
    ("nhs_number_hash", "VARCHAR"),
    ("nhs_number_chk", "INTEGER"),
    ("la_person_id_hash", "VARCHAR"),
    ("gp_practice_name", "VARCHAR"),
    ("gp_practice_code", "VARCHAR"),
    ("birth_year", "INTEGER"),
    ("birth_month", "INTEGER"),
    ("date_of_death", "DATE"),
    ("postcode_sector", "VARCHAR"),
    *((name, "VARCHAR") for name in CODED_FIELDS),
    ("event_reference", "VARCHAR"),
    ("event_start_date", "DATE"),
    ("event_end_date", "DATE"),
    ("event_description", "VARCHAR"),
    ("no_of_adults_being_cared_for", "INTEGER"),
    ("adult_1_linked_person_id_hash", "VARCHAR"),
    ("adult_2_linked_person_id_hash", "VARCHAR"),
    ("adult_3_linked_person_id_hash", "VARCHAR"),
    ("provider_cqc_location_name", "VARCHAR"),
    ("provider_cqc_location_id", "VARCHAR"),
    ("unit_cost", "DECIMAL(12,2)"),
    ("planned_units_per_week", "DECIMAL(8,2)"),
    ("dq_flags", "VARCHAR"),
)

PER_SESSION_FREQUENCIES = {"Hourly", "Daily", "Per session"}
# Units per week implied by the frequencies that do not use planned units (processing_rules.md §7).
IMPLIED_UNITS_PER_WEEK = {
    "Weekly": Decimal(1),
    "Fortnightly": Decimal(1) / 2,
    "4-weekly": Decimal(1) / 4,
    "Monthly": Decimal(12) / 52,
    "Quarterly": Decimal(4) / 52,
    "Annually": Decimal(1) / 52,
}
COST_COMPONENTS = {"Short term residential care", "Short term nursing care", "Unpaid carer respite"}


@dataclass
class ChunkResult:
    loaded: pd.DataFrame
    rejected: list[dict[str, object]]
    issues: list[dict[str, object]]
    checked: Counter[str] = field(default_factory=Counter)  # column -> rows checked
    failed: Counter[tuple[str, str]] = field(default_factory=Counter)  # (column, rule) -> rows failed
    end_months: Counter[tuple[str, str]] = field(default_factory=Counter)  # (YYYY-MM, event type) -> events
    release_keys: Counter[str] = field(default_factory=Counter)  # R1 / R2 -> release-only keys seen
    la_codes: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class ChunkContext:
    file_name: str
    received_at: dt.date
    date_formats: tuple[str, ...]
    allow_test_nhs_numbers: bool
    max_plausible_age: int
    codes: dict[str, dict[str, Code]]
    unseeded: frozenset[str]
    la_code_ons: str | None  # resolved once the file's LA is known
    hasher: Hasher


def _map_codes(text: pd.Series, codes: dict[str, Code]) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Return (cleaned value, release of the matched key, invalid mask) for a code column."""

    def lookup(value: str) -> tuple[str, str | None]:
        code = codes.get(value_key(value))
        return (code.cleaned, code.release) if code else (INVALID, None)

    cleaned, release = map_unique_fields(text, lookup, 2)
    invalid = text.notna() & (cleaned == INVALID)
    return cleaned, release, invalid


def _issue(out: ChunkResult, rows: pd.Series, mask: pd.Series, column: str, code: str, values: pd.Series) -> None:
    """Record a field failure for each row in mask."""
    if not mask.any():
        return
    out.failed[(column, code)] += int(mask.sum())
    for row_number, value in zip(rows[mask], values[mask], strict=True):
        out.issues.append(issue_record(int(row_number), column, code, value))


def issue_record(row_number: int, column: str, code: str, value: object = None) -> dict[str, object]:
    """One quarantine.row_issues row for a rule, with its severity, chk and description."""
    spec = rule(code)
    return {
        "row_number": row_number,
        "column": column,
        "rule": code,
        "severity": spec.severity,
        "chk": spec.chk,
        "value": None if value is None or value is pd.NA else str(value),
        "message": spec.description,
    }


def _conditions(clean: dict[str, pd.Series], age_at_end: pd.Series, dod_present: pd.Series) -> dict[str, pd.Series]:
    """Masks where each field is mandatory (cond 2, cld_extract.md §3), using cleaned values.

    A mask is False where the condition is undetermined (cond -1): blank or invalid inputs never
    make a field mandatory.
    """
    client = clean["client_type"].fillna("")
    event = clean["event_type"].fillna("")
    service_user = client == "Service user"
    known_by_association = client == "Unpaid carer known by association"
    request, assessment = event == "Request", event == "Assessment"
    service, review = event == "Service", event == "Review"
    financial = assessment & (clean["assessment_type"].fillna("") == "Financial assessment")
    psr_ld = clean["primary_support_reason"].fillna("") == "Learning disability support"
    mechanism = clean["delivery_mechanism"].fillna("")
    service_type = clean["service_type"].fillna("")
    component = clean["service_component"].fillna("")
    cost_rule = (
        service
        & (mechanism != "")
        & (mechanism != INVALID)
        & (mechanism != "CASSR commissioned support")
        & (
            service_type.str.startswith("Long term support")
            | component.isin(COST_COMPONENTS)
            | service_type.str.startswith("Unpaid carer support")
        )
    )
    frequency = clean["cost_frequency_unit_type"].fillna("")
    always = pd.Series(True, index=client.index)
    return {
        **{
            name: always
            for name in (
                "la_code",
                "reporting_period_start_date",
                "reporting_period_end_date",
                "nhs_number",
                "la_person_unique_identifier",
                "gender",
                "ethnicity",
                "date_of_birth",
                "client_type",
                "postcode",
                "accommodation_status",
                "has_unpaid_carer",
                "event_start_date",
            )
        },
        "primary_support_reason": (event != "") & (event != INVALID) & ~request,
        "employment_status": service_user & age_at_end.between(18, 64) & psr_ld,
        "client_funding_status": service_user & (financial | service | review),
        "event_type": (client != "") & (client != INVALID) & ~known_by_association,
        "event_end_date": request | assessment | review | dod_present,
        "event_outcome": (request | service | review | (assessment & ~financial))
        & ~(assessment & clean["assessment_type"].isna()),
        "request_route_of_access": request,
        "assessment_type": assessment,
        "method_of_assessment": assessment & ~financial & clean["assessment_type"].notna(),
        "service_type": service,
        "service_component": service,
        "review_reason": review,
        "method_of_review": review,
        "review_outcomes_achieved": review & (clean["review_reason"].fillna("") == "Planned"),
        "unit_cost": cost_rule,
        "cost_frequency_unit_type": cost_rule,
        "planned_units_per_week": cost_rule & frequency.isin(PER_SESSION_FREQUENCIES),
    }


def _age_years(dob: pd.Series, at: pd.Series) -> pd.Series:
    """Whole years from the proxy date of birth (1st of the month) to `at` (processing_rules.md §4)."""
    proxy = dob.dt.to_period("M").dt.to_timestamp()
    return np.floor((at - proxy).dt.days / 365.25)


def validate_chunk(frame: pd.DataFrame, ctx: ChunkContext) -> ChunkResult:
    """Validate a chunk of text rows; return quarantine rows, field issues and the typed frame."""
    out = ChunkResult(loaded=pd.DataFrame(), rejected=[], issues=[])
    rows = frame["row_number"]

    # 1. Dates: a non-blank date that does not parse rejects the row (the only field that does).
    parsed: dict[str, pd.Series] = {}
    reject = pd.Series(False, index=frame.index)
    for name in DATE_COLUMNS:
        result = parse_dates(frame[name], ctx.date_formats)
        parsed[name] = result.values
        failed = result.failures.notna()
        for row_number, value, code in zip(rows[failed], frame[name][failed], result.failures[failed], strict=True):
            out.rejected.append(
                {
                    "row_number": int(row_number),
                    "column": name,
                    "rule": code,
                    "value": value,
                    "message": f"{name} {value!r} is not a date in the accepted formats "
                    f"({' or '.join('YYYY-MM-DD' if f == 'iso' else 'DD/MM/YYYY' for f in ctx.date_formats)})",
                }
            )
        reject |= failed
    keep = ~reject
    frame = frame[keep]
    rows = rows[keep]
    parsed = {k: v[keep] for k, v in parsed.items()}
    index = frame.index
    for name in frame.columns:
        if name != "row_number":
            out.checked[name] += len(frame)

    # 2. Codes: map every coded field through its seed; flag values in no list.
    clean: dict[str, pd.Series] = {}
    for name in CODED_FIELDS:
        codes = ctx.codes.get(name, {})
        if name in ctx.unseeded or not codes:
            clean[name] = frame[name]
            continue
        cleaned, release, invalid = _map_codes(frame[name], codes)
        clean[name] = cleaned
        _issue(out, rows, invalid, name, "code_not_in_list", frame[name])
        if name in RELEASE_EVIDENCE_FIELDS:
            out.release_keys.update(r for r in release.dropna() if r in {"R1", "R2"})

    # 3. Numbers.
    numbers: dict[str, pd.Series] = {}
    for name in (*DECIMAL_COLUMNS, *INTEGER_COLUMNS):
        cleaned_numbers, bad = parse_numbers(frame[name])
        if name in INTEGER_COLUMNS:
            whole = map_unique(cleaned_numbers, lambda v: v if v.lstrip("-").isdigit() else None)
            bad |= cleaned_numbers.notna() & whole.isna()
            cleaned_numbers = whole
        numbers[name] = cleaned_numbers
        _issue(out, rows, bad, name, "number_unparseable", frame[name])

    # 4. NHS numbers and identifiers.
    def nhs_fields(value: str) -> tuple[int, str | None, str | None]:
        check = check_nhs_number(value, ctx.allow_test_nhs_numbers)
        return check.chk, check.rule, check.number if check.chk > 0 else None

    nhs_chk, nhs_rule, nhs_valid = map_unique_fields(frame["nhs_number"], nhs_fields, 3)
    nhs_chk = nhs_chk.fillna(0).astype("int64")
    for code in ("nhs_number_format", "nhs_number_check_digit", "nhs_number_repeated_digit", "nhs_number_test_range"):
        _issue(out, rows, nhs_rule == code, "nhs_number", code, frame["nhs_number"])
    prefix = (ctx.la_code_ons or "") + "_"
    local_ids = map_unique(frame["la_person_unique_identifier"], canonical_local_id)

    # 5. Postcode.
    sectors = map_unique(frame["postcode"], postcode_sector)
    _issue(out, rows, frame["postcode"].notna() & sectors.isna(), "postcode", "postcode_invalid", frame["postcode"])

    # 6. Date plausibility and consistency (DQ failures; the row still loads).
    start, end = parsed["event_start_date"], parsed["event_end_date"]
    dob, dod = parsed["date_of_birth"], parsed["date_of_death"]
    received = pd.Timestamp(ctx.received_at)
    for name in DATE_COLUMNS:
        values = parsed[name]
        limit = received if name != "reporting_period_end_date" else received + pd.Timedelta(days=366)
        out_of_range = values.notna() & ((values < pd.Timestamp("1900-01-01")) | (values > limit))
        _issue(out, rows, out_of_range, name, "date_out_of_range", frame[name])
    _issue(
        out,
        rows,
        end.notna() & start.notna() & (end < start),
        "event_end_date",
        "end_before_start",
        frame["event_end_date"],
    )
    _issue(
        out,
        rows,
        dod.notna() & start.notna() & (dod < start),
        "date_of_death",
        "event_after_death",
        frame["date_of_death"],
    )
    _issue(
        out,
        rows,
        dob.notna() & start.notna() & (dob > start),
        "date_of_birth",
        "birth_after_event_start",
        frame["date_of_birth"],
    )
    age_at_start = _age_years(dob, start)
    implausible = age_at_start.notna() & ((age_at_start < 0) | (age_at_start >= ctx.max_plausible_age))
    _issue(out, rows, implausible.astype(bool), "date_of_birth", "age_implausible", frame["date_of_birth"])

    # 7. Conditional mandatory fields (blank where cond = 2).
    age_at_end = _age_years(dob, parsed["reporting_period_end_date"])
    conditions = _conditions(clean, age_at_end, dod.notna())
    for name, mandatory in conditions.items():
        _issue(out, rows, mandatory & frame[name].isna(), name, "mandatory_missing", frame[name])

    # 7b. The frequency is trusted over planned units when they disagree (processing_rules.md §7):
    # e.g. Weekly with 3 planned units costs 1 unit a week; the mismatch is logged as a warning.
    def disagrees(pair: tuple[str, str]) -> bool:
        frequency_value, units = pair
        implied = IMPLIED_UNITS_PER_WEEK.get(frequency_value)
        return implied is not None and abs(abs(Decimal(units)) - implied) >= Decimal("0.005")

    planned = numbers["planned_units_per_week"]
    candidates = planned.notna() & clean["cost_frequency_unit_type"].isin(list(IMPLIED_UNITS_PER_WEEK))
    mismatch = pd.Series(False, index=index)
    if candidates.any():
        pairs = pd.Series(
            list(zip(clean["cost_frequency_unit_type"][candidates], planned[candidates], strict=True)),
            index=planned[candidates].index,
        )
        mismatch.loc[candidates] = pairs.map(disagrees).astype(bool)
    _issue(out, rows, mismatch, "planned_units_per_week", "planned_units_ignored", frame["planned_units_per_week"])

    # 8. Derived-period evidence: events ending per month and type (cld_extract.md §4.5).
    months = end.dt.strftime("%Y-%m")
    ending = end.notna() & clean["event_type"].isin(["Request", "Assessment", "Service", "Review"])
    out.end_months.update(zip(months[ending], clean["event_type"][ending], strict=True))
    out.la_codes.update(frame["la_code"].dropna().str.upper())

    # 9. The typed frame for raw.cld_events.
    flags: dict[int, list[str]] = {}
    for issue in out.issues:
        flags.setdefault(int(issue["row_number"]), []).append(str(issue["rule"]))
    typed = pd.DataFrame(index=index)
    typed["row_number"] = rows.astype("int64")
    typed["la_code"] = frame["la_code"]
    typed["la_code_ons"] = ctx.la_code_ons
    for name in (
        "reporting_period_start_date",
        "reporting_period_end_date",
        "date_of_death",
        "event_start_date",
        "event_end_date",
    ):
        typed[name] = parsed[name].dt.date
    typed["nhs_number_hash"] = map_unique(nhs_valid, ctx.hasher.hash)
    typed["nhs_number_chk"] = nhs_chk
    typed["la_person_id_hash"] = map_unique(local_ids, lambda v: ctx.hasher.hash(prefix + v))
    for name in TEXT_COLUMNS:
        typed[name] = frame[name]
    typed["birth_year"] = dob.dt.year.astype("Int64")
    typed["birth_month"] = dob.dt.month.astype("Int64")
    typed["postcode_sector"] = sectors
    for name in CODED_FIELDS:
        typed[name] = frame[name]
    typed["no_of_adults_being_cared_for"] = numbers["no_of_adults_being_cared_for"]
    for name in LINKED_ID_COLUMNS:
        ids = map_unique(frame[name], canonical_local_id)
        typed[f"{name}_hash"] = map_unique(ids, lambda v: ctx.hasher.hash(prefix + v))
    for name in DECIMAL_COLUMNS:
        typed[name] = numbers[name]
    typed["dq_flags"] = [";".join(sorted(set(flags[r]))) if r in flags else None for r in typed["row_number"]]
    out.loaded = typed
    return out
