"""Financial-year partitions of the metrics layer (issue "Partitions").

The per-period metric models (dbt tag `metrics_partitioned`) materialise per financial year, so a
new quarter rebuilds only the years it can change (normally the current and the previous one:
rolling windows and look-forward windows cross the year end) and leaves older years as they are.
A period belongs to the financial year of its end date (int_periods.financial_year).

The partitions are static: every year from CLD's first (2023-24, mandatory from 1 April 2023) to
the year of today, so the set is known before any data is loaded. A run over every partition is a
full rebuild (the dbt var stays null), which also covers any data outside this range.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import dagster as dg

FIRST_FINANCIAL_YEAR = 2023  # 2023-24


def financial_year_of(day: dt.date) -> str:
    """The financial year (1 April to 31 March) holding a date, as '2024-25'."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def financial_years(last: dt.date | None = None) -> list[str]:
    """Every financial year from CLD's first to the one holding `last` (default today), oldest first."""
    end = int(financial_year_of(last or dt.date.today())[:4])
    return [f"{y}-{(y + 1) % 100:02d}" for y in range(FIRST_FINANCIAL_YEAR, max(end, FIRST_FINANCIAL_YEAR) + 1)]


FINANCIAL_YEARS = dg.StaticPartitionsDefinition(financial_years())


def metric_years_var(partition_keys: Iterable[str], all_keys: Sequence[str] | None = None) -> list[str] | None:
    """The dbt var metric_financial_years for a run over these partitions: None (every year, a full
    rebuild) when the run covers them all, else the years in order."""
    keys = sorted(set(partition_keys))
    every = list(all_keys if all_keys is not None else FINANCIAL_YEARS.get_partition_keys())
    return None if set(keys) >= set(every) else keys


def year_range(years: Iterable[str], all_keys: Sequence[str] | None = None) -> tuple[str, str]:
    """The contiguous partition range covering the years (a run targets one range; years in between
    are rebuilt too, which is harmless). Raises ValueError for a year outside the partitions."""
    every = list(all_keys if all_keys is not None else FINANCIAL_YEARS.get_partition_keys())
    wanted = sorted(set(years))
    unknown = [y for y in wanted if y not in every]
    if unknown or not wanted:
        raise ValueError(f"financial years {unknown or wanted} not among the partitions {every[0]}..{every[-1]}")
    return wanted[0], wanted[-1]
