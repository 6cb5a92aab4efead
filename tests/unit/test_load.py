"""Loading files into DuckDB: quarantine, field flags, audit invariants, idempotency, withdrawal."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from cld_builder import LA, row, write_cld
from conftest import make_settings
from orchestration.defs.ingest.load import LoadResult, derive_period, load_file, load_folder, withdraw_load
from orchestration.defs.ingest.store import connect


def load_rows(
    tmp_path: Path, rows: list[dict], name: str = "cld_E06000005_2025-05-10.csv", **kw
) -> tuple[LoadResult, duckdb.DuckDBPyConnection]:
    settings = make_settings(tmp_path / "wh")
    path = write_cld(tmp_path / "in" / name, rows, **kw)
    con = duckdb.connect(str(settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True) or settings.duckdb_path))
    from orchestration.defs.ingest.store import ensure_schema

    ensure_schema(con)
    return load_file(con, path, settings), con


def issues(con: duckdb.DuckDBPyConnection) -> set[tuple[int, str, str]]:
    return set(con.execute('select row_number, "column", rule from quarantine.row_issues').fetchall())


def test_clean_rows_load_without_issues(tmp_path: Path) -> None:
    result, con = load_rows(tmp_path, [row(nhs_number="9990000018"), row(la_person_unique_identifier="P2")])
    assert (result.status, result.rows_in, result.rows_loaded, result.rows_rejected) == ("loaded", 2, 2, 0)
    # Row 3 has no NHS number: mandatory but blank is a DQ failure, and the row still loads.
    assert issues(con) == {(3, "nhs_number", "mandatory_missing")}
    assert con.execute("select count(*) from raw.cld_events where nhs_number_hash is not null").fetchone() == (1,)


def test_identifiers_are_hashed_and_reduced(tmp_path: Path) -> None:
    _, con = load_rows(tmp_path, [row(nhs_number="9990000018", la_person_unique_identifier="P 0007")])
    nhs, local, year, month, sector = con.execute(
        "select nhs_number_hash, la_person_id_hash, birth_year, birth_month, postcode_sector from raw.cld_events"
    ).fetchone()
    import hashlib
    import hmac

    from conftest import TEST_KEY

    assert nhs == hmac.new(TEST_KEY.encode(), b"9990000018", hashlib.sha256).hexdigest()
    assert local == hmac.new(TEST_KEY.encode(), f"{LA}_P0007".encode(), hashlib.sha256).hexdigest()
    assert (year, month, sector) == (1950, 6, "DL1 1")
    text = " ".join(str(c) for c in con.execute("select * from raw.cld_events").fetchone())
    assert "9990000018" not in text and "DL1 1AA" not in text and "1950-06-15" not in text


def test_unparseable_dates_reject_the_row_with_file_row_column_rule_value(tmp_path: Path) -> None:
    rows = [row(), row(event_start_date="12/25/2024"), row(date_of_birth="01022024"), row(event_end_date="31/02/2024")]
    result, con = load_rows(tmp_path, rows)
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (4, 1, 3)
    rejected = con.execute(
        'select source_file, row_number, "column", rule, value from quarantine.rejected_rows order by row_number'
    ).fetchall()
    assert rejected == [
        ("cld_E06000005_2025-05-10.csv", 3, "event_start_date", "date_unparseable", "12/25/2024"),
        ("cld_E06000005_2025-05-10.csv", 4, "date_of_birth", "date_ambiguous", "01022024"),
        ("cld_E06000005_2025-05-10.csv", 5, "event_end_date", "date_unparseable", "31/02/2024"),
    ]


def test_row_with_two_bad_dates_counts_once(tmp_path: Path) -> None:
    result, con = load_rows(tmp_path, [row(event_start_date="x", event_end_date="y")])
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (1, 0, 1)
    assert con.execute("select count(*) from quarantine.rejected_rows").fetchone() == (2,)


@pytest.mark.parametrize(
    ("overrides", "column", "rule"),
    [
        ({"gender": "Mle"}, "gender", "code_not_in_list"),
        ({"gender": ""}, "gender", "mandatory_missing"),
        ({"event_outcome": ""}, "event_outcome", "mandatory_missing"),
        ({"request_route_of_access": ""}, "request_route_of_access", "mandatory_missing"),
        ({"event_end_date": "2024-04-01"}, "event_end_date", "end_before_start"),
        ({"date_of_death": "2024-04-01"}, "date_of_death", "event_after_death"),
        ({"date_of_birth": "1900-01-01"}, "date_of_birth", "age_implausible"),
        ({"date_of_birth": "2024-06-01"}, "date_of_birth", "birth_after_event_start"),
        ({"event_start_date": "1890-01-01"}, "event_start_date", "date_out_of_range"),
        ({"event_end_date": "2026-01-01"}, "event_end_date", "date_out_of_range"),
        ({"nhs_number": "9990000019"}, "nhs_number", "nhs_number_check_digit"),
        ({"nhs_number": "99900"}, "nhs_number", "nhs_number_format"),
        ({"postcode": "NOWHERE"}, "postcode", "postcode_invalid"),
        ({"no_of_adults_being_cared_for": "two"}, "no_of_adults_being_cared_for", "number_unparseable"),
        (
            {"service": True, "cost_frequency_unit_type": "Weekly", "unit_cost": "50", "planned_units_per_week": "3"},
            "planned_units_per_week",
            "planned_units_ignored",
        ),
    ],
)
def test_each_field_rule_flags_the_row_and_still_loads_it(
    tmp_path: Path, overrides: dict, column: str, rule: str
) -> None:
    result, con = load_rows(tmp_path, [row(**{"nhs_number": "9990000018", **overrides})])
    assert result.rows_loaded == 1
    assert (2, column, rule) in issues(con)
    flags = con.execute("select dq_flags from raw.cld_events").fetchone()[0]
    assert rule in flags.split(";")


@pytest.mark.parametrize(
    ("overrides", "column", "mandatory"),
    [
        # Services need type, component; a non-commissioned LTS line needs unit cost and frequency.
        ({"service": True, "service_type": ""}, "service_type", True),
        ({"service": True, "delivery_mechanism": "Direct Payment"}, "unit_cost", True),
        (
            {
                "service": True,
                "delivery_mechanism": "Direct Payment",
                "unit_cost": "100",
                "cost_frequency_unit_type": "Hourly",
            },
            "planned_units_per_week",
            True,
        ),
        # Commissioned support is outside the cost rule; a blank mechanism makes it undetermined.
        ({"service": True}, "unit_cost", False),
        ({"service": True, "delivery_mechanism": ""}, "unit_cost", False),
        # A request needs no PSR; a service does.
        ({"primary_support_reason": ""}, "primary_support_reason", False),
        ({"service": True, "primary_support_reason": ""}, "primary_support_reason", True),
        # Employment is mandatory for LD service users aged 18-64 at period end.
        (
            {
                "employment_status": "",
                "primary_support_reason": "Learning Disability Support",
                "date_of_birth": "1990-01-01",
            },
            "employment_status",
            True,
        ),
        (
            {"employment_status": "", "primary_support_reason": "Learning Disability Support"},
            "employment_status",
            False,
        ),
    ],
)
def test_conditional_mandatory_rules(tmp_path: Path, overrides: dict, column: str, mandatory: bool) -> None:
    _, con = load_rows(tmp_path, [row(**{"nhs_number": "9990000018", **overrides})])
    assert ((2, column, "mandatory_missing") in issues(con)) is mandatory


def test_duplicate_rows_are_flagged_and_loaded(tmp_path: Path) -> None:
    result, con = load_rows(tmp_path, [row(), row(la_person_unique_identifier="P2"), row()])
    assert result.rows_loaded == 3
    assert (4, "*", "duplicate_row") in issues(con)


def test_malformed_rows_are_quarantined(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "wh")
    path = write_cld(tmp_path / "in" / "c.csv", [row(), row()])
    text = path.read_text().rstrip("\n")
    path.write_text(text[: text.rfind(",", 0, len(text) - 40)] + "\n")  # truncate the last line
    with connect(settings.duckdb_path) as con:
        result = load_file(con, path, settings)
        assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (2, 1, 1)
        assert con.execute("select row_number, rule from quarantine.rejected_rows").fetchall() == [(3, "malformed_row")]


def test_file_missing_columns_is_refused_whole_with_message(tmp_path: Path) -> None:
    result, con = load_rows(tmp_path, [row()], name="cld_2025Q2.csv", drop=("event_outcome", "service_type"))
    assert result.status == "refused"
    assert result.message == (
        "cld_2025Q2.csv rejected: missing required column(s): Event Outcome, Service Type. "
        "Add the columns (values may be blank where not applicable) and resend."
    )
    assert con.execute("select count(*) from raw.cld_events").fetchone() == (0,)
    assert con.execute("select status, rule from audit.loads").fetchall() == [("refused", "missing_required_column")]


def test_two_la_codes_refuse_the_file_and_quarantine_every_row(tmp_path: Path) -> None:
    result, con = load_rows(tmp_path, [row(), row(la_code="E06000001")])
    assert (result.status, result.rule, result.rows_in, result.rows_rejected) == ("refused", "multiple_la_codes", 2, 2)
    assert con.execute("select count(*) from raw.cld_events").fetchone() == (0,)
    assert con.execute("select count(*), min(rule) from quarantine.rejected_rows").fetchone() == (
        2,
        "multiple_la_codes",
    )


def test_unknown_la_code_refuses_the_file(tmp_path: Path) -> None:
    result, _ = load_rows(tmp_path, [row(la_code="E99999999")])
    assert (result.status, result.rule) == ("refused", "unknown_la_code")


def test_same_file_twice_is_loaded_once(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "wh")
    write_cld(tmp_path / "in" / "cld_a.csv", [row(), row(la_person_unique_identifier="P2")])
    with connect(settings.duckdb_path) as con:
        first = load_folder(con, tmp_path / "in", settings)
        second = load_folder(con, tmp_path / "in", settings)
        assert [r.status for r in first] == ["loaded"]
        assert [r.status for r in second] == ["skipped_duplicate"]
        assert con.execute("select count(*) from raw.cld_events").fetchone() == (2,)


def test_rows_in_equals_loaded_plus_rejected_on_every_load(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "wh")
    rows = [
        row(event_start_date="bad" if i % 7 == 0 else "2024-05-01", la_person_unique_identifier=f"P{i}")
        for i in range(60)
    ]
    write_cld(tmp_path / "in" / "cld_b.csv", rows)
    with connect(settings.duckdb_path) as con:
        load_folder(con, tmp_path / "in", settings)
        assert con.execute(
            "select count(*) from audit.loads where rows_in <> rows_loaded + rows_rejected"
        ).fetchone() == (0,)
        assert con.execute("select rows_in, rows_loaded, rows_rejected from audit.loads").fetchone() == (60, 51, 9)


def test_unknown_extra_columns_are_kept_aside(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "wh")
    path = write_cld(tmp_path / "in" / "c.csv", [row()])
    lines = path.read_text().splitlines()
    path.write_text(lines[0] + ",Local Team\n" + lines[1] + ",North\n")
    with connect(settings.duckdb_path) as con:
        result = load_file(con, path, settings)
        assert any("Local Team" in w for w in result.warnings)
        assert con.execute("select row_number, header, value from raw.cld_extra_columns").fetchall() == [
            (2, "Local Team", "North")
        ]


def test_release_detection_and_r1_values_in_r2_file(tmp_path: Path) -> None:
    r2 = {"client_type": "Service user", "event_outcome": "NFA: Information and advice or signposting"}
    rows = [row(la_person_unique_identifier=f"P{i}", **r2) for i in range(5)]
    rows.append(row(la_person_unique_identifier="P9", event_outcome="NFA - Moved to another LA"))
    _, con = load_rows(tmp_path, rows)
    assert con.execute("select spec_release from audit.loads").fetchone() == ("R2",)
    assert (7, "event_outcome", "r1_value_in_r2_file") in issues(con)


def test_withdraw_marks_the_load_and_keeps_rows(tmp_path: Path) -> None:
    result, con = load_rows(tmp_path, [row()])
    withdraw_load(con, result.load_id, "wrong quarter")
    assert con.execute("select status, withdrawn_reason from audit.loads").fetchone() == ("withdrawn", "wrong quarter")
    assert con.execute("select count(*) from raw.cld_events").fetchone() == (1,)
    with pytest.raises(ValueError):
        withdraw_load(con, result.load_id)
    with pytest.raises(KeyError):
        withdraw_load(con, "nope")


def test_received_at_comes_from_the_file_name(tmp_path: Path) -> None:
    _, con = load_rows(tmp_path, [row()], name="cld_E06000005_2025-05-10.csv")
    assert (
        con.execute("select cast(received_at as date), received_at_source from audit.loads").fetchone()[1]
        == "file_name"
    )


def test_derived_period_drops_thin_months_and_the_received_month() -> None:
    import datetime as dt
    from collections import Counter

    months = Counter()
    for month in ("2024-04", "2024-05", "2024-06"):
        for kind in ("Request", "Assessment", "Review"):
            months[(month, kind)] = 40
    months[("2024-03", "Request")] = 1  # < 2% of events and one type only
    months[("2024-07", "Request")] = 50  # the month the file was received
    assert derive_period(months, dt.date(2024, 7, 20), (None, None)) == (dt.date(2024, 4, 1), dt.date(2024, 6, 30))
    small = Counter({("2024-04", "Request"): 10})
    stated = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert derive_period(small, dt.date(2025, 1, 5), stated) == stated


def test_per_la_settings_narrow_date_formats_and_pin_encoding(tmp_path: Path) -> None:
    from dataclasses import replace

    from orchestration.settings import LaSettings

    settings = make_settings(tmp_path / "wh")
    settings = replace(settings, las={LA: LaSettings(date_formats=("iso",), encoding="cp1252")})
    path = write_cld(
        tmp_path / "in" / "c.csv",
        [row(event_description="Café £5"), row(event_start_date="01/05/2024")],
        encoding="utf-8",
    )
    with connect(settings.duckdb_path) as con:
        result = load_file(con, path, settings)
        assert (result.rows_loaded, result.rows_rejected) == (1, 1)
        assert con.execute("select encoding from audit.loads").fetchone() == ("cp1252",)
        # UTF-8 bytes read as the pinned Windows-1252: the text shows it, nothing is guessed.
        assert con.execute("select event_description from raw.cld_events").fetchone() == ("CafÃ© Â£5",)


def test_planned_units_that_agree_with_the_frequency_are_not_flagged(tmp_path: Path) -> None:
    rows = [
        row(service=True, cost_frequency_unit_type="Weekly", unit_cost="50", planned_units_per_week="1"),
        row(service=True, cost_frequency_unit_type="Monthly", unit_cost="50", planned_units_per_week="0.23"),
        row(service=True, cost_frequency_unit_type="Hourly", unit_cost="20", planned_units_per_week="7"),
    ]
    _, con = load_rows(tmp_path, rows)
    assert not {i for i in issues(con) if i[2] == "planned_units_ignored"}
