"""Synthetic CQC care directory and place-inputs file (reference_data.md §1 "Demo generator", §5, §7).

The directory lists the generator's own providers with the same CQC location ids as its CLD and
finance files, in both layouts: (a) the care directory CSV with a 4-line preamble (snapshot 1 March
of the first financial year's end) and (b) the active-locations workbook with ratings (XLSX,
snapshot 1 March of the last year's end), so each demo year has a snapshot on or before its end.
Both say `source = synthetic` in their preamble and are never labelled as CQC figures. Each file has
its own random stream and is written after every other file, so the CLD and finance files are
byte-identical with or without them.
"""

from __future__ import annotations

import csv
import random
from datetime import date
from pathlib import Path

from orchestration.synthetic.model import LAData, Provider
from orchestration.synthetic.xlsx import write_xlsx

CSV_HEADER = (
    "Name",
    "Also known as",
    "Address",
    "Postcode",
    "Phone number",
    "Service's website (if available)",
    "Service types",
    "Date of latest check",
    "Specialisms/services",
    "Provider name",
    "Local authority",
    "Region",
    "Location URL",
    "CQC Location ID (for office use only)",
    "CQC Provider ID (for office use only)",
)

SERVICE_TYPES = (
    "Care home service with nursing",
    "Care home service without nursing",
    "Domiciliary care service",
    "Supported living service",
    "Extra Care housing services",
    "Shared Lives",
)
USER_BANDS = ("Older People", "Younger Adults", "Learning disabilities or autistic spectrum disorder", "Dementia")
XLSX_HEADER = (
    "Location ID",
    "Location HSCA start date",
    "Dormant (Y/N)",
    "Care home?",
    "Location Name",
    "Registered manager",
    "Care homes beds",
    "Location Type/Sector",
    "Location Inspection Directorate",
    "Location Primary Inspection Category",
    "Location Latest Overall Rating",
    "Publication Date",
    "Inherited Rating (Y/N)",
    "Location Local Authority",
    "Location Region",
    "Location Postal Code",
    *(f"Service type - {s}" for s in SERVICE_TYPES),
    *(f"Service user band - {b}" for b in USER_BANDS),
    "Provider ID",
    "Provider Name",
    "Brand Name",
)

# Provider kind -> (directory (a) service types text, layout (b) service type, is a care home)
_KINDS: dict[str, tuple[str, str | None, bool]] = {
    "care_home": ("Residential homes", "Care home service without nursing", True),
    "nursing_home": ("Nursing homes, Residential homes", "Care home service with nursing", True),
    "home_care": ("Homecare agencies", "Domiciliary care service", False),
    "reablement": ("Homecare agencies", "Domiciliary care service", False),
    "supported_living": ("Supported living", "Supported living service", False),
    "shared_lives": ("Shared lives", "Shared Lives", False),
    "day_centre": ("Community services - Learning disabilities", None, False),
}
_RATINGS = (("Outstanding", 5), ("Good", 70), ("Requires improvement", 20), ("Inadequate", 5))
_NOTE = "SYNTHETIC demo data (source = synthetic): not CQC data"


def _listed(providers: list[Provider]) -> list[Provider]:
    return [p for p in providers if p.cqc_location_id and p.kind in _KINDS]


def _cqc_provider_id(provider: Provider) -> str:
    return "1-" + str(int(provider.provider_id.removeprefix("SUP")) + 100_000_000)


def write_cqc_directory(
    out_dir: Path, data: LAData, la_code: str, la_name: str, years: list[int], seed: int
) -> list[Path]:
    """Both layouts for one LA's providers; `years` are the first years of the financial years."""
    rng = random.Random(f"cqc:{seed}:{la_code}")
    providers = _listed(data.providers)
    details = {
        p.cqc_location_id: (
            rng.randrange(20, 81) if _KINDS[p.kind][2] else None,
            rng.choices([r for r, _ in _RATINGS], [w for _, w in _RATINGS])[0],
            date(rng.randrange(2012, 2020), rng.randrange(1, 13), 1),
        )
        for p in providers
    }
    first_snapshot, last_snapshot = date(years[0] + 1, 3, 1), date(years[-1] + 1, 3, 1)
    csv_path = out_dir / f"cqc_care_directory_{la_code}_{first_snapshot.isoformat()}.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["Care directory with filters"])
        writer.writerow([f"Data as at {first_snapshot.day} {first_snapshot:%B %Y}"])
        writer.writerow([_NOTE])
        writer.writerow([])
        writer.writerow(CSV_HEADER)
        for p in providers:
            checked = details[p.cqc_location_id][2]
            writer.writerow(
                [p.name, "", f"1 {p.name.split()[0]} Road", p.postcode, "", "", _KINDS[p.kind][0],
                 checked.strftime("%d/%m/%Y"), "", p.name, la_name, "", "",
                 p.cqc_location_id, _cqc_provider_id(p)]
            )  # fmt: skip
    xlsx_path = out_dir / f"cqc_active_locations_{la_code}_{last_snapshot.isoformat()}.xlsx"
    width = len(XLSX_HEADER)
    rows: list[list[object]] = [[f"Data as at {last_snapshot.isoformat()}"], [], list(XLSX_HEADER)]
    for p in providers:
        beds, rating, start = details[p.cqc_location_id]
        kind_type = _KINDS[p.kind][1]
        bands = {
            "Older People": p.kind in ("care_home", "nursing_home", "home_care", "reablement"),
            "Younger Adults": p.kind in ("supported_living", "shared_lives", "day_centre", "home_care"),
            "Learning disabilities or autistic spectrum disorder": p.kind in ("supported_living", "shared_lives"),
            "Dementia": p.kind == "nursing_home",
        }
        rows.append(
            [p.cqc_location_id, start, "N", "Y" if _KINDS[p.kind][2] else "N", p.name, "", beds,
             "Social Care Org", "Adult social care", _KINDS[p.kind][0], rating, date(last_snapshot.year - 1, 6, 1),
             "N", la_name, "", p.postcode,
             *("Y" if kind_type == s else "" for s in SERVICE_TYPES),
             *("Y" if bands[b] else "" for b in USER_BANDS),
             _cqc_provider_id(p), p.name, "-"]
        )  # fmt: skip
    write_xlsx(xlsx_path, [_NOTE] + [""] * (width - 1), rows, sheet_name="HSCA_Active_Locations")
    return [csv_path, xlsx_path]


def write_place_inputs(out_dir: Path, la_code: str, years: list[int]) -> Path:
    """A few supplied indicators per demo year (reference_data.md §7), marked source = synthetic."""
    path = out_dir / f"place_inputs_{la_code}.csv"
    rows = [["la_code", "year", "indicator_code", "value", "unit", "event_date", "source", "note"]]
    for n, year in enumerate(years):
        label = f"{year}-{(year + 1) % 100:02d}"
        rows += [
            [la_code, label, "asc_budget_net", f"{76_500_000 + 2_400_000 * n}", "gbp", "", "synthetic", ""],
            [la_code, label, "care_worker_vacancy_rate", f"{9.4 - 1.1 * n:.1f}", "percent", "", "synthetic", ""],
            [la_code, label, "care_worker_turnover_rate", f"{27.5 - 1.5 * n:.1f}", "percent", "", "synthetic", ""],
            [la_code, label, "care_worker_median_hourly_pay", f"{10.90 + 0.95 * n:.2f}", "gbp_per_hour", "",
             "synthetic", ""],
            [la_code, label, "political_control", "No overall control", "", "", "synthetic", ""],
            [la_code, label, "policy_event", "National Living Wage rise", "", f"{year}-04-01", "synthetic", ""],
        ]  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return path
