"""Scales, the LA list and the data window.

Calibration rates (per 100,000 adults 18+) live beside the code that uses them
(``journeys.py``, ``careers.py``); this module only fixes *which* LAs are generated, *how big* they
are and *when* the data runs.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
LA_SEED_PATH = REPO_ROOT / "seeds" / "reference" / "ref_la_codes.csv"

ENGLAND_ADULTS = 45_900_000


@dataclass(frozen=True)
class Window:
    """The data window: financial years ``first_year``-(``first_year``+1) ... for ``years`` years."""

    first_year: int
    years: int

    @property
    def start(self) -> date:
        return date(self.first_year, 4, 1)

    @property
    def end(self) -> date:
        return date(self.first_year + self.years, 3, 31)

    def quarter_ends(self) -> list[date]:
        out = []
        for y in range(self.years):
            fy = self.first_year + y
            out += [date(fy, 6, 30), date(fy, 9, 30), date(fy, 12, 31), date(fy + 1, 3, 31)]
        return out

    def financial_years(self) -> list[tuple[str, date, date]]:
        return [
            (f"{fy}-{(fy + 1) % 100:02d}", date(fy, 4, 1), date(fy + 1, 3, 31))
            for fy in range(self.first_year, self.first_year + self.years)
        ]


@dataclass(frozen=True)
class LASpec:
    """One LA to generate: its code, name, adult population (18+) and an activity multiplier."""

    la_code: str
    la_name: str
    adults: int
    activity: float = 1.0  # scales request / support rates (councils vary ±30%)
    old_age_tilt: float = 1.0  # >1: an older population


@dataclass(frozen=True)
class ScaleSpec:
    name: str
    xlsx_first_file: bool  # write the earliest quarterly file as XLSX (demo only)
    single_population_file: bool


SCALES: dict[str, ScaleSpec] = {
    "demo": ScaleSpec("demo", xlsx_first_file=True, single_population_file=False),
    "council": ScaleSpec("council", xlsx_first_file=False, single_population_file=False),
    "national": ScaleSpec("national", xlsx_first_file=False, single_population_file=True),
}

# The 153 CASSRs valid on 1 April 2023 (used when the LA seed is absent).
_BUILTIN_CODES: tuple[str, ...] = (
    tuple(f"E06{n:06d}" for n in range(1, 67) if n not in (28, 29, 48))
    + tuple(f"E08{n:06d}" for n in range(1, 38) if n != 20)
    + tuple(f"E09{n:06d}" for n in range(1, 34))
    + tuple(f"E10{n:06d}" for n in (3, 7, 8, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 24, 25, 28, 29, 30, 31, 32, 34))
)

_NAMES = {"E06000005": "Darlington", "E10000016": "Kent"}


def _parse_iso(text: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def national_la_list(on: date) -> list[tuple[str, str]]:
    """(la_code, la_name) of every CASSR valid on ``on``: from the LA seed if present, else built in."""
    if LA_SEED_PATH.exists():
        rows: list[tuple[str, str]] = []
        with LA_SEED_PATH.open(newline="", encoding="utf-8-sig") as fh:
            for rec in csv.DictReader(fh):
                code = (rec.get("la_code") or "").strip()
                if code[:3] not in ("E06", "E08", "E09", "E10"):
                    continue
                start = _parse_iso(rec.get("effective_from", ""))
                stop = _parse_iso(rec.get("effective_to", ""))
                if (start is None or start <= on) and (stop is None or stop >= on):
                    rows.append((code, (rec.get("la_name") or code).strip()))
        # one row per code, in code order
        uniq = sorted(dict(rows).items())
        if len(uniq) >= 100:
            return uniq
    return [(c, _NAMES.get(c, c)) for c in _BUILTIN_CODES]


def la_specs(scale: str, seed: int, window: Window, adult_scale: float = 1.0) -> list[LASpec]:
    """The LAs of a scale with their calibration populations."""
    if scale == "demo":
        return [LASpec("E06000005", "Darlington", max(1000, round(120_000 * adult_scale)))]
    if scale == "council":
        return [LASpec("E10000016", "Kent", max(1000, round(1_200_000 * adult_scale)), 1.0, 1.05)]
    if scale != "national":
        raise ValueError(f"unknown scale {scale!r} (demo, council or national)")
    las = national_la_list(window.start)
    rng = random.Random(f"national:{seed}")
    weights = []
    for code, _ in las:
        # counties and big cities are larger; a long tail of small unitaries
        base = {"E10": 700_000, "E08": 320_000, "E09": 210_000}.get(code[:3], 170_000)
        weights.append(base * rng.lognormvariate(0, 0.45))
    total = sum(weights)
    specs = []
    for (code, name), w in zip(las, weights, strict=True):
        adults = max(1_500, round(ENGLAND_ADULTS * w / total * adult_scale))
        if code == "E09000001":  # City of London
            adults = max(1_500, round(8_000 * adult_scale))
        specs.append(LASpec(code, name, adults, round(rng.uniform(0.8, 1.2), 3), round(rng.uniform(0.85, 1.2), 3)))
    return specs
