"""Population files roll up to councils through ref_lad_to_cassr (reference_data.md §2 step 4, §3).

Two population files (project simple layout) go through load_folder and one dbt build of
+ref_population and +dim_la. Age 70 only, so each council's figure is one hand-made sum.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dbt_warehouse import load_and_build, query, write_population

WORCESTERSHIRE_DISTRICTS = ["E07000234", "E07000235", "E07000236", "E07000237", "E07000238", "E07000239"]
WARWICKSHIRE_DISTRICTS = ["E07000218", "E07000219", "E07000220", "E07000221", "E07000222"]


def first_file() -> list[tuple[str, int, str, int, int]]:
    rows = [(code, 2024, "persons", 70, 100 * (i + 1)) for i, code in enumerate(WORCESTERSHIRE_DISTRICTS)]
    return [
        *rows,  # Worcestershire districts: 100 + 200 + ... + 600 = 2,100
        ("E10000034", 2024, "persons", 70, 9999),  # its county row: never added to the districts
        ("E10000031", 2024, "persons", 70, 5000),  # Warwickshire: county row only (replaced by file 2)
        ("E12000005", 2024, "persons", 70, 77777),  # West Midlands region: not a council
        ("E92000001", 2024, "persons", 70, 88888),  # England: not a council
        ("E06000005", 2024, "1", 70, 10),  # Darlington, male
        ("E06000005", 2024, "2", 70, 15),  # Darlington, female -> persons 25
        # Somerset districts at mid-2023 (30 June 2023, after the April 2023 unitary): old codes of
        # the former county's districts roll up to E06000066: 10 + 20 + 30 + 40 = 100.
        ("E07000187", 2023, "persons", 70, 10),
        ("E07000188", 2023, "persons", 70, 20),
        ("E07000189", 2023, "persons", 70, 30),
        ("E07000246", 2023, "persons", 70, 40),
        # Cumbria county figure: mid-2022 it is still a council; mid-2023 it maps to nothing, so the
        # split's successors get no population (population_missing), never a share of it.
        ("E10000006", 2022, "persons", 70, 500),
        ("E10000006", 2023, "persons", 70, 505),
    ]


def second_file() -> list[tuple[str, int, str, int, int]]:
    # A later file with Warwickshire's districts for mid-2024: 1 + 2 + 3 + 4 + 5 = 15. The latest
    # load holding the council wins; its districts are used, not file 1's county row.
    return [(code, 2024, "persons", 70, i + 1) for i, code in enumerate(WARWICKSHIRE_DISTRICTS)]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("population")
    extracts = root / "extracts"
    write_population(extracts / "population_2024-08-01.csv", first_file())
    write_population(extracts / "population_2025-01-15.csv", second_file())
    load_and_build(root, extracts, "+ref_population +dim_la")
    return root


def test_districts_roll_up_to_their_county_and_never_add_the_county_row(warehouse: Path) -> None:
    rows = query(
        warehouse,
        "select la_code, mid_year, population, vintage from intermediate.ref_population order by la_code, mid_year",
    )
    assert rows == [
        ("E06000005", 2024, 25, "population_2024-08-01.csv"),
        ("E06000066", 2023, 100, "population_2024-08-01.csv"),
        ("E10000006", 2022, 500, "population_2024-08-01.csv"),
        ("E10000031", 2024, 15, "population_2025-01-15.csv"),
        ("E10000034", 2024, 2100, "population_2024-08-01.csv"),
    ]


def test_non_council_areas_and_split_counties_after_the_split_drop_out(warehouse: Path) -> None:
    codes = {r[0] for r in query(warehouse, "select distinct la_code from intermediate.ref_population")}
    assert not codes & {"E12000005", "E92000001", "E06000063", "E06000064"}
    assert query(warehouse, "select count(*) from intermediate.ref_population where mid_year = 2023") == [(1,)]


def test_dim_la_lists_councils_with_regions(warehouse: Path) -> None:
    assert query(warehouse, "select count(*) from marts.dim_la where is_current") == [(153,)]
    assert query(
        warehouse, "select la_name, region from marts.dim_la where la_code in ('E06000005', 'E10000034') order by 1"
    ) == [("Darlington", "North East"), ("Worcestershire", "West Midlands")]
