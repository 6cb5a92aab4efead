"""Build small hand-made good-lives profile extracts for tests (good_lives_extract.md §4).

`profile_row(...)` is one domain row of a profile (a default row overridden per field) under the
contract's headers; `write_good_lives_csv` writes rows as a council's file. Until the good-lives
loader exists, `insert_raw_profiles` writes the same rows straight into raw.good_lives_profiles as
ingest would (identifiers hashed exactly as CLD hashes them, codes already clean, GL040 exact copies
dropped) with its audit.loads row; the dbt fixtures switch to the real loader at merge.
"""

from __future__ import annotations

import csv
import hashlib
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from orchestration.defs.ingest.good_lives import RAW_GOOD_LIVES_SCHEMA
from orchestration.defs.ingest.hashing import Hasher
from orchestration.defs.ingest.parsing import canonical_local_id, check_nhs_number
from orchestration.settings import Settings

LA = "E06000005"

HEADERS: tuple[str, ...] = (
    "la_code",
    "person_local_id",
    "nhs_number",
    "profile_date",
    "profile_id",
    "practitioner_team",
    "domain",
    "strength_text",
    "strength_rating",
    "need_level",
    "goal_text",
    "goal_status",
    "matters_most",
    "support_sources",
    "paid_service_component",
    "paid_service_ref",
    "support_fit",
    "paid_fit",
    "feels_like_home",
)

DOMAINS: tuple[str, ...] = (
    "physical_practical",
    "community",
    "work_learning",
    "relationships",
    "independence",
    "safety",
    "home",
)

DEFAULT_ROW: dict[str, str] = {
    "la_code": LA,
    "person_local_id": "P1",
    "nhs_number": "",
    "profile_date": "2024-06-01",
    "profile_id": "F1",
    "practitioner_team": "Team A",
    "domain": "physical_practical",
    "strength_text": "",
    "strength_rating": "",
    "need_level": "low",
    "goal_text": "",
    "goal_status": "",
    "matters_most": "N",
    "support_sources": "family",
    "paid_service_component": "",
    "paid_service_ref": "",
    "support_fit": "fits",
    "paid_fit": "",
    "feels_like_home": "",
}

SOURCE_ORDER = ("paid", "family", "community", "technology")


def profile_row(**overrides: Any) -> dict[str, str]:
    """One profile row: the default overridden per field (None writes a blank)."""
    base = dict(DEFAULT_ROW)
    unknown = set(overrides) - set(HEADERS)
    if unknown:
        raise KeyError(f"not a good-lives column: {sorted(unknown)}")
    base.update({k: "" if v is None else str(v) for k, v in overrides.items()})
    return base


def write_good_lives_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    """Write rows under the §4 contract headers."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for r in rows:
            writer.writerow([r.get(h, "") for h in HEADERS])
    return path


def _blank(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def _date(value: str) -> date:
    text = value.strip()
    if "/" in text:
        return datetime.strptime(text, "%d/%m/%Y").date()
    return date.fromisoformat(text)


def _sources(value: str | None) -> str | None:
    """'|'-joined sources in the raw table's fixed order, 'none' on its own, NULL when blank."""
    tokens = {t.strip().lower() for t in (value or "").split("|") if t.strip()}
    if not tokens:
        return None
    if tokens == {"none"}:
        return "none"
    return "|".join(s for s in SOURCE_ORDER if s in tokens)


def raw_row(r: dict[str, str], hasher: Hasher, allow_test_nhs_numbers: bool) -> dict[str, object]:
    """The raw.good_lives_profiles values of one clean contract row, hashed as CLD hashes."""
    la_code = r["la_code"].strip().upper()
    local_id = canonical_local_id(r["person_local_id"]) or ""
    nhs = check_nhs_number(r.get("nhs_number"), allow_test_nhs_numbers)
    sources = _sources(r.get("support_sources"))
    goal_status = _blank(r.get("goal_status"))
    if goal_status is None and _blank(r.get("goal_text")):
        goal_status = "not_started"  # GL024
    support_fit = _blank(r.get("support_fit"))
    if sources == "none":
        support_fit = None  # GL027: ignored
    elif support_fit is None:
        support_fit = "not_recorded"  # GL027
    feels = _blank(r.get("feels_like_home"))
    if r["domain"] == "home" and feels is None:
        feels = "not_asked"  # GL030
    elif r["domain"] != "home":
        feels = None
    rating = _blank(r.get("strength_rating"))
    return {
        "la_code": la_code,
        "la_person_id_hash": hasher.hash(f"{la_code}_{local_id}"),
        "nhs_number_hash": hasher.hash(nhs.number) if nhs.chk > 0 and nhs.number else None,
        "nhs_number_chk": nhs.chk,
        "profile_date": _date(r["profile_date"]),
        "profile_id": _blank(r.get("profile_id")),
        "practitioner_team": _blank(r.get("practitioner_team")),
        "domain": r["domain"],
        "strength_rating": int(rating) if rating is not None else None,
        "has_strength_text": _blank(r.get("strength_text")) is not None,
        "need_level": r["need_level"],
        "has_goal_text": _blank(r.get("goal_text")) is not None,
        "goal_status": goal_status,
        "matters_most": (r.get("matters_most") or "").strip().upper() == "Y",
        "support_sources": sources,
        "paid_service_component": _blank(r.get("paid_service_component")),
        "paid_service_ref": _blank(r.get("paid_service_ref")),
        "support_fit": support_fit,
        "paid_fit": _blank(r.get("paid_fit")),
        "feels_like_home": feels,
    }


def insert_raw_profiles(
    con: duckdb.DuckDBPyConnection,
    rows: list[dict[str, str]],
    settings: Settings,
    load_id: str = "gl-load-1",
    source_file: str = "good_lives.csv",
    received_at: datetime = datetime(2025, 5, 10, 9, 0),
) -> tuple[int, int]:
    """Write clean contract rows into raw.good_lives_profiles as one loaded load; exact copies of
    an earlier row are dropped (GL040) into quarantine. Returns (rows_loaded, rows_rejected)."""
    hasher = Hasher(settings.hmac_key or b"")
    sha = hashlib.sha256(f"{load_id}:{source_file}".encode()).hexdigest()
    names = [name for name, _ in RAW_GOOD_LIVES_SCHEMA]
    columns = ["load_id", "source_file", "row_number", "file_sha256", "received_at", *names]
    seen: set[tuple[str, ...]] = set()
    loaded = rejected = 0
    for number, r in enumerate(rows, start=2):  # row 1 is the header line
        exact = tuple(r.get(h, "") for h in HEADERS)
        if exact in seen:
            rejected += 1
            con.execute(
                "INSERT INTO quarantine.rejected_rows VALUES (?, ?, ?, ?, ?, ?, ?)",
                [load_id, source_file, number, "domain", "GL040", r["domain"], "exact duplicate row"],
            )
            continue
        seen.add(exact)
        values = raw_row(r, hasher, settings.allow_test_nhs_numbers)
        marks = ", ".join("?" for _ in columns)
        con.execute(
            f"INSERT INTO raw.good_lives_profiles ({', '.join(columns)}) VALUES ({marks})",
            [load_id, source_file, number, sha, received_at, *(values[n] for n in names)],
        )
        loaded += 1
    now = datetime.now()
    con.execute(
        "INSERT INTO audit.loads (load_id, source_file, file_sha256, dataset, la_code, received_at, "
        "received_at_source, rows_in, rows_loaded, rows_rejected, started_at, finished_at, status) "
        "VALUES (?, ?, ?, 'good_lives_profiles', ?, ?, 'test', ?, ?, ?, ?, ?, 'loaded')",
        [
            load_id,
            source_file,
            sha,
            rows[0]["la_code"] if rows else None,
            received_at,
            len(rows),
            loaded,
            rejected,
            now,
            now,
        ],
    )
    return loaded, rejected
