"""Load one landed file into the working DuckDB file: raw rows, quarantine and the audit row.

Each file is one load, in one transaction: either every accepted row, every quarantined row and
the audit row are written together, or nothing is (a failure leaves a `failed` audit row only).
`rows_in = rows_loaded + rows_rejected` is asserted before the transaction commits.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.defs.ingest.cld import RAW_CLD_SCHEMA, ChunkContext, ChunkResult, issue_record, validate_chunk
from orchestration.defs.ingest.contract import (
    CLD_COLUMNS,
    CODED_FIELDS,
    FINANCE_CATEGORY_MAP_COLUMNS,
    FINANCE_COLUMNS,
    FINANCE_CONTROL_REQUIRED,
    GOOD_LIVES_COLUMNS,
    HOSPITAL_COLUMNS,
    POPULATION_COLUMNS,
)
from orchestration.defs.ingest.cqc import (
    CQC_NAMES,
    RAW_CQC_SCHEMA,
    CqcOpenedFile,
    cqc_positions,
    data_source,
    open_cqc,
    snapshot_date,
    sniff_cqc,
    validate_cqc,
)
from orchestration.defs.ingest.finance import (
    RAW_FINANCE_CATEGORY_MAP_SCHEMA,
    RAW_FINANCE_CONTROL_SCHEMA,
    RAW_FINANCE_SCHEMA,
    DuplicateTracker,
    FinanceContext,
    drop_duplicates,
    validate_category_map,
    validate_control,
    validate_transactions,
)
from orchestration.defs.ingest.good_lives import (
    RAW_GOOD_LIVES_SCHEMA,
    GoodLivesContext,
    ProfileDuplicates,
    drop_profile_duplicates,
    validate_profiles,
)
from orchestration.defs.ingest.hashing import Hasher
from orchestration.defs.ingest.hospital import RAW_HOSPITAL_SCHEMA, HospitalContext, validate_discharges
from orchestration.defs.ingest.parsing import normalise_text
from orchestration.defs.ingest.place import PLACE_INPUT_COLUMNS, RAW_PLACE_INPUTS_SCHEMA, validate_place_inputs
from orchestration.defs.ingest.reading import FileRefused, OpenedFile, Record, open_extract
from orchestration.defs.ingest.recognise import Recognised, recognise
from orchestration.defs.ingest.reference import code_lists, resolve_la_code, unseeded_fields
from orchestration.defs.ingest.rules import rule
from orchestration.settings import LaSettings, Settings

# Files that sit beside extracts but are not extracts (generator and operator sidecars).
SIDECAR_FILES = {"fault_manifest.csv", "finance_expected_mismatches.csv", "received_at.csv"}
PARTIAL_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", ".filepart")
EXTRACT_SUFFIXES = (".csv", ".xlsx", ".txt", ".ods")  # .ods: CQC directories only (reference_data.md §5)
_DATE_IN_NAME = re.compile(r"(?<![0-9])(\d{4})-?(\d{2})-?(\d{2})(?![0-9])")
MIN_EVENTS_FOR_DERIVED_PERIOD = 100


class LoadInvariantError(RuntimeError):
    """rows_in != rows_loaded + rows_rejected: a bug, never a data problem. Fails the run loudly."""


@dataclass
class LoadResult:
    load_id: str
    source_file: str
    dataset: str | None
    status: str  # loaded, refused, skipped_duplicate, failed, not_loaded
    rows_in: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_flagged: int = 0
    rule: str | None = None
    message: str | None = None
    warnings: list[str] = field(default_factory=list)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_received_manifest(folder: Path) -> dict[str, dt.datetime]:
    """`received_at.csv` beside the files (file_name, received_at) states when each was sent."""
    path = folder / "received_at.csv"
    if not path.exists():
        return {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return {
            row["file_name"].strip(): dt.datetime.fromisoformat(row["received_at"].strip())
            for row in csv.DictReader(handle)
        }


def received_at_for(path: Path, manifest: dict[str, dt.datetime], now: dt.datetime) -> tuple[dt.datetime, str]:
    """cld_extract.md §4.1: manifest, then a date in the file name, then mtime, then load time."""
    if path.name in manifest:
        return manifest[path.name], "manifest"
    for match in _DATE_IN_NAME.finditer(path.stem):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
        if 1990 <= year <= 2100:
            try:
                return dt.datetime(year, month, day), "file_name"
            except ValueError:
                continue
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime), "file_mtime"
    except OSError:
        return now, "load_time"


def new_load_id(sha: str, now: dt.datetime) -> str:
    return f"{now:%Y%m%dT%H%M%S%f}-{sha[:8]}"


def landed_files(folder: Path) -> list[Path]:
    """Extract files in a landing folder, oldest name first; partial copies are left for later."""
    files = []
    for path in sorted(folder.iterdir()):
        name = path.name
        if not path.is_file() or name.startswith((".", "~$", "_")) or name in SIDECAR_FILES:
            continue
        if name.lower().endswith(PARTIAL_SUFFIXES) or not name.lower().endswith(EXTRACT_SUFFIXES):
            continue
        files.append(path)
    # A file still being copied changes size; leave it for the next run.
    sizes = {p: p.stat().st_size for p in files}
    recent = [p for p in files if time.time() - p.stat().st_mtime < 2]
    if recent:
        time.sleep(0.5)
    return [p for p in files if p not in recent or p.stat().st_size == sizes[p]]


# --- audit helpers -------------------------------------------------------------------------------


def _insert_audit(con: duckdb.DuckDBPyConnection, values: dict[str, object]) -> None:
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    con.execute(f"INSERT INTO audit.loads ({columns}) VALUES ({marks})", list(values.values()))


def already_loaded(con: duckdb.DuckDBPyConnection, sha: str) -> str | None:
    row = con.execute(
        "SELECT load_id FROM audit.loads WHERE file_sha256 = ? AND status IN ('loaded', 'withdrawn') "
        "ORDER BY started_at LIMIT 1",
        [sha],
    ).fetchone()
    return row[0] if row else None


# --- record batching ---------------------------------------------------------------------------


def _chunks(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    batch: list[Record] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _frame(
    records: list[Record], recognised: Recognised, names: Iterable[str], null_tokens: tuple[str, ...]
) -> pd.DataFrame:
    """Canonical text frame for well-formed records; values trimmed and null tokens nulled."""
    columns = list(zip(*(r.values for r in records), strict=True)) if records else []
    data: dict[str, object] = {"row_number": [r.row_number for r in records]}
    for name in names:
        position = recognised.positions.get(name)
        if position is None or not columns:
            data[name] = pd.Series([None] * len(records), dtype="object")
        else:
            data[name] = normalise_text(pd.Series(columns[position], dtype="object"), null_tokens)
    return pd.DataFrame(data)


# --- the load --------------------------------------------------------------------------------------


@dataclass
class _Totals:
    rows_in: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_flagged: int = 0
    checked: Counter[str] = field(default_factory=Counter)
    failed: Counter[tuple[str, str]] = field(default_factory=Counter)
    end_months: Counter[tuple[str, str]] = field(default_factory=Counter)
    release_keys: Counter[str] = field(default_factory=Counter)
    stated: list[dt.date] = field(default_factory=list)


# Columns each quarantine table takes after (load_id, source_file), with the SQL type to cast to:
# the frames hold Python objects (None and str, or None and int) that DuckDB must not guess.
_QUARANTINE_COLUMNS = {
    "rejected_rows": (
        ("row_number", "INTEGER"),
        ("column", "VARCHAR"),
        ("rule", "VARCHAR"),
        ("value", "VARCHAR"),
        ("message", "VARCHAR"),
    ),
    "row_issues": (
        ("row_number", "INTEGER"),
        ("column", "VARCHAR"),
        ("rule", "VARCHAR"),
        ("severity", "VARCHAR"),
        ("chk", "INTEGER"),
        ("value", "VARCHAR"),
        ("message", "VARCHAR"),
    ),
}


def _append_quarantine(
    con: duckdb.DuckDBPyConnection, table: str, load_id: str, source_file: str, rows: list[dict[str, object]]
) -> None:
    """Insert rows (dicts keyed by the table's columns) into quarantine.<table> for one load."""
    if not rows:
        return
    columns = _QUARANTINE_COLUMNS[table]
    frame = pd.DataFrame(rows, columns=[name for name, _ in columns])
    frame.insert(0, "source_file", source_file)
    frame.insert(0, "load_id", load_id)
    names = ", ".join(f'"{name}"' for name, _ in columns)
    casts = ", ".join(f'CAST("{name}" AS {kind})' for name, kind in columns)
    con.register("_quarantine_frame", frame)
    con.execute(
        f"INSERT INTO quarantine.{table} (load_id, source_file, {names}) "
        f"SELECT load_id, source_file, {casts} FROM _quarantine_frame"
    )
    con.unregister("_quarantine_frame")


def _quarantine(con: duckdb.DuckDBPyConnection, load_id: str, source_file: str, rows: list[dict[str, object]]) -> None:
    _append_quarantine(con, "rejected_rows", load_id, source_file, rows)


def _row_issues(con: duckdb.DuckDBPyConnection, load_id: str, source_file: str, rows: list[dict[str, object]]) -> None:
    _append_quarantine(con, "row_issues", load_id, source_file, rows)


def _malformed(record: Record) -> dict[str, object]:
    return {
        "row_number": record.row_number,
        "column": None,
        "rule": "malformed_row",
        "value": None,
        "message": record.problem or rule("malformed_row").description,
    }


def derive_period(
    end_months: Counter[tuple[str, str]], received: dt.date, stated: tuple[dt.date | None, dt.date | None]
) -> tuple[dt.date | None, dt.date | None]:
    """cld_extract.md §4.5: the months holding the file's real activity; small files keep the stated dates."""
    received_month = f"{received:%Y-%m}"
    by_month: dict[str, Counter[str]] = {}
    for (month, event_type), count in end_months.items():
        if month < received_month:
            by_month.setdefault(month, Counter())[event_type] += count
    total = sum(sum(c.values()) for c in by_month.values())
    if total < MIN_EVENTS_FOR_DERIVED_PERIOD:
        return stated
    types_in_file = len({t for c in by_month.values() for t in c})
    needed = min(3, types_in_file)
    kept = sorted(m for m, c in by_month.items() if sum(c.values()) >= 0.02 * total and len(c) >= needed)
    if not kept:
        return stated
    first = dt.date.fromisoformat(kept[0] + "-01")
    last_start = dt.date.fromisoformat(kept[-1] + "-01")
    next_month = (last_start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, next_month - dt.timedelta(days=1)


def _release(counts: Counter[str]) -> tuple[str, str]:
    r1, r2 = counts.get("R1", 0), counts.get("R2", 0)
    return ("R2" if r2 > r1 else "R1"), f"release-only keys: R1={r1}, R2={r2}"


_VALUE_KEY_SQL = "trim(regexp_replace(replace(lower({col}), '&', 'and'), '[^a-z0-9]+', ' ', 'g'))"


def _flag_r1_values_in_r2_file(con: duckdb.DuckDBPyConnection, load_id: str, source_file: str) -> int:
    """An R1 value in an R2 file is a DQ failure (chk -7) but is still mapped (cld_extract.md §4.6)."""
    r1_keys = [(f, k) for f, codes in code_lists().items() for k, c in codes.items() if c.release == "R1"]
    if not r1_keys:
        return 0
    con.execute("CREATE OR REPLACE TEMP TABLE _r1_keys (field VARCHAR, value_key VARCHAR)")
    con.executemany("INSERT INTO _r1_keys VALUES (?, ?)", r1_keys)
    selects = " UNION ALL ".join(
        f"SELECT row_number, '{f}' AS field, \"{f}\" AS value, {_VALUE_KEY_SQL.format(col=chr(34) + f + chr(34))} AS k "
        f'FROM raw.cld_events WHERE load_id = $load_id AND "{f}" IS NOT NULL'
        for f in CODED_FIELDS
    )
    spec = rule("r1_value_in_r2_file")
    con.execute(
        f"""INSERT INTO quarantine.row_issues
        SELECT $load_id, $source_file, v.row_number, v.field, '{spec.code}', '{spec.severity}', {spec.chk}, v.value,
               '{spec.description}'
        FROM ({selects}) v JOIN _r1_keys r ON r.field = v.field AND r.value_key = v.k""",
        {"load_id": load_id, "source_file": source_file},
    )
    count = con.execute(
        "SELECT count(*) FROM quarantine.row_issues WHERE load_id = ? AND rule = ?", [load_id, spec.code]
    ).fetchone()[0]
    con.execute(
        f"""UPDATE raw.cld_events e SET dq_flags = coalesce(e.dq_flags || ';', '') || '{spec.code}'
        WHERE e.load_id = ? AND e.row_number IN (
          SELECT row_number FROM quarantine.row_issues WHERE load_id = ? AND rule = '{spec.code}')""",
        [load_id, load_id],
    )
    return int(count)


def _batches(
    con: duckdb.DuckDBPyConnection,
    opened: OpenedFile,
    settings: Settings,
    totals: _Totals,
    meta: dict[str, object],
    progress: Callable[[int], None] | None,
) -> Iterator[tuple[list[Record], list[dict[str, object]]]]:
    """The loaders' shared chunk loop: each chunk's well-formed records and its rejections so far
    (malformed rows). The loader adds its own rejections to that list; once it is done with the
    chunk, the rejections are quarantined, counted once per row (rows_in = rows_loaded +
    rows_rejected) and progress is reported."""
    load_id, source_file = str(meta["load_id"]), str(meta["source_file"])
    for batch in _chunks(opened.records, settings.chunk_rows):
        totals.rows_in += len(batch)
        rejected = [_malformed(r) for r in batch if r.values is None]
        yield [r for r in batch if r.values is not None], rejected
        _quarantine(con, load_id, source_file, rejected)
        totals.rows_rejected += len({int(r["row_number"]) for r in rejected})
        if progress:
            progress(len(batch))


def _require_rows(totals: _Totals, source_file: str) -> None:
    if totals.rows_in == 0:
        raise FileRefused("no_rows", f"{source_file} rejected: it has a header but no data rows.")


class _LaGuard:
    """One LA per file, resolvable through the LA seed (cld_extract.md §4.1)."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.submitted: str | None = None
        self.ons: str | None = None

    def check(self, codes: Iterable[str]) -> None:
        distinct = {c.strip().upper() for c in codes if c and c.strip()}
        if self.submitted:
            distinct.add(self.submitted)
        if len(distinct) > 1:
            raise FileRefused(
                "multiple_la_codes",
                f"{self.file_name} rejected: it holds more than one LA code ({', '.join(sorted(distinct))}). "
                "Send one file per council.",
                column="la_code",
            )
        if distinct and self.submitted is None:
            code = distinct.pop()
            ons = resolve_la_code(code)
            if ons is None:
                raise FileRefused(
                    "unknown_la_code",
                    f"{self.file_name} rejected: LA code {code!r} is not a council code in the LA seed "
                    "(E06/E08/E09/E10 ONS codes).",
                    column="la_code",
                )
            self.submitted, self.ons = code, ons


def _load_cld(
    con: duckdb.DuckDBPyConnection,
    opened: OpenedFile,
    recognised: Recognised,
    meta: dict[str, object],
    settings: Settings,
    progress: Callable[[int], None] | None,
) -> tuple[_Totals, dict[str, object]]:
    load_id, source_file = str(meta["load_id"]), str(meta["source_file"])
    received_at: dt.datetime = meta["received_at"]  # type: ignore[assignment]
    guard = _LaGuard(source_file)
    totals = _Totals()
    names = [c.name for c in CLD_COLUMNS]
    seen_rows: set[int] = set()
    hasher = Hasher(settings.hmac_key or b"")
    for good, rejected in _batches(con, opened, settings, totals, meta, progress):
        if not good:
            continue
        frame = _frame(good, recognised, names, settings.null_tokens)
        guard.check(frame["la_code"].dropna())
        la = settings.for_la(guard.ons)
        ctx = ChunkContext(
            file_name=source_file,
            received_at=received_at.date(),
            date_formats=la.date_formats,
            allow_test_nhs_numbers=settings.allow_test_nhs_numbers,
            max_plausible_age=settings.max_plausible_age,
            codes=code_lists(),
            unseeded=unseeded_fields(),
            la_code_ons=guard.ons,
            hasher=hasher,
        )
        result: ChunkResult = validate_chunk(frame, ctx)
        # Exact copies of an earlier row of the same file load (dedup decides later) but are flagged.
        for record in good:
            key = hash(tuple(record.values or ()))
            if key in seen_rows:
                result.issues.append(issue_record(record.row_number, "*", "duplicate_row"))
            seen_rows.add(key)
        rejected.extend(result.rejected)
        loaded = result.loaded
        _insert_raw(con, "cld_events", RAW_CLD_SCHEMA, loaded, meta)
        _row_issues(con, load_id, source_file, result.issues)
        totals.rows_loaded += len(loaded)
        totals.checked.update(result.checked)
        totals.failed.update(result.failed)
        totals.end_months.update(result.end_months)
        totals.release_keys.update(result.release_keys)
        stated = loaded[["reporting_period_start_date", "reporting_period_end_date"]].dropna()
        if not stated.empty:
            totals.stated.extend([min(stated["reporting_period_start_date"]), max(stated["reporting_period_end_date"])])
        # Unknown extra columns are kept aside, not dropped (cld_extract.md §4.2).
        if recognised.unknown_headers:
            extra = [
                (load_id, r.row_number, header, r.values[i])  # type: ignore[index]
                for r in good
                for i, header in recognised.unknown_headers.items()
                if r.values[i] not in (None, "")  # type: ignore[index]
            ]
            if extra:
                con.executemany("INSERT INTO raw.cld_extra_columns VALUES (?, ?, ?, ?)", extra)
    _require_rows(totals, source_file)
    release, evidence = _release(totals.release_keys)
    stated_period = (min(totals.stated), max(totals.stated)) if totals.stated else (None, None)
    derived = derive_period(totals.end_months, received_at.date(), stated_period)
    if release == "R2":
        _flag_r1_values_in_r2_file(con, load_id, source_file)
    totals.rows_flagged = _flagged_rows(con, load_id)
    extra = {
        "la_code": guard.ons,
        "spec_release": release,
        "release_evidence": evidence,
        "stated_period_start": stated_period[0],
        "stated_period_end": stated_period[1],
        "derived_period_start": derived[0],
        "derived_period_end": derived[1],
    }
    return totals, extra


def _load_population(
    con: duckdb.DuckDBPyConnection,
    opened: OpenedFile,
    recognised: Recognised,
    meta: dict[str, object],
    settings: Settings,
    progress: Callable[[int], None] | None,
) -> tuple[_Totals, dict[str, object]]:
    """Project simple layout (reference_data.md §2): whole non-negative numbers or the row is rejected."""
    load_id, source_file = str(meta["load_id"]), str(meta["source_file"])
    totals = _Totals()
    names = [c.name for c in POPULATION_COLUMNS]
    for good, rejected in _batches(con, opened, settings, totals, meta, progress):
        frame = _frame(good, recognised, names, settings.null_tokens)
        bad = pd.Series(False, index=frame.index)
        for name, low, high in (("mid_year", 1900, 2100), ("age", 0, 90), ("population", 0, None)):
            numeric = pd.to_numeric(frame[name].where(frame[name].fillna("").str.fullmatch(r"\d+")), errors="coerce")
            failed = numeric.isna() | (numeric < low) | ((numeric > high) if high is not None else False)
            for row_number, value in zip(frame["row_number"][failed & ~bad], frame[name][failed & ~bad], strict=True):
                rejected.append(
                    {
                        "row_number": int(row_number),
                        "column": name,
                        "rule": "integer_invalid",
                        "value": value,
                        "message": f"{name} must be a whole number"
                        + (f" from {low} to {high}" if high is not None else f" of at least {low}"),
                    }
                )
            bad |= failed
            frame[name] = numeric
        missing_la = frame["la_code"].isna() & ~bad
        for row_number in frame["row_number"][missing_la]:
            rejected.append(
                {
                    "row_number": int(row_number),
                    "column": "la_code",
                    "rule": "integer_invalid",
                    "value": None,
                    "message": "la_code is blank",
                }
            )
        bad |= missing_la
        good_frame = frame[~bad].copy()
        good_frame["load_id"], good_frame["source_file"] = load_id, source_file
        good_frame["received_at"] = meta["received_at"]
        good_frame["sex"] = good_frame["sex"].fillna("persons")
        con.register("_pop", good_frame)
        con.execute(
            "INSERT INTO raw.population SELECT load_id, source_file, CAST(row_number AS INTEGER), received_at, "
            "upper(la_code), CAST(mid_year AS INTEGER), sex, CAST(age AS INTEGER), CAST(population AS BIGINT) FROM _pop"
        )
        con.unregister("_pop")
        totals.rows_loaded += len(good_frame)
    return totals, {}


def _load_hospital_discharges(
    con: duckdb.DuckDBPyConnection,
    opened: OpenedFile,
    recognised: Recognised,
    meta: dict[str, object],
    settings: Settings,
    progress: Callable[[int], None] | None,
) -> tuple[_Totals, dict[str, object]]:
    """docs/hospital_discharge_extract.md: one LA per file, identifiers hashed as CLD's."""
    load_id, source_file = str(meta["load_id"]), str(meta["source_file"])
    received_at: dt.datetime = meta["received_at"]  # type: ignore[assignment]
    guard = _LaGuard(source_file)
    totals = _Totals()
    names = [c.name for c in HOSPITAL_COLUMNS]
    hasher = Hasher(settings.hmac_key or b"")
    discharges: list[dt.date] = []
    for good, rejected in _batches(con, opened, settings, totals, meta, progress):
        if good:
            frame = _frame(good, recognised, names, settings.null_tokens)
            guard.check(frame["la_code"].dropna())
            la = settings.for_la(guard.ons)
            ctx = HospitalContext(
                file_name=source_file,
                received_at=received_at.date(),
                date_formats=la.date_formats,
                allow_test_nhs_numbers=settings.allow_test_nhs_numbers,
                max_plausible_age=settings.max_plausible_age,
                la_code_ons=guard.ons,
                hasher=hasher,
            )
            result = validate_discharges(frame, ctx)
            rejected.extend(result.rejected)
            loaded = result.loaded
            _insert_raw(con, "hospital_discharges", RAW_HOSPITAL_SCHEMA, loaded, meta)
            _row_issues(con, load_id, source_file, result.issues)
            totals.rows_loaded += len(loaded)
            totals.checked.update(result.checked)
            totals.failed.update(result.failed)
            dates = loaded["discharge_date"].dropna()
            discharges.extend([min(dates), max(dates)] if len(dates) else [])
    _require_rows(totals, source_file)
    totals.rows_flagged = _flagged_rows(con, load_id)
    # The discharges the file covers stand in for its period (audit only; staging selects by month).
    extra = {
        "la_code": guard.ons,
        "derived_period_start": min(discharges) if discharges else None,
        "derived_period_end": max(discharges) if discharges else None,
    }
    return totals, extra


def _insert_raw(
    con: duckdb.DuckDBPyConnection,
    table: str,
    schema: tuple[tuple[str, str], ...],
    loaded: pd.DataFrame,
    meta: dict[str, object],
) -> None:
    """Append a typed chunk to raw.<table> after the shared load metadata; SQL casts every column
    (money arrives as canonical text, so DECIMAL columns never see a float). The metadata columns
    are added to the chunk frame itself (no copy: chunks are large and discarded after)."""
    if loaded.empty:
        return
    frame = loaded
    frame["load_id"], frame["source_file"] = meta["load_id"], meta["source_file"]
    frame["file_sha256"], frame["received_at"] = meta["file_sha256"], meta["received_at"]
    columns = ", ".join(f'"{n}"' for n, _ in schema)
    casts = ", ".join(f'CAST("{n}" AS {t}) AS "{n}"' for n, t in schema)
    con.register("_chunk", frame)
    con.execute(
        f"INSERT INTO raw.{table} (load_id, source_file, row_number, file_sha256, received_at, {columns}) "
        f"SELECT load_id, source_file, row_number, file_sha256, received_at, {casts} FROM _chunk"
    )
    con.unregister("_chunk")


def _flagged_rows(con: duckdb.DuckDBPyConnection, load_id: str) -> int:
    return int(
        con.execute(
            "SELECT count(DISTINCT row_number) FROM quarantine.row_issues WHERE load_id = ? AND severity = 'warning'",
            [load_id],
        ).fetchone()[0]
    )


@dataclass
class _LedgerAmounts:
    """finance_extract.md §8 item 4, per financial year x period: the file's parseable amounts split
    into loaded, duplicate (§5 copies) and rejected rows, in pence (exact integers, never float)."""

    pence: Counter[tuple[str | None, int | None, str]] = field(default_factory=Counter)
    rows: Counter[tuple[str | None, int | None, str]] = field(default_factory=Counter)

    def add(self, amounts: pd.DataFrame, duplicates: set[int], rejected: set[int]) -> None:
        for row_number, year, period, pence in zip(
            amounts["row_number"],
            amounts["financial_year"],
            amounts["period_number"],
            amounts["amount_pence"],
            strict=True,
        ):
            row = int(row_number)
            outcome = "duplicate" if row in duplicates else "rejected" if row in rejected else "loaded"
            key = (year, None if period is pd.NA else int(period), outcome)
            self.pence[key] += int(pence)
            self.rows[key] += 1

    def total(self, outcome: str | None = None) -> Decimal:
        return Decimal(sum(p for k, p in self.pence.items() if outcome in (None, k[2]))).scaleb(-2)

    def write(self, con: duckdb.DuckDBPyConnection, load_id: str) -> None:
        rows = [
            (load_id, year, period, outcome, self.rows[(year, period, outcome)], str(Decimal(pence).scaleb(-2)))
            for (year, period, outcome), pence in sorted(self.pence.items(), key=lambda kv: str(kv[0]))
        ]
        if rows:
            con.executemany(
                "INSERT INTO audit.finance_totals VALUES (?, ?, ?, ?, ?, CAST(? AS DECIMAL(38,2)))",
                rows,
            )

    def summary(self) -> str:
        return (
            f"amounts (finance_extract.md §8 item 4): parseable {self.total()} = loaded {self.total('loaded')} "
            f"+ duplicates {self.total('duplicate')} + rejected {self.total('rejected')}"
        )


def _load_finance(
    con: duckdb.DuckDBPyConnection,
    opened: OpenedFile,
    recognised: Recognised,
    meta: dict[str, object],
    settings: Settings,
    progress: Callable[[int], None] | None,
) -> tuple[_Totals, dict[str, object]]:
    """finance_extract.md §2-§5, §8: one LA per file; copies of a transaction within the file are
    quarantined (§5) whichever chunk they fall in; identifiers hashed as CLD's."""
    load_id, source_file = str(meta["load_id"]), str(meta["source_file"])
    guard = _LaGuard(source_file)
    totals = _Totals()
    names = [c.name for c in FINANCE_COLUMNS]
    hasher = Hasher(settings.hmac_key or b"")
    tracker = DuplicateTracker()
    amounts = _LedgerAmounts()
    postings: list[dt.date] = []
    for good, rejected in _batches(con, opened, settings, totals, meta, progress):
        if good:
            frame = _frame(good, recognised, names, settings.null_tokens)
            guard.check(frame["la_code"].dropna())
            ctx = FinanceContext(
                file_name=source_file,
                date_formats=settings.for_la(guard.ons).date_formats,
                allow_test_nhs_numbers=settings.allow_test_nhs_numbers,
                la_code_ons=guard.ons,
                hasher=hasher,
            )
            result = validate_transactions(frame, ctx)
            duplicates = drop_duplicates(result, tracker)
            rejected.extend(result.rejected)
            _insert_raw(con, "finance_transactions", RAW_FINANCE_SCHEMA, result.loaded, meta)
            _row_issues(con, load_id, source_file, result.issues)
            amounts.add(
                result.amounts,
                {int(d["row_number"]) for d in duplicates},
                {int(r["row_number"]) for r in result.rejected},
            )
            totals.rows_loaded += len(result.loaded)
            totals.checked.update(result.checked)
            totals.failed.update(result.failed)
            dates = result.loaded["posting_date"].dropna()
            postings.extend([min(dates), max(dates)] if len(dates) else [])
    _require_rows(totals, source_file)
    amounts.write(con, load_id)
    totals.rows_flagged = _flagged_rows(con, load_id)
    # The posting dates the file covers stand in for its period (audit; dbt selects by year and period).
    extra = {
        "la_code": guard.ons,
        "derived_period_start": min(postings) if postings else None,
        "derived_period_end": max(postings) if postings else None,
        "note": amounts.summary(),
    }
    return totals, extra


def _load_finance_control(
    con: duckdb.DuckDBPyConnection,
    opened: OpenedFile,
    recognised: Recognised,
    meta: dict[str, object],
    settings: Settings,
    progress: Callable[[int], None] | None,
) -> tuple[_Totals, dict[str, object]]:
    """finance_extract.md §1 control totals (one LA per file), checked against the ledger in dbt (§8)."""
    source_file = str(meta["source_file"])
    guard = _LaGuard(source_file)
    totals = _Totals()
    for good, rejected in _batches(con, opened, settings, totals, meta, progress):
        if good:
            frame = _frame(good, recognised, FINANCE_CONTROL_REQUIRED, settings.null_tokens)
            guard.check(frame["la_code"].dropna())
            result = validate_control(frame, guard.ons)
            rejected.extend(result.rejected)
            _insert_raw(con, "finance_control", RAW_FINANCE_CONTROL_SCHEMA, result.loaded, meta)
            totals.rows_loaded += len(result.loaded)
    _require_rows(totals, source_file)
    return totals, {"la_code": guard.ons}


def _load_finance_category_map(
    con: duckdb.DuckDBPyConnection,
    opened: OpenedFile,
    recognised: Recognised,
    meta: dict[str, object],
    settings: Settings,
    progress: Callable[[int], None] | None,
) -> tuple[_Totals, dict[str, object]]:
    """finance_extract.md §6: a council's own map; rules for several LAs (or any LA) may share a file,
    so there is no one-LA guard. Dates use the default pinned formats (the map is not one LA's)."""
    source_file = str(meta["source_file"])
    totals = _Totals()
    names = [c.name for c in FINANCE_CATEGORY_MAP_COLUMNS]
    la_codes_seen: set[str] = set()
    for good, rejected in _batches(con, opened, settings, totals, meta, progress):
        if good:
            frame = _frame(good, recognised, names, settings.null_tokens)
            result = validate_category_map(frame, settings.default_la.date_formats)
            rejected.extend(result.rejected)
            _insert_raw(con, "finance_category_map", RAW_FINANCE_CATEGORY_MAP_SCHEMA, result.loaded, meta)
            totals.rows_loaded += len(result.loaded)
            la_codes_seen.update(result.loaded["la_code"].dropna())
    _require_rows(totals, source_file)
    return totals, {"la_code": la_codes_seen.pop() if len(la_codes_seen) == 1 else None}


def _load_good_lives(
    con: duckdb.DuckDBPyConnection,
    opened: OpenedFile,
    recognised: Recognised,
    meta: dict[str, object],
    settings: Settings,
    progress: Callable[[int], None] | None,
) -> tuple[_Totals, dict[str, object]]:
    """good_lives_extract.md §2-§5: one LA per file; identifiers hashed as CLD's; copies of a
    person x profile date x domain within the file quarantined under GL040 whichever chunk they
    fall in (the newer load winning across loads is dbt's); free text kept only when the LA's
    `load_free_text` is on (§1)."""
    load_id, source_file = str(meta["load_id"]), str(meta["source_file"])
    received_at: dt.datetime = meta["received_at"]  # type: ignore[assignment]
    guard = _LaGuard(source_file)
    totals = _Totals()
    names = [c.name for c in GOOD_LIVES_COLUMNS]
    hasher = Hasher(settings.hmac_key or b"")
    tracker = ProfileDuplicates()
    profile_dates: list[dt.date] = []
    for good, rejected in _batches(con, opened, settings, totals, meta, progress):
        if not good:
            continue
        frame = _frame(good, recognised, names, settings.null_tokens)
        guard.check(frame["la_code"].dropna())
        la = settings.for_la(guard.ons)
        ctx = GoodLivesContext(
            file_name=source_file,
            received_at=received_at.date(),
            date_formats=la.date_formats,
            allow_test_nhs_numbers=settings.allow_test_nhs_numbers,
            la_code_ons=guard.ons,
            hasher=hasher,
            components=code_lists().get("service_component", {}),
            load_free_text=la.load_free_text,
        )
        result = validate_profiles(frame, ctx)
        drop_profile_duplicates(result, tracker)
        rejected.extend(result.rejected)
        _insert_raw(con, "good_lives_profiles", RAW_GOOD_LIVES_SCHEMA, result.loaded, meta)
        _row_issues(con, load_id, source_file, result.issues)
        if not result.free_text.empty:
            text = result.free_text
            text.insert(0, "load_id", load_id)
            con.register("_free_text", text)
            con.execute(
                "INSERT INTO raw.good_lives_free_text (load_id, row_number, strength_text, goal_text) "
                "SELECT load_id, CAST(row_number AS INTEGER), CAST(strength_text AS VARCHAR), "
                "CAST(goal_text AS VARCHAR) FROM _free_text"
            )
            con.unregister("_free_text")
        totals.rows_loaded += len(result.loaded)
        totals.checked.update(result.checked)
        totals.failed.update(result.failed)
        dates = result.loaded["profile_date"].dropna() if not result.loaded.empty else []
        profile_dates.extend([min(dates), max(dates)] if len(dates) else [])
    _require_rows(totals, source_file)
    totals.rows_flagged = _flagged_rows(con, load_id)
    # The profile dates the file covers stand in for its period (audit only).
    extra = {
        "la_code": guard.ons,
        "derived_period_start": min(profile_dates) if profile_dates else None,
        "derived_period_end": max(profile_dates) if profile_dates else None,
    }
    return totals, extra


def _load_place_inputs(
    con: duckdb.DuckDBPyConnection,
    opened: OpenedFile,
    recognised: Recognised,
    meta: dict[str, object],
    settings: Settings,
    progress: Callable[[int], None] | None,
) -> tuple[_Totals, dict[str, object]]:
    """reference_data.md §7: supplied place values; several councils may share a file (no LA guard)."""
    source_file = str(meta["source_file"])
    totals = _Totals()
    la_codes_seen: set[str] = set()
    for good, rejected in _batches(con, opened, settings, totals, meta, progress):
        if good:
            frame = _frame(good, recognised, PLACE_INPUT_COLUMNS, settings.null_tokens)
            result = validate_place_inputs(frame, settings.default_la.date_formats)
            rejected.extend(result.rejected)
            la_codes_seen.update(result.loaded["la_code_ons"].dropna())
            totals.rows_loaded += len(result.loaded)
            _insert_raw(con, "place_inputs", RAW_PLACE_INPUTS_SCHEMA, result.loaded, meta)
    _require_rows(totals, source_file)
    return totals, {"la_code": la_codes_seen.pop() if len(la_codes_seen) == 1 else None}


def _load_cqc(
    con: duckdb.DuckDBPyConnection,
    opened: OpenedFile,
    recognised: Recognised,
    meta: dict[str, object],
    settings: Settings,
    progress: Callable[[int], None] | None,
) -> tuple[_Totals, dict[str, object]]:
    """reference_data.md §5: one snapshot per file (date from the preamble, file name or setting)."""
    assert isinstance(opened, CqcOpenedFile)
    load_id, source_file = str(meta["load_id"]), str(meta["source_file"])
    snapshot = snapshot_date(opened, source_file, settings.cqc_snapshot_date)
    source = data_source(opened)
    totals = _Totals()
    seen: set[str] = set()
    for good, rejected in _batches(con, opened, settings, totals, meta, progress):
        if good:
            frame = _frame(good, recognised, CQC_NAMES, settings.null_tokens)
            result = validate_cqc(frame, opened.layout, snapshot, source, seen)
            rejected.extend(result.rejected)
            _insert_raw(con, "cqc_locations", RAW_CQC_SCHEMA, result.loaded, meta)
            _row_issues(con, load_id, source_file, result.issues)
            totals.rows_loaded += len(result.loaded)
            totals.checked.update(result.checked)
            totals.failed.update(result.failed)
    _require_rows(totals, source_file)
    totals.rows_flagged = _flagged_rows(con, load_id)
    note = f"CQC directory layout ({opened.layout}), snapshot {snapshot.isoformat()}, source {source}"
    return totals, {"stated_period_end": snapshot, "note": note}


def _open_and_recognise(path: Path, settings: Settings) -> tuple[OpenedFile, Recognised]:
    """A CQC directory is found by its header row in the first 20 rows (it has a preamble); every
    other file by its first-row header set."""
    cqc = sniff_cqc(path)
    if cqc is not None:
        opened = open_cqc(path, *cqc)
        positions = cqc_positions(opened.header, opened.layout)
        return opened, Recognised("cqc_directory", positions, {}, [])
    la = _file_la_settings(path, settings)
    opened = open_extract(path, la.encoding, la.sheet_name)
    return opened, recognise(opened.header, path.name)


LOADERS = {
    "cld": _load_cld,
    "population": _load_population,
    "hospital_discharges": _load_hospital_discharges,
    "finance": _load_finance,
    "finance_control": _load_finance_control,
    "finance_category_map": _load_finance_category_map,
    "good_lives_profiles": _load_good_lives,
    "place_inputs": _load_place_inputs,
    "cqc_directory": _load_cqc,
}


def _quarantine_refused_rows(
    con: duckdb.DuckDBPyConnection, path: Path, settings: Settings, meta: dict[str, object], exc: FileRefused
) -> int:
    """A file refused after its rows were read: every row is quarantined under the file's rule."""
    opened = open_extract(path, settings.default_la.encoding, settings.default_la.sheet_name)
    names = recognise(opened.header, path.name)
    position = names.positions.get("la_code")
    rows = [
        {
            "row_number": r.row_number,
            "column": exc.column,
            "rule": exc.rule,
            "value": (r.values[position] if (r.values is not None and position is not None) else None),
            "message": str(exc),
        }
        for r in opened.records
    ]
    _quarantine(con, str(meta["load_id"]), path.name, rows)
    return len(rows)


def _file_la_settings(path: Path, settings: Settings) -> LaSettings:
    """Per-LA encoding or sheet settings apply once the file's LA is known: peek at its first row.

    Only done when some LA pins an encoding or sheet, so the common case reads the file once.
    """
    pinned = {code for code, la in settings.las.items() if la.encoding or la.sheet_name}
    if not pinned:
        return settings.default_la
    try:
        opened = open_extract(path, settings.default_la.encoding, settings.default_la.sheet_name)
        position = recognise(opened.header, path.name).positions.get("la_code")
        first = next((r for r in opened.records if r.values is not None), None)
    except FileRefused:
        return settings.default_la
    if position is None or first is None or not first.values[position]:
        return settings.default_la
    return settings.for_la(resolve_la_code(first.values[position] or ""))


def load_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    settings: Settings,
    manifest: dict[str, dt.datetime] | None = None,
    progress: Callable[[int], None] | None = None,
) -> LoadResult:
    """Load one file; never raises for bad data (the result says what happened)."""
    now = dt.datetime.now()
    sha = file_sha256(path)
    load_id = new_load_id(sha, now)
    received_at, received_source = received_at_for(path, manifest or {}, now)
    meta: dict[str, object] = {
        "load_id": load_id,
        "source_file": path.name,
        "source_path": str(path.resolve()),
        "file_sha256": sha,
        "received_at": received_at,
        "received_at_source": received_source,
        "started_at": now,
    }
    earlier = already_loaded(con, sha)
    if earlier:
        message = f"byte-identical to load {earlier}; not loaded again"
        _insert_audit(
            con,
            {
                **meta,
                "rows_in": 0,
                "rows_loaded": 0,
                "rows_rejected": 0,
                "status": "skipped_duplicate",
                "message": message,
                "finished_at": dt.datetime.now(),
            },
        )
        return LoadResult(load_id, path.name, None, "skipped_duplicate", message=message)

    dataset: str | None = None
    con.execute("BEGIN TRANSACTION")
    try:
        opened, recognised = _open_and_recognise(path, settings)
        dataset = recognised.dataset
        if dataset not in LOADERS:
            con.execute("ROLLBACK")
            return LoadResult(
                load_id,
                path.name,
                dataset,
                "not_loaded",
                message=f"recognised as a {dataset} extract; its ingest is not part of this release yet",
            )
        totals, extra = LOADERS[dataset](con, opened, recognised, meta, settings, progress)
        note = str(extra.pop("note", "") or "")
        if totals.rows_in != totals.rows_loaded + totals.rows_rejected:
            raise LoadInvariantError(
                f"{path.name}: rows_in {totals.rows_in} != loaded {totals.rows_loaded} "
                f"+ rejected {totals.rows_rejected}"
            )
        warnings = list(opened.warnings)
        if recognised.unknown_headers and dataset.startswith("finance"):
            # finance_extract.md §8 FIN002: reported, then ignored (no side table as for CLD).
            warnings.append(f"unknown column(s) ignored (FIN002): {', '.join(recognised.unknown_headers.values())}")
        elif recognised.unknown_headers and dataset == "good_lives_profiles":
            # good_lives_extract.md §5 GL002: reported (info), then ignored.
            warnings.append(f"unknown column(s) ignored (GL002): {', '.join(recognised.unknown_headers.values())}")
        elif recognised.unknown_headers:
            warnings.append(f"unknown column(s) kept aside: {', '.join(recognised.unknown_headers.values())}")
        if recognised.missing_optional:
            warnings.append(f"optional column(s) absent, loaded as null: {', '.join(recognised.missing_optional)}")
        _check_counts(con, load_id, totals)
        _insert_audit(
            con,
            {
                **meta,
                **extra,
                "dataset": dataset,
                "encoding": opened.encoding,
                "rows_in": totals.rows_in,
                "rows_loaded": totals.rows_loaded,
                "rows_rejected": totals.rows_rejected,
                "rows_flagged": totals.rows_flagged,
                "status": "loaded",
                "message": "; ".join(p for p in [*warnings, str(extra.get("release_evidence") or ""), note] if p)
                or None,
                "finished_at": dt.datetime.now(),
            },
        )
        con.execute("COMMIT")
        return LoadResult(
            load_id,
            path.name,
            dataset,
            "loaded",
            totals.rows_in,
            totals.rows_loaded,
            totals.rows_rejected,
            totals.rows_flagged,
            warnings=warnings,
        )
    except FileRefused as exc:
        con.execute("ROLLBACK")
        rows_in = 0
        if exc.rule in {"multiple_la_codes", "unknown_la_code"}:
            rows_in = _quarantine_refused_rows(con, path, settings, meta, exc)
        _insert_audit(
            con,
            {
                **meta,
                "dataset": dataset,
                "rows_in": rows_in,
                "rows_loaded": 0,
                "rows_rejected": rows_in,
                "status": "refused",
                "rule": exc.rule,
                "message": str(exc),
                "finished_at": dt.datetime.now(),
            },
        )
        return LoadResult(load_id, path.name, dataset, "refused", rows_in, 0, rows_in, rule=exc.rule, message=str(exc))
    except LoadInvariantError:
        con.execute("ROLLBACK")
        raise
    except Exception as exc:
        con.execute("ROLLBACK")
        _insert_audit(
            con,
            {
                **meta,
                "dataset": dataset,
                "rows_in": 0,
                "rows_loaded": 0,
                "rows_rejected": 0,
                "status": "failed",
                "message": f"{type(exc).__name__}: {exc}",
                "finished_at": dt.datetime.now(),
            },
        )
        return LoadResult(load_id, path.name, dataset, "failed", message=f"{type(exc).__name__}: {exc}")


def _check_counts(con: duckdb.DuckDBPyConnection, load_id: str, totals: _Totals) -> None:
    rows = [(load_id, column, r, totals.checked[column], n) for (column, r), n in totals.failed.items()]
    failed_columns = {column for column, _ in totals.failed}
    rows += [(load_id, column, None, n, 0) for column, n in totals.checked.items() if column not in failed_columns]
    if rows:
        con.executemany("INSERT INTO audit.check_counts VALUES (?, ?, ?, ?, ?)", rows)


def load_folder(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    settings: Settings,
    on_file: Callable[[Path], Callable[[int], None] | None] | None = None,
) -> list[LoadResult]:
    """Load every landed file in a folder (each file is one load), then the configured category map.

    A council may keep its finance category map outside the landing folder (finance_extract.md §6,
    setting `finance_category_map`); it is loaded like any extract, so an unchanged file is skipped
    by its SHA-256.
    """
    manifest = read_received_manifest(folder)
    paths = landed_files(folder)
    configured = settings.finance_category_map
    if configured is not None and configured.resolve() not in {p.resolve() for p in paths}:
        paths.append(configured)
    results = []
    for path in paths:
        progress = on_file(path) if on_file else None
        results.append(load_file(con, path, settings, manifest, progress))
    return results


def withdraw_load(con: duckdb.DuckDBPyConnection, load_id: str, reason: str | None = None) -> str:
    """`ascw unload`: the load leaves selection; nothing is deleted; the audit row says withdrawn."""
    row = con.execute("SELECT status FROM audit.loads WHERE load_id = ?", [load_id]).fetchone()
    if row is None:
        raise KeyError(f"no load {load_id!r}; `ascw status` lists the loads")
    if row[0] != "loaded":
        raise ValueError(f"load {load_id} has status {row[0]!r}; only a loaded file can be withdrawn")
    con.execute(
        "UPDATE audit.loads SET status = 'withdrawn', withdrawn_at = ?, withdrawn_reason = ? WHERE load_id = ?",
        [dt.datetime.now(), reason, load_id],
    )
    return load_id
