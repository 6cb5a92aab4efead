"""Front-door activity for people not in long-term support, carers, and carers known by association.

Requests from new clients run at about 4,540 per 100,000 adults a year (68% from people 65+). What
follows them matches the 2014-15 national split (synthetic_data.md): universal services/signposting
31%, no services 28%, ongoing low-level support 16%, short-term support to maximise independence
(ST-Max) 12%, long-term support 8% (made by ``careers.py`` for people starting LTS), other 5%.
Each journey is built so the national sequel algorithm (processing_rules.md §8.3) finds the intended
answer: follow-on events start within 28 days of the request and chain with gaps of 3 days or less.

ST-Max episodes (≈ 615 per 100,000 a year, with reablement after hospital for existing clients) end
with an outcome and follow-on that put ~80% of new clients' classifiable episodes outside ongoing
support (ASCOF 2A band 70-85%): ongoing low-level equipment or telecare, support ended as planned,
signposting; ~18% go on to long-term support (``careers.py``); some are admitted to hospital or die.

Carers (client type Carer): requests, carers' assessments, carers' direct payments (mostly one-off),
respite and sitting services, and yearly reviews; about 4% of long-term clients have a "carer known by
association" row (event type blank) linked to the cared-for person's service line.
"""

from __future__ import annotations

from datetime import date, timedelta

from . import costs
from .builders import make_assessment, make_line, make_request
from .model import Event, Person
from .people import LAContext, pick

NEW_CLIENT_REQUESTS_PER_100K = 4_540.0
CARERS_PER_100K = 430.0

# what followed requests from new clients (2014-15 split); "lts" comes from careers.py
REQUEST_SEQUEL_SHARES: dict[str, float] = {
    "signpost": 0.31,
    "no_services": 0.28,
    "low_level": 0.16,
    "stmax": 0.12,
    "lts": 0.08,
    "other": 0.05,
}

_OLDER_PSR = {"PHY_PC": 52, "PHY_AM": 12, "MEM": 12, "SEN_V": 2, "SEN_H": 1.5, "MH": 5, "SOC_ISO": 8, "UNK": 7.5}
_ADULT_PSR = {
    "PHY_PC": 28,
    "PHY_AM": 12,
    "MH": 24,
    "LD": 6,
    "SOC_SUB": 8,
    "SOC_ISO": 8,
    "SOC_ASY": 1,
    "SEN_V": 2,
    "SEN_H": 1,
    "UNK": 10,
}


def _contact_person(ctx: LAContext, on: date) -> Person:
    r = ctx.rng
    if r.random() < 0.68:
        age = pick(r, {65: 22, 75: 40, 85: 33, 95: 5}) + r.randrange(10)
        psr = pick(r, _OLDER_PSR)
    else:
        lo = pick(r, {18: 12, 25: 30, 45: 58})
        age = lo + r.randrange(7 if lo == 18 else 20)
        psr = pick(r, _ADULT_PSR)
    p = ctx.person("SU", age, on, None if psr == "UNK" else psr)
    if psr == "UNK":
        p.psr = "UNK"
    return p


def _req_end(ctx: LAContext, start: date) -> date:
    r = ctx.rng
    return start + timedelta(days=0 if r.random() < 0.72 else r.randrange(1, 4))


def generate_contacts(ctx: LAContext, lts_direct: int, lts_via_stmax: int) -> dict[str, int]:
    """Requests from new clients (and their sequels) for people not starting long-term support."""
    r = ctx.rng
    w = ctx.window
    lead = 45
    days = (w.end - w.start).days + lead
    years = days / 365.25
    total = NEW_CLIENT_REQUESTS_PER_100K * ctx.scale * ctx.spec.activity * years
    plan = {k: total * v for k, v in REQUEST_SEQUEL_SHARES.items() if k != "lts"}
    plan["stmax"] = max(0.0, plan["stmax"] - lts_via_stmax)
    counts = {k: 0 for k in plan}
    kinds: list[str] = []
    for k, v in plan.items():
        n = int(v) + (1 if r.random() < v - int(v) else 0)
        kinds += [k] * n
    r.shuffle(kinds)
    starts = sorted(w.start - timedelta(days=lead) + timedelta(days=r.randrange(days)) for _ in kinds)
    recent: list[tuple[Person, date]] = []  # earlier contacts who may come back (repeat requests)
    for kind, start in zip(kinds, starts, strict=True):
        person = None
        if recent and r.random() < 0.25:
            cand, last = recent[r.randrange(len(recent))]
            if cand.dod is None and (start - last).days >= 30:
                person = cand
        if person is None:
            person = _contact_person(ctx, start)
        _journey(ctx, person, kind, start)
        counts[kind] += 1
        if person.dod is None:
            recent.append((person, start + timedelta(days=60)))
            if len(recent) > 3000:
                recent.pop(r.randrange(len(recent)))
    return counts


def _journey(ctx: LAContext, person: Person, kind: str, start: date) -> None:
    {
        "signpost": _signpost,
        "no_services": _no_services,
        "low_level": _low_level,
        "stmax": _stmax,
        "other": _other,
    }[kind](ctx, person, start)


def _route(ctx: LAContext, kind: str) -> str:
    r = ctx.rng
    if kind == "stmax":
        return pick(r, {"HOSP_DISCHARGE": 50, "COMMUNITY": 40, "HOSP_DIVERSION": 10})
    return pick(
        r, {"COMMUNITY": 82, "HOSP_DISCHARGE": 6, "HOSP_DIVERSION": 3, "SELF_FUNDER": 6, "TRANSFER": 2, "PRISON": 0.3}
    )


def _signpost(ctx: LAContext, person: Person, start: date) -> None:
    r = ctx.rng
    end = _req_end(ctx, start)
    req = make_request(ctx, person, start, end, "NFA_INFO", _route(ctx, "signpost"))
    if r.random() < 0.08:
        # Three Conversations: some councils also send the first conversation as an assessment
        req.description = "Conversation 1: listen and connect"
        a = make_assessment(ctx, person, end, end, "SHORT", "NFA_INFO", None)
        a.description = "Conversation 1 held - information and advice given"


_NO_SERVICE_OUTCOMES = {
    "NFA_DECLINED": 28,
    "NFA_NO_SERVICES": 30,
    "NFA_SELF_FUNDED": 15,
    "NFA_MOVED": 5,
    "NFA_DECEASED": 4,
    "NFA_OTHER": 18,
}


def _no_services(ctx: LAContext, person: Person, start: date) -> None:
    r = ctx.rng
    outcome = pick(r, _NO_SERVICE_OUTCOMES)
    end = _req_end(ctx, start)
    last = end
    if r.random() < 0.35:
        make_request(ctx, person, start, end, "TO_ASSESS", _route(ctx, "no_services"))
        a_s = end + timedelta(days=r.randrange(1, 21))
        a_e = a_s + timedelta(days=pick(r, {0: 50, 2: 20, 7: 20, 14: 10}))
        kind = "LONG" if r.random() < 0.6 else "SHORT"
        make_assessment(ctx, person, a_s, a_e, kind, outcome, "N" if kind == "LONG" else None)
        last = a_e
    else:
        make_request(ctx, person, start, end, outcome, _route(ctx, "no_services"))
    if outcome == "NFA_DECEASED":
        _die(ctx, person, last + timedelta(days=r.randrange(0, 4)))


def _die(ctx: LAContext, person: Person, when: date) -> None:
    person.dod = when
    person.dod_known = when + timedelta(days=ctx.record_lag())


def _low_level_service(ctx: LAContext, person: Person, start: date) -> Event:
    r = ctx.rng
    x = r.random()
    if x < 0.6:
        ev = make_line(ctx, person, "ST_LOW", "EQUIPMENT", "COMM", start, start, costs.equipment(r), "equipment")
        ev.outcome = "ENDED_PLANNED"
        return ev
    if x < 0.9:
        end = None if r.random() < 0.55 else start + timedelta(days=r.randrange(60, 540))
        ev = make_line(ctx, person, "ST_LOW", "OTHER_ST", "COMM", start, end, costs.telecare(r), "equipment")
    else:
        end = start + timedelta(days=r.randrange(30, 200))
        ev = make_line(ctx, person, "ST_LOW", "MEALS", "COMM", start, end, costs.meals(r), "meals")
    ev.outcome = pick(r, {"ENDED_PLANNED": 70, "NFA_ENDED_OTHER": 20, "NFA_DECLINED": 10})
    return ev


def _low_level(ctx: LAContext, person: Person, start: date) -> None:
    r = ctx.rng
    end = _req_end(ctx, start)
    make_request(ctx, person, start, end, "TO_ASSESS", _route(ctx, "low_level"))
    a_s = end + timedelta(days=r.randrange(1, 22))
    a_e = a_s + timedelta(days=pick(r, {0: 40, 1: 15, 3: 15, 7: 20, 10: 10}))
    make_assessment(ctx, person, a_s, a_e, "SHORT", "TO_SUPPORT", None)
    _low_level_service(ctx, person, a_e + timedelta(days=r.randrange(0, 4)))


def _stmax(ctx: LAContext, person: Person, start: date) -> None:
    r = ctx.rng
    end = _req_end(ctx, start)
    make_request(ctx, person, start, end, "TO_STMAX", _route(ctx, "stmax"))
    s = end + timedelta(days=r.randrange(0, 6))
    e = s + timedelta(days=int(r.triangular(10, 42, 30)))
    if r.random() < 0.3:
        make_assessment(ctx, person, s, s + timedelta(days=r.randrange(0, 3)), "SHORT", "TO_STMAX", None)
    st = make_line(
        ctx,
        person,
        "ST_MAX",
        "REABLEMENT",
        "COMM" if r.random() < 0.9 else "MPB",
        s,
        e,
        costs.reablement(r),
        "reablement",
    )
    person.funding.set_from(date(1900, 1, 1), "FULL_SC")
    sequel = pick(
        r, {"low": 30, "planned": 45, "info": 5, "hospital": 8, "deceased": 3, "declined": 4, "moved": 1, "other": 4}
    )
    st.outcome = {
        "low": "ENDED_PLANNED",
        "planned": "ENDED_PLANNED",
        "info": "NFA_INFO",
        "hospital": "HOSPITAL",
        "deceased": "NFA_DECEASED",
        "declined": "NFA_DECLINED",
        "moved": "NFA_MOVED",
        "other": "NFA_ENDED_OTHER",
    }[sequel]
    if sequel == "deceased":
        _die(ctx, person, e)
        st.end_known = person.dod_known
    elif sequel == "low":
        _low_level_service(ctx, person, e + timedelta(days=r.randrange(1, 7)))


def _other(ctx: LAContext, person: Person, start: date) -> None:
    r = ctx.rng
    end = _req_end(ctx, start)
    x = r.random()
    if x < 0.4:
        make_request(ctx, person, start, end, "NFA_NHS", _route(ctx, "other"))
    elif x < 0.55:
        make_request(ctx, person, start, end, "TO_EOL", "HOSP_DISCHARGE" if r.random() < 0.5 else "COMMUNITY")
    elif x < 0.9:
        make_request(ctx, person, start, end, "TO_ASSESS", _route(ctx, "other"))
        a_s = end + timedelta(days=r.randrange(1, 15))
        a_e = a_s + timedelta(days=r.randrange(0, 6))
        make_assessment(ctx, person, a_s, a_e, "SHORT", "TO_SUPPORT", None)
        s = a_e + timedelta(days=r.randrange(0, 4))
        comp = pick(r, {"ST_RESIDENTIAL": 70, "ST_NURSING": 10, "OTHER_ST": 20})
        cost = (
            costs.short_term_care_home_weekly(r, comp == "ST_NURSING") if comp != "OTHER_ST" else costs.home_care(r, 70)
        )
        kind = "care_home" if comp == "ST_RESIDENTIAL" else ("nursing_home" if comp == "ST_NURSING" else "home_care")
        ev = make_line(
            ctx,
            person,
            "ST_OTHER",
            comp,
            "MPB" if r.random() < 0.7 else "COMM",
            s,
            s + timedelta(days=r.randrange(7, 43)),
            cost,
            kind,
        )
        ev.outcome = pick(r, {"ENDED_PLANNED": 80, "NFA_ENDED_OTHER": 15, "HOSPITAL": 5})
        person.funding.set_from(date(1900, 1, 1), pick(r, {"FULL_SC": 60, "JOINT": 35, "FULL_COST": 5}))
    else:
        make_request(ctx, person, start, end, "HOSPITAL", "COMMUNITY")


# ---- carers -----------------------------------------------------------------------------------


def generate_carers(ctx: LAContext, cared_for: list[Person]) -> int:
    """Carers' requests, assessments, support and reviews; returns the number of carers."""
    r = ctx.rng
    w = ctx.window
    days = (w.end - w.start).days + 30
    n = CARERS_PER_100K * ctx.scale * ctx.spec.activity * days / 365.25
    n_int = int(n) + (1 if r.random() < n - int(n) else 0)
    for _ in range(n_int):
        start = w.start - timedelta(days=30) + timedelta(days=r.randrange(days))
        age = pick(r, {25: 10, 40: 20, 55: 30, 65: 25, 75: 15}) + r.randrange(10)
        carer = ctx.person("CARER", age, start, "SOC_CAR")
        carer.psr_on_requests = r.random() < 0.5
        carer.carer_hours = pick(r, {"H0_19": 30, "H20_34": 20, "H35_49": 15, "H50P": 35})
        carer.carer_adults = 1 if r.random() < 0.88 else 2
        if cared_for:
            links = [r.choice(cared_for).local_id for _ in range(carer.carer_adults)]
            carer.linked = tuple(links) if r.random() < 0.85 else ()
        _carer_journey(ctx, carer, start)
    return n_int


def _carer_journey(ctx: LAContext, carer: Person, start: date) -> None:
    r = ctx.rng
    w = ctx.window
    end = _req_end(ctx, start)
    if r.random() < 0.2:
        make_request(ctx, carer, start, end, "NFA_INFO", "COMMUNITY")
        return
    make_request(ctx, carer, start, end, "TO_ASSESS", "COMMUNITY")
    a_s = end + timedelta(days=r.randrange(1, 26))
    a_e = a_s + timedelta(days=pick(r, {0: 40, 3: 20, 7: 25, 14: 15}))
    outcome = pick(r, {"TO_SUPPORT": 55, "NFA_INFO": 30, "NFA_DECLINED": 15})
    a = make_assessment(ctx, carer, a_s, a_e, "LONG", outcome, "Y" if outcome == "TO_SUPPORT" else "N")
    a.carer_involved = None
    if outcome != "TO_SUPPORT":
        return
    s = a_e + timedelta(days=r.randrange(1, 15))
    x = r.random()
    if x < 0.6:
        cost = costs.carer_direct_payment(r)
        e = s if cost[0] == "One-off" else (None if r.random() < 0.5 else s + timedelta(days=r.randrange(90, 400)))
        ln = make_line(ctx, carer, "CARER_DIRECT", "DIRECT_PAYMENT", "DP", s, e, cost, None)
    elif x < 0.7:
        e = s + timedelta(days=r.randrange(60, 365))
        ln = make_line(
            ctx, carer, "CARER_DIRECT", "CARER_OTHER", "COMM", s, e, ("Weekly", r.randrange(2500, 6000), None), "carers"
        )
    elif x < 0.9:
        e = s + timedelta(days=r.randrange(6, 21))
        ln = make_line(ctx, carer, "CARER_VIA_CARED", "CARER_RESPITE", "MPB", s, e, costs.carer_respite(r), "care_home")
    else:
        e = s + timedelta(days=r.randrange(90, 365))
        ln = make_line(ctx, carer, "CARER_DIRECT", "CARER_SITTING", "COMM", s, e, costs.carer_sitting(r), "carers")
    ln.outcome = "ENDED_PLANNED"
    # yearly review of ongoing carers' support
    if ln.end is None or (ln.end - ln.start).days > 200:
        rv = s + timedelta(days=r.randrange(330, 400))
        if rv < w.end and (ln.end is None or rv < ln.end):
            ctx.event(
                carer,
                "REV",
                rv,
                rv + timedelta(days=r.randrange(0, 10)),
                outcome="NO_CHANGE",
                rev_reason="PLANNED",
                rev_method="CARER_ONLY",
                rev_outcomes=pick(r, {"FULLY": 60, "PARTLY": 40}),
            )


def generate_known_by_association(ctx: LAContext) -> int:
    """Carers known by association: a row per carer linked to a long-term client's community line."""
    r = ctx.rng
    w = ctx.window
    lines_by_person: dict[int, Event] = {}
    for ev in ctx.data.events:
        if (
            ev.etype == "SRV"
            and ev.stype == "LTS_COM"
            and ev.freq != "One-off"
            and (ev.end is None or ev.end >= w.start)
        ):
            lines_by_person.setdefault(ev.person.pid, ev)
    n = 0
    for line in list(lines_by_person.values()):
        if line.person.has_carer != "Y" or r.random() > 0.09:
            continue
        age = pick(r, {30: 25, 50: 40, 70: 35}) + r.randrange(15)
        carer = ctx.person("KBA", age, w.start, "SOC_CAR")
        carer.linked = (line.person.local_id,)
        carer.carer_adults = 1
        carer.carer_hours = None if r.random() < 0.5 else pick(r, {"H20_34": 30, "H35_49": 30, "H50P": 40})
        # known to the council from when the line started (or when the carer came of age)
        adult = carer.dob + timedelta(days=round(18 * 365.25) + 1)
        kba = ctx.event(carer, "KBA", max(line.start, adult), None)
        kba.linked_line = line
        n += 1
    return n
