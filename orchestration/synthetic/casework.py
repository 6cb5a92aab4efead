"""Case events around long-term support: the front door for new entrants and existing-client work.

- ``front_door``: people starting long-term support in the window arrive through a request, then a
  long-term assessment (or an ST-Max episode, for about 40% of older community entrants) and a
  financial assessment; dates are chained so the national sequel algorithms (processing_rules.md §8)
  find long-term support (or ST-Max) as the sequel.
- ``add_reviews``: planned reviews about yearly (72% held), unplanned reviews, and package changes
  after some of them.
- ``move_events``: a request and reassessment (or an unplanned review) before a move of setting.
- ``existing_client_contacts``: requests from existing clients and reablement after a hospital stay.
"""

from __future__ import annotations

from datetime import date, timedelta

from . import costs
from .builders import fa_description, funding_status, make_assessment, make_line, make_request, split_line
from .model import Event, Person, Spell
from .people import LAContext, pick


def add_reviews(ctx: LAContext, person: Person, spells: list[Spell], lines: list[Event]) -> None:
    """Planned (about yearly) and unplanned reviews; some lead to a package change."""
    r = ctx.rng
    w = ctx.window
    first = spells[0].start
    career_end = spells[-1].end
    last_day = min(d for d in (career_end, w.end + timedelta(days=30)) if d is not None)
    if person.dod is not None:
        last_day = min(last_day, person.dod - timedelta(days=1))
    dates: list[tuple[date, str]] = []
    year = max(w.start.year - 1, first.year + 1)
    while True:
        try:
            anniv = first.replace(year=year)
        except ValueError:
            anniv = first.replace(year=year, day=28)
        if anniv > last_day:
            break
        if anniv >= w.start - timedelta(days=40) and r.random() < 0.72:
            dates.append((anniv + timedelta(days=r.randrange(-20, 45)), "PLANNED"))
        year += 1
    years = (w.end - w.start).days / 365.25
    n_unplanned = sum(1 for _ in range(int(years * 3)) if r.random() < 0.05)
    for _ in range(n_unplanned):
        dates.append((w.start + timedelta(days=r.randrange((w.end - w.start).days)), "UNPLANNED"))
    for start, kind in sorted(dates):
        if start > last_day or start < first:
            continue
        end = start + timedelta(days=pick(r, {0: 45, 1: 10, 3: 10, 7: 12, 14: 12, 28: 8, 45: 3}))
        if end > last_day:
            continue
        reason = (
            "PLANNED"
            if kind == "PLANNED"
            else pick(
                r,
                {
                    "HOSPITAL": 40,
                    "OTHER": 30,
                    "CARER": 10,
                    "SAFEGUARDING": 10,
                    "PROVIDER_FAILURE": 5,
                    "COMMISSIONING": 5,
                },
            )
        )
        outcome = (
            pick(r, {"NO_CHANGE": 78, "TO_SUPPORT": 16, "TO_REASSESS": 6})
            if reason == "PLANNED"
            else pick(r, {"NO_CHANGE": 50, "TO_SUPPORT": 32, "TO_REASSESS": 18})
        )
        ev = ctx.event(
            person,
            "REV",
            start,
            end,
            outcome=outcome,
            rev_reason=reason,
            rev_method=pick(r, {"SU_ONLY": 55, "SU_AND_CARER": 40, "CARER_ONLY": 5}),
        )
        if reason == "PLANNED":
            ev.rev_outcomes = pick(r, {"FULLY": 55, "PARTLY": 38, "NOT": 7})
        elif r.random() < 0.5:
            ev.rev_outcomes = pick(r, {"FULLY": 40, "PARTLY": 45, "NOT": 15})
        if outcome == "TO_SUPPORT":
            at = end + timedelta(days=r.randrange(1, 4))
            active = [
                ln
                for ln in lines
                if ln.stype == "LTS_COM"
                and ln.comp in ("HOME_SUPPORT", "DIRECT_PAYMENT", "DAY_SUPPORT")
                and ln.start < at
                and (ln.end is None or ln.end > at)
            ]
            if active:
                new = split_line(ctx, r.choice(active), at)
                if new is not None:
                    lines.append(new)


def front_door(ctx: LAContext, person: Person, first: Spell, age: float) -> str:
    """Request -> assessment (or reablement) -> long-term support, for people starting LTS in the window."""
    r = ctx.rng
    t = first.start
    via_stmax = first.setting == "COM" and r.random() < (0.40 if age >= 65 else 0.08)
    # financial assessment around the start of support; funding status known once it completes
    if r.random() < 0.9:
        fa_start = t + timedelta(days=r.randrange(-10, 15))
        fa_end = fa_start + timedelta(days=r.randrange(7, 50))
        if person.dod is None or fa_end <= person.dod:
            ctx.event(
                person,
                "ASM",
                fa_start,
                fa_end,
                asm_type="FIN",
                outcome=None if r.random() < 0.55 else "TO_SUPPORT",
                asm_method=None if r.random() < 0.7 else "PHONE",
                description=fa_description(ctx),
            )
            person.funding.set_from(fa_end, funding_status(ctx, first.setting))
    if person.psr == "LD" and age < 26:
        route = "TRANSITION" if r.random() < 0.75 else "COMMUNITY"
    elif first.setting != "COM":
        route = pick(r, {"HOSP_DISCHARGE": 65, "COMMUNITY": 28, "SELF_FUNDER": 5, "TRANSFER": 2})
    else:
        route = pick(
            r,
            {
                "COMMUNITY": 56,
                "HOSP_DISCHARGE": 28,
                "HOSP_DIVERSION": 5,
                "SELF_FUNDER": 5,
                "TRANSFER": 3,
                "PRISON": 0.5 if age < 65 else 0,
            },
        )
    if via_stmax:
        st_end = t - timedelta(days=r.randrange(1, 7))
        st_start = st_end - timedelta(days=r.randrange(14, 43))
        req_end = st_start - timedelta(days=r.randrange(0, 6))
        req_start = req_end - timedelta(days=0 if r.random() < 0.6 else r.randrange(1, 4))
        make_request(ctx, person, req_start, req_end, "TO_STMAX", "HOSP_DISCHARGE" if r.random() < 0.55 else route)
        st = make_line(
            ctx,
            person,
            "ST_MAX",
            "REABLEMENT",
            "COMM" if r.random() < 0.9 else "MPB",
            st_start,
            st_end,
            costs.reablement(r),
            "reablement",
        )
        st.outcome = "TO_SUPPORT"
        a_end = st_end - timedelta(days=r.randrange(0, 3))
        a_start = a_end - timedelta(days=r.randrange(0, 8))
        if a_start >= st_start:
            make_assessment(ctx, person, a_start, a_end, "LONG", "TO_SUPPORT", "Y")
        return "new_via_stmax"
    a_end = t - timedelta(days=r.randrange(0, 4))
    a_start = a_end - timedelta(days=pick(r, {0: 30, 1: 10, 3: 15, 7: 20, 14: 15, 21: 10}))
    req_end = a_start - timedelta(days=r.randrange(1, 22))
    req_start = req_end - timedelta(days=0 if r.random() < 0.6 else r.randrange(1, 4))
    make_request(ctx, person, req_start, req_end, "TO_ASSESS", route)
    make_assessment(ctx, person, a_start, a_end, "LONG", "TO_SUPPORT", "Y")
    return "new_direct"


def move_events(ctx: LAContext, person: Person, before: Spell, after: Spell) -> None:
    """An existing client moving setting: request and reassessment (or unplanned review) first."""
    r = ctx.rng
    t = after.start
    if before.setting == "COM":
        req_end = t - timedelta(days=r.randrange(7, 41))
        req_start = req_end - timedelta(days=0 if r.random() < 0.6 else r.randrange(1, 4))
        make_request(
            ctx, person, req_start, req_end, "TO_REASSESS", "HOSP_DISCHARGE" if r.random() < 0.45 else "COMMUNITY"
        )
        a_start = req_end + timedelta(days=r.randrange(1, 6))
        a_end = max(a_start, t - timedelta(days=r.randrange(0, 3)))
        make_assessment(ctx, person, a_start, a_end, "LONG", "TO_SUPPORT", "Y")
        if r.random() < 0.8:
            fa_start = t + timedelta(days=r.randrange(-5, 10))
            fa_end = fa_start + timedelta(days=r.randrange(10, 45))
            if person.dod is None or fa_end <= person.dod:
                ctx.event(
                    person, "ASM", fa_start, fa_end, asm_type="FIN", outcome=None, description=fa_description(ctx)
                )
                person.funding.set_from(fa_end, funding_status(ctx, after.setting))
    else:
        end = t - timedelta(days=r.randrange(1, 10))
        start = end - timedelta(days=r.randrange(0, 10))
        ctx.event(
            person,
            "REV",
            start,
            end,
            outcome="TO_SUPPORT",
            rev_reason=pick(r, {"HOSPITAL": 60, "OTHER": 40}),
            rev_method=pick(r, {"SU_ONLY": 50, "SU_AND_CARER": 50}),
        )


def existing_client_contacts(ctx: LAContext, person: Person, spells: list[Spell]) -> None:
    """Requests from existing clients, and reablement after a hospital stay for community clients."""
    r = ctx.rng
    w = ctx.window
    days = (w.end - w.start).days
    for spell in spells:
        if spell.end is not None and spell.end < w.start:
            continue
        lo = max(spell.start + timedelta(days=30), w.start - timedelta(days=20))
        hi = min(d for d in (spell.end, person.dod, w.end) if d is not None) - timedelta(days=20)
        if hi <= lo:
            continue
        span = (hi - lo).days
        share = span / days
        if r.random() < 0.16 * share * 2:
            s = lo + timedelta(days=r.randrange(span))
            e = s + timedelta(days=0 if r.random() < 0.6 else r.randrange(1, 4))
            if r.random() < 0.55:
                make_request(ctx, person, s, e, "TO_REASSESS", pick(r, {"COMMUNITY": 70, "HOSP_DISCHARGE": 30}))
                a_s = e + timedelta(days=r.randrange(1, 15))
                a_e = a_s + timedelta(days=r.randrange(0, 10))
                if a_e < hi:
                    make_assessment(ctx, person, a_s, a_e, "LONG", pick(r, {"NO_CHANGE": 60, "TO_SUPPORT": 40}), "Y")
            else:
                make_request(
                    ctx, person, s, e, pick(r, {"NFA_INFO": 60, "NO_CHANGE": 25, "NFA_OTHER": 15}), "COMMUNITY"
                )
        if spell.setting == "COM" and person.age_on(lo) >= 65 and r.random() < 0.06 * share * 2:
            s = lo + timedelta(days=r.randrange(span))
            req_end = s - timedelta(days=r.randrange(0, 4))
            make_request(ctx, person, req_end, req_end, "TO_STMAX", "HOSP_DISCHARGE")
            e = s + timedelta(days=r.randrange(10, 40))
            if e < hi:
                st = make_line(ctx, person, "ST_MAX", "REABLEMENT", "COMM", s, e, costs.reablement(r), "reablement")
                st.outcome = "ENDED_PLANNED"
