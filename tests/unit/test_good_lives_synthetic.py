"""The generator's good-lives profile file (orchestration/synthetic/good_lives.py, good_lives_extract.md §10).

One small faulty run (30% of the demo's adults, 5% faults): the file has the contract's headers, loads
with rows_in = rows_loaded + rows_rejected, its quarantined rows and row issues are exactly the
faults the manifest lists, paid rows reference real CLD service lines, and the answers follow the
people's services (care-home residents feel less at home, direct-payment users list community
support more, poor-fit paid support is concentrated in residential care for learning disability).
A clean run writes a file that loads with no rejection and no flag, and the other files keep their
bytes whatever the profile share.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from conftest import make_settings
from orchestration.defs.ingest.contract import GOOD_LIVES_COLUMNS
from orchestration.defs.ingest.load import LoadResult, load_file
from orchestration.defs.ingest.store import ensure_schema
from orchestration.synthetic import GenerationResult, generate

LA = "E06000005"
GL_FILE = f"good_lives_profiles_{LA}.csv"
CARE_HOME = {"long term residential care", "long term nursing care"}


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> GenerationResult:
    return generate(tmp_path_factory.mktemp("gl_faulty"), scale="demo", seed=7, faults=0.05, adult_scale=0.3)


@pytest.fixture(scope="module")
def loaded(
    faulty: GenerationResult, tmp_path_factory: pytest.TempPathFactory
) -> tuple[duckdb.DuckDBPyConnection, LoadResult]:
    con = duckdb.connect(":memory:")
    ensure_schema(con)
    result = load_file(con, faulty.out_dir / GL_FILE, make_settings(tmp_path_factory.mktemp("gl_wh")))
    yield con, result
    con.close()


@pytest.fixture(scope="module")
def profiles(faulty: GenerationResult) -> pd.DataFrame:
    return pd.read_csv(faulty.out_dir / GL_FILE, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def manifest(faulty: GenerationResult) -> pd.DataFrame:
    assert faulty.manifest_path is not None
    table = pd.read_csv(faulty.manifest_path, dtype=str, keep_default_na=False)
    return table[table.file == GL_FILE]


def rows_of(manifest: pd.DataFrame, fault: str) -> set[int]:
    return {int(n) for n in manifest.row_number[manifest.fault == fault]}


def test_header_and_counts(faulty: GenerationResult, profiles: pd.DataFrame) -> None:
    assert list(profiles.columns) == [c.name for c in GOOD_LIVES_COLUMNS]
    counts = faulty.good_lives
    # 3 unmatched profiles of 7 rows and one copy are added by the faults.
    assert len(profiles) == counts["rows"] == 7 * counts["profiles"] + 3 * 7 + 1
    assert counts["people"] > 0.2 * faulty.people * 0.6  # about 30% of the service users
    repeat = counts["profiles"] / counts["people"] - 1
    assert 0.12 <= repeat <= 0.28  # about 20% profiled twice
    dates = pd.to_datetime(profiles.profile_date, format="mixed", dayfirst=True, errors="coerce")
    assert dates.min() >= pd.Timestamp("2023-04-01") and dates.max() <= pd.Timestamp("2025-03-31")


def test_load_matches_the_manifest(
    loaded: tuple[duckdb.DuckDBPyConnection, LoadResult], manifest: pd.DataFrame
) -> None:
    con, result = loaded
    assert result.status == "loaded"
    assert result.rows_in == result.rows_loaded + result.rows_rejected
    assert set(manifest.expected_rule) == {"GL023", "GL030", "GL012", "GL051", "GL040"}
    rejected = con.execute("SELECT rule, row_number FROM quarantine.rejected_rows").fetchall()
    assert {(r, n) for r, n in rejected} == {("GL012", n) for n in rows_of(manifest, "gl_us_order_date")} | {
        ("GL040", n) for n in rows_of(manifest, "gl_duplicate_row")
    }
    assert result.rows_rejected == 2
    flagged = con.execute("SELECT rule, row_number FROM quarantine.row_issues").fetchall()
    assert {(r, n) for r, n in flagged} == {("GL023", n) for n in rows_of(manifest, "gl_invalid_code")} | {
        ("GL030", n) for n in rows_of(manifest, "gl_missing_home_answer")
    }
    assert len(rows_of(manifest, "gl_invalid_code")) == 3


def test_unmatched_people_and_refs_against_the_case_data(
    faulty: GenerationResult, profiles: pd.DataFrame, manifest: pd.DataFrame
) -> None:
    cld = pd.concat(
        pd.read_csv(p, dtype=str, keep_default_na=False, usecols=["LA Person Unique Identifier", "Event Reference"])
        for p in sorted(faulty.out_dir.glob("cld_*.csv"))
    )
    people = set(cld["LA Person Unique Identifier"])
    unmatched_rows = rows_of(manifest, "gl_unmatched_person")
    assert len(unmatched_rows) == 21
    by_line = profiles.set_axis(range(2, len(profiles) + 2))
    assert not set(by_line.person_local_id[sorted(unmatched_rows)]) & people
    listed = by_line.drop(index=sorted(unmatched_rows))
    assert set(listed.person_local_id) <= people
    refs = {ref for value in profiles.paid_service_ref if value for ref in value.split("|")}
    assert refs and refs <= set(cld["Event Reference"])


def profile_frame(profiles: pd.DataFrame) -> pd.DataFrame:
    """One row per profile with its settings read from the file (components, team, answers)."""
    data = profiles.assign(
        key=profiles.person_local_id + "|" + profiles.profile_date,
        comp=profiles.paid_service_component.str.lower(),
    )
    grouped = data.groupby("key")
    return pd.DataFrame(
        {
            "care_home": grouped.comp.agg(lambda s: any(c in CARE_HOME for v in s for c in v.split("|"))),
            "community_lts": grouped.comp.agg(
                lambda s: any(v for v in s) and not any(c in CARE_HOME for v in s for c in v.split("|"))
            ),
            "direct_payment": grouped.comp.agg(lambda s: any("direct payment" in v for v in s)),
            "ld_team": grouped.practitioner_team.first() == "Learning disability team",
        }
    )


def test_answers_follow_services(profiles: pd.DataFrame) -> None:
    per = profile_frame(profiles)
    rows = profiles.assign(key=profiles.person_local_id + "|" + profiles.profile_date).join(per, on="key")
    home = rows[rows.domain == "home"]
    no_at_home = home.groupby("care_home").feels_like_home.agg(lambda s: (s == "no").mean())
    assert no_at_home[True] > 2 * home[home.community_lts].feels_like_home.eq("no").mean()
    community = rows[rows.domain.isin(["community", "independence", "relationships", "work_learning"])]
    lists_community = community.support_sources.str.contains("community")
    assert lists_community[community.direct_payment].mean() > 2 * lists_community[~community.direct_payment].mean()
    paid = rows[rows.support_sources.str.contains("paid")]
    cohort = paid.care_home & paid.ld_team
    poor = paid.paid_fit == "does_not_fit"
    assert cohort.sum() >= 5
    assert poor[cohort].mean() > 5 * poor[~cohort].mean()


def test_clean_run_loads_without_issue_and_other_bytes_unchanged(tmp_path: Path) -> None:
    small = {"scale": "demo", "seed": 3, "adult_scale": 0.1}
    with_profiles = generate(tmp_path / "with", **small)
    without = generate(tmp_path / "without", good_lives_share=0.0, **small)
    assert not (without.out_dir / GL_FILE).exists()
    for path in without.files:
        twin = with_profiles.out_dir / path.name
        assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(twin.read_bytes()).digest(), path.name
    again = generate(tmp_path / "again", **small)
    assert (again.out_dir / GL_FILE).read_bytes() == (with_profiles.out_dir / GL_FILE).read_bytes()
    con = duckdb.connect(":memory:")
    ensure_schema(con)
    result = load_file(con, with_profiles.out_dir / GL_FILE, make_settings(tmp_path / "wh"))
    assert (result.status, result.rows_rejected, result.rows_flagged) == ("loaded", 0, 0)
    assert result.rows_loaded == with_profiles.good_lives["rows"]
    con.close()
