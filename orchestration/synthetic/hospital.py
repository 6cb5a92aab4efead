"""Synthetic hospital discharge extract (docs/hospital_discharge_extract.md), written only on request.

A view of the LA's simulated people, consistent with its CLD files:
- every request routed from hospital discharge gets the discharge that caused it, 0-2 days before the
  request starts (so reablement after hospital links to a discharge, ASCOF 2D);
- every event ending "Admitted to hospital" gets the admission (a readmission for ASCOF 2D part 1);
- some deaths of people aged 65+ happen in hospital (method 4, destination 79);
- a few other stays of people aged 65+ with no social care follow-up.
One spell-level file per LA, received 45 days after the window ends. Its own random stream, so the
other files' bytes never change whether or not it is written.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from .config import Window
from .model import LAData, Person

HEADER = (
    "LA Code",
    "NHS Number",
    "LA Person Unique Identifier",
    "Hospital Spell ID",
    "Admission Date",
    "Discharge Date",
    "Discharge Method",
    "Discharge Destination",
    "Treatment Function Code",
    "Date of Birth",
    "Resident LA Code",
)
# General medicine, geriatric medicine, trauma and orthopaedics, general surgery, cardiology.
TREATMENT_FUNCTIONS = {"300": 40, "430": 30, "110": 15, "100": 10, "320": 5}
HOME_DESTINATIONS = {"19": 90, "29": 3, "54": 2, "65": 2, "85": 3}


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _stay(rng: random.Random) -> int:
    return min(60, 1 + int(rng.expovariate(1 / 6)))


def write_hospital_file(out_dir: Path, data: LAData, window: Window, seed: int) -> Path:
    """Write ``hospital_<la>_<received>.csv`` for one LA and return its path."""
    rng = random.Random(f"hospital:{seed}:{data.la_code}")
    spells: list[tuple[date, date, Person, str, str, str]] = []  # admit, discharge, person, method, dest, tfc

    def add(person: Person, admit: date, discharge: date, method: str = "1", destination: str | None = None) -> None:
        if window.start <= discharge <= window.end and admit <= discharge:
            dest = destination or _pick(rng, HOME_DESTINATIONS)
            spells.append((admit, discharge, person, method, dest, _pick(rng, TREATMENT_FUNCTIONS)))

    for event in sorted(data.events, key=lambda e: (e.person.pid, e.start, e.eid)):
        if event.deleted is not None or event.etype == "KBA":
            continue
        if event.etype == "REQ" and event.route == "HOSP_DISCHARGE":
            discharge = event.start - timedelta(days=rng.randint(0, 2))
            add(event.person, discharge - timedelta(days=_stay(rng)), discharge)
        if event.outcome == "HOSPITAL" and event.end is not None:
            add(event.person, event.end, event.end + timedelta(days=_stay(rng)))
    for person in data.people:
        if person.dod is not None and person.age_on(person.dod) >= 65 and rng.random() < 0.4:
            add(person, person.dod - timedelta(days=_stay(rng)), person.dod, "4", "79")
        elif person.age_on(window.start) >= 65 and rng.random() < 0.05:
            discharge = window.start + timedelta(days=rng.randint(0, (window.end - window.start).days))
            add(person, discharge - timedelta(days=_stay(rng)), discharge)

    spells.sort(key=lambda s: (s[1], s[0], s[2].pid))
    received = window.end + timedelta(days=45)
    path = out_dir / f"hospital_{data.la_code}_{received.isoformat()}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(HEADER)
        for n, (admit, discharge, person, method, destination, tfc) in enumerate(spells, start=1):
            # A few residents of a neighbouring council turn up in the council's extract.
            neighbour = "E06000004" if data.la_code != "E06000004" else "E06000005"
            resident = data.la_code if rng.random() >= 0.02 else neighbour
            writer.writerow(
                (
                    data.la_code,
                    person.nhs or "",
                    person.local_id,
                    f"H{n:07d}",
                    admit.isoformat(),
                    discharge.isoformat(),
                    method,
                    destination,
                    tfc,
                    person.dob.isoformat(),
                    resident,
                )
            )
    return path
