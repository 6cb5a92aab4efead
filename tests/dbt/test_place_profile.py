"""place_profile from hand-made files through the real loaders and one dbt build (context.md (f)).

LA E06000005, financial year 2024-25 (one CLD file stating 2024-04-01 .. 2025-03-31):
- CLD: 12 people aged 65+ (born 1940) and 10 aged 18-64 (born 1980), each with one long-term
  community service starting 2024-05-01 → LTS_PEOPLE_DURING_YEAR 65+ = 12, 18-64 = 10.
- Population mid-2024: 50,000 at age 30, 17,000 at 70, 3,000 at 90 → 18-64 50,000, 65+ 20,000,
  18+ 70,000, 85+ 3,000.
  LTS per 100,000 65+ = 12 × 100,000 / 20,000 = 60.0; 18-64 = 10 × 100,000 / 50,000 = 20.0.
  Share aged 65+ = 20,000 / 70,000 = 28.571…% → 28.6; 85+ = 3,000 / 70,000 = 4.2857…% → 4.3.
- Ledger: provider payments RES01 £1,000.00 (provider A) and HC01 £250.00 (provider B), no income →
  GCE = NCE = £1,250.00. Five areas (shipped map, setting defaults): residential → 4. Care and a home
  1,000 / 1,250 = 80.0%; home care → 2. Live at home 250 / 1,250 = 20.0%. NCE per adult =
  125,000 p / 70,000 = 1.7857 p → £0.02. Providers paid 2; top-5 share 100.0%.
- Place inputs: asc_budget_net £1,000 → nce_outturn_vs_budget value 1,250.00, anchor 1,000.00,
  gap (1,250 − 1,000) / 1,000 = 25.0%; political_control supplied as text; an unknown code quarantined.
- CQC directory (layout b, snapshot 2025-01-01): two adult social care homes, 30 and 20 beds,
  rated Good and Inadequate → beds per 100,000 aged 65+ = 50 × 100,000 / 20,000 = 250.0; rating
  shares Good 50.0, Inadequate 50.0, Outstanding 0.0.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from cld_builder import row, write_cld
from dbt_warehouse import load_and_build, query, write_population
from finance_builder import txn, write_ledger
from orchestration.synthetic.place import XLSX_HEADER
from orchestration.synthetic.xlsx import write_xlsx

LA = "E06000005"


def write_directory(path: Path) -> None:
    def location(location_id: str, beds: int, rating: str) -> list[object]:
        values = {
            "Location ID": location_id,
            "Dormant (Y/N)": "N",
            "Care home?": "Y",
            "Location Name": f"Home {location_id}",
            "Care homes beds": beds,
            "Location Inspection Directorate": "Adult social care",
            "Location Latest Overall Rating": rating,
            "Location Local Authority": "Darlington",
            "Service type - Care home service without nursing": "Y",
            "Provider ID": "1-9",
        }
        return [values.get(h) for h in XLSX_HEADER]

    width = len(XLSX_HEADER)
    rows = [list(XLSX_HEADER), location("1-101", 30, "Good"), location("1-102", 20, "Inadequate")]
    write_xlsx(path, ["Data as at 2025-01-01"] + [""] * (width - 1), rows, sheet_name="Locations")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("place_profile")
    extracts = root / "extracts"
    people = [("O", "1940-02-01", 12), ("W", "1980-02-01", 10)]
    write_cld(
        extracts / f"cld_{LA}_2025-05-10.csv",
        [
            row(service=True, la_person_unique_identifier=f"{prefix}{n}", date_of_birth=born,
                event_start_date="2024-05-01", event_end_date="")
            for prefix, born, count in people
            for n in range(count)
        ],
    )  # fmt: skip
    write_population(extracts / "population.csv", [(LA, 2024, "persons", 30, 50_000), (LA, 2024, "persons", 70, 17_000),
                                                   (LA, 2024, "persons", 90, 3_000)])  # fmt: skip
    write_ledger(
        extracts / f"finance_{LA}_2024-25.csv",
        [
            txn("T1", "provider_payment", "1000.00", "RES01", "5101", "2024-05-10", 2, provider_id="A"),
            txn("T2", "provider_payment", "250.00", "HC01", "5110", "2024-05-10", 2, provider_id="B"),
        ],
    )
    with (extracts / "place_inputs.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["la_code", "year", "indicator_code", "value", "unit", "event_date", "source", "note"])
        writer.writerow([LA, "2024-25", "asc_budget_net", "1000", "gbp", "", "budget book", ""])
        writer.writerow([LA, "2024-25", "political_control", "No overall control", "", "", "", ""])
        writer.writerow([LA, "2024-25", "not_a_code", "1", "", "", "", ""])
    write_directory(extracts / "cqc_active_locations.xlsx")
    load_and_build(root, extracts, "+place_profile")
    return root


def cell(root: Path, indicator: str) -> tuple:
    rows = query(
        root,
        "SELECT cast(value AS varchar), value_text, source, is_supplied, cast(anchor AS varchar), "
        f"cast(anchor_gap AS varchar), null_reason FROM marts.place_profile WHERE la_code = '{LA}' "
        f"AND financial_year = '2024-25' AND indicator = '{indicator}' AND event_seq = 0",
    )
    assert len(rows) == 1, rows
    return rows[0]


@pytest.mark.parametrize(
    ("indicator", "expected"),
    [
        ("lts_per_100k_65_plus", ("60.00", None, "cld", False, None, None, None)),
        ("lts_per_100k_18_64", ("20.00", None, "cld", False, None, None, None)),
        ("share_adults_65_plus", ("28.60", None, "population", False, None, None, None)),
        ("share_adults_85_plus", ("4.30", None, "population", False, None, None, None)),
        ("gce_share_4_care_and_home", ("80.00", None, "finance", False, None, None, None)),
        ("gce_share_2_live_at_home", ("20.00", None, "finance", False, None, None, None)),
        ("nce_per_adult", ("0.02", None, "finance", False, None, None, None)),
        ("providers_paid", ("2.00", None, "finance", False, None, None, None)),
        ("top5_provider_spend_share", ("100.00", None, "finance", False, None, None, None)),
        ("nce_outturn_vs_budget", ("1250.00", None, "finance", False, "1000.00", "25.00", None)),
        ("asc_budget_net", ("1000.00", None, "place_inputs", True, None, None, None)),
        ("political_control", (None, "No overall control", "place_inputs", True, None, None, None)),
        ("house_price_median", (None, None, "place_inputs", False, None, None, "input_not_supplied")),
        ("care_home_beds_per_100k_65_plus", ("250.00", None, "cqc_directory", False, None, None, None)),
        ("rating_share_good", ("50.00", None, "cqc_directory", False, None, None, None)),
        ("rating_share_inadequate", ("50.00", None, "cqc_directory", False, None, None, None)),
        ("rating_share_outstanding", ("0.00", None, "cqc_directory", False, None, None, None)),
        ("nce_change_pct", (None, None, "finance", False, None, None, "no_previous_year")),
    ],
)
def test_hand_computed_indicator(warehouse: Path, indicator: str, expected: tuple) -> None:
    assert cell(warehouse, indicator) == expected


def test_unknown_code_is_not_shown_and_one_row_per_key(warehouse: Path) -> None:
    assert query(warehouse, "SELECT count(*) FROM marts.place_profile WHERE indicator = 'not_a_code'") == [(0,)]
    assert query(warehouse, "SELECT rule FROM quarantine.rejected_rows WHERE source_file = 'place_inputs.csv'") == [
        ("PLC001",)
    ]
    assert query(warehouse, "SELECT la_code, beds FROM marts.dim_provider_location ORDER BY location_id") == [
        (LA, 30),
        (LA, 20),
    ]
    assert query(warehouse, "SELECT sum(value) FROM marts.place_profile WHERE indicator LIKE 'gce_share_%'") == [
        (Decimal("100.00"),)
    ]
