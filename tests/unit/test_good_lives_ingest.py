"""Good-lives profile ingest (shared/spec/good_lives_extract.md §2, §4, §5, §9).

Hand-made files in, exact raw rows out: the §9 fixture (P1 and P2, 7 rows each, plus one exact copy of
P1's community row) loads 14 rows and quarantines the copy under GL040; a missing mandatory column
refuses the file naming it (GL001); each §5 warning rule stores its stated value and records a row
issue; each row error rejects the row; copies are found across chunks; free text is kept only when the
LA's `load_free_text` is on. Every load keeps rows_in = rows_loaded + rows_rejected.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from conftest import TEST_KEY, make_settings
from orchestration.defs.ingest.contract import GOOD_LIVES_COLUMNS
from orchestration.defs.ingest.good_lives import parse_sources, parse_strength_rating
from orchestration.defs.ingest.load import LoadResult, load_file
from orchestration.defs.ingest.recognise import recognise
from orchestration.defs.ingest.store import ensure_schema
from orchestration.settings import ConfigError, Settings, load_settings

LA = "E06000038"  # Reading: any valid CASSR code (§9)
HEADER = [c.name for c in GOOD_LIVES_COLUMNS]
NAME = f"good_lives_{LA}_2024-07-01.csv"  # received 2024-07-01 (date in the file name, cld_extract.md §4.1)
NHS_VALID = "9434765919"
NHS_BAD_CHECK = "9434765918"


def keyed(value: str) -> str:
    return hmac.new(TEST_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def gl_row(person: str = "P1", domain: str = "relationships", **values: str) -> dict[str, str]:
    """One profile row that passes every rule; overrides by column name."""
    row = dict.fromkeys(HEADER, "")
    row.update(
        la_code=LA,
        person_local_id=person,
        profile_date="2024-06-01",
        domain=domain,
        need_level="low",
        support_sources="family",
        support_fit="fits",
        matters_most="N",
    )
    if domain == "home":
        row["feels_like_home"] = "yes"
    row.update(values)
    return row


def write_file(path: Path, rows: list[dict[str, str]], header: list[str] = HEADER) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def fixture_rows() -> list[dict[str, str]]:
    """§9: P1 (matched in the dbt fixture) and P2 (unmatched), profile date 2024-06-01, then the copy."""
    p1 = [
        gl_row(
            "P1",
            "physical_practical",
            need_level="high",
            goal_text="Walk to the shops",
            goal_status="in_progress",
            support_sources="paid|family",
            paid_service_component="Home Support",  # Release 1 label -> the cleaned R2 value
            paid_service_ref="EV-HOME-1",
        ),
        gl_row(
            "P1",
            "community",
            need_level="moderate",
            goal_status="not_started",
            support_sources="none",
            support_fit="",
            matters_most="Y",
        ),
        gl_row("P1", "work_learning", goal_status="achieved", support_sources="community"),
        gl_row("P1", "relationships", strength_text="Close to his sister", strength_rating="3"),
        gl_row(
            "P1",
            "independence",
            need_level="moderate",
            goal_status="in_progress",
            support_sources="paid",
            paid_service_component="Day support",
            support_fit="Does not fit",
            matters_most="Y",
        ),
        gl_row("P1", "safety", support_sources="technology", support_fit="partly"),
        gl_row("P1", "home", need_level="none", feels_like_home="Yes"),
    ]
    p2 = [
        gl_row("P2", d)
        for d in ("physical_practical", "community", "work_learning", "relationships", "independence", "safety", "home")
    ]
    return [*p1, *p2, dict(p1[1])]


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(":memory:")
    ensure_schema(connection)
    yield connection
    connection.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "wh")


def check_invariant(con: duckdb.DuckDBPyConnection, result: LoadResult) -> None:
    audit = con.execute(
        "SELECT rows_in, rows_loaded, rows_rejected, status, dataset FROM audit.loads WHERE load_id = ?",
        [result.load_id],
    ).fetchone()
    assert audit == (result.rows_in, result.rows_loaded, result.rows_rejected, result.status, result.dataset)
    assert audit[0] == audit[1] + audit[2]
    quarantined = con.execute(
        "SELECT count(DISTINCT row_number) FROM quarantine.rejected_rows WHERE load_id = ?", [result.load_id]
    ).fetchone()[0]
    assert quarantined == result.rows_rejected


def raw(con: duckdb.DuckDBPyConnection, columns: str, where: str = "true") -> list[tuple[object, ...]]:
    return con.execute(f"SELECT {columns} FROM raw.good_lives_profiles WHERE {where} ORDER BY row_number").fetchall()


def issues(con: duckdb.DuckDBPyConnection) -> set[tuple[int, str, str, str]]:
    return set(con.execute('SELECT row_number, "column", rule, severity FROM quarantine.row_issues').fetchall())


def rejections(con: duckdb.DuckDBPyConnection) -> set[tuple[int, str, str]]:
    return set(con.execute('SELECT row_number, "column", rule FROM quarantine.rejected_rows').fetchall())


# ---- pure helpers ------------------------------------------------------------------------------


def test_parse_sources_orders_and_drops() -> None:
    assert parse_sources("Family|paid") == (("paid", "family"), False)
    assert parse_sources("Community or voluntary") == (("community",), False)
    assert parse_sources("none") == (("none",), False)
    assert parse_sources("none|technology") == (("technology",), True)  # GL026: none dropped
    assert parse_sources("family|friends") == (("family",), True)  # GL026: unknown token dropped
    assert parse_sources("friends") == ((), True)


def test_parse_strength_rating() -> None:
    assert [parse_strength_rating(v) for v in ("0", "4", "5", "2.5", "good", "Major strength to build on")] == [
        0,
        4,
        None,
        None,
        3,
        4,
    ]


def test_recognised_by_header_set() -> None:
    assert recognise(HEADER, "x.csv").dataset == "good_lives_profiles"
    required = ["la_code", "person_local_id", "profile_date", "domain", "need_level", "support_sources"]
    assert recognise(required, "x.csv").dataset == "good_lives_profiles"


# ---- §9 fixture --------------------------------------------------------------------------------


def test_section_9_fixture_loads_14_and_quarantines_the_copy(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, settings: Settings
) -> None:
    result = load_file(con, write_file(tmp_path / NAME, fixture_rows()), settings)
    assert (result.status, result.dataset) == ("loaded", "good_lives_profiles")
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (15, 14, 1)
    check_invariant(con, result)
    # The copy (line 16) of P1's community row (line 3): rule GL040, the message names the kept row.
    (row_number, column, rule_code, value, message) = con.execute(
        'SELECT row_number, "column", rule, value, message FROM quarantine.rejected_rows'
    ).fetchone()
    assert (row_number, column, rule_code, value) == (16, "domain", "GL040", "community")
    assert "row 3 kept" in message and "exact copy" in message
    assert issues(con) == set()  # the fixture has no warning
    assert con.execute("SELECT count(*) FROM raw.good_lives_free_text").fetchone()[0] == 0

    p1 = raw(
        con,
        "domain, need_level, goal_status, support_sources, paid_service_component, paid_service_ref, support_fit, "
        "paid_fit, feels_like_home, matters_most, has_goal_text, has_strength_text, strength_rating",
        f"la_person_id_hash = '{keyed(LA + '_P1')}'",
    )
    assert p1 == [
        (
            "physical_practical",
            "high",
            "in_progress",
            "paid|family",
            "Home support or domiciliary care",
            "EV-HOME-1",
            "fits",
            None,
            None,
            False,
            True,
            False,
            None,
        ),
        ("community", "moderate", "not_started", "none", None, None, None, None, None, True, False, False, None),
        ("work_learning", "low", "achieved", "community", None, None, "fits", None, None, False, False, False, None),
        ("relationships", "low", None, "family", None, None, "fits", None, None, False, False, True, 3),
        (
            "independence",
            "moderate",
            "in_progress",
            "paid",
            "Day support",
            None,
            "does_not_fit",
            None,
            None,
            True,
            False,
            False,
            None,
        ),
        ("safety", "low", None, "technology", None, None, "partly", None, None, False, False, False, None),
        ("home", "none", None, "family", None, None, "fits", None, "yes", False, False, False, None),
    ]
    p2 = raw(
        con,
        "domain, need_level, support_sources, support_fit, feels_like_home",
        f"la_person_id_hash = '{keyed(LA + '_P2')}'",
    )
    assert len(p2) == 7
    assert {r[1:4] for r in p2} == {("low", "family", "fits")}
    assert [r[4] for r in p2] == [None] * 6 + ["yes"]  # feels_like_home on the home row only
    shared = raw(con, "DISTINCT la_code, profile_date, nhs_number_hash, nhs_number_chk")
    assert [(r[0], str(r[1]), r[2], r[3]) for r in shared] == [(LA, "2024-06-01", None, 0)]
    audit = con.execute(
        "SELECT la_code, derived_period_start, derived_period_end, rows_flagged FROM audit.loads"
    ).fetchone()
    assert (audit[0], str(audit[1]), str(audit[2]), audit[3]) == (LA, "2024-06-01", "2024-06-01", 0)


def test_missing_mandatory_column_refuses_the_file(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, settings: Settings
) -> None:
    header = [h for h in HEADER if h != "need_level"]
    result = load_file(con, write_file(tmp_path / NAME, fixture_rows(), header), settings)
    assert (result.status, result.rule, result.rows_loaded) == ("refused", "GL001", 0)
    assert "missing required column(s): need_level" in (result.message or "")
    assert con.execute("SELECT count(*) FROM raw.good_lives_profiles").fetchone()[0] == 0


def test_unknown_column_is_reported_and_ignored(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, settings: Settings
) -> None:
    rows = [dict(r, keyworker="Sam") for r in fixture_rows()[:7]]
    result = load_file(con, write_file(tmp_path / NAME, rows, [*HEADER, "keyworker"]), settings)
    assert result.status == "loaded" and result.rows_loaded == 7
    assert any("GL002" in w and "keyworker" in w for w in result.warnings)


# ---- §5 warnings: the stated value is stored and a row issue recorded ---------------------------

# (row overrides, column checked, expected stored value, expected (column, rule) issues)
WARNING_CASES: list[tuple[dict[str, str], str, object, set[tuple[str, str]]]] = [
    ({"strength_rating": "5"}, "strength_rating", None, {("strength_rating", "GL022")}),
    ({"strength_rating": "good"}, "strength_rating", 3, set()),
    ({"goal_status": "done"}, "goal_status", None, {("goal_status", "GL023")}),
    ({"paid_fit": "meh"}, "paid_fit", None, {("paid_fit", "GL023")}),
    ({"support_fit": "sorta"}, "support_fit", "not_recorded", {("support_fit", "GL023"), ("support_fit", "GL027")}),
    ({"goal_text": "Go to college"}, "goal_status", "not_started", {("goal_status", "GL024")}),
    ({"support_sources": ""}, "support_sources", None, {("support_sources", "GL025")}),
    ({"support_sources": "family|friends"}, "support_sources", "family", {("support_sources", "GL026")}),
    ({"support_sources": "none|family"}, "support_sources", "family", {("support_sources", "GL026")}),
    ({"support_fit": ""}, "support_fit", "not_recorded", {("support_fit", "GL027")}),
    ({"support_sources": "none", "support_fit": "fits"}, "support_fit", None, {("support_fit", "GL027")}),
    (
        {"support_sources": "paid", "paid_service_component": "Home Suport"},
        "paid_service_component",
        None,
        {("paid_service_component", "GL028")},
    ),
    (
        {"support_sources": "paid", "paid_service_component": "Meals|Hme Support|Transport"},
        "paid_service_component",
        "Meals|Transport",
        {("paid_service_component", "GL028")},
    ),
    ({"paid_service_ref": "EV9"}, "support_sources", "paid|family", {("support_sources", "GL029")}),
    (
        {"support_sources": "none", "support_fit": "", "paid_service_component": "Meals"},
        "support_sources",
        "paid",
        {("support_sources", "GL029"), ("support_fit", "GL027")},
    ),
    ({"domain": "home", "feels_like_home": ""}, "feels_like_home", "not_asked", {("feels_like_home", "GL030")}),
    ({"domain": "home", "feels_like_home": "Not asked"}, "feels_like_home", "not_asked", set()),
    ({"feels_like_home": "yes"}, "feels_like_home", None, {("feels_like_home", "GL030")}),
    ({"matters_most": "maybe"}, "matters_most", False, {("matters_most", "GL031")}),
    ({"matters_most": ""}, "matters_most", False, set()),
    ({"matters_most": "yes"}, "matters_most", True, set()),
    ({"nhs_number": NHS_BAD_CHECK}, "nhs_number_hash", None, {("nhs_number", "GL050")}),
    ({"nhs_number": NHS_VALID}, "nhs_number_hash", keyed(NHS_VALID), set()),
    ({"domain": "Physical_practical", "need_level": "HIGH"}, "domain", "physical_practical", set()),
    ({"domain": "Living in a place that feels like home", "feels_like_home": "Yes"}, "domain", "home", set()),
]


@pytest.mark.parametrize(("overrides", "column", "expected", "expected_issues"), WARNING_CASES)
def test_warning_rules_store_the_stated_value(
    tmp_path: Path,
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    overrides: dict[str, str],
    column: str,
    expected: object,
    expected_issues: set[tuple[str, str]],
) -> None:
    overrides = dict(overrides)
    row = gl_row("P7", overrides.pop("domain", "relationships"), **overrides)
    if row["domain"] != "home" and "feels_like_home" not in overrides:
        row["feels_like_home"] = ""
    result = load_file(con, write_file(tmp_path / NAME, [row]), settings)
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (1, 1, 0)
    check_invariant(con, result)
    assert raw(con, column) == [(expected,)]
    assert issues(con) == {(2, c, r, "warning") for c, r in expected_issues}
    assert result.rows_flagged == (1 if expected_issues else 0)


# ---- §5 row errors: the row is rejected -----------------------------------------------------------


def test_row_errors_reject_the_row(tmp_path: Path, con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    rows = [
        gl_row("A1", la_code=""),  # line 2: GL010
        gl_row(""),  # 3: GL011
        gl_row("A3", profile_date="06/13/2024"),  # 4: US month-first order, never read (GL012)
        gl_row("A4", profile_date="1/6/24"),  # 5: two-digit year, ambiguous (GL012)
        gl_row("A5", profile_date=""),  # 6: GL012 blank
        gl_row("A6", profile_date="2024-07-02"),  # 7: after the file was received on 2024-07-01 (GL013)
        gl_row("A7", domain="spirituality"),  # 8: GL020
        gl_row("A8", need_level="very high"),  # 9: GL021
        gl_row("A9", need_level=""),  # 10: GL021
        gl_row("A10", profile_date="13/06/2024"),  # 11: UK day-first: loads
    ]
    result = load_file(con, write_file(tmp_path / NAME, rows), settings)
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (10, 1, 9)
    check_invariant(con, result)
    assert rejections(con) == {
        (2, "la_code", "GL010"),
        (3, "person_local_id", "GL011"),
        (4, "profile_date", "GL012"),
        (5, "profile_date", "GL012"),
        (6, "profile_date", "GL012"),
        (7, "profile_date", "GL013"),
        (8, "domain", "GL020"),
        (9, "need_level", "GL021"),
        (10, "need_level", "GL021"),
    }
    message = con.execute("SELECT message FROM quarantine.rejected_rows WHERE row_number = 4").fetchone()[0]
    assert "'06/13/2024'" in message and "month-first" in message
    assert [(r[0], str(r[1])) for r in raw(con, "row_number, profile_date")] == [(11, "2024-06-13")]


def test_conflicting_copy_keeps_the_first_across_chunks(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    settings = make_settings(tmp_path / "wh", ASCW_CHUNK_ROWS="2")
    rows = [
        gl_row("C1", "safety", need_level="high"),  # line 2: kept
        gl_row("C1", "home"),  # 3
        gl_row("C2", "safety"),  # 4: another person, same domain
        gl_row("C1", "safety", need_level="low"),  # 5: conflicting copy of line 2, in a later chunk
        gl_row("C1", "safety", need_level="high"),  # 6: exact copy of line 2
    ]
    result = load_file(con, write_file(tmp_path / NAME, rows), settings)
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (5, 3, 2)
    check_invariant(con, result)
    messages = dict(
        con.execute("SELECT row_number, message FROM quarantine.rejected_rows WHERE rule = 'GL040'").fetchall()
    )
    assert set(messages) == {5, 6}
    assert "different values" in messages[5] and "the first (row 2) kept" in messages[5]
    assert "exact copy of row 2" in messages[6]
    assert raw(con, "row_number, need_level", "domain = 'safety'") == [(2, "high"), (4, "low")]


# ---- §1 free text ---------------------------------------------------------------------------------


def test_free_text_only_when_the_setting_is_on(tmp_path: Path, settings: Settings) -> None:
    rows = [
        gl_row("T1", "community", strength_text="Sings in a choir", goal_text="Join a second choir"),
        gl_row("T1", "safety"),
        gl_row("T1", "community", strength_text="Other text"),  # GL040 copy: its text is not kept
    ]
    path = write_file(tmp_path / NAME, rows)
    on = replace(settings, default_la=replace(settings.default_la, load_free_text=True))
    for current, expected in ((settings, []), (on, [(2, "Sings in a choir", "Join a second choir")])):
        con = duckdb.connect(":memory:")
        ensure_schema(con)
        result = load_file(con, path, current)
        assert (result.rows_loaded, result.rows_rejected) == (2, 1)
        stored = con.execute("SELECT row_number, strength_text, goal_text FROM raw.good_lives_free_text").fetchall()
        assert stored == expected
        # The raw table never holds text, only the flags (§1).
        assert raw(con, "has_strength_text, has_goal_text") == [(True, True), (False, False)]
        con.close()


def test_load_free_text_setting(tmp_path: Path) -> None:
    config = tmp_path / "ascw.yaml"
    config.write_text("defaults:\n  load_free_text: false\nlas:\n  E06000038:\n    load_free_text: true\n")
    settings = load_settings(tmp_path, config_file=config, env={})
    assert settings.default_la.load_free_text is False
    assert settings.for_la("E06000038").load_free_text is True
    assert load_settings(tmp_path, env={}).default_la.load_free_text is False
    config.write_text("defaults:\n  load_free_text: sometimes\n")
    with pytest.raises(ConfigError, match="load_free_text must be true or false"):
        load_settings(tmp_path, config_file=config, env={})
