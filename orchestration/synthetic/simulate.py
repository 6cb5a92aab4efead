"""Simulate one LA end to end (people and events, before any file is written).

Order matters only for the random stream: careers first (they decide how many requests lead to
long-term support), then the other front-door journeys sized around them, carers, carers known by
association, and finally the consistency pass (deaths close every open line, knowledge dates agree).
"""

from __future__ import annotations

from datetime import timedelta

from .careers import generate_careers
from .config import LASpec, Window
from .journeys import generate_carers, generate_contacts, generate_known_by_association
from .model import LAData
from .people import LAContext


def simulate_la(spec: LASpec, seed: int, window: Window) -> tuple[LAContext, dict[str, int]]:
    ctx = LAContext(spec, seed, window)
    stats = generate_careers(ctx)
    stats.update(generate_contacts(ctx, stats["new_direct"], stats["new_via_stmax"]))
    lts_people = [p for p in ctx.data.people if p.is_lts]
    stats["carers"] = generate_carers(ctx, lts_people)
    stats["kba"] = generate_known_by_association(ctx)
    finalise(ctx.data)
    stats["people"] = len(ctx.data.people)
    stats["events"] = len(ctx.data.events)
    return ctx, stats


def finalise(data: LAData) -> None:
    """Make the truth consistent: nothing after a death; lines ending on a death recorded with it."""
    kept = []
    for ev in data.events:
        p = ev.person
        if p.dod is not None:
            if ev.start > p.dod:
                continue  # no event after a death (those only come from injected faults)
            if ev.end is None or ev.end > p.dod:
                ev.end = p.dod
                if ev.etype == "SRV":
                    ev.outcome = "NFA_DECEASED"
            if ev.end == p.dod and p.dod_known is not None:
                ev.end_known = max(p.dod_known, ev.end)
            elif ev.end_known is not None and p.dod_known is not None and ev.end_known > p.dod_known:
                ev.end_known = p.dod_known
        if ev.end is not None and ev.end < ev.start:
            ev.end = ev.start
        if ev.end is not None and ev.end_known is None:
            ev.end_known = ev.end + timedelta(days=1)
        kept.append(ev)
    data.events = kept
