"""Build small hand-made hospital discharge extracts (docs/hospital_discharge_extract.md) for tests.

Rows use canonical names and are written under the contract's headers; a default discharge is
overridden per row so every expected value can be worked out from the rows beside it.
"""

from __future__ import annotations

import csv
from pathlib import Path

from cld_builder import LA
from orchestration.defs.ingest.contract import HOSPITAL_COLUMNS

NHS = "9990000018"  # a valid (test-range) NHS number, also used in the CLD fixtures

DEFAULT_DISCHARGE: dict[str, str] = {
    "la_code": LA,
    "nhs_number": NHS,
    "la_person_unique_identifier": "",
    "hospital_spell_id": "SP1",
    "episode_number": "",
    "last_episode_in_spell": "",
    "admission_date": "2024-05-01",
    "discharge_date": "2024-05-10",
    "discharge_method": "1",
    "discharge_destination": "19",
    "treatment_function_code": "300",
    "date_of_birth": "1950-06-15",
    "age_at_discharge": "",
    "resident_la_code": LA,
}


def discharge(**overrides: str) -> dict[str, str]:
    """The default discharge (home, alive, general medicine 300) with fields overridden."""
    return {**DEFAULT_DISCHARGE, **overrides}


def write_discharges(path: Path, rows: list[dict[str, str]], drop: tuple[str, ...] = ()) -> Path:
    """Write rows under the contract headers; `drop` leaves columns out (to test refusals)."""
    columns = [c for c in HOSPITAL_COLUMNS if c.name not in drop]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.header for c in columns])
        for r in rows:
            writer.writerow([r.get(c.name, "") for c in columns])
    return path
