"""Constructors for case events shared by every journey: service lines, requests, assessments.

``make_line`` prices a service line (``costs.py``) and applies the fee uplift: a line running across
the uplift date carries its old price and its uplifted price, so CLD files extracted later show the
new price while the ledger pays the old one before the date. ``split_line`` models a package change
(the line ends, a revised copy starts the next day). Request descriptions mention "conversation" on
about a fifth of requests (Three Conversations).
"""

from __future__ import annotations

from datetime import date, timedelta

from . import costs
from .model import Event, Person
from .people import LAContext, pick


def funding_status(ctx: LAContext, setting: str) -> str:
    if setting == "COM":
        return pick(ctx.rng, {"FULL_SC": 55, "JOINT": 38, "FULL_COST": 4, "UNK": 3})
    return pick(ctx.rng, {"JOINT": 62, "FULL_SC": 25, "FULL_COST": 10, "UNK": 3})


def make_line(
    ctx: LAContext,
    person: Person,
    stype: str,
    comp: str,
    mech: str | None,
    start: date,
    end: date | None,
    cost: costs.Cost,
    provider_kind: str | None,
) -> Event:
    freq, price, units = cost
    upl = costs.uplift_date(ctx.window.first_year)
    ev = ctx.event(person, "SRV", start, end, stype=stype, comp=comp, mech=mech, freq=freq, units_h=units)
    if freq != "One-off" and start < upl and (end is None or end >= upl):
        ev.cost_p = costs.before_uplift(price)
        ev.uplift_p = price
    elif freq != "One-off" and start < upl:
        ev.cost_p = costs.before_uplift(price)
    else:
        ev.cost_p = price
    if provider_kind and mech != "DP":
        ev.provider = ctx.provider(provider_kind)
    ev.open_outcome = "PROVISION"
    # commissioned lines may omit optional cost fields
    if mech == "COMM" and ctx.rng.random() < 0.04:
        ev.hide_cost = True
    return ev


def split_line(ctx: LAContext, line: Event, at: date) -> Event | None:
    """A package change: ``line`` ends the day before ``at``; a revised copy starts on ``at``."""
    if line.freq == "One-off" or at <= line.start or (line.end is not None and at > line.end):
        return None
    r = ctx.rng
    upl = costs.uplift_date(ctx.window.first_year)
    new = ctx.event(
        line.person,
        "SRV",
        at,
        line.end,
        stype=line.stype,
        comp=line.comp,
        mech=line.mech,
        freq=line.freq,
        units_h=line.units_h,
        provider=line.provider,
    )
    new.outcome = line.outcome
    new.open_outcome = "PROVISION"
    new.end_known = line.end_known
    new.hide_cost = line.hide_cost
    factor = r.choice((0.75, 0.85, 1.15, 1.25, 1.4))
    hourly = line.freq == "Hourly" and bool(line.units_h)
    if hourly:
        new.units_h = max(100, round((line.units_h or 0) * factor / 25) * 25)
        factor = 1.0
    base, upl_price = line.cost_p or 0, line.uplift_p
    if at >= upl:
        new.cost_p, new.uplift_p = round((upl_price or base) * factor), None
    else:
        new.cost_p = round(base * factor)
        spans = new.end is None or new.end >= upl
        new.uplift_p = round(upl_price * factor) if (upl_price and spans) else None
        if line.uplift_p:
            line.uplift_p = None  # the old line now ends before the uplift date
    line.end = at - timedelta(days=1)
    line.end_known = line.end + timedelta(days=ctx.record_lag())
    line.outcome = "ENDED_PLANNED"
    return new


def fa_description(ctx: LAContext) -> str | None:
    r = ctx.rng
    x = r.random()
    if x < 0.5:
        return None
    if x < 0.8:
        return "Financial assessment completed"
    return f"Charging assessment: £{r.randrange(0, 300)} weekly contribution"


_CONVERSATION_TEXT = (
    "Conversation 1: listen and connect",
    "Three conversations - first conversation held",
    "Initial conversation with family",
    "Conversation 2: crisis support discussed",
)

_REQUEST_TEXT = (
    "Contact via adult social care front door",
    "Referral from GP",
    "Referral from hospital discharge team",
    "Telephone contact",
    "Online self-referral",
    "Referral from family member",
)


def request_description(ctx: LAContext) -> str | None:
    r = ctx.rng
    x = r.random()
    if x < 0.22:
        return r.choice(_CONVERSATION_TEXT)
    if x < 0.6:
        return r.choice(_REQUEST_TEXT)
    return None


def make_request(ctx: LAContext, person: Person, start: date, end: date, outcome: str, route: str) -> Event:
    return ctx.event(person, "REQ", start, end, outcome=outcome, route=route, description=request_description(ctx))


def make_assessment(
    ctx: LAContext, person: Person, start: date, end: date, kind: str, outcome: str | None, eligible: str | None
) -> Event:
    r = ctx.rng
    return ctx.event(
        person,
        "ASM",
        start,
        end,
        asm_type=kind,
        outcome=outcome,
        eligible=eligible if r.random() < 0.9 else None,
        asm_method=pick(r, {"F2F": 68, "PHONE": 17, "VIDEO": 5, "SELF": 10}),
        carer_involved=None if r.random() < 0.5 else ("Y" if r.random() < 0.4 else "N"),
    )
