"""The generator's in-memory model of one LA: people, events, providers.

Everything is held as *truth plus knowledge dates*: an event knows when its end date and outcome were
recorded, a person when their death was recorded, and attributes change over time. A CLD file is then
a view of this truth "as known on" the file's extract date (``files.py``), which is how the same event
can appear open in one file and closed, or with a corrected outcome, in the next.

Internal code values are short keys (``codes.py``); money is integer pence; planned units per week are
integer hundredths, so the finance ledger can reproduce CLD costs to the penny.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(slots=True)
class Timeline(Generic[T]):
    """A value that changes over time: ``[(from_date, value), ...]`` sorted by date."""

    points: list[tuple[date, T]]

    def at(self, when: date) -> T:
        value = self.points[0][1]
        for start, v in self.points:
            if start <= when:
                value = v
            else:
                break
        return value

    def set_from(self, when: date, value: T) -> None:
        """From ``when`` on the value is ``value`` (later points are dropped)."""
        self.points = [p for p in self.points if p[0] < when] + [(when, value)]


@dataclass(slots=True)
class Spell:
    """One setting in a long-term support career (``careers.py``)."""

    setting: str  # COM RES NUR
    start: date
    end: date | None  # None: still going at the end of the window
    reason: str | None  # death, end, move (to the next spell)


@dataclass(slots=True)
class Provider:
    provider_id: str
    name: str
    cqc_location_id: str | None
    kind: str  # care_home, nursing_home, home_care, supported_living, day_centre, reablement, other
    postcode: str


@dataclass(slots=True, eq=False)
class Person:
    pid: int
    local_id: str
    nhs: str | None
    nhs_gap_rate: float  # share of this person's rows sent without the NHS number
    client_type: str  # SU, CARER, KBA
    sex: str  # M F O U
    dob: date
    ethnicity: str
    psr: str | None
    psr_on_requests: bool  # False: PSR left blank on Request rows (not mandatory there)
    postcode: Timeline[str]
    accommodation: Timeline[str | None]
    employment: Timeline[str | None]
    has_carer: str
    asd: str | None
    visual: str | None
    hearing: str | None
    dementia: str | None
    funding: Timeline[str | None]
    gp: int | None
    dod: date | None = None
    dod_known: date | None = None
    carer_hours: str | None = None
    carer_adults: int | None = None
    linked: tuple[str, ...] = ()
    is_lts: bool = False
    is_new_lts: bool = False

    def age_on(self, when: date) -> int:
        years = when.year - self.dob.year
        if (when.month, when.day) < (self.dob.month, self.dob.day):
            years -= 1
        return years


@dataclass(slots=True, eq=False)
class Event:
    eid: int
    person: Person
    etype: str  # REQ ASM SRV REV, or KBA (known-by-association row, event type blank)
    start: date
    end: date | None = None
    end_known: date | None = None  # when the end date was recorded
    outcome: str | None = None  # final outcome (after the end)
    open_outcome: str | None = None  # outcome shown while a service is still open
    old_outcome: str | None = None  # outcome shown before ``outcome_fixed`` (a correction)
    outcome_fixed: date | None = None
    deleted: date | None = None  # recorded in error: absent from files extracted on/after this date
    ref: str | None = None
    description: str | None = None
    route: str | None = None
    asm_type: str | None = None
    asm_method: str | None = None
    eligible: str | None = None
    carer_involved: str | None = None
    rev_reason: str | None = None
    rev_outcomes: str | None = None
    rev_method: str | None = None
    stype: str | None = None
    comp: str | None = None
    mech: str | None = None
    provider: Provider | None = None
    freq: str | None = None
    cost_p: int | None = None  # unit cost in pence before any uplift
    uplift_p: int | None = None  # unit cost in pence from the uplift date (None: no uplift)
    units_h: int | None = None  # planned units per week, hundredths
    hide_cost: bool = False  # unit cost not sent in CLD (optional fields left blank)
    paid: bool = True  # the LA pays for this line (finance ledger)
    linked_line: Event | None = None  # KBA rows: the cared-for person's line they hang on


@dataclass(slots=True)
class LAData:
    """Everything generated for one LA."""

    la_code: str
    la_name: str
    adults: int
    people: list[Person] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    providers: list[Provider] = field(default_factory=list)
    gp_practices: list[tuple[str, str]] = field(default_factory=list)  # (code, name)
