"""Seeds read by ingest: code lists, LA codes and header aliases.

dbt loads the same CSVs as seeds, so the code lists used to flag values at ingest and to map them
in staging are one source (`seeds/`).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from orchestration.settings import SEEDS_DIR

INVALID = "Invalid and not mapped"


@dataclass(frozen=True)
class Code:
    cleaned: str
    grouped: str
    release: str  # R1, R2 or both


@dataclass(frozen=True)
class LaCode:
    la_code: str
    la_name: str
    effective_from: dt.date | None
    effective_to: dt.date | None
    successor_codes: tuple[str, ...]


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=8)
def code_lists(seeds_dir: Path = SEEDS_DIR) -> dict[str, dict[str, Code]]:
    """field -> value_key -> Code. A field with a header-only seed maps to an empty dict."""
    lists: dict[str, dict[str, Code]] = {}
    for path in sorted((seeds_dir / "code_lists").glob("cld_*.csv")):
        field = path.stem.removeprefix("cld_")
        lists[field] = {
            row["value_key"]: Code(row["cleaned_value"], row["grouped_value"], row["release"]) for row in _read(path)
        }
    return lists


@lru_cache(maxsize=8)
def unseeded_fields(seeds_dir: Path = SEEDS_DIR) -> frozenset[str]:
    """Fields whose national list is not held: loaded as text with a completeness check only."""
    path = seeds_dir / "code_lists" / "unseeded_code_fields.csv"
    return frozenset(row["field"] for row in _read(path)) if path.exists() else frozenset()


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@lru_cache(maxsize=8)
def la_codes(seeds_dir: Path = SEEDS_DIR) -> dict[str, list[LaCode]]:
    out: dict[str, list[LaCode]] = {}
    for row in _read(seeds_dir / "reference" / "ref_la_codes.csv"):
        successors = tuple(s for s in (row.get("successor_codes") or "").split("|") if s)
        out.setdefault(row["la_code"], []).append(
            LaCode(row["la_code"], row["la_name"], _date(row["effective_from"]), _date(row["effective_to"]), successors)
        )
    return out


def resolve_la_code(code: str, seeds_dir: Path = SEEDS_DIR) -> str | None:
    """Resolve a submitted LA code to the ONS code of the council now responsible.

    A recode (one successor) follows to the successor so people do not split across codes
    (processing_rules.md §12); an unknown code returns None (the file is refused).
    """
    known = la_codes(seeds_dir)
    current = code.strip().upper()
    seen: set[str] = set()
    while current in known and current not in seen:
        seen.add(current)
        successors = {s for interval in known[current] for s in interval.successor_codes}
        if len(successors) != 1:
            return current
        current = successors.pop()
    return current if current in known else None


@lru_cache(maxsize=8)
def header_aliases(seeds_dir: Path = SEEDS_DIR) -> dict[str, str]:
    path = seeds_dir / "reference" / "cld_header_aliases.csv"
    return {row["alias_key"]: row["canonical_name"] for row in _read(path)} if path.exists() else {}
