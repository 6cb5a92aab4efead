"""Unit costs, cost frequencies and planned units for service lines.

Prices are 2024-25 levels, near the national anchors (synthetic_data.md "Costs"):

| line | frequency | level |
|---|---|---|
| residential / nursing | Weekly | mean ≈ £1,185.55 over the mix, ±25%; nursing and LD placements dearer |
| home support | Hourly, planned units per week | £23.56/hour (±6%); 14.38 hours a week on average |
| direct payment | Weekly or 4-weekly | 65+ ≈ £330/week, 18-64 ≈ £480/week |
| supported living | Weekly (some Monthly) | ≈ £1,350/week, the dearest community line for LD 18-64 |
| day support | Per session or Daily, planned units | ≈ £58 a session, 2-5 a week |
| reablement (ST-Max) | Hourly, planned units | ≈ £26/hour, 6-14 hours a week |
| equipment | One-off | £60 - £2,000 |

Lines that started before the fee uplift date carry a lower price until then (``UPLIFT``): the CLD
sends the latest known price ("uplifts overwrite"), the ledger pays the old price before the date.
"""

from __future__ import annotations

import random
from datetime import date

UPLIFT_RATE = 1.03  # fee uplift applied from 1 April of the second year (kept < the 5% reconciliation tolerance)

Cost = tuple[str, int, int | None]  # (frequency, unit cost in pence, planned units per week in hundredths)


def uplift_date(first_year: int) -> date:
    return date(first_year + 1, 4, 1)


def _pence(pounds: float) -> int:
    return round(pounds * 100)


def _lognorm(rng: random.Random, mean: float, sigma: float) -> float:
    # mean-preserving log-normal
    return mean * rng.lognormvariate(-sigma * sigma / 2, sigma)


def care_home_weekly(rng: random.Random, age: int, psr: str | None, nursing: bool) -> Cost:
    if age >= 65:
        mean = 1_330.0 if nursing else 1_070.0
    elif psr == "LD":
        mean = 1_900.0 if nursing else 1_750.0
    elif psr == "MH":
        mean = 1_450.0 if nursing else 1_300.0
    else:
        mean = 1_450.0 if nursing else 1_250.0
    value = min(max(_lognorm(rng, mean, 0.11), mean * 0.7), mean * 1.35)
    return ("Weekly", _pence(value), None)


def short_term_care_home_weekly(rng: random.Random, nursing: bool) -> Cost:
    mean = 1_250.0 if nursing else 980.0
    return ("Weekly", _pence(_lognorm(rng, mean, 0.1)), None)


def home_care(rng: random.Random, age: int) -> Cost:
    rate = _lognorm(rng, 23.56, 0.06)
    mean_hours = 14.38 if age >= 65 else 15.0
    hours = rng.gammavariate(2.4, (mean_hours - 0.4) / 2.4)
    hours = min(max(hours, 1.5), 70.0)
    hours = round(hours * 4) / 4  # quarter hours
    return ("Hourly", _pence(rate), round(hours * 100))


def direct_payment(rng: random.Random, age: int) -> Cost:
    weekly = _lognorm(rng, 330.0 if age >= 65 else 480.0, 0.45)
    weekly = min(max(weekly, 40.0), 2_500.0)
    if rng.random() < 0.3:
        return ("4-weekly", _pence(weekly * 4), None)
    return ("Weekly", _pence(weekly), None)


def supported_living(rng: random.Random) -> Cost:
    weekly = min(max(_lognorm(rng, 1_350.0, 0.35), 350.0), 4_500.0)
    if rng.random() < 0.15:
        return ("Monthly", _pence(weekly * 52 / 12), None)
    return ("Weekly", _pence(weekly), None)


def shared_lives(rng: random.Random) -> Cost:
    return ("Weekly", _pence(_lognorm(rng, 560.0, 0.15)), None)


def day_support(rng: random.Random) -> Cost:
    sessions = rng.choice((1, 2, 2, 3, 3, 4, 5))
    if rng.random() < 0.3:
        return ("Daily", _pence(_lognorm(rng, 68.0, 0.15)), sessions * 100)
    return ("Per session", _pence(_lognorm(rng, 58.0, 0.18)), sessions * 100)


def meals(rng: random.Random) -> Cost:
    return ("Per session", _pence(rng.uniform(4.8, 6.5)), rng.choice((5, 7, 7)) * 100)


def transport(rng: random.Random) -> Cost:
    return ("Per session", _pence(rng.uniform(9.0, 18.0)), rng.choice((2, 4, 6, 10)) * 100)


def reablement(rng: random.Random) -> Cost:
    rate = _lognorm(rng, 26.0, 0.06)
    hours = rng.choice((5, 6, 7, 7, 8, 9, 10, 10.5, 12, 14))
    return ("Hourly", _pence(rate), int(hours * 100))


def professional_support(rng: random.Random) -> Cost:
    return ("Hourly", _pence(_lognorm(rng, 38.0, 0.1)), rng.choice((1, 2, 3)) * 100)


def equipment(rng: random.Random) -> Cost:
    return ("One-off", _pence(min(max(rng.lognormvariate(5.6, 0.8), 40.0), 3_000.0)), None)


def telecare(rng: random.Random) -> Cost:
    return ("Weekly", _pence(rng.uniform(3.5, 8.5)), None)


def carer_direct_payment(rng: random.Random) -> Cost:
    if rng.random() < 0.75:
        return ("One-off", _pence(rng.choice((150, 200, 250, 300, 350, 400, 500, 600))), None)
    return ("4-weekly", _pence(rng.uniform(80.0, 260.0)), None)


def carer_respite(rng: random.Random) -> Cost:
    return ("Weekly", _pence(_lognorm(rng, 950.0, 0.12)), None)


def carer_sitting(rng: random.Random) -> Cost:
    return ("Hourly", _pence(_lognorm(rng, 22.0, 0.06)), rng.choice((2, 3, 4, 6)) * 100)


def units_per_week(freq: str, units_h: int | None) -> float | None:
    """Units per week as processing_rules.md §7 computes them (None for One-off)."""
    table = {
        "Weekly": 1.0,
        "Fortnightly": 0.5,
        "4-weekly": 0.25,
        "Monthly": 12 / 52,
        "Quarterly": 4 / 52,
        "Annually": 1 / 52,
    }
    if freq in table:
        return table[freq]
    if freq in ("Hourly", "Daily", "Per session"):
        return (units_h or 0) / 100
    return None


def before_uplift(price_p: int) -> int:
    """The price a line paid before the uplift date, given its uplifted price."""
    return round(price_p / UPLIFT_RATE)
