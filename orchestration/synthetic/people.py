"""People of one LA: the generation context, ids, demographics and person attributes.

:class:`LAContext` carries everything one LA's generation shares: its seeded random stream, the
window, id counters, GP practices, postcodes and providers. People are made by :meth:`LAContext.person`
with demographics drawn for their group (age, primary support reason, setting):

- gender: about 60% women among people 65+, 45% among 18-64 (fewer among learning disability);
- ethnicity: an England-like mix of the 2021-census categories, with a few % "No data";
- accommodation: by age, support reason and setting; learning disability 18-64 in the community is
  mostly settled (family, supported accommodation, tenancies); care-home residents are "Registered
  care/nursing home" (unsettled), which together puts LD 18-64 settled near the 79% anchor;
- employment: learning disability 18-64 about 6% in paid work (29% of them 16+ hours), others mostly
  retired / not seeking work; a few % Unknown or blank on optional rows.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import TypeVar

from .config import LASpec, Window
from .model import Event, LAData, Person, Provider, Timeline
from .nhs import NhsAllocator

K = TypeVar("K")


def pick(rng: random.Random, weights: Mapping[K, float]) -> K:
    """Draw a key with probability proportional to its weight (deterministic for a seeded rng)."""
    total = sum(weights.values())
    x = rng.random() * total
    acc = 0.0
    last = None
    for k, w in weights.items():
        acc += w
        last = k
        if x < acc:
            return k
    assert last is not None
    return last


class BlockSampler:
    """Draws categories so that every block of ``block`` draws holds the target shares exactly.

    Used where a small LA must still land near a national share (e.g. learning-disability paid
    employment, 5.7%): independent draws would scatter a 300-person group by ±2.5 points.
    """

    def __init__(self, weights: Mapping[K, float], rng: random.Random, block: int = 200) -> None:
        total = sum(weights.values())
        self._items = list(weights.items())
        self._total = total
        self._rng = rng
        self._block = block
        self._queue: list[K] = []

    def draw(self) -> K:
        if not self._queue:
            counts = [(k, w / self._total * self._block) for k, w in self._items]
            queue: list[K] = []
            for k, c in counts:
                n = int(c) + (1 if self._rng.random() < c - int(c) else 0)
                queue += [k] * n
            self._rng.shuffle(queue)
            self._queue = queue or [self._items[0][0]]
        return self._queue.pop()


LD_EMPLOYMENT: dict[str | None, float] = {
    "PAID_LT16": 4.0,
    "PAID_16P": 1.65,
    "PAID_UNK": 0.35,
    "SEEKING": 6,
    "NOT_SEEKING": 68,
    "VOLUNTARY": 8,
    "UNK": 12,
}
LD_COMMUNITY_ACCOMMODATION: dict[str | None, float] = {
    "FAMILY": 53,
    "TENANT_LA": 13,
    "TENANT_PRIV": 4,
    "SHARED_LIVES": 2,
    "OWNER": 2,
    "UNK": 10,
    "OTHER_TEMP": 5,
    "GUEST": 3,
    "HOSPITAL": 4,
}

ETHNICITY_MIX: dict[str, float] = {
    "WBRI": 78.5,
    "WIRI": 1.0,
    "WGIT": 0.2,
    "WROM": 0.1,
    "WOTH": 4.0,
    "MWBC": 0.5,
    "MWBA": 0.2,
    "MWAS": 0.3,
    "MOTH": 0.3,
    "AIND": 2.5,
    "APKN": 2.0,
    "ABAN": 0.8,
    "ACHN": 0.4,
    "AOTH": 1.0,
    "BCRB": 1.0,
    "BAFR": 1.5,
    "BOTH": 0.4,
    "OARA": 0.3,
    "OOTH": 0.5,
    "NREF": 0.5,
    "NUNK": 2.5,
}

_OUTWARD: dict[str, tuple[str, ...]] = {
    "E06000005": ("DL1", "DL2", "DL3"),
    "E10000016": (
        "ME1",
        "ME4",
        "ME7",
        "ME10",
        "ME14",
        "ME15",
        "CT1",
        "CT2",
        "CT9",
        "CT11",
        "CT16",
        "CT19",
        "TN1",
        "TN9",
        "TN13",
        "TN23",
        "TN24",
        "DA1",
        "DA11",
        "DA12",
    ),
}
_AREAS = (
    "AL",
    "B",
    "BA",
    "BB",
    "BD",
    "BH",
    "BL",
    "BN",
    "BR",
    "BS",
    "CA",
    "CB",
    "CH",
    "CM",
    "CO",
    "CR",
    "CV",
    "CW",
    "DE",
    "DH",
    "DN",
    "DT",
    "DY",
    "E",
    "EN",
    "EX",
    "GL",
    "GU",
    "HA",
    "HD",
    "HG",
    "HP",
    "HU",
    "HX",
    "IG",
    "IP",
    "KT",
    "L",
    "LA",
    "LE",
    "LN",
    "LS",
    "LU",
    "M",
    "MK",
    "N",
    "NE",
    "NG",
    "NN",
    "NR",
    "NW",
    "OL",
    "OX",
    "PE",
    "PL",
    "PO",
    "PR",
    "RG",
    "RH",
    "RM",
    "S",
    "SE",
    "SG",
    "SK",
    "SL",
    "SM",
    "SN",
    "SO",
    "SP",
    "SR",
    "SS",
    "ST",
    "SW",
    "SY",
    "TA",
    "TF",
    "TQ",
    "TR",
    "TS",
    "TW",
    "UB",
    "W",
    "WA",
    "WD",
    "WF",
    "WN",
    "WR",
    "WS",
    "WV",
    "YO",
)
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

_STREETS = (
    "Station Road",
    "High Street",
    "Church Lane",
    "Victoria Road",
    "Park View",
    "Mill Lane",
    "Grange Road",
    "Orchard Way",
    "Northgate",
    "Southend",
    "Westfield",
    "Brook Street",
    "Elm Tree",
    "Oakwood",
    "Beechwood",
    "Willow Bank",
    "Rosehill",
    "Meadowside",
)
_GP_SUFFIX = ("Surgery", "Medical Centre", "Health Centre", "Medical Practice", "Family Practice")
_HOME_WORDS = (
    "Oak",
    "Ash",
    "Birch",
    "Cedar",
    "Holly",
    "Laurel",
    "Maple",
    "Rowan",
    "Willow",
    "Heather",
    "Primrose",
    "Bluebell",
    "Meadow",
    "River",
    "Hill",
    "Abbey",
    "Manor",
    "Priory",
    "Orchard",
    "Brook",
    "Fern",
    "Lark",
    "Swallow",
    "Kingfisher",
)
_HOME_SUFFIX = ("House", "Lodge", "Court", "Grange", "View", "Park", "Gardens", "Hall")


class LAContext:
    """Shared state while generating one LA."""

    def __init__(self, spec: LASpec, seed: int, window: Window) -> None:
        self.spec = spec
        self.window = window
        self.rng = random.Random(f"la:{seed}:{spec.la_code}")
        self.scale = spec.adults / 100_000.0
        self.data = LAData(spec.la_code, spec.la_name, spec.adults)
        self._nhs = NhsAllocator(f"{seed}:{spec.la_code}")
        self._next_pid = 0
        self._next_eid = 0
        self._ref_counter = 0
        self._ref_prefix = self.rng.choice(("EV", "REF", "CM", "LAS"))
        self._outward = _OUTWARD.get(spec.la_code) or self._invent_outward()
        self._make_gp_practices()
        self._make_providers()
        self.ld_employment = BlockSampler(LD_EMPLOYMENT, self.rng)
        self.ld_accommodation = BlockSampler(LD_COMMUNITY_ACCOMMODATION, self.rng)

    # ---- ids -------------------------------------------------------------------------------
    def _invent_outward(self) -> tuple[str, ...]:
        r = random.Random(f"outward:{self.spec.la_code}")
        area = r.choice(_AREAS)
        districts = sorted(r.sample(range(1, 30), 4))
        return tuple(f"{area}{d}" for d in districts)

    def postcode(self) -> str:
        r = self.rng
        return f"{r.choice(self._outward)} {r.randrange(10)}{r.choice(_INWARD_LETTERS)}{r.choice(_INWARD_LETTERS)}"

    def next_ref(self, kind: str) -> str:
        self._ref_counter += 1
        return f"{self._ref_prefix}{kind}{self._ref_counter:07d}"

    # ---- reference lists --------------------------------------------------------------------
    def _make_gp_practices(self) -> None:
        r = self.rng
        n = max(3, min(60, round(self.spec.adults / 6_000)))
        letter = r.choice("ABCDEFGHJKLMNPY")
        base = r.randrange(10, 90)
        pool = [f"{a} {b}" for a in _STREETS + _HOME_WORDS for b in _GP_SUFFIX]
        names = r.sample(pool, n)
        out = [(f"{letter}{base}{i + 1:03d}", name) for i, name in enumerate(names)]
        # one practice name with a non-ASCII character (exercises encodings)
        out[len(out) // 2] = (out[len(out) // 2][0], "Belvédère Surgery")
        self.data.gp_practices = out

    _PROVIDER_PLAN: tuple[tuple[str, int, str], ...] = (
        # (kind, adults per provider, name suffix)
        ("care_home", 3_500, "Care Home"),
        ("nursing_home", 9_000, "Nursing Home"),
        ("home_care", 7_000, "Home Care Ltd"),
        ("supported_living", 15_000, "Supported Living"),
        ("day_centre", 20_000, "Day Centre"),
        ("reablement", 150_000, "Reablement Service"),
        ("shared_lives", 10**9, "Shared Lives Scheme"),
        ("meals", 10**9, "Community Meals"),
        ("transport", 10**9, "Community Transport"),
        ("equipment", 10**9, "Community Equipment Service"),
        ("carers", 10**9, "Carers Support Centre"),
    )

    def _make_providers(self) -> None:
        r = self.rng
        a = self.spec.adults
        stems = [f"{w} {x}" for w in _HOME_WORDS for x in _HOME_SUFFIX] + [
            w + x for w in _HOME_WORDS for x in ("field", "gate", "wood", "side", "vale", "brook")
        ]
        n = 0
        for kind, per, suffix in self._PROVIDER_PLAN:
            count = max(1 if per >= 10**9 else (2 if kind != "reablement" else 1), round(a / per))
            if kind in ("care_home", "home_care"):
                count = max(3, count)
            for stem in r.sample(stems, min(count, len(stems))) if count > 1 else [self.spec.la_name]:
                n += 1
                cqc = (
                    None if kind in ("meals", "transport", "equipment", "carers") else f"1-{r.randrange(10**8, 10**10)}"
                )
                self.data.providers.append(Provider(f"SUP{n:05d}", f"{stem} {suffix}", cqc, kind, self.postcode()))
        self.providers_by_kind: dict[str, list[Provider]] = {}
        for p in self.data.providers:
            self.providers_by_kind.setdefault(p.kind, []).append(p)

    def provider(self, kind: str) -> Provider:
        # a few big providers take much of the market
        options = self.providers_by_kind[kind]
        i = min(int(self.rng.paretovariate(1.2)) - 1, len(options) - 1)
        return options[i]

    # ---- people -----------------------------------------------------------------------------
    def person(
        self,
        client_type: str,
        age: int,
        on: date,
        psr: str | None,
        setting: str | None = None,
        lts: bool = False,
    ) -> Person:
        """A new person aged ``age`` on ``on``, with demographics for their group.

        ``setting``: COM / RES / NUR for people starting long-term support, else None.
        """
        r = self.rng
        self._next_pid += 1
        pid = self._next_pid
        dob = on - timedelta(days=int((age + r.random()) * 365.25))
        nhs = None if r.random() < 0.035 else self._nhs.next()
        gap = 0.0 if nhs is None or r.random() > 0.25 else r.choice((0.02, 0.05, 0.1))
        older = age >= 65
        ld = psr == "LD"
        female = (0.6 if older else 0.42 if ld else 0.48) if client_type == "SU" else 0.68
        x = r.random()
        sex = "F" if x < female else "M"
        if r.random() < 0.006:
            sex = "U"
        elif r.random() < 0.001:
            sex = "O"
        accommodation = self._accommodation(age, psr, setting, client_type, lts)
        employment = self._employment(age, psr, client_type, lts)
        person = Person(
            pid=pid,
            local_id=f"P{pid + 10_000:08d}",
            nhs=nhs,
            nhs_gap_rate=gap,
            client_type=client_type,
            sex=sex,
            dob=dob,
            ethnicity=pick(r, ETHNICITY_MIX),
            psr=psr,
            psr_on_requests=r.random() < 0.6,
            postcode=Timeline([(date(1900, 1, 1), self.postcode())]),
            accommodation=Timeline([(date(1900, 1, 1), accommodation)]),
            employment=Timeline([(date(1900, 1, 1), employment)]),
            has_carer=self._has_carer(age, psr, setting, client_type),
            asd=None,
            visual=None,
            hearing=None,
            dementia=None,
            funding=Timeline([(date(1900, 1, 1), None)]),
            gp=None if r.random() < 0.05 else r.randrange(len(self.data.gp_practices)),
            is_lts=lts,
        )
        if client_type == "SU":
            self._health_flags(person, age)
        self.data.people.append(person)
        return person

    def _accommodation(  # noqa: PLR0911
        self, age: int, psr: str | None, setting: str | None, client_type: str, lts: bool = False
    ) -> str | None:
        r = self.rng
        if setting == "RES":
            return "CARE_HOME"
        if setting == "NUR":
            return "NURSING_HOME"
        if client_type != "SU":
            return pick(r, {"OWNER": 60, "TENANT_LA": 17, "TENANT_PRIV": 10, "FAMILY": 10, "UNK": 3})
        if psr == "LD" and age < 65:
            return self.ld_accommodation.draw() if lts else pick(r, LD_COMMUNITY_ACCOMMODATION)
        if psr == "MH" and age < 65:
            return pick(
                r,
                {
                    "TENANT_LA": 32,
                    "TENANT_PRIV": 14,
                    "FAMILY": 16,
                    "SUPPORTED": 18,
                    "OWNER": 8,
                    "TEMP_COUNCIL": 3,
                    "ROUGH": 1,
                    "HOSPITAL": 2,
                    "UNK": 6,
                },
            )
        if age >= 65:
            return pick(
                r,
                {"OWNER": 55, "TENANT_LA": 20, "TENANT_PRIV": 6, "FAMILY": 6, "SHELTERED": 8, "HOSPITAL": 1, "UNK": 4},
            )
        return pick(
            r,
            {
                "OWNER": 36,
                "TENANT_LA": 28,
                "TENANT_PRIV": 14,
                "FAMILY": 13,
                "SUPPORTED": 2,
                "TEMP_COUNCIL": 1.5,
                "GUEST": 1,
                "UNK": 4.5,
            },
        )

    def _employment(self, age: int, psr: str | None, client_type: str, lts: bool = False) -> str | None:
        r = self.rng
        if age >= 65:
            return pick(r, {"NOT_SEEKING": 88, "UNK": 7, None: 5})  # type: ignore[dict-item]
        if psr == "LD" and client_type == "SU":
            # old ASCOF 1E: 5.7% in paid work, 29% of them 16+ hours a week
            return self.ld_employment.draw() if lts else pick(r, LD_EMPLOYMENT)
        if client_type != "SU":
            return pick(r, {"PAID_16P": 30, "PAID_LT16": 12, "NOT_SEEKING": 45, "UNK": 8, None: 5})  # type: ignore[dict-item]
        return pick(
            r,
            {"PAID_LT16": 3, "PAID_16P": 4, "SEEKING": 10, "NOT_SEEKING": 55, "VOLUNTARY": 3, "UNK": 15, None: 10},  # type: ignore[dict-item]
        )

    def _has_carer(self, age: int, psr: str | None, setting: str | None, client_type: str) -> str:
        r = self.rng
        if client_type != "SU":
            return "N" if r.random() < 0.9 else "Y"
        if setting in ("RES", "NUR"):
            p = 0.08
        elif psr == "LD":
            p = 0.6
        elif age >= 65:
            p = 0.45
        else:
            p = 0.3
        return "Y" if r.random() < p else "N"

    def _health_flags(self, p: Person, age: int) -> None:
        r = self.rng
        psr = p.psr
        asd_p = 0.3 if psr == "LD" else 0.02
        p.asd = None if r.random() < 0.04 else ("Y" if r.random() < asd_p else pick(r, {"N": 90, "U": 10}))
        dem_p = 0.9 if psr == "MEM" else (0.12 if age >= 75 else 0.02)
        p.dementia = None if r.random() < 0.04 else ("Y" if r.random() < dem_p else pick(r, {"N": 88, "U": 12}))
        if psr in ("SEN_V", "SEN_D"):
            p.visual = pick(r, {"BLIND": 45, "PARTIAL": 50, "SEV_UNK": 5})
        else:
            p.visual = None if r.random() < 0.05 else pick(r, {"NONE": 85, "PARTIAL": 4 if age >= 75 else 1, "UNK": 10})
        if psr in ("SEN_H", "SEN_D"):
            p.hearing = pick(r, {"DEAF_SP": 30, "DEAF_NOSP": 15, "HARD": 50, "SEV_UNK": 5})
        else:
            p.hearing = None if r.random() < 0.05 else pick(r, {"NONE": 82, "HARD": 6 if age >= 75 else 1, "UNK": 10})

    # ---- events -----------------------------------------------------------------------------
    def event(self, person: Person, etype: str, start: date, end: date | None, **kw: object) -> Event:
        """A new event; Event Reference filled on most rows (every service line)."""
        self._next_eid += 1
        ev = Event(self._next_eid, person, etype, start, end, **kw)  # type: ignore[arg-type]
        if ev.end is not None and ev.end_known is None:
            ev.end_known = ev.end + timedelta(days=self.record_lag())
        if etype == "SRV":
            ev.ref = self.next_ref("S")
        elif etype != "KBA" and self.rng.random() < 0.9:
            ev.ref = self.next_ref({"REQ": "Q", "ASM": "A", "REV": "R"}[etype])
        self.data.events.append(ev)
        return ev

    def record_lag(self) -> int:
        """Days between an end date and when it is recorded on the case system."""
        x = self.rng.random()
        if x < 0.75:
            return self.rng.randrange(0, 4)
        if x < 0.97:
            return self.rng.randrange(4, 21)
        return self.rng.randrange(21, 60)

    def choose(self, items: Sequence[K]) -> K:
        return self.rng.choice(items)
