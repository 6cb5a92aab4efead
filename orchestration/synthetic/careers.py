"""Long-term support (LTS) careers: who is in nursing, residential or community support, and when.

A *career* is one person's run of long-term support, simulated as a semi-Markov chain of *spells*
(community -> residential -> nursing ...) with per-year hazards of death, ending support and moving
setting that depend on the setting, age band and primary support reason. Careers start at a constant
rate per 100,000 adults from long before the data window (decades for learning disability, whose
support lasts), so the stock on 1 April of the first year has a realistic mix of durations: support
started years before the window and still open, or ending during it.

Calibration (synthetic_data.md, per 100,000 adults 18+): about 1,870 people in LTS during a year and
1,415 at year end, ~74% of them for more than 12 months, 25-40% of year-end LTS in care homes, 65% of
people 65+; care-home admissions ≈ 584 per 100,000 aged 65+ and ≈ 15 per 100,000 aged 18-64.

Each spell becomes service lines (``lines_for_spell``): care-home placements, or a community package
(home support, direct payment, supported living, day support, ...) with one delivery mechanism profile
per person so that 20-35% of community clients are on direct payments and 80-95% self-directed.
Around the lines ``casework.py`` adds what a case system records: the front door for new entrants,
planned and unplanned reviews, package changes, requests and reassessments before a move into a care
home, financial assessments, reablement after a hospital stay; deaths end every line on the death date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from . import costs
from .builders import funding_status, make_line
from .casework import add_reviews, existing_client_contacts, front_door, move_events
from .model import Event, Person, Spell
from .people import LAContext, pick

# ---- entry groups ---------------------------------------------------------------------------------
# (group, psr weights, entry-age range, entries per 100k adults per year, initial setting weights)
_PHYS = {"PHY_PC": 82, "PHY_AM": 18}


@dataclass(frozen=True)
class EntryGroup:
    name: str
    psr: dict[str, float]
    ages: tuple[int, int]
    rate: float
    setting: dict[str, float]
    burn_in_years: int


ENTRY_GROUPS: tuple[EntryGroup, ...] = (
    EntryGroup("ld_transition", {"LD": 1}, (18, 24), 8.5, {"COM": 95, "RES": 5}, 55),
    EntryGroup("ld_adult", {"LD": 1}, (25, 64), 4.0, {"COM": 84, "RES": 16}, 45),
    EntryGroup("mh_adult", {"MH": 1}, (18, 64), 19.0, {"COM": 91, "RES": 8, "NUR": 1}, 30),
    EntryGroup(
        "phys_adult",
        {**_PHYS, "SEN_V": 4, "SEN_H": 3, "MEM": 3, "SOC_SUB": 3, "SOC_ISO": 3},
        (18, 64),
        34.0,
        {"COM": 95, "RES": 2, "NUR": 3},
        30,
    ),
    EntryGroup(
        "phys_older",
        {**_PHYS, "SEN_V": 2, "SEN_H": 1, "SEN_D": 1, "SOC_ISO": 2},
        (65, 101),
        245.0,
        {"COM": 75, "RES": 14, "NUR": 11},
        20,
    ),
    EntryGroup("mem_older", {"MEM": 1}, (65, 101), 80.0, {"COM": 50, "RES": 35, "NUR": 15}, 20),
    EntryGroup("mh_older", {"MH": 1}, (65, 95), 16.0, {"COM": 72, "RES": 20, "NUR": 8}, 20),
    EntryGroup("ld_older", {"LD": 1}, (65, 85), 1.5, {"COM": 70, "RES": 30}, 25),
)

# ---- hazards per year ----------------------------------------------------------------------------
_AGE_BOUNDS = (65, 75, 85, 95, 200)


def _hazards(setting: str, age: float, psr: str) -> dict[str, float]:  # noqa: PLR0911
    """Transition hazards per year: death, end, to_RES, to_NUR, to_COM."""
    if setting == "COM":
        if age < 65:
            if psr == "LD":
                return {"death": 0.008, "end": 0.02, "to_RES": 0.006, "to_NUR": 0.001}
            if psr == "MH":
                return {"death": 0.012, "end": 0.16, "to_RES": 0.007, "to_NUR": 0.001}
            return {"death": 0.02, "end": 0.15, "to_RES": 0.004, "to_NUR": 0.004}
        if psr == "LD":
            return {"death": 0.05, "end": 0.03, "to_RES": 0.05, "to_NUR": 0.01}
        base_death = 0.07 if age < 75 else (0.11 if age < 85 else (0.18 if age < 95 else 0.3))
        to_care = 0.04 if age < 75 else (0.055 if age < 85 else 0.075)
        if psr == "MEM":
            to_care *= 1.6
        return {"death": base_death, "end": 0.25, "to_RES": to_care * 0.7, "to_NUR": to_care * 0.3}
    if setting == "RES":
        if age < 65:
            return {"death": 0.025, "end": 0.04, "to_COM": 0.03, "to_NUR": 0.005}
        death = 0.17 if age < 75 else (0.22 if age < 85 else (0.29 if age < 95 else 0.4))
        return {"death": death, "end": 0.04, "to_NUR": 0.05}
    # nursing
    if age < 65:
        return {"death": 0.12, "end": 0.06}
    death = 0.27 if age < 75 else (0.33 if age < 85 else 0.42)
    return {"death": death, "end": 0.05}


def _to_date(origin: date, years: float) -> date:
    return origin + timedelta(days=round(years * 365.25))


def simulate_spells(
    ctx: LAContext, group: EntryGroup, entry_years: float, age: float, psr: str, horizon_years: float
) -> list[Spell]:
    """One career from ``entry_years`` (years relative to the window start) until death, end or horizon."""
    r = ctx.rng
    origin = ctx.window.start
    setting = pick(r, group.setting)
    t = entry_years
    spells: list[Spell] = []
    spell_start = t
    while True:
        rates = _hazards(setting, age, psr)
        total = sum(rates.values())
        boundary = next(b for b in _AGE_BOUNDS if b > age) - age
        dt = r.expovariate(total)
        if t + min(dt, boundary) > horizon_years:
            spells.append(Spell(setting, _to_date(origin, spell_start), None, None))
            return spells
        if dt >= boundary:  # hazards change with age: redraw from the boundary (memoryless)
            t += boundary
            age += boundary
            if age >= 104:
                spells.append(Spell(setting, _to_date(origin, spell_start), _to_date(origin, t), "death"))
                return spells
            continue
        t += dt
        age += dt
        what = pick(r, rates)
        end = _to_date(origin, t)
        if what in ("death", "end"):
            spells.append(Spell(setting, _to_date(origin, spell_start), end, what))
            return spells
        spells.append(Spell(setting, _to_date(origin, spell_start), end, "move"))
        setting = what[3:]
        spell_start = t + 1 / 365.25  # next setting starts the following day


def generate_careers(ctx: LAContext) -> dict[str, int]:
    """Simulate every career overlapping the window and build its person, lines and case events.

    Returns counts for progress reporting, including ``new_direct`` / ``new_via_stmax`` entrants.
    """
    r = ctx.rng
    w = ctx.window
    horizon = (w.end - w.start).days / 365.25 + 0.01
    counts = {"careers": 0, "new_direct": 0, "new_via_stmax": 0}
    for group in ENTRY_GROUPS:
        span = group.burn_in_years + horizon
        expected = group.rate * ctx.scale * ctx.spec.activity * span
        n = int(expected) + (1 if r.random() < expected - int(expected) else 0)
        for _ in range(n):
            entry = -group.burn_in_years + r.random() * span
            lo, hi = group.ages
            age = lo + r.random() * (hi - lo) if lo < 65 else _older_entry_age(ctx, lo, hi)
            psr = pick(r, group.psr)
            spells = simulate_spells(ctx, group, entry, age, psr, horizon)
            last = spells[-1]
            if last.end is not None and last.end < w.start:
                continue  # ended before the window: never in any file
            counts["careers"] += 1
            via = _build_career(ctx, group, entry, age, psr, spells)
            if via:
                counts[via] += 1
    return counts


def _older_entry_age(ctx: LAContext, lo: int, hi: int) -> float:
    r = ctx.rng
    band = pick(r, {65: 20, 75: 40, 85: 35, 95: 5})
    return max(lo, min(hi, band + r.random() * 10))


def _build_career(
    ctx: LAContext, group: EntryGroup, entry_years: float, age_at_entry: float, psr: str, spells: list[Spell]
) -> str | None:
    r = ctx.rng
    w = ctx.window
    first = spells[0]
    entry_date = first.start
    person = ctx.person("SU", int(age_at_entry), entry_date, psr, first.setting, lts=True)
    death = spells[-1].end if spells[-1].reason == "death" else None
    if death is not None and death <= w.end:
        person.dod = death
        lag = ctx.record_lag()
        person.dod_known = death + timedelta(days=lag)
    dp_person = r.random() < (0.36 if age_at_entry < 65 else 0.13)
    profile = "DP" if dp_person else pick(r, {"MPB": 83, "COMM": 14, "NONE": 3})
    # funding status: known for people who entered before the window; after a financial assessment otherwise
    is_new = entry_date >= w.start - timedelta(days=60)
    person.is_new_lts = is_new
    if not is_new:
        person.funding.set_from(date(1900, 1, 1), funding_status(ctx, first.setting))
    else:
        person.funding.set_from(date(1900, 1, 1), "UNK")

    via: str | None = None
    if is_new:
        via = front_door(ctx, person, first, age_at_entry)
    lines_by_spell: list[list[Event]] = []
    for i, spell in enumerate(spells):
        if spell.end is not None and spell.end < w.start:
            lines_by_spell.append([])
            continue
        if spell.setting != "COM":
            person.accommodation.set_from(spell.start, "CARE_HOME" if spell.setting == "RES" else "NURSING_HOME")
            home = ctx.provider("care_home" if spell.setting == "RES" else "nursing_home")
            person.postcode.set_from(spell.start, home.postcode)
        elif i > 0:
            # back to the community from a care home (18-64): supported accommodation
            person.accommodation.set_from(spell.start, "SUPPORTED")
        if i > 0 and spell.start >= w.start - timedelta(days=60):
            move_events(ctx, person, spells[i - 1], spell)
        lines_by_spell.append(_lines_for_spell(ctx, person, spell, profile, age_at_entry, entry_date))
    all_lines = [ln for ls in lines_by_spell for ln in ls]
    add_reviews(ctx, person, spells, all_lines)
    existing_client_contacts(ctx, person, spells)
    if via is None and not is_new:
        return None
    return via


def _mechanism(ctx: LAContext, profile: str, main: bool) -> str | None:
    r = ctx.rng
    if profile == "NONE":
        return None
    if r.random() < 0.02:
        return None  # delivery mechanism missing on some lines
    if main:
        return profile
    if profile == "DP":
        return "COMM" if r.random() < 0.7 else "MPB"
    return profile if r.random() < 0.7 else "COMM"


def _community_package(
    ctx: LAContext, person: Person, age: int, profile: str
) -> list[tuple[str, str, costs.Cost, str | None, bool]]:
    """(component, stype, cost, provider kind, is_main) for a new community package."""
    r = ctx.rng
    psr = person.psr
    out: list[tuple[str, str, costs.Cost, str | None, bool]] = []
    lts = "LTS_COM"
    if profile == "DP":
        out.append(("DIRECT_PAYMENT", lts, costs.direct_payment(r, age), None, True))
        if r.random() < 0.18:
            out.append(("DAY_SUPPORT", lts, costs.day_support(r), "day_centre", False))
        if psr == "LD" and age < 65 and r.random() < 0.25:
            out.append(("SUPPORTED_LIVING", lts, costs.supported_living(r), "supported_living", False))
        return out
    if psr == "LD" and age < 65:
        x = r.random()
        if x < 0.45:
            out.append(("SUPPORTED_LIVING", lts, costs.supported_living(r), "supported_living", True))
        elif x < 0.51:
            out.append(("SHARED_LIVES", lts, costs.shared_lives(r), "shared_lives", True))
        if r.random() < 0.6 or not out:
            out.append(("DAY_SUPPORT", lts, costs.day_support(r), "day_centre", not out))
        if r.random() < 0.15:
            out.append(("HOME_SUPPORT", lts, costs.home_care(r, age), "home_care", False))
        if r.random() < 0.05:
            out.append(("EMPLOYMENT", lts, costs.day_support(r), "day_centre", False))
        if r.random() < 0.12:
            out.append(("TRANSPORT", lts, costs.transport(r), "transport", False))
        return out
    if psr == "MH" and age < 65:
        if r.random() < 0.25:
            out.append(("SUPPORTED_LIVING", lts, costs.supported_living(r), "supported_living", True))
        if r.random() < 0.5 or not out:
            out.append(("HOME_SUPPORT", lts, costs.home_care(r, age), "home_care", not out))
        if r.random() < 0.12:
            out.append(("PROF_OTHER", lts, costs.professional_support(r), "home_care", False))
        if r.random() < 0.08:
            out.append(("DAY_SUPPORT", lts, costs.day_support(r), "day_centre", False))
        return out
    out.append(("HOME_SUPPORT", lts, costs.home_care(r, age), "home_care", True))
    if r.random() < (0.14 if age >= 65 else 0.15):
        out.append(("DAY_SUPPORT", lts, costs.day_support(r), "day_centre", False))
    if age >= 65 and r.random() < 0.05:
        out.append(("MEALS", lts, costs.meals(r), "meals", False))
    return out


def _lines_for_spell(
    ctx: LAContext, person: Person, spell: Spell, profile: str, age_at_entry: float, entry_date: date
) -> list[Event]:
    r = ctx.rng
    w = ctx.window
    age = person.age_on(max(spell.start, w.start))
    lines: list[Event] = []
    end_outcome = _end_outcome(ctx, spell)
    if spell.setting in ("RES", "NUR"):
        nursing = spell.setting == "NUR"
        mech = pick(r, {"MPB": 60, "COMM": 37, None: 3})  # type: ignore[dict-item]
        cost = costs.care_home_weekly(r, age, person.psr, nursing)
        start = spell.start
        ln = make_line(
            ctx,
            person,
            "LTS_NUR" if nursing else "LTS_RES",
            "LT_NURSING" if nursing else "LT_RESIDENTIAL",
            mech,
            start,
            spell.end,
            cost,
            "nursing_home" if nursing else "care_home",
        )
        ln.outcome = end_outcome if spell.end is not None else None
        lines.append(ln)
        return lines
    package = _community_package(ctx, person, age, profile)
    if person.psr in ("LD", "MH") and age < 65 and r.random() < 0.95:
        comps = {c for c, *_ in package}
        since = date(1900, 1, 1) if spell is None or spell.start < w.start else spell.start
        if "SUPPORTED_LIVING" in comps:
            person.accommodation.set_from(since, "SUPPORTED")
        elif "SHARED_LIVES" in comps:
            person.accommodation.set_from(since, "SHARED_LIVES")
    for comp, stype, cost, pkind, main in package:
        mech = _mechanism(ctx, profile, main) if comp != "DIRECT_PAYMENT" else ("DP" if r.random() > 0.03 else None)
        # a line running at the window start may be the latest version of an older package
        start = spell.start
        if spell.start < w.start and r.random() < 0.45:
            span = (w.start - spell.start).days
            start = spell.start + timedelta(days=r.randrange(span))
        ln = make_line(ctx, person, stype, comp, mech, start, spell.end, cost, pkind)
        ln.outcome = end_outcome if spell.end is not None else None
        lines.append(ln)
    # one-off equipment for some new community packages
    if spell.start >= w.start and r.random() < 0.1:
        eq_day = spell.start + timedelta(days=r.randrange(0, 20))
        if spell.end is None or eq_day <= spell.end:
            ln = make_line(ctx, person, "LTS_COM", "EQUIPMENT", "COMM", eq_day, eq_day, costs.equipment(r), "equipment")
            ln.outcome = "ENDED_PLANNED"
            lines.append(ln)
    return lines


def _end_outcome(ctx: LAContext, spell: Spell) -> str:
    if spell.reason == "death":
        return "NFA_DECEASED"
    if spell.reason == "move":
        return "TO_REASSESS"
    return pick(
        ctx.rng,
        {
            "NFA_ENDED_OTHER": 35,
            "NFA_NHS": 20,
            "NFA_MOVED": 15,
            "NFA_SELF_FUNDED": 15,
            "NFA_DECLINED": 10,
            "ENDED_PLANNED": 5,
        },
    )
