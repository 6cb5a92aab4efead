"""Good-lives profiles (good_lives_extract.md §4, §10), consistent with the simulated people and services.

``good_lives_profiles_<la_code>.csv``: profiles for a share of the LA's service users known in the
window (default 30%), about 20% of them profiled twice, 7 rows per profile (one per life domain),
profile dates inside the data window, one date format per file (ISO or UK day-first).

Answers follow each person's services on the profile date (§10):

- residents of residential or nursing care answer `no` or `partly` to "feels like home" more often;
- direct-payment users list `community` support more often;
- people with only short-term support more often list no paid support;
- paid support rated `does_not_fit` is concentrated in one setting: residential care for people aged
  18-64 with a learning disability (the resource-shift scenario's candidate); elsewhere it is rare;
- paid rows carry the person's real CLD service components (R1 or R2 label) and Event References of
  the costed lines active on the profile date, so the domain-level spend attribution (§8) works; a few
  lines are left unreferenced (they fall to `unattributed`).

With faults (``fault_manifest.csv``): profiles for people the case data does not know (GL051), an
exact copy of a row (GL040), invalid goal-status codes (GL023), a home row without its answer
(GL030) and a US month-first profile date (GL012).

Only this module's random stream (``good_lives:<seed>:<la>``) is used and the simulated data is only
read, so every other output keeps its bytes.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from orchestration.defs.ingest.contract import GOOD_LIVES_COLUMNS

from . import codes
from .config import Window
from .faults import Manifest
from .model import Event, LAData, Person

HEADER: tuple[str, ...] = tuple(c.name for c in GOOD_LIVES_COLUMNS)
DOMAINS: tuple[str, ...] = (
    "physical_practical",
    "community",
    "work_learning",
    "relationships",
    "independence",
    "safety",
    "home",
)
DEFAULT_SHARE = 0.30  # §10: share of the demo people profiled
REPEAT_SHARE = 0.20  # §10: of those, profiled twice
MIN_GAP_DAYS = 120  # a repeat profile at least this long after the first
SERVICE_WEIGHT, OTHER_WEIGHT = 1.6, 0.4  # selection weights; half the demo's service users have a line
IN_SERVICE_SHARE = 0.8  # first profiles held while a service line of the person is active

# The CLD service component a paid line most plausibly serves, by domain (first = most likely).
COMPONENT_DOMAINS: dict[str, tuple[str, ...]] = {
    "HOME_SUPPORT": ("physical_practical", "independence"),
    "LT_RESIDENTIAL": ("home", "physical_practical"),
    "LT_NURSING": ("physical_practical", "home"),
    "ST_RESIDENTIAL": ("physical_practical", "safety"),
    "ST_NURSING": ("physical_practical",),
    "DAY_SUPPORT": ("community", "relationships"),
    "MEALS": ("physical_practical",),
    "TRANSPORT": ("independence", "community"),
    "EQUIPMENT": ("safety", "physical_practical"),
    "DIRECT_PAYMENT": ("independence", "community", "physical_practical"),
    "SHARED_LIVES": ("home", "relationships"),
    "SUPPORTED_LIVING": ("home", "independence"),
    "EMPLOYMENT": ("work_learning",),
    "REABLEMENT": ("independence", "physical_practical"),
    "END_OF_LIFE": ("physical_practical",),
    "EMERGENCY": ("safety",),
    "OTHER_ST": ("independence",),
    "OTHER_LT": ("independence", "safety"),
}
TEAMS = ("North locality team", "South locality team", "Learning disability team", "Hospital discharge team")
STRENGTH_TEXT = ("Knows what she wants", "Good sense of humour", "Close to family", "Likes to help others")
GOAL_TEXT = ("Go out more often", "Cook own meals", "See friends weekly", "Find voluntary work", "Stay at home")
_SEP = "|"


@dataclass(frozen=True)
class Situation:
    """What the case data says about a person on a profile date."""

    setting: str  # nursing, residential, community, short_term, no_service
    lines: tuple[Event, ...]  # costed service lines active on the date
    direct_payment: bool
    poor_fit_cohort: bool  # residential care, aged 18-64, learning disability (§10 scenario candidate)


Table = tuple[tuple[str, ...], tuple[float, ...]]  # values and cumulative weights


def _table(weights: dict[str, float]) -> Table:
    total, cumulative = 0.0, []
    for w in weights.values():
        total += w
        cumulative.append(total)
    return tuple(weights), tuple(cumulative)


def _weighted(r: random.Random, table: Table) -> str:
    return r.choices(table[0], cum_weights=table[1])[0]


def _lines_by_person(data: LAData, window: Window) -> dict[int, list[Event]]:
    """Each service user's service lines that overlap the window."""
    by_person: dict[int, list[Event]] = {}
    for ev in data.events:
        if ev.etype != "SRV" or ev.deleted is not None or ev.person.client_type != "SU":
            continue
        if ev.start <= window.end and (ev.end is None or ev.end >= window.start):
            by_person.setdefault(ev.person.pid, []).append(ev)
    return by_person


def _known_from(data: LAData, window: Window) -> dict[int, date]:
    """First event start per service user with an event in the window (so the case data sent for
    the window holds them): a profile is never before the council knew the person."""
    first: dict[int, date] = {}
    for ev in data.events:
        if ev.deleted is not None or ev.person.client_type != "SU" or ev.etype == "KBA":
            continue
        if ev.start > window.end or (ev.end is not None and ev.end < window.start):
            continue
        pid = ev.person.pid
        if pid not in first or ev.start < first[pid]:
            first[pid] = ev.start
    return first


def situation(person: Person, lines: list[Event], on: date) -> Situation:
    active = [ev for ev in lines if ev.start <= on and (ev.end is None or on <= ev.end)]
    types = {ev.stype for ev in active}
    if "LTS_NUR" in types:
        setting = "nursing"
    elif "LTS_RES" in types:
        setting = "residential"
    elif "LTS_COM" in types:
        setting = "community"
    elif any(t and t.startswith("ST_") for t in types):
        setting = "short_term"
    else:
        setting = "no_service"
    costed = tuple(
        ev
        for ev in active
        if ev.paid and ev.cost_p is not None and ev.freq != "One-off" and ev.comp in COMPONENT_DOMAINS
    )
    age = person.age_on(on)
    return Situation(
        setting=setting,
        lines=costed,
        direct_payment=any(ev.comp == "DIRECT_PAYMENT" for ev in active),
        poor_fit_cohort=setting == "residential" and 18 <= age <= 64 and person.psr == "LD",
    )


def _fmt(d: date, iso: bool) -> str:
    return d.isoformat() if iso else f"{d.day:02d}/{d.month:02d}/{d.year}"


def _need_tables(weights: dict[str, float]) -> tuple[Table, Table]:
    """(usual, no service): people without services more often have no or low need."""
    quiet = {k: (v * 2 if k in ("none", "low") else v) for k, v in weights.items()}
    return _table(weights), _table(quiet)


_NEED_CARE_HOME_PHYSICAL = _need_tables({"none": 1, "low": 2, "moderate": 4, "high": 8})
_NEED_PHYSICAL = _need_tables({"none": 1, "low": 3, "moderate": 5, "high": 3})
_NEED_HOME = _need_tables({"none": 5, "low": 3, "moderate": 2, "high": 1})
_NEED_OTHER = _need_tables({"none": 2, "low": 4, "moderate": 3, "high": 1.5})
_FIT_POOR_FIT_COHORT = _table({"fits": 2, "partly": 2, "does_not_fit": 5})
_FIT_PAID = _table({"fits": 14, "partly": 5, "does_not_fit": 0.5})
_FIT_UNPAID = _table({"fits": 12, "partly": 5, "does_not_fit": 2})
_HOME_CARE_HOME = _table({"yes": 35, "partly": 33, "no": 29, "not_asked": 3})
_HOME_OTHER = _table({"yes": 76, "partly": 15, "no": 6, "not_asked": 3})
_GOAL = _table({"not_started": 3, "in_progress": 4, "achieved": 2, "no_longer_wanted": 1})


def _need(r: random.Random, domain: str, s: Situation) -> str:
    if domain == "physical_practical":
        tables = _NEED_CARE_HOME_PHYSICAL if s.setting in ("residential", "nursing") else _NEED_PHYSICAL
    else:
        tables = _NEED_HOME if domain == "home" else _NEED_OTHER
    return _weighted(r, tables[s.setting == "no_service"])


def _fit(r: random.Random, paid: bool, s: Situation) -> str:
    """Paid support rarely does not fit, except in the one concentrated setting (§10)."""
    if paid:
        return _weighted(r, _FIT_POOR_FIT_COHORT if s.poor_fit_cohort else _FIT_PAID)
    return _weighted(r, _FIT_UNPAID)


def _home_answer(r: random.Random, s: Situation) -> str:
    return _weighted(r, _HOME_CARE_HOME if s.setting in ("residential", "nursing") else _HOME_OTHER)


def profile_rows(
    r: random.Random, la_code: str, person: Person, on: date, s: Situation, profile_id: str, release: int, iso: bool
) -> list[dict[str, str]]:
    """The 7 rows of one profile, as the file's text."""
    # Which domain references each costed line; short-term lines are often not recognised as paid
    # support by the person (§10: short-term only -> more often no paid support); a few lines are
    # referenced by no domain (spend falls to `unattributed`, §8).
    refs: dict[str, list[Event]] = {d: [] for d in DOMAINS}
    for ev in s.lines:
        short = bool(ev.stype and ev.stype.startswith("ST_"))
        if r.random() < (0.55 if short else 0.04):
            continue
        options = COMPONENT_DOMAINS[ev.comp or ""]
        refs[options[0] if r.random() < 0.75 else r.choice(options)].append(ev)
    matters = set(r.sample(DOMAINS, r.choice((0, 2, 2, 3, 3, 3))))
    team = TEAMS[2] if person.psr == "LD" else r.choice((TEAMS[0], TEAMS[1], TEAMS[3]))
    nhs = person.nhs if person.nhs and r.random() < 0.5 else ""
    rows = []
    for domain in DOMAINS:
        need = _need(r, domain, s)
        lines = refs[domain]
        sources = ["paid"] if lines else []
        if r.random() < {"relationships": 0.7, "home": 0.5}.get(domain, 0.3):
            sources.append("family")
        community = 0.5 if s.direct_payment else 0.12
        if domain in ("community", "work_learning", "relationships", "independence") and r.random() < community:
            sources.append("community")
        if r.random() < (0.3 if domain == "safety" else 0.04):
            sources.append("technology")
        row = dict.fromkeys(HEADER, "")
        row.update(
            la_code=la_code,
            person_local_id=person.local_id,
            nhs_number=nhs,
            profile_date=_fmt(on, iso),
            profile_id=profile_id,
            practitioner_team=team,
            domain=domain,
            need_level=need,
            matters_most="Y" if domain in matters else ("N" if r.random() < 0.7 else ""),
            support_sources=_SEP.join(sources) if sources else "none",
        )
        if r.random() < 0.6:
            row["strength_rating"] = str(r.randint(0, 4))
            if r.random() < 0.5:
                row["strength_text"] = r.choice(STRENGTH_TEXT)
        if r.random() < 0.4:
            row["goal_status"] = _weighted(r, _GOAL)
            if r.random() < 0.8:
                row["goal_text"] = r.choice(GOAL_TEXT)
        if lines:
            table = codes.COMPONENT
            row["paid_service_component"] = _SEP.join(
                dict.fromkeys(codes.code_text(table, ev.comp or "", release or r.choice((1, 2))) for ev in lines)
            )
            if r.random() < 0.9:
                row["paid_service_ref"] = _SEP.join(ev.ref or "" for ev in lines if ev.ref)
            row["paid_fit"] = _fit(r, True, s)
            # The overall fit mostly agrees with the paid fit; unpaid help may make it better.
            row["support_fit"] = row["paid_fit"] if r.random() < 0.8 else _fit(r, False, s)
        elif sources:
            row["support_fit"] = _fit(r, False, s)
        if domain == "home":
            row["feels_like_home"] = _home_answer(r, s)
        rows.append(row)
    return rows


def _profile_dates(r: random.Random, lo: date, hi: date, lines: list[Event]) -> list[date]:
    """One or two profile dates in [lo, hi]. Profiles are mostly held with people while they have
    support (a review conversation), so the first date usually falls in a service line's span."""
    spans = [
        (max(lo, ev.start), min(hi, ev.end or hi))
        for ev in lines
        if ev.freq != "One-off" and max(lo, ev.start) <= min(hi, ev.end or hi)
    ]
    a, b = r.choice(spans) if spans and r.random() < IN_SERVICE_SHARE else (lo, hi)
    first = a + timedelta(days=r.randint(0, (b - a).days))
    dates = [first]
    room = (hi - first).days
    if room >= MIN_GAP_DAYS and r.random() < REPEAT_SHARE * 1.6:  # not everyone has room: aim at ~20%
        dates.append(first + timedelta(days=r.randint(MIN_GAP_DAYS, room)))
    return dates


def write_good_lives_file(
    out_dir: Path,
    data: LAData,
    window: Window,
    seed: int,
    share: float = DEFAULT_SHARE,
    manifest: Manifest | None = None,
    release: str = "1",
) -> tuple[Path, dict[str, int]]:
    """Write ``good_lives_profiles_<la>.csv``; return its path and counts (profiles, people, rows)."""
    r = random.Random(f"good_lives:{seed}:{data.la_code}")
    iso = r.random() < 0.5
    code_release = {"1": 1, "2": 2}.get(release, 0)  # mixed: per row
    lines = _lines_by_person(data, window)
    known = _known_from(data, window)
    rows: list[dict[str, str]] = []
    people = profiles = 0
    for person in sorted(data.people, key=lambda p: p.pid):
        # Conversations are mostly with people who have support: those with a service line in the
        # window are chosen 4 times as often as the rest (about `share` of all service users overall).
        weight = SERVICE_WEIGHT if person.pid in lines else OTHER_WEIGHT
        if person.client_type != "SU" or person.pid not in known or r.random() >= share * weight:
            continue
        lo = max(window.start, known[person.pid], _adult_from(person))
        hi = window.end if person.dod is None else min(window.end, person.dod - timedelta(days=1))
        if lo > hi:
            continue
        people += 1
        for on in _profile_dates(r, lo, hi, lines.get(person.pid, [])):
            profiles += 1
            s = situation(person, lines.get(person.pid, []), on)
            rows += profile_rows(r, data.la_code, person, on, s, f"GLP{profiles:06d}", code_release, iso)
    # Rows in the order a case system would export them: by profile date, then profile.
    rows.sort(key=lambda row: (_sort_date(row["profile_date"]), row["profile_id"]))
    name = f"good_lives_profiles_{data.la_code}.csv"
    if manifest is not None:
        rows = _inject_faults(r, rows, name, manifest, iso, window, data.la_code)
    path = out_dir / name
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows([row[h] for h in HEADER] for row in rows)
    return path, {"profiles": profiles, "people": people, "rows": len(rows)}


def _adult_from(person: Person) -> date:
    dob = person.dob
    try:
        return dob.replace(year=dob.year + 18)
    except ValueError:  # 29 February
        return date(dob.year + 18, 3, 1)


def _sort_date(text: str) -> str:
    if "/" in text:
        day, month, year = text.split("/")
        return f"{year}-{month}-{day}"
    return text


def _inject_faults(
    r: random.Random,
    rows: list[dict[str, str]],
    name: str,
    manifest: Manifest,
    iso: bool,
    window: Window,
    la_code: str,
) -> list[dict[str, str]]:
    """Faults in place (line numbers stay), then unmatched profiles and the copy appended at the end."""
    line = {id(row): n + 2 for n, row in enumerate(rows)}  # physical line, header = 1
    taken: set[int] = set()

    def pick(predicate: Callable[[dict[str, str]], bool]) -> dict[str, str]:
        while True:
            row = r.choice(rows)
            if id(row) not in taken and predicate(row):
                taken.add(id(row))
                return row

    for _ in range(3):
        row = pick(lambda x: x["goal_status"] != "")
        row["goal_status"] = r.choice(("Finished", "Ongoing", "Complete"))
        manifest.write(name, line[id(row)], "goal_status", "gl_invalid_code")
    row = pick(lambda x: x["domain"] == "home")
    row["feels_like_home"] = ""
    manifest.write(name, line[id(row)], "feels_like_home", "gl_missing_home_answer")
    row = pick(lambda x: int(_sort_date(x["profile_date"])[8:10]) > 12)
    day = date.fromisoformat(_sort_date(row["profile_date"]))
    row["profile_date"] = f"{day.month:02d}/{day.day:02d}/{day.year}"
    manifest.write(name, line[id(row)], "profile_date", "gl_us_order_date")
    source = pick(lambda x: True)
    out = list(rows)
    # Profiles for people the case data does not know: matched by no identity (GL051, dbt).
    for n in range(3):
        on = window.start + timedelta(days=r.randint(0, (window.end - window.start).days))
        for domain in DOMAINS:
            row = dict.fromkeys(HEADER, "")
            row.update(
                la_code=la_code,
                person_local_id=f"GLX{n + 1:05d}",
                profile_date=_fmt(on, iso),
                profile_id=f"GLX{n + 1:05d}",
                domain=domain,
                need_level="low",
                support_sources="family",
                support_fit="fits",
                feels_like_home="yes" if domain == "home" else "",
            )
            out.append(row)
            manifest.write(name, len(out) + 1, "person_local_id", "gl_unmatched_person")
    out.append(dict(source))
    manifest.write(name, len(out) + 1, "domain", "gl_duplicate_row")
    return out
