"""The resource-shift scenario file (context.md §3 (d); docs/scenarios.md): pydantic models and
a reader that turns every problem into one clear message (file, field path, what is wrong, what is
allowed) instead of a traceback.

Sector ids come from seeds/scenarios/scenario_sectors.csv and cohort values from the shared code
lists (seeds/reference/ref_code_lists.csv), so a council that edits a seed edits what a file may
say. Cohort values may be given as code (`learning_disability`) or label (`Learning disability`);
both are stored as the label, which is how int_people__period_attributes spells them.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from orchestration.settings import SEEDS_DIR

SECTORS_SEED = SEEDS_DIR / "scenarios" / "scenario_sectors.csv"
CODE_LISTS_SEED = SEEDS_DIR / "reference" / "ref_code_lists.csv"
# Cohort filter → ref_code_lists dimension (the labels int_people__period_attributes carries).
COHORT_DIMENSIONS = {"psr_group": "psr_group", "working_age_band": "working_age_band", "age_band": "age_band"}
MAX_YEARS = 10


class ScenarioFileError(ValueError):
    """A scenario file that cannot be used; the message names the file and every bad field."""


@cache
def sector_ids(path: Path = SECTORS_SEED) -> tuple[str, ...]:
    with path.open(newline="", encoding="utf-8") as handle:
        return tuple(row["sector_id"] for row in csv.DictReader(handle))


@cache
def code_labels(dimension: str, path: Path = CODE_LISTS_SEED) -> dict[str, str]:
    """code → label and label → label (case-insensitive keys) of one code-list dimension."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["dimension"] == dimension]
    mapping = {r["code"].lower(): r["label"] for r in rows}
    mapping.update({r["label"].lower(): r["label"] for r in rows})
    return mapping


Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=7, decimal_places=3)]
Rate = Annotated[Decimal, Field(ge=-50, le=100, max_digits=7, decimal_places=3)]


class Cohort(BaseModel):
    """Which people of the source sector a shift moves (all of them when empty)."""

    model_config = ConfigDict(extra="forbid")

    psr_group: list[str] | None = None
    working_age_band: list[str] | None = None
    age_band: list[str] | None = None

    @field_validator("psr_group", "working_age_band", "age_band", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("psr_group", "working_age_band", "age_band")
    @classmethod
    def _known_labels(cls, values: list[str] | None, info: Any) -> list[str] | None:
        if values is None:
            return None
        if not values:
            raise ValueError("give at least one value, or leave the filter out for everyone")
        labels = code_labels(COHORT_DIMENSIONS[info.field_name])
        unknown = [v for v in values if str(v).lower() not in labels]
        if unknown:
            allowed = sorted(set(labels.values()))
            raise ValueError(f"unknown value(s) {unknown}; allowed: {allowed} (or their codes)")
        return sorted({labels[str(v).lower()] for v in values})

    def overlaps(self, other: Cohort) -> bool:
        """False only when some filter present on both sides shares no value."""
        for name in COHORT_DIMENSIONS:
            mine, theirs = getattr(self, name), getattr(other, name)
            if mine is not None and theirs is not None and not set(mine) & set(theirs):
                return False
        return True

    def describe(self) -> str:
        parts = [f"{name} in {values}" for name in COHORT_DIMENSIONS if (values := getattr(self, name))]
        return "; ".join(parts) or "everyone"


class Shift(BaseModel):
    """Move share_percent of a cohort from one sector to another, phased in over over_years."""

    model_config = ConfigDict(extra="forbid")

    from_sector: str
    to_sector: str
    cohort: Cohort = Cohort()
    share_percent: Percent
    over_years: int = Field(ge=1, le=MAX_YEARS)
    destination_weekly_cost: Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=2)] | None = None

    @field_validator("from_sector", "to_sector")
    @classmethod
    def _known_sector(cls, value: str) -> str:
        if value not in sector_ids():
            raise ValueError(
                f"unknown sector {value!r}; allowed: {list(sector_ids())} (seeds/scenarios/scenario_sectors.csv)"
            )
        return value

    @model_validator(mode="after")
    def _different_sectors(self) -> Shift:
        if self.from_sector == self.to_sector:
            raise ValueError(
                f"from_sector and to_sector are both {self.from_sector!r}; a shift moves between two sectors"
            )
        return self


class Scenario(BaseModel):
    """One scenario file. Uplift and growth are scenario-wide (not per shift, as the issue sketched):
    a sector touched by two shifts needs one baseline, which two different uplifts would not give."""

    model_config = ConfigDict(extra="forbid")

    scenario_id: str = Field(pattern=r"^[a-z0-9][a-z0-9_]{0,62}$")
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    la_code: str | None = Field(default=None, pattern=r"^E(06|07|08|09|10)\d{6}$")
    base_quarter: dt.date | None = None
    years: int = Field(ge=1, le=MAX_YEARS)
    weeks_per_year: Annotated[Decimal, Field(gt=0, le=53, max_digits=6, decimal_places=2)] = Decimal(52)
    price_uplift_percent: Rate = Decimal(0)
    demand_growth_percent: Rate = Decimal(0)
    shifts: list[Shift] = Field(min_length=1)

    @field_validator("base_quarter")
    @classmethod
    def _quarter_start(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and (value.day != 1 or value.month not in (1, 4, 7, 10)):
            raise ValueError(
                f"{value} is not the first day of a quarter; allowed: YYYY-04-01, -07-01, -10-01 or -01-01"
            )
        return value

    @model_validator(mode="after")
    def _consistent_shifts(self) -> Scenario:
        for i, shift in enumerate(self.shifts):
            # Overlapping cohorts leaving one sector could move more people than it holds.
            total = sum(
                (
                    s.share_percent
                    for s in self.shifts
                    if s.from_sector == shift.from_sector and s.cohort.overlaps(shift.cohort)
                ),
                Decimal(0),
            )
            if total > 100:
                raise ValueError(
                    f"shifts[{i}]: shifts out of {shift.from_sector!r} with overlapping cohorts move {total}% in all; "
                    "allowed: at most 100%"
                )
        prices: dict[str, set[Decimal]] = {}
        for shift in self.shifts:
            if shift.destination_weekly_cost is not None:
                prices.setdefault(shift.to_sector, set()).add(shift.destination_weekly_cost)
        for sector, given in prices.items():
            if len(given) > 1:
                raise ValueError(
                    f"shifts into {sector!r} give different destination_weekly_cost values {sorted(given)}; "
                    "allowed: one price per destination sector"
                )
        return self


@dataclass(frozen=True)
class ScenarioFile:
    """A validated scenario with the file it came from."""

    scenario: Scenario
    path: Path
    sha256: str


def _field_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(file)"


def _describe_error(error: dict[str, Any], model_fields: dict[str, list[str]]) -> str:
    loc = tuple(p for p in error["loc"] if p not in ("function-after", "function-before"))
    where = _field_path(loc)
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        owner = "shift" if "shifts" in loc else "scenario"
        owner = "cohort" if "cohort" in loc[:-1] else owner
        message = f"unknown field; allowed fields: {model_fields[owner]}"
    elif error["type"] == "missing":
        message = "required field is missing"
    if (
        error["type"] not in {"missing", "extra_forbidden"}
        and "input" in error
        and not isinstance(error["input"], dict)
    ):
        message += f" (got {error['input']!r})"
    # a whole-scenario check names its shift itself
    return message if not loc else f"{where}: {message}"


def format_validation_error(path: Path, exc: ValidationError) -> str:
    fields = {
        "scenario": list(Scenario.model_fields),
        "shift": list(Shift.model_fields),
        "cohort": list(Cohort.model_fields),
    }
    lines = [f"{path}: invalid scenario file ({exc.error_count()} problem(s))"]
    lines.extend(f"  {_describe_error(e, fields)}" for e in exc.errors())
    return "\n".join(lines)


def read_scenario(path: Path) -> ScenarioFile:
    """Read and validate one scenario file, or raise ScenarioFileError with a readable message."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScenarioFileError(f"{path}: cannot read the file ({exc.strerror})") from exc
    try:
        parsed = yaml.safe_load(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ScenarioFileError(f"{path}: not UTF-8 text") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ScenarioFileError(f"{path}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(parsed, dict):
        raise ScenarioFileError(f"{path}: expected a mapping of fields (scenario_id, name, years, shifts, ...)")
    try:
        scenario = Scenario.model_validate(parsed)
    except ValidationError as exc:
        raise ScenarioFileError(format_validation_error(path, exc)) from exc
    return ScenarioFile(scenario, path, hashlib.sha256(data).hexdigest())
