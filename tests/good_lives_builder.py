"""Build small hand-made good-lives profile extracts for tests (good_lives_extract.md §4).

`profile_row(...)` is one domain row of a profile (a default row overridden per field) under the
contract's headers; `write_good_lives_csv` writes rows as a council's file, which the fixtures load
through the real loader.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

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
