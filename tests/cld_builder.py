"""Build small hand-made CLD extracts for tests: a default row overridden per row.

Rows are given with canonical names (`event_type`, `event_start_date` ...) and written under the
Release 1 headers, so every fixture reads like a council's file and every number in a test can be
worked out by hand from the rows written next to it.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from orchestration.defs.ingest.contract import CLD_COLUMNS

LA = "E06000005"

DEFAULT_ROW: dict[str, str] = {
    "la_code": LA,
    "reporting_period_start_date": "2024-04-01",
    "reporting_period_end_date": "2025-03-31",
    "nhs_number": "",
    "la_person_unique_identifier": "P1",
    "gender": "Male",
    "ethnicity": "White - English, Welsh, Scottish, Northern Irish or British",
    "date_of_birth": "1950-06-15",
    "client_type": "Service User",
    "primary_support_reason": "Physical Support: Personal care support",
    "postcode": "DL1 1AA",
    "accommodation_status": "Owner occupier or shared ownership scheme",
    "employment_status": "Not in Paid Employment (not actively seeking work / retired)",
    "has_unpaid_carer": "No",
    "client_funding_status": "Fully Social Care Funded",
    "event_type": "Request",
    "event_start_date": "2024-05-01",
    "event_end_date": "2024-05-02",
    "event_outcome": "NFA - Information & Advice / Signposting only",
    "request_route_of_access": "Community / Other route",
}

SERVICE_DEFAULTS: dict[str, str] = {
    "event_type": "Service",
    "event_outcome": "No change in package",
    "request_route_of_access": "",
    "service_type": "Long Term Support: Community",
    "service_component": "Home Support",
    "delivery_mechanism": "CASSR Commissioned Support",
}


def row(**overrides: Any) -> dict[str, str]:
    """A request row by default; `service=True` switches to a long-term community service."""
    base = dict(DEFAULT_ROW)
    if overrides.pop("service", False):
        base.update(SERVICE_DEFAULTS)
    base.update({k: "" if v is None else str(v) for k, v in overrides.items()})
    return base


def write_cld(path: Path, rows: list[dict[str, str]], drop: tuple[str, ...] = (), encoding: str = "utf-8") -> Path:
    """Write rows under the R1 headers; `drop` leaves columns out (to test refusals)."""
    columns = [c for c in CLD_COLUMNS if c.name not in drop]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow([c.header for c in columns])
        for r in rows:
            writer.writerow([r.get(c.name, "") for c in columns])
    return path
