"""Between-file changes: late-recorded end dates, corrected outcomes, deleted records, resubmission fixes.

Applied to the model once the file schedule is known, by setting knowledge dates (``model.py``):

- about 6% of ended service lines have their end date recorded 40-150 days late, so earlier files show
  them open and a later file adds the end date (always known by the last regular file, so the file
  selected for each quarter is right and the finance ledger agrees with it);
- about 2% of requests, assessments and reviews change outcome between files, within the same sequel
  category (e.g. "support declined" corrected to "no services offered");
- about 0.6% of requests and reviews with a no-further-action outcome were recorded in error and
  disappear from files extracted after their deletion, while the files still cover them;
- the corrected resubmission of the latest quarter adds end dates to a few services and fixes a few
  outcomes of that quarter, so only the newer file is right.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from .files import CldFile
from .model import Event, LAData

_SAME_CATEGORY = {
    "NFA_DECLINED": "NFA_NO_SERVICES",
    "NFA_NO_SERVICES": "NFA_OTHER",
    "NFA_OTHER": "NFA_DECLINED",
    "NFA_SELF_FUNDED": "NFA_NO_SERVICES",
    "NO_CHANGE": "TO_REASSESS",
    "TO_REASSESS": "NO_CHANGE",
    "ENDED_PLANNED": "NFA_ENDED_OTHER",
    "NFA_ENDED_OTHER": "ENDED_PLANNED",
}


def apply_versions(data: LAData, files: list[CldFile], rng: random.Random) -> dict[str, int]:
    regular = [f for f in files if not f.resubmission]
    resub = next((f for f in files if f.resubmission), None)
    k_final = regular[-1].known
    qe = regular[-1].quarter_end
    last_q_start = date(qe.year, qe.month - 2, 1)
    counts = {"late_end": 0, "outcome_fixed": 0, "deleted": 0, "resub_end": 0, "resub_outcome": 0}
    first_known = regular[0].known
    for ev in data.events:
        # nothing about a completed event may stay unknown past the last regular file
        if ev.end is not None and ev.end_known is not None and ev.end <= regular[-1].period_end:
            ev.end_known = min(ev.end_known, k_final)
        p = ev.person
        if ev.etype == "SRV":
            if ev.end is None or p.dod == ev.end:
                continue
            if ev.end >= last_q_start and resub is not None and rng.random() < 0.05:
                # the resubmission adds an end date the first submission of the quarter lacked
                ev.end_known = k_final + timedelta(days=1 + rng.randrange(max(1, (resub.known - k_final).days)))
                counts["resub_end"] += 1
            elif rng.random() < 0.06:
                late = ev.end + timedelta(days=rng.randrange(40, 151))
                if late <= k_final and late > ev.end_known:  # type: ignore[operator]
                    ev.end_known = late
                    counts["late_end"] += 1
            continue
        if ev.etype == "KBA" or ev.end is None or ev.outcome is None:
            continue
        if ev.end >= last_q_start and resub is not None and ev.outcome in _SAME_CATEGORY and rng.random() < 0.04:
            ev.old_outcome = _SAME_CATEGORY[ev.outcome]
            ev.outcome_fixed = k_final + timedelta(days=1)
            counts["resub_outcome"] += 1
            continue
        if ev.outcome in _SAME_CATEGORY and rng.random() < 0.02:
            ev.old_outcome = _SAME_CATEGORY[ev.outcome]
            ev.outcome_fixed = (ev.end_known or ev.end) + timedelta(days=rng.randrange(60, 200))
            counts["outcome_fixed"] += 1
            continue
        if (
            ev.etype in ("REQ", "REV")
            and ev.outcome in ("NFA_DECLINED", "NFA_NO_SERVICES", "NFA_OTHER", "NO_CHANGE")
            and ev.end >= first_known
            and rng.random() < 0.012
        ):
            ev.deleted = (ev.end_known or ev.end) + timedelta(days=rng.randrange(100, 200))
            counts["deleted"] += 1
    # deaths are known by the last regular file (so lines do not stay open in it)
    for p in data.people:
        if p.dod is not None and p.dod_known is not None and p.dod <= regular[-1].period_end:
            p.dod_known = min(p.dod_known, k_final)
    for ev in data.events:
        p = ev.person
        if p.dod is None or p.dod_known is None or ev.end is None:
            continue
        if ev.end == p.dod and ev.etype == "SRV":
            ev.end_known = p.dod_known
        elif ev.end_known is not None and ev.end_known > p.dod_known:
            # once a death is recorded every earlier end is too (a file never shows a dead person's line open)
            ev.end_known = max(ev.end, p.dod_known)
    return counts


def event_sort_key(ev: Event) -> tuple[int, date, int]:
    return (ev.person.pid, ev.start, ev.eid)
