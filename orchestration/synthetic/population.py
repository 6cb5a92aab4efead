"""Synthetic mid-year population by single year of age and sex (reference_data.md §2, simple layout).

The age profile is a smooth, England-like curve: flat-ish through childhood and working age, then
falling through old age, with 90 standing for 90 and over. It is scaled so that the adults (18+) of the
first mid-year equal the LA's calibration population exactly; later mid-years grow slightly. The
adult totals returned here are the denominators the generator calibrates its activity to.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

POPULATION_HEADER = ("la_code", "mid_year", "sex", "age", "population")

# Relative size of each single year of age (persons), England-like shape; index 90 = 90+.
_BASE_CURVE: tuple[float, ...] = tuple(
    (
        1.00
        if a < 18
        else 1.02
        if a < 30
        else 1.08
        if a < 45
        else 1.05
        if a < 60
        else 0.95 - (a - 60) * 0.01
        if a < 70
        else 0.85 - (a - 70) * 0.035
        if a < 85
        else max(0.33 - (a - 85) * 0.045, 0.08)
    )
    if a < 90
    else 0.75  # 90 and over, all single years together
    for a in range(91)
)


# Share male by age (women live longer).
def _male_share(age: int) -> float:
    if age < 60:
        return 0.505 if age < 30 else 0.495
    if age < 75:
        return 0.48
    if age < 85:
        return 0.44
    return 0.36


@dataclass(frozen=True)
class AdultPopulation:
    """Adults of one LA for one mid-year, as used for calibration."""

    adults: int
    adults_18_64: int
    adults_65_plus: int


def _persons_by_age(adults: int, old_age_tilt: float) -> list[float]:
    curve = [v * (old_age_tilt if a >= 65 else 1.0) for a, v in enumerate(_BASE_CURVE)]
    adult_weight = sum(curve[18:])
    scale = adults / adult_weight
    return [v * scale for v in curve]


def population_rows(
    la_code: str, adults: int, first_year: int, years: int, old_age_tilt: float = 1.0
) -> Iterator[tuple[str, int, int, int, int]]:
    """Rows ``(la_code, mid_year, sex, age, population)`` for each mid-year of the data window.

    ``adults`` is the 18+ total of the first mid-year; each later year grows 0.7%.
    ``old_age_tilt`` > 1 gives an older LA (more 65+ per adult).
    """
    for i in range(years):
        year = first_year + i
        persons = _persons_by_age(round(adults * (1.007**i)), old_age_tilt)
        for sex in (1, 2):
            for age in range(91):
                share = _male_share(age) if sex == 1 else 1 - _male_share(age)
                yield (la_code, year, sex, age, round(persons[age] * share))


def adult_totals(
    la_code: str, adults: int, first_year: int, years: int, old_age_tilt: float = 1.0
) -> dict[int, AdultPopulation]:
    """Adult bands per mid-year, summed from exactly the rows written to the population file."""
    out: dict[int, list[int]] = {}
    for _, year, _, age, pop in population_rows(la_code, adults, first_year, years, old_age_tilt):
        acc = out.setdefault(year, [0, 0])
        if 18 <= age < 65:
            acc[0] += pop
        elif age >= 65:
            acc[1] += pop
    return {y: AdultPopulation(a + b, a, b) for y, (a, b) in out.items()}
