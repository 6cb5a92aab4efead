"""The good-lives whole-person profile extract (`good_lives_extract.md`): raw table contract.

Python ingest owns file reading, code normalisation and the row rules GL0xx (§5); it writes one raw
row per accepted file row with the coded values already cleaned to the contract's codes, so dbt only
resolves identity, selects profiles and aggregates. Free text never reaches this table (§1): only
`has_strength_text` / `has_goal_text`.

Like the CLD, hospital and finance chunk validators, `validate_profiles` is a pure function over a
text frame (canonical column names plus `row_number`); the loader in load.py does the I/O. GL014 and
GL041-GL054 need the case data or the whole profile and are applied in dbt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from orchestration.defs.ingest.cld import ChunkResult
from orchestration.defs.ingest.duplicates import FirstSeen, content_digests, drop_copies
from orchestration.defs.ingest.finance import _as_dates, _flag, _formats, _reject, la_validity
from orchestration.defs.ingest.hashing import Hasher
from orchestration.defs.ingest.keys import value_key
from orchestration.defs.ingest.parsing import (
    DATE_RULE_AMBIGUOUS,
    DATE_RULE_UNPARSEABLE,
    canonical_local_id,
    check_nhs_number,
    map_unique,
    map_unique_fields,
    parse_dates,
)
from orchestration.defs.ingest.reference import INVALID, Code

# Canonical columns of raw.good_lives_profiles after validation (load metadata is added by store.py).
# Multi-valued fields are stored '|'-joined in a fixed order; codes are the contract's snake_case codes.
RAW_GOOD_LIVES_SCHEMA: tuple[tuple[str, str], ...] = (
    ("la_code", "VARCHAR"),
    ("la_person_id_hash", "VARCHAR"),  # keyed hash of la_code_<person_local_id>, exactly as CLD
    ("nhs_number_hash", "VARCHAR"),  # keyed hash of a valid NHS number (GL050: NULL when invalid)
    ("nhs_number_chk", "INTEGER"),  # 1 valid, 0 blank, < 0 invalid (as CLD)
    ("profile_date", "DATE"),
    ("profile_id", "VARCHAR"),
    ("practitioner_team", "VARCHAR"),
    (
        "domain",
        "VARCHAR",
    ),  # physical_practical | community | work_learning | relationships | independence | safety | home
    ("strength_rating", "INTEGER"),  # 0-4, NULL = not discussed or invalid (GL022)
    ("has_strength_text", "BOOLEAN"),
    ("need_level", "VARCHAR"),  # none | low | moderate | high
    ("has_goal_text", "BOOLEAN"),
    ("goal_status", "VARCHAR"),  # not_started | in_progress | achieved | no_longer_wanted | NULL (no goal)
    ("matters_most", "BOOLEAN"),  # blank or invalid = false (GL031)
    ("support_sources", "VARCHAR"),  # 'paid|family|community|technology' subset in that order, 'none', or NULL (GL025)
    ("paid_service_component", "VARCHAR"),  # '|'-joined cleaned CLD component values (R2 labels), NULL if none valid
    ("paid_service_ref", "VARCHAR"),  # '|'-joined CLD Event References as given
    ("support_fit", "VARCHAR"),  # fits | partly | does_not_fit | not_recorded (GL027) | NULL when sources = none
    ("paid_fit", "VARCHAR"),  # fits | partly | does_not_fit | NULL (blank or invalid)
    ("feels_like_home", "VARCHAR"),  # home row: yes | partly | no | not_asked (GL030); NULL on other rows
)

# Only when the LA setting `load_free_text` is true (default false, §1): restricted, never in a mart.
RAW_GOOD_LIVES_TEXT_SCHEMA: tuple[tuple[str, str], ...] = (
    ("strength_text", "VARCHAR"),
    ("goal_text", "VARCHAR"),
)


# --- §3 and §4 code lists: value key (`cld_extract.md` §4.3, `_` read as a space) -> code ------------

DOMAINS: dict[str, str] = {
    "physical_practical": "Physical and practical support needs",
    "community": "Community participation",
    "work_learning": "Work, education and training",
    "relationships": "Relationships that matter",
    "independence": "Independence",
    "safety": "Safety",
    "home": "Living in a place that feels like home",
}
HOME_DOMAIN = "home"
NEED_LEVELS: dict[str, str] = {"none": "None", "low": "Low", "moderate": "Moderate", "high": "High"}
GOAL_STATUSES: dict[str, str] = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "achieved": "Achieved",
    "no_longer_wanted": "No longer wanted",
}
FITS: dict[str, str] = {"fits": "Fits", "partly": "Partly", "does_not_fit": "Does not fit"}
HOME_ANSWERS: dict[str, str] = {"yes": "Yes", "partly": "Partly", "no": "No", "not_asked": "Not asked"}
# Sources in their stored order; `none` stands alone (§4).
SOURCES: dict[str, str] = {
    "paid": "Paid service",
    "family": "Family or unpaid carer",
    "community": "Community or voluntary",
    "technology": "Technology",
}
NONE_SOURCE = "none"
STRENGTH_RATINGS: dict[str, int] = {
    "none identified": 0,
    "emerging": 1,
    "some": 2,
    "good": 3,
    "major strength to build on": 4,
}
MATTERS_MOST: dict[str, bool] = {"y": True, "yes": True, "true": True, "n": False, "no": False, "false": False}
NOT_RECORDED = "not_recorded"  # GL027
NOT_ASKED = "not_asked"  # GL030
NOT_STARTED = "not_started"  # GL024


def code_lookup(codes: dict[str, str]) -> dict[str, str]:
    """value key -> code for both the codes and their labels (§2: `Does not fit` = `does_not_fit`)."""
    lookup = {value_key(label): code for code, label in codes.items()}
    lookup.update({value_key(code): code for code in codes})
    return lookup


_DOMAIN_KEYS = code_lookup(DOMAINS)
_NEED_KEYS = code_lookup(NEED_LEVELS)
_GOAL_KEYS = code_lookup(GOAL_STATUSES)
_FIT_KEYS = code_lookup(FITS)
_HOME_KEYS = code_lookup(HOME_ANSWERS)
_SOURCE_KEYS = {**code_lookup(SOURCES), NONE_SOURCE: NONE_SOURCE}


def match_code(value: str, lookup: dict[str, str]) -> str | None:
    return lookup.get(value_key(value))


def split_list(value: str) -> list[str]:
    """A `|`-separated multi-valued field (§2): trimmed, blanks dropped."""
    return [part.strip() for part in value.split("|") if part.strip()]


def parse_sources(value: str) -> tuple[tuple[str, ...], bool]:
    """(sources in stored order, or ('none',); whether a token was dropped under GL026).

    Unknown tokens are dropped; `none` combined with real sources is dropped (§5 GL026). A value
    with no known token gives () and is treated as not recorded.
    """
    tokens = [_SOURCE_KEYS.get(value_key(t)) for t in split_list(value)]
    dropped = any(t is None for t in tokens)
    known = {t for t in tokens if t is not None}
    if NONE_SOURCE in known and len(known) > 1:
        known.discard(NONE_SOURCE)
        dropped = True
    if known == {NONE_SOURCE}:
        return (NONE_SOURCE,), dropped
    return tuple(s for s in SOURCES if s in known), dropped


def parse_strength_rating(value: str) -> int | None:
    """0-4 as a whole number or its label (§4); anything else is None (GL022)."""
    text = value.strip()
    if text.isdigit():
        number = int(text)
        return number if 0 <= number <= 4 else None
    return STRENGTH_RATINGS.get(value_key(text))


def service_components(codes: dict[str, Code]) -> Callable[[str], tuple[str | None, bool]]:
    """`paid_service_component` tokens mapped through the CLD component seed (R1 or R2 labels) to
    the cleaned (R2) value, as staging maps CLD; returns ('|'-joined cleaned values or None, whether
    a token was not a component: GL028)."""

    def parse(value: str) -> tuple[str | None, bool]:
        cleaned: list[str] = []
        invalid = False
        for token in split_list(value):
            code = codes.get(value_key(token))
            if code is None or code.cleaned == INVALID:
                invalid = True
            elif code.cleaned not in cleaned:
                cleaned.append(code.cleaned)
        return ("|".join(cleaned) or None), invalid

    return parse


def join_refs(value: str) -> str | None:
    return "|".join(split_list(value)) or None


# --- validation ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoodLivesContext:
    file_name: str
    received_at: dt.date
    date_formats: tuple[str, ...]
    allow_test_nhs_numbers: bool
    la_code_ons: str | None  # resolved once the file's LA is known (one LA per file)
    hasher: Hasher
    components: dict[str, Code]  # the CLD service-component seed, value key -> code
    load_free_text: bool = False


@dataclass
class GoodLivesChunk(ChunkResult):
    # row_number, strength_text, goal_text of loaded rows with text (only when load_free_text).
    free_text: pd.DataFrame = field(default_factory=pd.DataFrame)


def _true(flags: pd.Series) -> pd.Series:
    """An object Series of True/False/None as a boolean mask (None is False)."""
    return flags.map(lambda v: v is True).astype(bool)


def validate_profiles(frame: pd.DataFrame, ctx: GoodLivesContext) -> GoodLivesChunk:
    """Validate a chunk of profile rows (§4, §5); return quarantine rows, issues and the typed frame."""
    out = GoodLivesChunk(loaded=pd.DataFrame(), rejected=[], issues=[])
    rows = frame["row_number"]

    # 1. Row errors (§5 "error -> rejected"): every failing rule is recorded, the row counts once.
    la_text = frame["la_code"]
    _reject(out, rows, la_text.isna(), "la_code", "GL010", la_text, "la_code is blank")
    local_ids = map_unique(frame["person_local_id"], canonical_local_id)
    _reject(
        out, rows, local_ids.isna(), "person_local_id", "GL011", frame["person_local_id"], "person_local_id is blank"
    )
    date_text = frame["profile_date"]
    _reject(out, rows, date_text.isna(), "profile_date", "GL012", date_text, "profile_date is blank")
    parsed = parse_dates(date_text, ctx.date_formats)
    date_bad = parsed.failures.notna()
    for reason in (DATE_RULE_AMBIGUOUS, DATE_RULE_UNPARSEABLE):
        _reject(
            out,
            rows,
            parsed.failures == reason,
            "profile_date",
            "GL012",
            date_text,
            f"profile_date {{value}} is {'ambiguous' if reason == DATE_RULE_AMBIGUOUS else 'not a date'} in the "
            f"accepted formats ({_formats(ctx.date_formats)}; month-first dates are never read)",
        )
    profile_date = parsed.values
    late = profile_date.notna() & (profile_date > pd.Timestamp(ctx.received_at))
    _reject(
        out,
        rows,
        late,
        "profile_date",
        "GL013",
        date_text,
        f"profile_date {{value}} is after the file was received ({ctx.received_at.isoformat()})",
    )
    la_code = map_unique(la_text, lambda v: v.strip().upper())
    validity = pd.Series(None, index=frame.index, dtype="object")
    dated = profile_date.notna() & la_code.notna()
    if dated.any():
        days = profile_date[dated].dt.date
        validity[dated] = [la_validity(c, d) for c, d in zip(la_code[dated], days, strict=True)]
    # A successor code (a council resubmitting history under its new code) is accepted, as the
    # loader resolves every code to the council now responsible (reference_data.md §3).
    la_bad = validity == "invalid"
    _reject(
        out, rows, la_bad, "la_code", "GL010", la_text, "la_code {value} is not a CASSR code valid on the profile_date"
    )
    domain = map_unique(frame["domain"], lambda v: match_code(v, _DOMAIN_KEYS))
    domain_bad = domain.isna()
    _reject(
        out,
        rows,
        domain_bad,
        "domain",
        "GL020",
        frame["domain"],
        "domain {value} is not one of the seven life domains (good_lives_extract.md §3)",
    )
    need = map_unique(frame["need_level"], lambda v: match_code(v, _NEED_KEYS))
    need_bad = need.isna()
    _reject(
        out,
        rows,
        need_bad,
        "need_level",
        "GL021",
        frame["need_level"],
        "need_level {value} is not none, low, moderate or high",
    )
    reject = la_text.isna() | local_ids.isna() | date_text.isna() | date_bad | late | la_bad | domain_bad | need_bad

    keep = ~reject
    frame, rows = frame[keep], rows[keep]
    local_ids, profile_date, domain, need = local_ids[keep], profile_date[keep], domain[keep], need[keep]
    for name in frame.columns:
        if name != "row_number":
            out.checked[name] += len(frame)

    # 2. Field warnings (§5): the row loads with the stated value.
    rating_text = frame["strength_rating"]
    rating = map_unique(rating_text, parse_strength_rating)
    _flag(out, rows, rating_text.notna() & rating.isna(), "strength_rating", "GL022", rating_text)

    coded: dict[str, pd.Series] = {}
    for name, lookup in (
        ("goal_status", _GOAL_KEYS),
        ("support_fit", _FIT_KEYS),
        ("paid_fit", _FIT_KEYS),
        ("feels_like_home", _HOME_KEYS),
    ):
        values = map_unique(frame[name], lambda v, lookup=lookup: match_code(v, lookup))
        _flag(out, rows, frame[name].notna() & values.isna(), name, "GL023", frame[name])
        coded[name] = values

    goal = coded["goal_status"]
    goal_text = frame["goal_text"]
    implied_goal = goal_text.notna() & frame["goal_status"].isna()
    _flag(out, rows, implied_goal, "goal_status", "GL024", frame["goal_status"])
    goal = goal.where(~implied_goal, NOT_STARTED)

    matters_text = frame["matters_most"]
    matters = map_unique(matters_text, lambda v: MATTERS_MOST.get(v.strip().lower()))
    _flag(out, rows, matters_text.notna() & matters.isna(), "matters_most", "GL031", matters_text)
    matters = matters.where(matters.notna(), False).astype(bool)

    sources_text = frame["support_sources"]
    sources, dropped = map_unique_fields(sources_text, parse_sources, 2)
    _flag(out, rows, sources_text.isna(), "support_sources", "GL025", sources_text)
    _flag(out, rows, _true(dropped), "support_sources", "GL026", sources_text)

    component_text = frame["paid_service_component"]
    components, component_bad = map_unique_fields(component_text, service_components(ctx.components), 2)
    _flag(out, rows, _true(component_bad), "paid_service_component", "GL028", component_text)
    refs = map_unique(frame["paid_service_ref"], join_refs)

    # GL029: a paid component or ref means paid support, whatever the sources said (`none` yields).
    sources = pd.Series([s if isinstance(s, tuple) else () for s in sources], index=frame.index, dtype="object")
    has_paid = sources.map(lambda s: "paid" in s)
    paid_implied = (components.notna() | refs.notna()) & ~has_paid
    _flag(out, rows, paid_implied, "support_sources", "GL029", sources_text)
    sources[paid_implied] = [
        tuple(s for s in SOURCES if s == "paid" or s in current) for current in sources[paid_implied]
    ]
    sources_joined = sources.map(lambda s: "|".join(s) or None).astype("object")
    sources_joined = sources_joined.where(sources_joined.notna(), None)

    # GL027: fit is required unless the sources are `none` (then it is ignored).
    fit = coded["support_fit"]
    is_none = sources_joined == NONE_SOURCE
    fit_missing = fit.isna() & ~is_none
    fit_ignored = frame["support_fit"].notna() & is_none
    _flag(out, rows, fit_missing, "support_fit", "GL027", frame["support_fit"])
    _flag(out, rows, fit_ignored, "support_fit", "GL027", frame["support_fit"])
    fit = fit.where(~fit_missing, NOT_RECORDED).where(~is_none, None)

    # GL030: the home answer belongs to the home row only.
    home = coded["feels_like_home"]
    is_home = domain == HOME_DOMAIN
    home_missing = is_home & home.isna()
    home_ignored = ~is_home & frame["feels_like_home"].notna()
    _flag(out, rows, home_missing, "feels_like_home", "GL030", frame["feels_like_home"])
    _flag(out, rows, home_ignored, "feels_like_home", "GL030", frame["feels_like_home"])
    home = home.where(~home_missing, NOT_ASKED).where(is_home, None)

    # Identity exactly as CLD (processing_rules.md §1): a valid NHS number hashed as its 10 digits,
    # the local id as `<ONS LA code>_<canonical id>`; an invalid NHS number is flagged, never used.
    def nhs_fields(text: str) -> tuple[int, str | None]:
        check = check_nhs_number(text, ctx.allow_test_nhs_numbers)
        return check.chk, check.number if check.chk > 0 else None

    nhs_chk, nhs_valid = map_unique_fields(frame["nhs_number"], nhs_fields, 2)
    nhs_chk = nhs_chk.fillna(0).astype("int64")
    _flag(out, rows, nhs_chk < 0, "nhs_number", "GL050", frame["nhs_number"], chk=nhs_chk)

    # 3. The typed frame for raw.good_lives_profiles: the ONS code of the council now responsible
    # (the key CLD staging uses), so profiles and case data share la_code.
    prefix = (ctx.la_code_ons or "") + "_"
    typed = pd.DataFrame(index=frame.index)
    typed["row_number"] = rows.astype("int64")
    typed["la_code"] = ctx.la_code_ons
    typed["la_person_id_hash"] = map_unique(local_ids, lambda v: ctx.hasher.hash(prefix + v))
    typed["nhs_number_hash"] = map_unique(nhs_valid, ctx.hasher.hash)
    typed["nhs_number_chk"] = nhs_chk
    typed["profile_date"] = _as_dates(profile_date)
    typed["profile_id"] = frame["profile_id"]
    typed["practitioner_team"] = frame["practitioner_team"]
    typed["domain"] = domain
    typed["strength_rating"] = rating.astype("Int64")
    typed["has_strength_text"] = frame["strength_text"].notna()
    typed["need_level"] = need
    typed["has_goal_text"] = goal_text.notna()
    typed["goal_status"] = goal
    typed["matters_most"] = matters
    typed["support_sources"] = sources_joined
    typed["paid_service_component"] = components
    typed["paid_service_ref"] = refs
    typed["support_fit"] = fit
    typed["paid_fit"] = coded["paid_fit"]
    typed["feels_like_home"] = home
    out.loaded = typed
    if ctx.load_free_text:
        texts = frame[["row_number", "strength_text", "goal_text"]]
        out.free_text = texts[texts["strength_text"].notna() | texts["goal_text"].notna()].copy()
    return out


# --- GL040: copies within one file ----------------------------------------------------------------

KEY_COLUMNS = ("la_code", "la_person_id_hash", "profile_date", "domain")
# Every typed column except the row number: "exact copy" means every stored value is equal.
_CONTENT_COLUMNS = tuple(name for name, _ in RAW_GOOD_LIVES_SCHEMA)


class ProfileDuplicates:
    """First-seen row of each la_code x person x profile_date x domain across a file's chunks (§5 GL040)."""

    def __init__(self) -> None:
        self._seen = FirstSeen()

    def classify(self, loaded: pd.DataFrame) -> list[dict[str, object]]:
        """Rejections for the copies among `loaded` (exact or conflicting); the first row stays."""
        if loaded.empty:
            return []
        digests = content_digests(loaded[list(_CONTENT_COLUMNS)].astype("object"), _CONTENT_COLUMNS)
        keys = zip(*(loaded[c] for c in KEY_COLUMNS), strict=True)
        rejected: list[dict[str, object]] = []
        for position, row_number, first_row, exact in self._seen.copies(loaded["row_number"], keys, digests):
            rejected.append(
                {
                    "row_number": row_number,
                    "column": "domain",
                    "rule": "GL040",
                    "value": loaded["domain"].iloc[position],
                    "message": (
                        f"exact copy of row {first_row} (same person, profile_date and domain, all values equal); "
                        f"row {first_row} kept, row {row_number} quarantined"
                        if exact
                        else f"same person, profile_date and domain as row {first_row} with different values; "
                        f"the first (row {first_row}) kept, row {row_number} quarantined"
                    ),
                }
            )
        return rejected


def drop_profile_duplicates(chunk: GoodLivesChunk, tracker: ProfileDuplicates) -> list[dict[str, object]]:
    """Move the GL040 copies out of the chunk's loaded rows, issues and free text."""
    duplicates = tracker.classify(chunk.loaded)
    copies = drop_copies(chunk, duplicates)
    if copies and not chunk.free_text.empty:
        chunk.free_text = chunk.free_text[~chunk.free_text["row_number"].isin(copies)]
    return duplicates
