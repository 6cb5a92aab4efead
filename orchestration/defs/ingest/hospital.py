"""Validate one chunk of hospital discharge rows and shape it for `raw.hospital_discharges`.

The contract is docs/hospital_discharge_extract.md (for ASCOF 2D, metrics.md). Like the CLD chunk
validator: pure functions over a text frame, returning quarantine rows, field issues and the typed
frame. Identifiers are reduced before anything is stored, with the same keyed hashes as CLD so a
discharge resolves to the same person key (processing_rules.md §1): a valid NHS number is hashed
as its 10 digits, a local id as `<ONS LA code>_<id>`; a date of birth becomes year and month.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from orchestration.defs.ingest.cld import ChunkResult, issue_record
from orchestration.defs.ingest.contract import (
    DISCHARGE_DESTINATIONS,
    DISCHARGE_METHODS,
    LAST_EPISODE_VALUES,
)
from orchestration.defs.ingest.hashing import Hasher
from orchestration.defs.ingest.parsing import (
    canonical_local_id,
    check_nhs_number,
    map_unique,
    map_unique_fields,
    parse_dates,
)

DATE_COLUMNS = ("admission_date", "discharge_date", "date_of_birth")

# Columns of raw.hospital_discharges after the load metadata, with their DuckDB types.
RAW_HOSPITAL_SCHEMA: tuple[tuple[str, str], ...] = (
    ("la_code", "VARCHAR"),
    ("la_code_ons", "VARCHAR"),
    ("nhs_number_hash", "VARCHAR"),
    ("nhs_number_chk", "INTEGER"),
    ("la_person_id_hash", "VARCHAR"),
    ("hospital_spell_id_hash", "VARCHAR"),
    ("episode_number", "INTEGER"),
    ("last_episode_in_spell", "BOOLEAN"),
    ("admission_date", "DATE"),
    ("discharge_date", "DATE"),
    ("discharge_method", "VARCHAR"),
    ("discharge_destination", "VARCHAR"),
    ("treatment_function_code", "VARCHAR"),
    ("birth_year", "INTEGER"),
    ("birth_month", "INTEGER"),
    ("age_at_discharge", "INTEGER"),
    ("resident_la_code", "VARCHAR"),
    ("dq_flags", "VARCHAR"),
)

_WHOLE = re.compile(r"^\d+$")
_TREATMENT_FUNCTION = re.compile(r"^\d{3}$")
_GSS_CODE = re.compile(r"^[EWSN]\d{8}$")


@dataclass(frozen=True)
class HospitalContext:
    file_name: str
    received_at: dt.date
    date_formats: tuple[str, ...]
    allow_test_nhs_numbers: bool
    max_plausible_age: int
    la_code_ons: str | None  # resolved once the file's LA is known
    hasher: Hasher


def normalise_method(value: str) -> str:
    """`04` and `4` are the same code: leading zeros of a numeric code are dropped."""
    return str(int(value)) if _WHOLE.match(value) else value.upper()


def _flag(out: ChunkResult, rows: pd.Series, mask: pd.Series, column: str, code: str, values: pd.Series) -> None:
    """Record a field failure (warning: the row loads) for each row in mask."""
    if not mask.any():
        return
    out.failed[(column, code)] += int(mask.sum())
    for row_number, value in zip(rows[mask], values[mask], strict=True):
        out.issues.append(issue_record(int(row_number), column, code, value))


def _reject(
    rejected: list[dict[str, object]], rows: pd.Series, mask: pd.Series, column: str, code: str, values: pd.Series
) -> None:
    messages = {
        "required_value_missing": f"{column} is blank; a discharge cannot be used without it",
        "discharge_before_admission": "discharge_date is before admission_date",
        "no_person_identifier": "neither a valid NHS number nor an LA person id: the discharge cannot be linked",
        "integer_invalid": f"{column} must be a whole number of years",
    }
    for row_number, value in zip(rows[mask], values[mask], strict=True):
        rejected.append(
            {
                "row_number": int(row_number),
                "column": column,
                "rule": code,
                "value": None if value is None or value is pd.NA else str(value),
                "message": messages[code],
            }
        )


def validate_discharges(frame: pd.DataFrame, ctx: HospitalContext) -> ChunkResult:
    """Validate a chunk of text rows; return quarantine rows, field issues and the typed frame."""
    out = ChunkResult(loaded=pd.DataFrame(), rejected=[], issues=[])
    rows = frame["row_number"]

    # 1. Row errors (rejected to quarantine): dates that do not parse, a missing admission or
    # discharge date, a discharge before its admission, a supplied age that is not a whole
    # number, no person identifier. Every failing rule is recorded; the row counts once.
    reject = pd.Series(False, index=frame.index)
    parsed: dict[str, pd.Series] = {}
    for name in DATE_COLUMNS:
        result = parse_dates(frame[name], ctx.date_formats)
        parsed[name] = result.values
        failed = result.failures.notna()
        formats = " or ".join("YYYY-MM-DD" if f == "iso" else "DD/MM/YYYY" for f in ctx.date_formats)
        for row_number, value, code in zip(rows[failed], frame[name][failed], result.failures[failed], strict=True):
            out.rejected.append(
                {
                    "row_number": int(row_number),
                    "column": name,
                    "rule": code,
                    "value": value,
                    "message": f"{name} {value!r} is not a date in the accepted formats ({formats})",
                }
            )
        reject |= failed
    admission, discharge, dob = parsed["admission_date"], parsed["discharge_date"], parsed["date_of_birth"]
    for name in ("admission_date", "discharge_date"):
        blank = frame[name].isna()
        _reject(out.rejected, rows, blank, name, "required_value_missing", frame[name])
        reject |= blank
    backwards = admission.notna() & discharge.notna() & (discharge < admission)
    _reject(out.rejected, rows, backwards, "discharge_date", "discharge_before_admission", frame["discharge_date"])
    reject |= backwards

    age_text = frame["age_at_discharge"]
    age_bad = age_text.notna() & ~age_text.fillna("").str.fullmatch(r"\d+")
    _reject(out.rejected, rows, age_bad, "age_at_discharge", "integer_invalid", age_text)
    reject |= age_bad

    def nhs_fields(value: str) -> tuple[int, str | None, str | None]:
        check = check_nhs_number(value, ctx.allow_test_nhs_numbers)
        return check.chk, check.rule, check.number if check.chk > 0 else None

    nhs_chk, nhs_rule, nhs_valid = map_unique_fields(frame["nhs_number"], nhs_fields, 3)
    nhs_chk = nhs_chk.fillna(0).astype("int64")
    local_ids = map_unique(frame["la_person_unique_identifier"], canonical_local_id)
    unlinkable = nhs_valid.isna() & local_ids.isna()
    _reject(out.rejected, rows, unlinkable, "nhs_number", "no_person_identifier", frame["nhs_number"])
    reject |= unlinkable

    keep = ~reject
    frame, rows = frame[keep], rows[keep]
    admission, discharge, dob = admission[keep], discharge[keep], dob[keep]
    nhs_chk, nhs_rule, nhs_valid, local_ids = nhs_chk[keep], nhs_rule[keep], nhs_valid[keep], local_ids[keep]
    for name in frame.columns:
        if name != "row_number":
            out.checked[name] += len(frame)

    # 2. Field warnings (the row loads, flagged): NHS number checks as in CLD, blank or unknown
    # codes, out-of-range dates and ages.
    for code in ("nhs_number_format", "nhs_number_check_digit", "nhs_number_repeated_digit", "nhs_number_test_range"):
        _flag(out, rows, nhs_rule == code, "nhs_number", code, frame["nhs_number"])

    method = map_unique(frame["discharge_method"], normalise_method)
    destination = map_unique(frame["discharge_destination"], str.upper)
    treatment = map_unique(frame["treatment_function_code"], str.upper)
    resident = map_unique(frame["resident_la_code"], lambda v: re.sub(r"\s+", "", v).upper())
    last_episode = map_unique(frame["last_episode_in_spell"], lambda v: LAST_EPISODE_VALUES.get(v.strip().lower()))
    coded = (
        ("discharge_method", method, lambda v: v in DISCHARGE_METHODS),
        ("discharge_destination", destination, lambda v: v in DISCHARGE_DESTINATIONS),
        ("treatment_function_code", treatment, lambda v: bool(_TREATMENT_FUNCTION.match(v))),
        ("resident_la_code", resident, lambda v: bool(_GSS_CODE.match(v))),
    )
    for name, values, valid in coded:
        _flag(out, rows, values.isna(), name, "mandatory_missing", frame[name])
        known = map_unique(values, valid).fillna(False).astype(bool)
        _flag(out, rows, values.notna() & ~known, name, "code_not_in_list", frame[name])
    _flag(
        out,
        rows,
        frame["last_episode_in_spell"].notna() & last_episode.isna(),
        "last_episode_in_spell",
        "code_not_in_list",
        frame["last_episode_in_spell"],
    )
    episode = pd.to_numeric(frame["episode_number"].where(frame["episode_number"].fillna("").str.fullmatch(r"\d+")))
    _flag(
        out,
        rows,
        frame["episode_number"].notna() & episode.isna(),
        "episode_number",
        "number_unparseable",
        frame["episode_number"],
    )

    received = pd.Timestamp(ctx.received_at)
    for name, values in (("admission_date", admission), ("discharge_date", discharge), ("date_of_birth", dob)):
        out_of_range = values.notna() & ((values < pd.Timestamp("1900-01-01")) | (values > received))
        _flag(out, rows, out_of_range, name, "date_out_of_range", frame[name])
    _flag(
        out,
        rows,
        dob.isna() & frame["age_at_discharge"].isna(),
        "date_of_birth",
        "mandatory_missing",
        frame["date_of_birth"],
    )
    born_after = dob.notna() & (dob > admission)
    _flag(out, rows, born_after, "date_of_birth", "birth_after_event_start", frame["date_of_birth"])
    # Age from the proxy date of birth (1st of the birth month, processing_rules.md §4), as CLD.
    proxy = dob.dt.to_period("M").dt.to_timestamp()
    dob_age = pd.Series(np.floor((discharge - proxy).dt.days / 365.25), index=frame.index)
    supplied_age = pd.to_numeric(frame["age_at_discharge"], errors="coerce")
    implausible_dob = dob_age.notna() & ((dob_age < 0) | (dob_age >= ctx.max_plausible_age))
    implausible_age = supplied_age.notna() & (supplied_age >= ctx.max_plausible_age)
    _flag(out, rows, implausible_dob.astype(bool), "date_of_birth", "age_implausible", frame["date_of_birth"])
    _flag(out, rows, implausible_age.astype(bool), "age_at_discharge", "age_implausible", frame["age_at_discharge"])

    # 3. The typed frame for raw.hospital_discharges.
    flags: dict[int, list[str]] = {}
    for issue in out.issues:
        flags.setdefault(int(issue["row_number"]), []).append(str(issue["rule"]))
    prefix = (ctx.la_code_ons or "") + "_"
    spells = map_unique(frame["hospital_spell_id"], canonical_local_id)
    typed = pd.DataFrame(index=frame.index)
    typed["row_number"] = rows.astype("int64")
    typed["la_code"] = frame["la_code"]
    typed["la_code_ons"] = ctx.la_code_ons
    typed["nhs_number_hash"] = map_unique(nhs_valid, ctx.hasher.hash)
    typed["nhs_number_chk"] = nhs_chk
    typed["la_person_id_hash"] = map_unique(local_ids, lambda v: ctx.hasher.hash(prefix + v))
    # A spell number is the trust's, not the person's, but is hashed too: it is linkable back.
    typed["hospital_spell_id_hash"] = map_unique(spells, lambda v: ctx.hasher.hash(prefix + "spell_" + v))
    typed["episode_number"] = episode.astype("Int64")
    typed["last_episode_in_spell"] = last_episode.astype("boolean")
    typed["admission_date"] = admission.dt.date
    typed["discharge_date"] = discharge.dt.date
    typed["discharge_method"] = method
    typed["discharge_destination"] = destination
    typed["treatment_function_code"] = treatment
    typed["birth_year"] = dob.dt.year.astype("Int64")
    typed["birth_month"] = dob.dt.month.astype("Int64")
    typed["age_at_discharge"] = supplied_age.where(~implausible_age).astype("Int64")
    typed["resident_la_code"] = resident
    typed["dq_flags"] = [";".join(sorted(set(flags[r]))) if r in flags else None for r in typed["row_number"]]
    out.loaded = typed
    return out
