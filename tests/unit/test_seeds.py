"""Checks on the shipped seeds: CLD code lists, LA codes and header aliases.

Specs: `cld_extract.md` §4.2, §4.3, §5, §6 and `reference_data.md` §3.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
from collections import Counter
from pathlib import Path

import pytest

from orchestration.defs.ingest.contract import CLD_BY_NAME, CODED_FIELDS
from orchestration.defs.ingest.keys import header_key, value_key

ROOT = Path(__file__).resolve().parents[2]
CODE_LISTS = ROOT / "seeds" / "code_lists"
REFERENCE = ROOT / "seeds" / "reference"

CODE_LIST_HEADER = ["value_key", "release", "source_value", "cleaned_value", "grouped_value", "rank", "note"]
LA_HEADER = ["la_code", "la_name", "entity_code", "effective_from", "effective_to", "successor_codes", "region"]
LAD_HEADER = ["lad_code", "lad_name", "cassr_code", "effective_from", "effective_to", "note"]
ALIAS_HEADER = ["alias_key", "canonical_name", "note"]
INVALID = "Invalid and not mapped"


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        body = list(reader)
    for line in body:
        assert len(line) == len(header), f"{path.name}: row {line!r} has {len(line)} fields, header {len(header)}"
    return header, [dict(zip(header, line, strict=True)) for line in body]


def _code_list(field: str) -> list[dict[str, str]]:
    return _read(CODE_LISTS / f"cld_{field}.csv")[1]


def _by_key(field: str) -> dict[str, dict[str, str]]:
    return {r["value_key"]: r for r in _code_list(field)}


def _unseeded() -> dict[str, str]:
    header, rows = _read(CODE_LISTS / "unseeded_code_fields.csv")
    assert header == ["field", "reason"]
    return {r["field"]: r["reason"] for r in rows}


# ---------------------------------------------------------------- code lists: shape


def test_every_coded_field_has_a_seed_and_no_stray_seeds():
    present = {p.name[len("cld_") : -len(".csv")] for p in CODE_LISTS.glob("cld_*.csv")}
    assert set(CODED_FIELDS) - present == set(), "coded fields without a seed"
    assert present - set(CODED_FIELDS) == set(), "seeds for fields that are not coded in contract.py"


@pytest.mark.parametrize("field", CODED_FIELDS)
def test_code_list_header_is_exact(field):
    header, _ = _read(CODE_LISTS / f"cld_{field}.csv")
    assert header == CODE_LIST_HEADER


@pytest.mark.parametrize("field", CODED_FIELDS)
def test_value_key_is_computed_from_source_value(field):
    bad = [
        (r["source_value"], r["value_key"]) for r in _code_list(field) if r["value_key"] != value_key(r["source_value"])
    ]
    assert bad == []


@pytest.mark.parametrize("field", CODED_FIELDS)
def test_value_key_unique_within_file(field):
    counts = Counter(r["value_key"] for r in _code_list(field))
    assert [k for k, n in counts.items() if n > 1] == []


@pytest.mark.parametrize("field", CODED_FIELDS)
def test_release_and_required_columns(field):
    for r in _code_list(field):
        assert r["release"] in {"R1", "R2", "both"}, r
        assert r["value_key"] and r["source_value"].strip() == r["source_value"] != "", r
        assert r["cleaned_value"] and r["grouped_value"], r


@pytest.mark.parametrize("field", [f for f in CODED_FIELDS if f != "event_outcome"])
def test_rank_blank_outside_event_outcome(field):
    assert [r["source_value"] for r in _code_list(field) if r["rank"] != ""] == []


@pytest.mark.parametrize("field", CODED_FIELDS)
def test_cleaned_values_map_to_themselves(field):
    """A cleaned value fed back through the seed is valid and cleans to itself (mapping is idempotent)."""
    by_key = _by_key(field)
    for r in _code_list(field):
        if r["cleaned_value"] == INVALID:
            continue
        target = by_key.get(value_key(r["cleaned_value"]))
        assert target is not None, f"{field}: cleaned value {r['cleaned_value']!r} is not itself in the seed"
        assert target["cleaned_value"] == r["cleaned_value"], (r, target)
        assert target["grouped_value"] == r["grouped_value"], (r, target)
        assert target["release"] in {"R2", "both"}, target


@pytest.mark.parametrize("field", CODED_FIELDS)
def test_invalid_rows_are_grouped_invalid_and_explained(field):
    for r in _code_list(field):
        assert (r["cleaned_value"] == INVALID) == (r["grouped_value"] == "Invalid"), r
        if r["cleaned_value"] == INVALID:
            assert r["note"], r


def test_unseeded_fields_are_exactly_the_header_only_seeds():
    unseeded = _unseeded()
    header_only = {f for f in CODED_FIELDS if not _code_list(f)}
    assert set(unseeded) == header_only
    assert all(reason.strip() for reason in unseeded.values())
    # The spec's "not held nationally" lists that must not be invented.
    assert {"total_hrs_caring_per_week", "review_outcomes_achieved"} <= header_only


# ---------------------------------------------------------------- code lists: content (§5)

# R1/R2 value -> (R2 rank) from the cld_extract.md §5 event outcome table.
EVENT_OUTCOME_RANKS = {
    "Progress to Reablement/ST-Max": 1,
    "Progress to Assessment": 2,
    "Admitted to Hospital": 6,
    "Progress to Re-assessment / Unplanned Review": 2,
    "Progress to End of Life Care": 3,
    "No change in package": 5,
    "Service ended as planned": 14,
    "Provision of service": 4,
    "NFA - Deceased": 13,
    "NFA - Moved to another LA": 7,
    "NFA - 100% NHS funded care": 8,
    "NFA - Information & Advice / Signposting only": 10,
    "NFA - Self-funded client (Inc. 12wk disregard)": 9,
    "NFA - Support declined": 12,
    "NFA- Other": 17,
    "NFA: Referral to other service within the local authority": 11,
    "NFA: Support ended for other reason": 15,
    "NFA: No services offered for other reason": 16,
}


def test_event_outcome_rank_is_integer_1_to_17_everywhere():
    rows = _code_list("event_outcome")
    assert rows
    for r in rows:
        assert re.fullmatch(r"[0-9]+", r["rank"]), r
        assert 1 <= int(r["rank"]) <= 17, r


def test_event_outcome_ranks_match_spec_and_cover_hierarchy():
    by_key = _by_key("event_outcome")
    for value, rank in EVENT_OUTCOME_RANKS.items():
        assert int(by_key[value_key(value)]["rank"]) == rank, value
    rows = _code_list("event_outcome")
    assert {int(r["rank"]) for r in rows} == set(range(1, 18))
    rank_of_cleaned: dict[str, set[str]] = {}
    for r in rows:
        rank_of_cleaned.setdefault(r["cleaned_value"], set()).add(r["rank"])
    assert {c: rs for c, rs in rank_of_cleaned.items() if len(rs) > 1} == {}
    assert len(rank_of_cleaned) == 17  # the 17 R2 outcomes


def test_event_outcome_mapping_and_grouping():
    by_key = _by_key("event_outcome")
    assert by_key[value_key("Progress to End of Life Care")]["cleaned_value"] == (
        "Release 1 specification only: Not mapped"
    )
    assert by_key[value_key("NFA - Deceased")]["cleaned_value"] == "NFA: Deceased"
    assert by_key[value_key("NFA - Deceased")]["release"] == "both"
    assert by_key[value_key("Progress to Assessment")]["release"] == "R1"
    for r in by_key.values():
        expected = "NFA" if r["cleaned_value"].startswith("NFA") else r["cleaned_value"]
        assert r["grouped_value"] == expected, r
    r1 = [r for r in by_key.values() if r["release"] in {"R1", "both"}]
    assert len(r1) == 19


def test_client_and_service_type_mapping():
    ct = _by_key("client_type")
    assert ct["carer"]["cleaned_value"] == "Unpaid carer" and ct["carer"]["release"] == "R1"
    assert ct["service user"]["release"] == "both"
    assert {r["grouped_value"] for r in ct.values()} == {"Service user", "Unpaid carer"}
    st = _by_key("service_type")
    assert st[value_key("Carer Support: Direct to Carer")]["cleaned_value"] == (
        "Unpaid carer support: Direct to unpaid carer"
    )
    assert {r["grouped_value"] for r in st.values()} == {
        "Long term support",
        "Short term support",
        "Unpaid carer support",
    }
    assert len({r["cleaned_value"] for r in st.values()}) == 9


def test_release_evidence_fields_have_single_release_keys():
    """Release detection (§4.6) needs R1-only and R2-only keys in these fields."""
    for field in ("client_type", "service_type", "event_outcome"):
        releases = Counter(r["release"] for r in _code_list(field))
        assert releases["R1"] > 0 and releases["R2"] > 0, field


def test_invalid_listed_values():
    dm = _by_key("delivery_mechanism")
    assert dm[value_key("Self-Funder Metering Only")]["cleaned_value"] == INVALID
    cfs = _by_key("client_funding_status")
    for v in ["Self-funder - Metering Only", "Joint Health and Social Care Funded", "Fully Health Funded"]:
        assert cfs[value_key(v)]["cleaned_value"] == INVALID, v
    assert cfs[value_key("18(3) (full cost client)")]["cleaned_value"] == "Fully client funded"


def test_aliases_from_spec():
    for f in ("has_unpaid_carer", "eligible_needs_identified"):
        rows = _by_key(f)
        assert rows["y"]["cleaned_value"] == "Yes" and rows["n"]["cleaned_value"] == "No", f
    roa = _by_key("request_route_of_access")
    depleted = (
        "Self-funder with depleted funds (of which previously provided with 12-week disregard or deferred payment)"
    )
    assert roa[value_key(depleted)]["cleaned_value"] == roa[value_key("Self-Funder")]["cleaned_value"]
    assert "no charge to client" in _by_key("cost_frequency_unit_type")
    gender = _by_key("gender")
    assert gender["other"]["cleaned_value"] == "Other (does not identify as male or female)"
    assert gender["unknown"]["cleaned_value"] == "Unknown (not recorded)"
    assert "review of short term support" in _by_key("review_reason")


def test_ethnicity_list():
    rows = _code_list("ethnicity")
    assert len(rows) == 21
    assert all(r["release"] == "both" for r in rows)
    assert all(":" in r["cleaned_value"] and " - " in r["source_value"] for r in rows)
    groups = Counter(r["grouped_value"] for r in rows)
    assert groups == {
        "White": 5,
        "Mixed or multiple ethnic groups": 4,
        "Asian or Asian British": 5,
        "Black, Black British, Caribbean or African": 3,
        "Other ethnic group": 2,
        "No data": 2,
    }
    by_key = _by_key("ethnicity")
    assert by_key[value_key("White: Roma")]["cleaned_value"] == "White: Roma"
    assert by_key[value_key("No data - Refused")]["cleaned_value"] == "No data: Refused"


def test_accommodation_and_employment_groups():
    acc = _by_key("accommodation_status")
    assert {r["grouped_value"] for r in acc.values()} == {"Settled", "Unsettled"}
    assert acc["unknown"]["grouped_value"] == "Unsettled"
    assert acc["tenant"]["cleaned_value"] == "Tenant: Local authority or other social housing provider"
    assert acc["registered care home"]["grouped_value"] == "Unsettled"
    assert acc[value_key("Shared Lives scheme")]["grouped_value"] == "Settled"
    emp = _by_key("employment_status")
    assert {r["grouped_value"] for r in emp.values()} == {"Paid", "Not in paid employment", "Unknown"}
    assert emp[value_key("Not in paid employment: Seeking work")]["release"] == "both"


def test_primary_support_reason_groups():
    psr = _by_key("primary_support_reason")
    assert {r["grouped_value"] for r in psr.values()} == {
        "Physical support",
        "Sensory support",
        "Memory and cognition",
        "Learning disability",
        "Mental health",
        "Social support",
        "Unknown",
    }
    assert psr[value_key("Support with Memory & Cognition")]["release"] == "both"
    assert psr[value_key("Social Support: Support to Carer")]["cleaned_value"] == (
        "Social support: Support to unpaid carer"
    )


# ---------------------------------------------------------------- LA codes (reference_data.md §3)


def _la_rows() -> list[dict[str, str]]:
    header, rows = _read(REFERENCE / "ref_la_codes.csv")
    assert header == LA_HEADER
    return rows


def _effective_on(day: dt.date) -> list[dict[str, str]]:
    """effective_from <= day <= effective_to (inclusive last day; blank = open)."""
    out = []
    for r in _la_rows():
        start = dt.date.fromisoformat(r["effective_from"])
        end = dt.date.fromisoformat(r["effective_to"]) if r["effective_to"] else dt.date.max
        if start <= day <= end:
            out.append(r)
    return out


EXPECTED_PREFIX_COUNTS = {"E06": 63, "E08": 36, "E09": 33, "E10": 21}


@pytest.mark.parametrize("day", [dt.date(2023, 4, 1), dt.date(2026, 11, 23), dt.date.today()])
def test_153_cassrs_effective(day):
    rows = _effective_on(day)
    assert len(rows) == 153
    assert len({r["la_code"] for r in rows}) == 153
    assert dict(Counter(r["entity_code"] for r in rows)) == EXPECTED_PREFIX_COUNTS


def test_la_rows_well_formed():
    rows = _la_rows()
    for r in rows:
        assert re.fullmatch(r"E(06|08|09|10)[0-9]{6}", r["la_code"]), r
        assert r["entity_code"] == r["la_code"][:3], r
        assert r["la_name"].strip(), r
        start = dt.date.fromisoformat(r["effective_from"])
        if r["effective_to"]:
            assert dt.date.fromisoformat(r["effective_to"]) >= start, r
            assert r["successor_codes"], f"retired code without successor: {r}"
        else:
            assert r["successor_codes"] == "", r
    # one row per code per validity interval: no overlapping intervals for a code
    by_code: dict[str, list[tuple[str, str]]] = {}
    for r in rows:
        by_code.setdefault(r["la_code"], []).append((r["effective_from"], r["effective_to"] or "9999-12-31"))
    for code, spans in by_code.items():
        spans.sort()
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end < start, code


def test_successors_take_over_the_next_day():
    rows = _la_rows()
    for r in rows:
        if not r["effective_to"]:
            continue
        next_day = dt.date.fromisoformat(r["effective_to"]) + dt.timedelta(days=1)
        live = {x["la_code"] for x in _effective_on(next_day)}
        for succ in r["successor_codes"].split("|"):
            assert succ in live, (r["la_code"], succ)
        assert r["la_code"] not in live


# (old codes, new codes, change date) from the reference_data.md §3 change table
CHANGES = [
    (["E10000009"], ["E06000059"], "2019-04-01"),
    (["E06000028", "E06000029"], ["E06000058"], "2019-04-01"),
    (["E10000002"], ["E06000060"], "2020-04-01"),
    (["E10000021"], ["E06000061", "E06000062"], "2021-04-01"),
    (["E10000006"], ["E06000063", "E06000064"], "2023-04-01"),
    (["E10000023"], ["E06000065"], "2023-04-01"),
    (["E10000027"], ["E06000066"], "2023-04-01"),
    (["E08000016"], ["E08000038"], "2025-04-01"),
    (["E08000019"], ["E08000039"], "2025-04-01"),
]


@pytest.mark.parametrize("old,new,date", CHANGES)
def test_change_table_rows_present(old, new, date):
    rows = _la_rows()
    change = dt.date.fromisoformat(date)
    last_day = (change - dt.timedelta(days=1)).isoformat()
    for code in old:
        matches = [r for r in rows if r["la_code"] == code]
        assert len(matches) == 1, code
        assert matches[0]["effective_to"] == last_day, code
        assert set(matches[0]["successor_codes"].split("|")) == set(new), code
    for code in new:
        matches = [r for r in rows if r["la_code"] == code]
        assert len(matches) == 1, code
        assert matches[0]["effective_from"] == date, code
        assert matches[0]["effective_to"] == "", code


def test_known_names():
    names = {r["la_code"]: r["la_name"] for r in _la_rows() if not r["effective_to"]}
    assert names["E06000058"] == "Bournemouth, Christchurch and Poole"
    assert names["E06000064"] == "Westmorland and Furness"
    assert names["E08000038"] == "Barnsley"
    assert names["E09000001"] == "City of London"
    assert names["E10000034"] == "Worcestershire"


REGIONS = {
    "North East": 12,
    "North West": 24,
    "Yorkshire and The Humber": 15,
    "East Midlands": 10,
    "West Midlands": 14,
    "East of England": 11,
    "London": 33,
    "South East": 19,
    "South West": 15,
}


@pytest.mark.parametrize("day", [dt.date(2023, 4, 1), dt.date.today()])
def test_every_council_has_an_english_region(day):
    rows = _effective_on(day)
    assert dict(Counter(r["region"] for r in rows)) == REGIONS
    assert all(r["region"] == "London" for r in rows if r["entity_code"] == "E09")
    assert {r["region"] for r in _la_rows()} == set(REGIONS)


# ---------------------------------------------------------------- district -> CASSR (reference_data.md §3)


def _lad_rows() -> list[dict[str, str]]:
    header, rows = _read(REFERENCE / "ref_lad_to_cassr.csv")
    assert header == LAD_HEADER
    return rows


def _lad_on(day: dt.date) -> dict[str, str]:
    """lad_code -> cassr_code effective on day; a lad_code maps to at most one council on a date."""
    out: dict[str, str] = {}
    for r in _lad_rows():
        start = dt.date.fromisoformat(r["effective_from"])
        end = dt.date.fromisoformat(r["effective_to"]) if r["effective_to"] else dt.date.max
        if start <= day <= end:
            assert r["lad_code"] not in out, f"{r['lad_code']} maps to two councils on {day}"
            out[r["lad_code"]] = r["cassr_code"]
    return out


def test_lad_rows_well_formed_and_never_overlap():
    spans: dict[str, list[tuple[str, str]]] = {}
    for r in _lad_rows():
        assert re.fullmatch(r"E(06|07|08|09|10)[0-9]{6}", r["lad_code"]), r
        assert re.fullmatch(r"E(06|08|09|10)[0-9]{6}", r["cassr_code"]), r
        assert r["lad_name"].strip() and r["note"].strip(), r
        spans.setdefault(r["lad_code"], []).append((r["effective_from"], r["effective_to"] or "9999-12-31"))
    for code, intervals in spans.items():
        intervals.sort()
        for (_, end), (start, _) in itertools.pairwise(intervals):
            assert end < start, code


@pytest.mark.parametrize(
    "day", [dt.date(2019, 6, 30), dt.date(2022, 6, 30), dt.date(2023, 4, 1), dt.date(2024, 6, 30), dt.date.today()]
)
def test_lad_targets_are_councils_valid_that_day(day):
    councils = {r["la_code"] for r in _effective_on(day)}
    mapping = _lad_on(day)
    assert {c for c in mapping.values()} <= councils
    # Every council of the day is reached (councils map to themselves), so the roll-up is complete.
    assert set(mapping.values()) == councils


@pytest.mark.parametrize("day", [dt.date(2023, 4, 1), dt.date.today()])
def test_lad_lookup_gives_153_cassrs_and_164_current_districts(day):
    mapping = _lad_on(day)
    cassrs = set(mapping.values())
    assert len(cassrs) == 153
    assert dict(Counter(c[:3] for c in cassrs)) == EXPECTED_PREFIX_COUNTS
    current_districts = {
        r["lad_code"]
        for r in _lad_rows()
        if r["lad_code"].startswith("E07")
        and r["cassr_code"].startswith("E10")
        and not r["effective_to"]
        and "same county" not in r["note"]
    }
    assert len(current_districts) == 164
    counties = {c for c in cassrs if c.startswith("E10")}
    # Every county has districts; every district maps to a county or (retired) to a unitary.
    assert {mapping[d] for d in current_districts} == counties
    for code in (c for c in cassrs if c[:3] in {"E06", "E08", "E09"}):
        assert mapping[code] == code


# district codes listed in the reference_data.md §3 change table -> (successor, change date)
DISTRICT_CHANGES = {
    **dict.fromkeys(["E07000049", "E07000050", "E07000051", "E07000052", "E07000053"], ("E06000059", "2019-04-01")),
    "E07000048": ("E06000058", "2019-04-01"),
    **dict.fromkeys(["E07000004", "E07000005", "E07000006", "E07000007"], ("E06000060", "2020-04-01")),
    **dict.fromkeys(["E07000150", "E07000152", "E07000153", "E07000156"], ("E06000061", "2021-04-01")),
    **dict.fromkeys(["E07000151", "E07000154", "E07000155"], ("E06000062", "2021-04-01")),
    **dict.fromkeys(["E07000026", "E07000028", "E07000029"], ("E06000063", "2023-04-01")),
    **dict.fromkeys(["E07000027", "E07000030", "E07000031"], ("E06000064", "2023-04-01")),
    **dict.fromkeys([f"E07000{n}" for n in range(163, 170)], ("E06000065", "2023-04-01")),
    **dict.fromkeys(["E07000187", "E07000188", "E07000189", "E07000246"], ("E06000066", "2023-04-01")),
    "E06000028": ("E06000058", "2019-04-01"),
    "E06000029": ("E06000058", "2019-04-01"),
    "E08000016": ("E08000038", "2025-04-01"),
    "E08000019": ("E08000039", "2025-04-01"),
}
OLD_COUNTY = {"E06000059": "E10000009", "E06000060": "E10000002", "E06000061": "E10000021", "E06000062": "E10000021"}
OLD_COUNTY |= {"E06000063": "E10000006", "E06000064": "E10000006", "E06000065": "E10000023", "E06000066": "E10000027"}


@pytest.mark.parametrize("code", sorted(DISTRICT_CHANGES))
def test_change_table_districts_move_to_their_successor_on_the_change_date(code):
    successor, change = DISTRICT_CHANGES[code]
    day = dt.date.fromisoformat(change)
    assert _lad_on(day)[code] == successor
    before = _lad_on(day - dt.timedelta(days=1))[code]
    if code.startswith("E07"):
        expected = OLD_COUNTY.get(successor, "E10000009")  # Christchurch was in Dorset county
        assert before == expected
    else:
        assert before == code


def test_district_only_mergers_keep_old_and_new_codes():
    on = _lad_on(dt.date(2024, 6, 30))
    for old in ("E07000201", "E07000204", "E07000205", "E07000206"):
        assert on[old] == "E10000029"  # Suffolk
    assert on["E07000244"] == on["E07000245"] == "E10000029"
    assert on["E07000190"] == on["E07000191"] == "E06000066"  # old Somerset districts, via the 2023 unitary
    # split counties are never restated to one successor
    assert "E10000006" not in on and "E10000021" not in on


# ---------------------------------------------------------------- header aliases (cld_extract.md §4.2)


def _aliases() -> list[dict[str, str]]:
    header, rows = _read(REFERENCE / "cld_header_aliases.csv")
    assert header == ALIAS_HEADER
    return rows


def test_alias_keys_unique_normalised_and_point_to_canonical_names():
    rows = _aliases()
    assert rows
    keys = [r["alias_key"] for r in rows]
    assert [k for k, n in Counter(keys).items() if n > 1] == []
    for r in rows:
        assert r["alias_key"] == header_key(r["alias_key"]), r
        assert r["alias_key"] not in CLD_BY_NAME, r
        assert r["canonical_name"] in CLD_BY_NAME, r


@pytest.mark.parametrize(
    "header,canonical",
    [
        ("Total Hours Caring per week", "total_hrs_caring_per_week"),
        ("Cost Frequency", "cost_frequency_unit_type"),
        ("ASD", "autism_spectrum_disorder_asd"),
        ("LA Person ID", "la_person_unique_identifier"),
        ("Adult1 Linked Person_ID", "adult_1_linked_person_id"),
    ],
)
def test_alias_examples_resolve(header, canonical):
    mapping = {r["alias_key"]: r["canonical_name"] for r in _aliases()}
    assert mapping[header_key(header)] == canonical


@pytest.mark.parametrize(
    "header", ["LA_Code", "Cost_Frequency_Unit_Type", "Request Route of Access", "Request: Route of Access"]
)
def test_spec_header_examples_already_canonical(header):
    """DHSC-style spellings whose key already equals a canonical name need no alias row."""
    assert header_key(header) in CLD_BY_NAME


# Seed-to-seed references are checked here, not as dbt relationships tests: a dbt test between two
# seeds is pulled into every build that selects the referenced seed (ref_la_codes is upstream of
# almost everything) and fails where the referencing seed is not part of that build.
@pytest.mark.parametrize(
    ("seed", "column", "target", "target_column"),
    [
        ("reference/ref_la_name_aliases.csv", "la_code", "reference/ref_la_codes.csv", "la_code"),
        ("scenarios/scenario_sectors.csv", "finance_setting", "finance/ref_finance_settings.csv", "setting"),
    ],
)
def test_seed_references_resolve(seed: str, column: str, target: str, target_column: str) -> None:
    _, rows = _read(ROOT / "seeds" / seed)
    _, targets = _read(ROOT / "seeds" / target)
    known = {r[target_column] for r in targets}
    assert rows and not [r[column] for r in rows if r[column] not in known]
