"""Hospital discharges through dbt: stg_hospital__discharges (docs/hospital_discharge_extract.md).

One CLD file and one discharge file for E06000005 are loaded with load_folder and the staging model
is built with its seeds (+stg_hospital__discharges, cheap: one view). Proves the discharge's person
key is the CLD person key under both identity rules and that each flag the ASCOF 2D metric filters
on is derived as documented.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pytest

from cld_builder import LA, row, write_cld
from conftest import TEST_KEY
from dbt_warehouse import dbt, load_and_build, query, settings_for
from hospital_builder import NHS, discharge, write_discharges


def keyed(value: str) -> str:
    return hmac.new(TEST_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One CLD file and one discharge file for E06000005, through load_folder and dbt."""
    root = tmp_path_factory.mktemp("hospital")
    extracts = root / "extracts"
    write_cld(
        extracts / "cld_E06000005_2025-05-10.csv",
        [
            row(nhs_number=NHS, la_person_unique_identifier="P1"),  # person A: NHS number and LA id
            row(la_person_unique_identifier="P2"),  # person B: LA id only
        ],
    )
    write_discharges(
        extracts / "hospital_E06000005_2025-05-11.csv",
        [
            # 2: person A by NHS number; spell of two episodes, this is episode 1
            discharge(hospital_spell_id="S1", episode_number="1", discharge_destination="51"),
            # 3: person A, episode 2 (the last): home, aged 73 at discharge (proxy DoB 1950-06-01)
            discharge(hospital_spell_id="S1", episode_number="2", admission_date="2024-05-10",
                      discharge_date="2024-05-20"),
            # 4: person B by LA id alone; died; resident code a Worcestershire district (not ours)
            discharge(nhs_number="", la_person_unique_identifier="P2", hospital_spell_id="S2",
                      discharge_method="4", discharge_destination="79", resident_la_code="E07000234"),
            # 5: person A's LA id alone (no NHS number); maternity; age given, no DoB
            discharge(nhs_number="", la_person_unique_identifier="P1", hospital_spell_id="S3",
                      treatment_function_code="501", date_of_birth="", age_at_discharge="66"),
        ],
    )  # fmt: skip
    load_and_build(root, extracts, "+stg_hospital__discharges")
    return root


def test_staging_person_key_is_cld_person_key(staged: Path) -> None:
    # Coalesce: NHS number hash, else the la_code_LAid hash, exactly as int_cld__person_identity.
    rows = query(
        staged,
        """select h.row_number, h.person_key = coalesce(c.nhs_number_hash, c.la_person_id_hash)
           from staging.stg_hospital__discharges h
           left join raw.cld_events c on h.person_key = coalesce(c.nhs_number_hash, c.la_person_id_hash)
           order by 1""",
    )
    # Rows 2-4 meet a CLD person; row 5 (LA id P1 without the NHS number) is a second key under
    # coalesce, as it would be for a CLD row written that way (processing_rules.md §1 example).
    assert rows == [(2, True), (3, True), (4, True), (5, None)]
    assert query(staged, "select person_key from staging.stg_hospital__discharges where row_number = 5") == [
        (keyed(f"{LA}_P1"),)
    ]


def test_staging_flags(staged: Path) -> None:
    rows = query(
        staged,
        """select row_number, is_last_episode_of_spell, is_died, is_excluded_destination,
                  is_excluded_treatment_function, age_at_discharge, is_resident, resident_cassr_code
           from staging.stg_hospital__discharges order by row_number""",
    )
    assert rows == [
        (2, False, False, True, False, 73, True, LA),  # episode 1 of 2; transfer to another NHS hospital
        (3, True, False, False, False, 73, True, LA),  # born 1950-06 -> 73 on 2024-05-20
        (4, True, True, True, False, 73, False, "E10000034"),  # died; lives in Worcestershire
        (5, True, False, False, True, 66, True, LA),  # obstetrics; stated age
    ]


def test_staging_hybrid_rule_excludes_a_linked_la_id(staged: Path) -> None:
    # Under hybrid, P1 appears with an NHS number (CLD and discharge rows), so row 5 has no key.
    dbt(settings_for(staged), "run", "stg_hospital__discharges", person_id_rule="hybrid")
    rows = query(
        staged, "select row_number, person_key is null, identity_exclusion from staging.stg_hospital__discharges"
    )
    assert sorted(rows) == [
        (2, False, None),
        (3, False, None),
        (4, False, None),
        (5, True, "la_id_linked_to_nhs_number"),
    ]
