"""Recognise an extract by its header set, never by its file name (`cld_extract.md` §4.2)."""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.defs.ingest.contract import (
    CLD_COLUMNS,
    FINANCE_CATEGORY_MAP_COLUMNS,
    FINANCE_COLUMNS,
    FINANCE_CONTROL_REQUIRED,
    FINANCE_ONE_OF,
    GOOD_LIVES_COLUMNS,
    HOSPITAL_COLUMNS,
    HOSPITAL_HEADER_ALIASES,
    HOSPITAL_ONE_OF,
    PLACE_INPUTS_COLUMNS,
    POPULATION_COLUMNS,
    Column,
)
from orchestration.defs.ingest.keys import header_key
from orchestration.defs.ingest.reading import FileRefused
from orchestration.defs.ingest.reference import header_aliases

# A header set must share at least this many canonical names with a dataset to be taken for it;
# then every missing required column is named in one refusal message.
_MIN_SHARED = {
    "cld": 8,
    "finance": 5,
    "finance_control": 4,
    "finance_category_map": 5,
    "population": 3,
    "hospital_discharges": 5,
    # good_lives_extract.md §2: four of the six recognition headers, so a file missing one or two
    # is still taken for a profile file and refused naming them (GL001).
    "good_lives_profiles": 4,
    "place_inputs": 4,
}

# Per dataset, groups of columns of which at least one must be present (e.g. a person identifier).
_ONE_OF: dict[str, tuple[tuple[str, ...], ...]] = {
    "hospital_discharges": HOSPITAL_ONE_OF,
    "finance": FINANCE_ONE_OF,
}

# Groups of columns that stand in for each other: once one is present the others are not reported
# missing (the finance `period` column, or financial_year and period_number).
_ALTERNATIVES: dict[str, tuple[tuple[str, ...], ...]] = {"finance": FINANCE_ONE_OF}

# The audit rule of a refusal for missing columns: the finance contract numbers it FIN001
# (finance_extract.md §8); the other extracts use the shared rule code.
_MISSING_RULE = {
    "finance": "FIN001",
    "finance_control": "FIN001",
    "finance_category_map": "FIN001",
    "good_lives_profiles": "GL001",
}


@dataclass(frozen=True)
class Recognised:
    dataset: str  # cld, finance, finance_control, finance_category_map, population, hospital_discharges,
    # good_lives_profiles, place_inputs
    positions: dict[str, int]  # canonical name -> column index in the file
    unknown_headers: dict[int, str]  # column index -> submitted header kept aside
    missing_optional: list[str]  # canonical names absent (loaded as null)


def _dataset_columns() -> dict[str, tuple[Column, ...]]:
    control = tuple(Column(n, n, "text", True) for n in FINANCE_CONTROL_REQUIRED)
    return {
        "cld": CLD_COLUMNS,
        "finance": FINANCE_COLUMNS,
        "finance_control": control,
        "finance_category_map": FINANCE_CATEGORY_MAP_COLUMNS,
        "population": POPULATION_COLUMNS,
        "hospital_discharges": HOSPITAL_COLUMNS,
        "good_lives_profiles": GOOD_LIVES_COLUMNS,
        "place_inputs": PLACE_INPUTS_COLUMNS,
    }


def canonical_names(header: list[str]) -> list[str]:
    """Header keys, with aliases resolved to canonical names."""
    aliases = {**HOSPITAL_HEADER_ALIASES, **header_aliases()}
    return [aliases.get(k, k) for k in (header_key(h) for h in header)]


def recognise(header: list[str], file_name: str) -> Recognised:
    """Match headers to a dataset; refuse the file with a message naming what is wrong."""
    names = canonical_names(header)
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        if not name:
            continue
        if name in seen:
            first = header[seen[name]].strip()
            raise FileRefused(
                "duplicate_header",
                f"{file_name} rejected: headers {first!r} and {header[index].strip()!r} are the same column "
                f"({name}). Remove one and resend.",
                column=name,
            )
        seen[name] = index
    best: tuple[int, str] | None = None
    for dataset, columns in _dataset_columns().items():
        shared = sum(1 for c in columns if c.name in seen)
        if shared >= _MIN_SHARED[dataset] and (best is None or shared > best[0]):
            best = (shared, dataset)
    if best is None:
        raise FileRefused(
            "unknown_header_set",
            f"{file_name} rejected: its headers match no known extract "
            "(CLD events, finance ledger, control totals or category map, population, hospital discharges, "
            "good-lives profiles, place inputs). "
            f"First headers: {', '.join(h.strip() for h in header[:6])}",
        )
    dataset = best[1]
    columns = _dataset_columns()[dataset]
    headers = {c.name: c.header for c in columns}
    missing = [c.name for c in columns if c.required and c.name not in seen]
    missing += ["|".join(group) for group in _ONE_OF.get(dataset, ()) if not any(n in seen for n in group)]
    if missing:
        named = [" or ".join(headers[n] for n in m.split("|")) for m in missing]
        raise FileRefused(
            _MISSING_RULE.get(dataset, "missing_required_column"),
            f"{file_name} rejected: missing required column(s): {', '.join(named)}. "
            "Add the columns (values may be blank where not applicable) and resend.",
            column=", ".join(m.replace("|", " or ") for m in missing),
        )
    known = {c.name for c in columns}
    quiet = {n for group in _ALTERNATIVES.get(dataset, ()) if any(m in seen for m in group) for n in group}
    return Recognised(
        dataset=dataset,
        positions={name: i for name, i in seen.items() if name in known},
        unknown_headers={i: header[i] for name, i in seen.items() if name not in known},
        missing_optional=[c.name for c in columns if c.name not in seen and c.name not in quiet],
    )
