"""Hospital discharge extract (docs/hospital_discharge_extract.md, for metrics.md ASCOF_2D).

Recognition by header set, refusals naming the missing columns, row quarantine with the
rows_in = rows_loaded + rows_rejected invariant, identifiers hashed before storage, and the same
hashes as CLD for the same person (the staging person key: tests/dbt/test_hospital_staging.py).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
from pathlib import Path

import duckdb
import pytest

from cld_builder import LA, row, write_cld
from conftest import TEST_KEY, make_settings
from hospital_builder import NHS, discharge, write_discharges
from orchestration.defs.ingest.contract import CLD_COLUMNS, DISCHARGE_DESTINATIONS, HOSPITAL_COLUMNS
from orchestration.defs.ingest.load import LoadResult, load_file, load_folder
from orchestration.defs.ingest.reading import FileRefused
from orchestration.defs.ingest.recognise import recognise
from orchestration.defs.ingest.store import connect, ensure_schema

HEADERS = [c.header for c in HOSPITAL_COLUMNS]


def load(
    tmp_path: Path, rows: list[dict[str, str]], drop: tuple[str, ...] = ()
) -> tuple[LoadResult, duckdb.DuckDBPyConnection]:
    settings = make_settings(tmp_path / "wh")
    path = write_discharges(tmp_path / "in" / "hospital_E06000005_2025-05-10.csv", rows, drop)
    settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.duckdb_path))
    ensure_schema(con)
    return load_file(con, path, settings), con


def keyed(value: str) -> str:
    return hmac.new(TEST_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


# ---------------------------------------------------------------- recognition


def test_headers_are_recognised_as_hospital_discharges() -> None:
    result = recognise(HEADERS, "anything.csv")
    assert result.dataset == "hospital_discharges"
    assert result.positions["discharge_date"] == HEADERS.index("Discharge Date")
    assert result.missing_optional == []


def test_hospital_system_headers_and_shared_aliases_resolve() -> None:
    headers = [
        "LA_CODE",
        "NHS No",  # shared CLD alias seed
        "Hospital Provider Spell Number",
        "Start Date (Hospital Provider Spell)",
        "Discharge Date (Hospital Provider Spell)",
        "Discharge Method (Hospital Provider Spell)",
        "Discharge Destination Code",
        "Activity Treatment Function Code",
        "DOB",
        "LA of Residence",
    ]
    result = recognise(headers, "sus_extract.csv")
    assert result.dataset == "hospital_discharges"
    assert set(result.positions) == {
        "la_code",
        "nhs_number",
        "hospital_spell_id",
        "admission_date",
        "discharge_date",
        "discharge_method",
        "discharge_destination",
        "treatment_function_code",
        "date_of_birth",
        "resident_la_code",
    }


def test_a_cld_header_set_is_still_cld() -> None:
    assert recognise([c.header for c in CLD_COLUMNS], "x.csv").dataset == "cld"


def test_missing_required_column_refuses_the_file_naming_it() -> None:
    headers = [h for h in HEADERS if h != "Discharge Date"]
    with pytest.raises(FileRefused) as refused:
        recognise(headers, "discharges.csv")
    assert refused.value.rule == "missing_required_column"
    assert "missing required column(s): Discharge Date." in str(refused.value)


def test_a_file_without_any_person_identifier_or_age_column_is_refused() -> None:
    drop = {"NHS Number", "LA Person Unique Identifier", "Date of Birth", "Age at Discharge"}
    with pytest.raises(FileRefused) as refused:
        recognise([h for h in HEADERS if h not in drop], "discharges.csv")
    assert str(refused.value) == (
        "discharges.csv rejected: missing required column(s): NHS Number or LA Person Unique Identifier, "
        "Date of Birth or Age at Discharge. Add the columns (values may be blank where not applicable) and resend."
    )
    # Either one of each pair is enough.
    kept = [h for h in HEADERS if h not in {"NHS Number", "Date of Birth"}]
    assert recognise(kept, "x.csv").dataset == "hospital_discharges"


def test_refused_file_is_audited(tmp_path: Path) -> None:
    result, con = load(tmp_path, [discharge()], drop=("treatment_function_code",))
    assert (result.status, result.rule) == ("refused", "missing_required_column")
    assert "Treatment Function Code" in (result.message or "")
    assert con.execute("select count(*) from raw.hospital_discharges").fetchone() == (0,)


def test_unknown_la_code_refuses_the_file(tmp_path: Path) -> None:
    result, _ = load(tmp_path, [discharge(la_code="E99999999")])
    assert (result.status, result.rule) == ("refused", "unknown_la_code")


# ---------------------------------------------------------------- loading


def test_good_file_loads(tmp_path: Path) -> None:
    rows = [
        discharge(),
        discharge(nhs_number="", la_person_unique_identifier="P 0007", admission_date="01/06/2024",
                  discharge_date="05/06/2024", hospital_spell_id="SP2"),
        discharge(hospital_spell_id="SP3", date_of_birth="", age_at_discharge="81", discharge_method="04"),
    ]  # fmt: skip
    result, con = load(tmp_path, rows)
    assert (result.status, result.dataset, result.rows_in, result.rows_loaded, result.rows_rejected) == (
        "loaded",
        "hospital_discharges",
        3,
        3,
        0,
    )
    assert result.rows_flagged == 0
    loaded = con.execute(
        """select row_number, admission_date::varchar, discharge_date::varchar, discharge_method,
                  birth_year, birth_month, age_at_discharge, la_person_id_hash is not null
           from raw.hospital_discharges order by row_number"""
    ).fetchall()
    assert loaded == [
        (2, "2024-05-01", "2024-05-10", "1", 1950, 6, None, False),
        (3, "2024-06-01", "2024-06-05", "1", 1950, 6, None, True),
        (4, "2024-05-01", "2024-05-10", "4", None, None, 81, False),  # '04' read as method 4
    ]
    audit = con.execute(
        "select dataset, la_code, rows_in, rows_loaded, rows_rejected, derived_period_start::varchar, "
        "derived_period_end::varchar from audit.loads"
    ).fetchall()
    assert audit == [("hospital_discharges", LA, 3, 3, 0, "2024-05-10", "2024-06-05")]


def test_bad_rows_are_quarantined_with_file_row_column_rule_value(tmp_path: Path) -> None:
    rows = [
        discharge(),  # row 2: good
        discharge(admission_date="05/13/2024"),  # 3: US month-first date
        discharge(discharge_date="100524"),  # 4: no separators
        discharge(discharge_date=""),  # 5: not discharged / blank
        discharge(admission_date="2024-05-20", discharge_date="2024-05-10"),  # 6: backwards
        discharge(nhs_number="", la_person_unique_identifier=""),  # 7: nobody
        discharge(nhs_number="9990000019", la_person_unique_identifier=""),  # 8: invalid NHS number only
        discharge(age_at_discharge="eighty"),  # 9: age not a number
        discharge(admission_date="x", discharge_date="y"),  # 10: two bad dates, one row
    ]
    result, con = load(tmp_path, rows)
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (9, 1, 8)
    assert result.rows_in == result.rows_loaded + result.rows_rejected
    rejected = con.execute(
        'select source_file, row_number, "column", rule, value from quarantine.rejected_rows'
    ).fetchall()
    assert {r[0] for r in rejected} == {"hospital_E06000005_2025-05-10.csv"}
    by_row = {}
    for _, number, column, rule, value in rejected:
        by_row.setdefault(number, set()).add((column, rule, value))
    assert by_row == {
        3: {("admission_date", "date_unparseable", "05/13/2024")},
        4: {("discharge_date", "date_ambiguous", "100524")},
        5: {("discharge_date", "required_value_missing", None)},
        6: {("discharge_date", "discharge_before_admission", "2024-05-10")},
        7: {("nhs_number", "no_person_identifier", None)},
        8: {("nhs_number", "no_person_identifier", "9990000019")},
        9: {("age_at_discharge", "integer_invalid", "eighty")},
        10: {("admission_date", "date_unparseable", "x"), ("discharge_date", "date_unparseable", "y")},
    }
    assert con.execute("select rows_in, rows_loaded, rows_rejected from audit.loads").fetchall() == [(9, 1, 8)]


def test_field_problems_flag_the_row_and_it_still_loads(tmp_path: Path) -> None:
    rows = [
        discharge(
            nhs_number="123",  # not 10 digits: the LA id keys the person instead
            la_person_unique_identifier="P9",
            discharge_method="7",
            discharge_destination="XX",
            treatment_function_code="ABC",
            resident_la_code="",
            last_episode_in_spell="maybe",
        )
    ]
    result, con = load(tmp_path, rows)
    assert (result.rows_loaded, result.rows_rejected, result.rows_flagged) == (1, 0, 1)
    issues = set(con.execute('select "column", rule from quarantine.row_issues').fetchall())
    assert issues == {
        ("nhs_number", "nhs_number_format"),
        ("discharge_method", "code_not_in_list"),
        ("discharge_destination", "code_not_in_list"),
        ("treatment_function_code", "code_not_in_list"),
        ("resident_la_code", "mandatory_missing"),
        ("last_episode_in_spell", "code_not_in_list"),
    }
    flags, nhs_hash = con.execute("select dq_flags, nhs_number_hash from raw.hospital_discharges").fetchone()
    assert flags == "code_not_in_list;mandatory_missing;nhs_number_format"
    assert nhs_hash is None


def test_identifiers_are_hashed_like_cld_and_never_stored(tmp_path: Path) -> None:
    rows = [discharge(la_person_unique_identifier="P 0007", hospital_spell_id="SPELL-42")]
    _, con = load(tmp_path, rows)
    nhs, local, spell, year, month = con.execute(
        "select nhs_number_hash, la_person_id_hash, hospital_spell_id_hash, birth_year, birth_month "
        "from raw.hospital_discharges"
    ).fetchone()
    assert nhs == keyed(NHS)  # the same value CLD stores for this NHS number
    assert local == keyed(f"{LA}_P0007")  # <ONS code>_<id>, whitespace removed, as CLD
    assert spell == keyed(f"{LA}_spell_SPELL-42")
    assert (year, month) == (1950, 6)
    text = " ".join(str(v) for v in con.execute("select * from raw.hospital_discharges").fetchone())
    for raw_value in (NHS, "P 0007", "P0007", "SPELL-42", "1950-06-15"):
        assert raw_value not in text


def test_same_hashes_as_a_cld_row_for_the_same_person(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "wh")
    extracts = tmp_path / "in"
    write_cld(extracts / "cld_E06000005_2025-05-10.csv", [row(nhs_number=NHS, la_person_unique_identifier="P7")])
    write_discharges(extracts / "hospital_E06000005_2025-05-11.csv", [discharge(la_person_unique_identifier="P7")])
    with connect(settings.duckdb_path) as con:
        assert [r.status for r in load_folder(con, extracts, settings)] == ["loaded", "loaded"]
        pairs = con.execute(
            """select c.nhs_number_hash = h.nhs_number_hash, c.la_person_id_hash = h.la_person_id_hash
               from raw.cld_events c cross join raw.hospital_discharges h"""
        ).fetchall()
    assert pairs == [(True, True)]


# ---------------------------------------------------------------- seeds


def test_destination_seed_labels_match_the_data_dictionary_codes() -> None:
    root = Path(__file__).resolve().parents[2] / "seeds" / "reference"
    with (root / "ref_hospital_excluded_destinations.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and all(DISCHARGE_DESTINATIONS[r["code"]] == r["label"] and r["reason"] for r in rows)
    assert {"52", "53", "79", "98"} <= {r["code"] for r in rows}  # maternity, MH/LD ward, died, not finished
    assert "19" not in {r["code"] for r in rows}  # home is the community
    with (root / "ref_hospital_excluded_treatment_functions.csv").open(encoding="utf-8") as handle:
        functions = {r["code"]: r["reason"] for r in csv.DictReader(handle)}
    assert functions["501"].startswith("maternity") and functions["700"] == "learning disability"
    assert functions["710"] == "mental health"


# ---------------------------------------------------------------- synthetic generator (--hospital)


def test_generator_writes_a_loadable_discharge_file_only_when_asked(tmp_path: Path) -> None:
    from orchestration.synthetic.generate import generate

    plain = generate(tmp_path / "plain", seed=3, adult_scale=0.05)
    with_hospital = generate(tmp_path / "hospital", seed=3, adult_scale=0.05, hospital=True)
    assert not [p for p in plain.files if p.name.startswith("hospital_")]
    extra = [p for p in with_hospital.files if p.name.startswith("hospital_")]
    assert [p.name for p in extra] == ["hospital_E06000005_2025-05-15.csv"]
    # Every other file is byte-identical: the discharge file has its own random stream.
    assert {p.name: p.read_bytes() for p in plain.files} == {
        p.name: p.read_bytes() for p in with_hospital.files if p not in extra
    }
    settings = make_settings(tmp_path / "wh")
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / extra[0].name).write_bytes(extra[0].read_bytes())
    for cld in (p for p in with_hospital.files if p.name.startswith("cld_")):
        (landing / cld.name).write_bytes(cld.read_bytes())
    with connect(settings.duckdb_path) as con:
        results = load_folder(con, landing, settings)
        assert {r.status for r in results} == {"loaded"}
        assert [r.rows_rejected for r in results if r.dataset == "hospital_discharges"] == [0]
        unmatched = con.execute(
            """select count(*) from raw.hospital_discharges h
               where not exists (select 1 from raw.cld_events c where c.la_person_id_hash = h.la_person_id_hash)"""
        ).fetchone()[0]
    # Every discharge is of a person in the council's CLD files.
    assert unmatched == 0
