"""Finance ledger (finance_extract.md §1-§3), consistent with the CLD service lines.

One file per LA per financial year, ``finance_<la_code>_<YYYY-YY>.csv`` (a cumulative, whole-year
extract), rows by payment run (roughly in posting-date order), money as text with exactly 2 dp, one date format per file
(ISO or UK day-first). Also ``finance_control_<la_code>_<YYYY-YY>.csv`` (control totals per period)
and, for all LAs, ``finance_expected_mismatches.csv`` (the deliberate reconciliation mismatches).

**What is posted**

- *Provider payments* in arrears for every commissioned service line, per payment cycle (4-weekly from
  1 April, or calendar months, per LA), ``service_ref`` = the line's CLD Event Reference, service
  period = the part of the cycle the line was active, amount = its CLD unit cost x units per week x
  days / 7 to the penny (the price before the fee uplift for days before it), ``quantity`` /
  ``unit_type`` / ``unit_rate`` from the line. Home-care invoices vary by up to ±1% (hours delivered).
- *Direct payments* 4-weekly in advance (carers' direct payments too, mostly one-off).
- *Client contributions* (negative) for joint and full-cost clients, per person per cycle.
- *Year-end accruals* (period 12) for service up to 31 March paid after it, with their reversals in
  period 1 of the next year (``reverses_transaction_id``); the last year's reversals fall outside.
- *Own provision* (in-house day services, reablement team, care management, commissioning, equipment
  store), *grants* to voluntary organisations, *NHS income* (Better Care Fund, pooled cost centre),
  joint-arrangement, other and inter-authority income, *specific grants* (memo), *third-party top-ups*,
  *capital charges* (period 13), a few erroneous duplicate payments with their *reversals* and a few
  over-billed invoices with *credit notes*. Own provision and grants are sized so long-term support is
  about 79% of gross current expenditure and short-term about 3.6% (ST-Max about 2%).
- *Deliberate mismatches* (listed in ``finance_expected_mismatches.csv``): a few payments for packages
  the case data does not have (``payment_without_package``), a few packages never paid
  (``package_without_payment``) and a few paid 25% off their CLD cost (``value_mismatch``).

Cost centres and accounts: ``ledger_model.py``.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

from . import costs
from .config import Window
from .ledger_model import (
    LTS_CENTRES,
    PER_DAY,
    Posting,
    centre_for,
    money,
    month_start,
    period_of,
    weekday,
    weekly_units,
)
from .ledger_writer import LedgerWriter
from .model import Event, LAData

LTS_SHARE_TARGET = 0.79


STMAX_SHARE_TARGET = 0.02


OTHER_ST_SHARE_TARGET = 0.016


NHS_INCOME_SHARE = 0.09


def _half_up(x: Fraction) -> int:
    """Round a non-negative or negative Fraction to an integer, half away from zero."""
    if x >= 0:
        return int((x * 2 + 1) // 2)
    return -int((-x * 2 + 1) // 2)


@dataclass(slots=True)
class PaidLine:
    ev: Event
    centre: str
    account: str
    ttype: str
    a: date  # first paid day
    b: date  # last paid day
    factor: tuple[int, int]  # (numerator, denominator): (1, 1), (0, 1) never paid, or a value-mismatch factor
    upw_num: int = 1  # units per week = upw_num / upw_den
    upw_den: int = 1
    old_price: int = 0  # pence per unit before the uplift date
    new_price: int = 0  # pence per unit from the uplift date

    def __post_init__(self) -> None:
        ev = self.ev
        upw = weekly_units(ev) or Fraction(0)
        self.upw_num, self.upw_den = upw.numerator, upw.denominator
        self.old_price = ev.cost_p or 0
        self.new_price = ev.uplift_p if ev.uplift_p is not None else self.old_price


class LedgerBuilder:
    """Builds and writes one LA's ledger files."""

    def __init__(self, data: LAData, window: Window, rng: random.Random) -> None:
        self.data = data
        self.window = window
        self.rng = rng
        self.la = data.la_code
        self.upl = costs.uplift_date(window.first_year)
        self.monthly = rng.random() < 0.4  # provider payment cycle: calendar months or 4-weekly
        self.run_lag = rng.randrange(10, 19)
        self.mismatches: list[tuple[str, str, str, str]] = []
        self.salt = rng.getrandbits(40)
        self._seq = 0
        self.lines = self._paid_lines()
        self.cycles = self._cycles(self.monthly)
        self.dp_cycles = self._cycles(False)
        self.by_cycle = self._index(self.cycles, dp=False)
        self.by_dp_cycle = self._index(self.dp_cycles, dp=True)
        self.lts_by_cycle = self._index(self.cycles, dp=None)

    def _index(self, cycles: list[tuple[date, date]], dp: bool | None) -> list[list[PaidLine]]:
        """Lines active in each cycle (provider lines, direct payments, or long-term lines of service users)."""
        starts = [cs for cs, _ in cycles]
        out: list[list[PaidLine]] = [[] for _ in cycles]
        for pl in self.lines:
            if dp is None:
                ev = pl.ev
                if (
                    ev.person.client_type != "SU"
                    or ev.stype not in ("LTS_RES", "LTS_NUR", "LTS_COM")
                    or ev.freq == "One-off"
                ):
                    continue
            elif (pl.ttype == "direct_payment") != dp:
                continue
            first = bisect_right(starts, pl.a) - 1
            last = bisect_right(starts, pl.b) - 1
            for i in range(max(first, 0), last + 1):
                out[i].append(pl)
        return out

    # ---- setup -----------------------------------------------------------------------------
    def _paid_lines(self) -> list[PaidLine]:
        w = self.window
        out: list[PaidLine] = []
        for ev in self.data.events:
            if ev.etype != "SRV" or not ev.paid or ev.cost_p is None or ev.deleted is not None:
                continue
            if ev.start > w.end or (ev.end is not None and ev.end < w.start):
                continue
            centre, account, ttype = centre_for(ev)
            a = max(ev.start, w.start)
            b = min(ev.end or w.end, w.end)
            out.append(PaidLine(ev, centre, account, ttype, a, b, (1, 1)))
        self._choose_mismatches(out)
        return out

    def _choose_mismatches(self, lines: list[PaidLine]) -> None:
        r = self.rng
        candidates = [
            pl
            for pl in lines
            if pl.ev.person.client_type == "SU"
            and pl.ev.stype in ("LTS_COM", "LTS_RES", "LTS_NUR")
            and pl.ev.freq not in ("One-off",)
            and (pl.b - pl.a).days >= 120
            and pl.ev.ref
            and not pl.ev.hide_cost
            and (pl.ev.uplift_p or pl.ev.cost_p or 0) * float(weekly_units(pl.ev) or 0) >= 15_000
        ]
        r.shuffle(candidates)
        n = max(3, round(len(lines) * 0.003))
        for pl in candidates[:n]:
            pl.factor = (0, 1)  # never paid
            self.mismatches.append((self.la, pl.ev.ref or "", pl.ev.person.local_id, "package_without_payment"))
        for pl in candidates[n : 2 * n]:
            pl.factor = (3, 4) if r.random() < 0.5 else (5, 4)
            self.mismatches.append((self.la, pl.ev.ref or "", pl.ev.person.local_id, "value_mismatch"))

    def _cycles(self, monthly: bool) -> list[tuple[date, date]]:
        w = self.window
        out = []
        if monthly:
            d = w.start
            while d <= w.end:
                nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
                out.append((d, nxt - timedelta(days=1)))
                d = nxt
        else:
            d = w.start
            while d <= w.end:
                out.append((d, d + timedelta(days=27)))
                d += timedelta(days=28)
        return out

    def _next_id(self, fy: str) -> str:
        self._seq += 1
        return f"{fy[2:4]}{fy[5:7]}-{self._seq:07d}"

    # ---- amounts ---------------------------------------------------------------------------
    def line_amount(self, pl: PaidLine, s: date, e: date) -> int:
        """Pence for days s..e of a line: CLD cost x units/week x days/7, old price before the uplift.

        Integer arithmetic, rounded half up once (exact to the penny).
        """
        if pl.ev.freq == "One-off":
            return pl.old_price
        num = 0
        if pl.new_price != pl.old_price and s < self.upl:
            old_end = min(e, self.upl - timedelta(days=1))
            num += pl.old_price * ((old_end - s).days + 1)
            s = self.upl
        if s <= e:
            num += pl.new_price * ((e - s).days + 1)
        fn, fd = pl.factor
        n = num * pl.upw_num * fn
        d = pl.upw_den * 7 * fd
        return (2 * n + d) // (2 * d)

    def full_amount(self, pl: PaidLine, s: date, e: date) -> int:
        """As :meth:`line_amount` but at the line's CLD cost even for a value-mismatch line."""
        if pl.factor == (1, 1):
            return self.line_amount(pl, s, e)
        f = pl.factor
        pl.factor = (1, 1)
        try:
            return self.line_amount(pl, s, e)
        finally:
            pl.factor = f

    def _quantity(self, pl: PaidLine, s: date, e: date) -> tuple[str, str, str]:
        ev = pl.ev
        days = (e - s).days + 1
        price = pl.new_price if e >= self.upl else pl.old_price  # the rate in force at the period end
        if ev.freq == "One-off":
            return "1.00", "One-off", money(price)
        per_day = PER_DAY.get(ev.freq or "")
        if per_day is not None:
            n, d = per_day[0] * days * 100, per_day[1]
        else:
            n, d = (ev.units_h or 0) * days, 7
        return money((2 * n + d) // (2 * d)), ev.freq or "", money(price)

    # ---- one payment cycle -------------------------------------------------------------------
    def cycle_postings(self, ci: int, cycle: tuple[date, date], dp: bool) -> Iterator[Posting]:
        """Payments for one cycle: provider schedules in arrears, or direct payments in advance.

        Every random choice here is a hash of (line, cycle), so regenerating a cycle for the next
        financial year gives exactly the same postings (needed for accruals and their reversals).
        """
        cs, ce = cycle
        salt = self.salt
        when = (cs + timedelta(days=int(_u(salt, ci, 1) * 3))) if dp else (ce + timedelta(days=self.run_lag))
        when = weekday(when)
        desc = "Direct payment" if dp else f"Schedule payment {cs.day:02d}/{cs.month:02d}/{cs.year}"
        for pl in (self.by_dp_cycle if dp else self.by_cycle)[ci]:
            if pl.factor[0] == 0:
                continue
            ev = pl.ev
            if ev.freq == "One-off":
                if not (cs <= ev.start <= ce):
                    continue
                s = e = ev.start
                post = when if dp else weekday(ev.start + timedelta(days=3 + int(_u(salt, ev.eid, 2) * 27)))
            else:
                s, e = max(cs, pl.a), min(ce, pl.b)
                if s > e:
                    continue
                post = when
            amount = self.line_amount(pl, s, e)
            if ev.freq == "Hourly" and pl.centre == "HC01" and _u(salt, ev.eid, ci, 3) < 0.3:
                amount = round(amount * (0.99 + 0.02 * _u(salt, ev.eid, ci, 4)))
            if amount == 0:
                continue
            q, ut, rate = self._quantity(pl, s, e)
            prov = ev.provider
            yield Posting(
                post,
                period_of(post),
                pl.centre,
                pl.account,
                pl.ttype,
                amount,
                description=desc,
                local_id=ev.person.local_id,
                nhs=ev.person.nhs,
                service_ref=ev.ref,
                sp_start=s,
                sp_end=e,
                provider=(prov.provider_id, prov.name, prov.cqc_location_id) if prov else None,
                quantity=q,
                unit_type=ut,
                unit_rate=rate,
            )

    def contributions(self, ci: int, cycle: tuple[date, date]) -> Iterator[Posting]:
        """Client contributions for joint and full-cost clients, per person per cycle (in arrears)."""
        cs, ce = cycle
        post = weekday(ce + timedelta(days=self.run_lag + 3))
        per_person: dict[int, list[PaidLine]] = {}
        for pl in self.lts_by_cycle[ci]:
            per_person.setdefault(pl.ev.person.pid, []).append(pl)
        for pls in per_person.values():
            p = pls[0].ev.person
            status = p.funding.at(cs)
            if status not in ("JOINT", "FULL_COST"):
                continue
            res = any(pl.ev.stype in ("LTS_RES", "LTS_NUR") for pl in pls)
            cost = sum(self.full_amount(pl, max(cs, pl.a), min(ce, pl.b)) for pl in pls)
            if status == "FULL_COST":
                amount = cost
            else:
                share = 0.22 + (p.pid % 7) * 0.02 if res else 0.12 + (p.pid % 9) * 0.03
                amount = round(cost * share)
            if amount <= 0:
                continue
            centre = next((pl.centre for pl in pls if pl.ev.stype in ("LTS_RES", "LTS_NUR")), pls[0].centre)
            yield Posting(
                post,
                period_of(post),
                centre,
                "9100" if res else "9110",
                "client_contribution",
                -amount,
                description="Client contribution",
                local_id=p.local_id,
                nhs=p.nhs,
                sp_start=max(cs, min(pl.a for pl in pls)),
                sp_end=min(ce, max(pl.b for pl in pls)),
            )

    # ---- totals for sizing the general-ledger lines ---------------------------------------------
    def line_totals(self) -> dict[str, dict[str, int]]:
        """Pence per financial year per cost centre from line payments (by service period)."""
        out: dict[str, dict[str, int]] = {fy: {} for fy, _, _ in self.window.financial_years()}
        for fy, fs, fe in self.window.financial_years():
            acc = out[fy]
            for pl in self.lines:
                if pl.factor[0] == 0:
                    continue
                if pl.ev.freq == "One-off":
                    if fs <= pl.ev.start <= fe:
                        acc[pl.centre] = acc.get(pl.centre, 0) + (pl.ev.cost_p or 0)
                    continue
                s, e = max(fs, pl.a), min(fe, pl.b)
                if s <= e:
                    acc[pl.centre] = acc.get(pl.centre, 0) + self.line_amount(pl, s, e)
        return out

    def gl_postings(self, fy: str, fs: date, fe: date, totals: dict[str, int]) -> list[Posting]:
        """Own provision, grants, income, memo and capital lines for one year, sized to the spend shape."""
        r = self.rng
        lts_lines = sum(v for k, v in totals.items() if k in LTS_CENTRES)
        day02 = int(lts_lines * 0.025)
        inter_la = int(lts_lines * 0.002)
        lts = lts_lines + day02 - inter_la
        gce = lts / LTS_SHARE_TARGET
        stm_top = max(0, int(gce * STMAX_SHARE_TARGET) - totals.get("STM01", 0))
        sto_top = max(0, int(gce * OTHER_ST_SHARE_TARGET) - totals.get("STO01", 0))
        st = totals.get("STM01", 0) + totals.get("STO01", 0) + stm_top + sto_top
        nhs = int(gce * NHS_INCOME_SHARE)
        joint = int(gce * 0.005)
        other_inc = int(gce * 0.005)
        other_net = gce - lts - st
        other_gross = other_net + nhs + joint + other_inc
        remainder = max(0, int(other_gross - totals.get("CAR01", 0) - totals.get("EQ01", 0)))
        plan: list[tuple[str, str, str, int, str, str]] = [
            # (centre, account, type, annual pence, description, source)
            ("DAY02", "5400", "own_provision", int(day02 * 0.7), "In-house day services staffing", "Oracle"),
            ("DAY02", "5410", "own_provision", int(day02 * 0.2), "Day centre premises", "Oracle"),
            (
                "DAY02",
                "5420",
                "own_provision",
                day02 - int(day02 * 0.7) - int(day02 * 0.2),
                "Day centre transport",
                "Oracle",
            ),
            ("STM01", "5400", "own_provision", stm_top, "In-house reablement team", "Oracle"),
            ("STO01", "5160", "provider_payment", sto_top, "Block-booked short-term beds", "Oracle"),
            (
                "MGT01",
                "5400",
                "own_provision",
                int(remainder * 0.52),
                "Social work and care management staffing",
                "Oracle",
            ),
            (
                "MGT01",
                "5430",
                "own_provision",
                int(remainder * 0.05),
                "Care management supplies and services",
                "Oracle",
            ),
            ("COM01", "5400", "own_provision", int(remainder * 0.12), "Commissioning team", "Oracle"),
            ("PRV01", "5300", "grant_paid", int(remainder * 0.13), "Grant to voluntary organisation", "Oracle"),
            ("CAR01", "5300", "grant_paid", int(remainder * 0.06), "Carers centre grant", "Oracle"),
            ("EQ01", "5430", "own_provision", int(remainder * 0.12), "Community equipment store", "Oracle"),
            ("BCF01", "9200", "nhs_income", -nhs, "Better Care Fund contribution", "Oracle"),
            ("PRV01", "9210", "joint_arrangement_income", -joint, "District council contribution", "Oracle"),
            ("MGT01", "9300", "other_income", -other_inc, "Other service income", "Oracle"),
            ("RES01", "9400", "inter_authority_income", -inter_la, "Placements for other councils", "Oracle"),
            (
                "GRT01",
                "9500",
                "grant_received",
                -int(gce * 0.06),
                "Market Sustainability and Improvement Fund",
                "Oracle",
            ),
        ]
        out: list[Posting] = []
        for centre, account, ttype, annual, desc, src in plan:
            if annual == 0:
                continue
            quarterly = ttype in ("grant_paid", "joint_arrangement_income", "inter_authority_income", "grant_received")
            months = [month_start(fs, i) for i in (range(0, 12, 3) if quarterly else range(12))]
            share = _split(annual, len(months), r)
            for m, amt in zip(months, share, strict=True):
                post = weekday(m + timedelta(days=r.randrange(8, 24)))
                vat = round(amt * 0.2) if (account == "5430" and amt > 0 and r.random() < 0.5) else None
                out.append(
                    Posting(post, period_of(post), centre, account, ttype, amt, description=desc, source=src, vat_p=vat)
                )
        # capital charges, a year-end adjustment (period 13)
        out.append(
            Posting(
                fe,
                13,
                "CAP01",
                "5800",
                "capital_charge",
                int(gce * 0.012),
                description="Depreciation and capital charges",
                source="Oracle",
            )
        )
        out.append(
            Posting(
                fe,
                13,
                "MGT01",
                "5430",
                "own_provision",
                int(gce * 0.0004),
                description="Year-end audit adjustment",
                source="Oracle",
            )
        )
        return out

    # ---- writing -----------------------------------------------------------------------------
    def write(self, out_dir: Path, iso_dates: list[bool]) -> list[Path]:
        """Write one ledger file (and control file) per financial year; returns their paths.

        Rows are written payment run by payment run (so memory stays flat), with general-ledger
        lines and later-dated adjustments slotted in by date.
        """
        w = self.window
        totals = self.line_totals()
        paths: list[Path] = []
        carry: list[Posting] = []  # adjustments dated in a later year
        fake = self._fake_payments()
        top_ups = self._top_up_people()
        runs = sorted(
            [(weekday(ce + timedelta(days=self.run_lag)), 0, i) for i, (cs, ce) in enumerate(self.cycles)]
            + [(cs, 1, i) for i, (cs, ce) in enumerate(self.dp_cycles)]
        )
        for (fy, fs, fe), iso in zip(w.financial_years(), iso_dates, strict=True):
            fin_path = out_dir / f"finance_{self.la}_{fy}.csv"
            ctl_path = out_dir / f"finance_control_{self.la}_{fy}.csv"
            writer = LedgerWriter(fin_path, self.la, fy, iso, self.rng)
            pending = [p for p in carry if p.posting_date <= fe]
            carry = [p for p in carry if p.posting_date > fe]
            pending += self.gl_postings(fy, fs, fe, totals[fy]) + [p for p in fake if fs <= p.posting_date <= fe]
            pending.sort(key=lambda p: (p.posting_date, p.period))
            late: list[Posting] = []
            for run_date, kind, i in runs:
                cs, ce = (self.cycles if kind == 0 else self.dp_cycles)[i]
                if ce < fs - timedelta(days=70) or cs > fe:
                    continue
                pending = writer.flush_until(pending, run_date)
                batch = list(self.cycle_postings(i, (cs, ce), kind == 1))
                if kind == 0:
                    batch += self.contributions(i, (cs, ce))
                    post = weekday(ce + timedelta(days=self.run_lag))
                    for local_id, weekly_p in top_ups:
                        amt = weekly_p * ((ce - cs).days + 1) // 7
                        batch.append(
                            Posting(
                                post,
                                period_of(post),
                                "RES01",
                                "5105",
                                "third_party_top_up",
                                amt,
                                description="Third-party top-up",
                                local_id=local_id,
                                sp_start=cs,
                                sp_end=ce,
                            )
                        )
                for p in batch:
                    if fs <= p.posting_date <= fe:
                        writer.write(p, self._next_id(fy))
                        for adj in self._mistakes(p, fy):
                            if adj.posting_date <= fe:
                                pending.append(adj)
                                pending.sort(key=lambda q: (q.posting_date, q.period))
                            else:
                                carry.append(adj)
                    elif (
                        p.posting_date > fe
                        and p.sp_start is not None
                        and p.sp_start <= fe
                        and p.ttype not in {"client_contribution", "third_party_top_up"}
                    ):
                        late.append(p)
            pending = writer.flush_until(pending, fe)
            # year-end accruals (period 12) for service up to the year end paid after it
            for p in late:
                days_total = (p.sp_end - p.sp_start).days + 1  # type: ignore[operator]
                days_in = (min(p.sp_end, fe) - p.sp_start).days + 1  # type: ignore[operator,type-var]
                amt = _half_up(Fraction(p.amount_p * days_in, days_total))
                acc = Posting(
                    fe,
                    12,
                    p.centre,
                    p.account,
                    "accrual",
                    amt,
                    description="Year-end accrual",
                    local_id=p.local_id,
                    nhs=p.nhs,
                    service_ref=p.service_ref,
                    sp_start=p.sp_start,
                    sp_end=min(p.sp_end, fe),
                    provider=p.provider,
                    underlying=p.ttype,
                )  # type: ignore[type-var]
                acc_id = self._next_id(fy)
                writer.write(acc, acc_id)
                carry.append(
                    Posting(
                        fe + timedelta(days=1),
                        1,
                        p.centre,
                        p.account,
                        "accrual_reversal",
                        -amt,
                        description="Reversal of year-end accrual",
                        local_id=p.local_id,
                        nhs=p.nhs,
                        service_ref=p.service_ref,
                        sp_start=acc.sp_start,
                        sp_end=acc.sp_end,
                        provider=p.provider,
                        underlying=p.ttype,
                        reverses=acc_id,
                    )
                )
            writer.flush_until(pending, date.max)  # period-13 lines dated at the year end
            writer.close(ctl_path)
            paths += [fin_path, ctl_path]
        return paths

    def _mistakes(self, p: Posting, fy: str) -> list[Posting]:
        """A few duplicate payments (reversed later) and over-billed invoices (credit note later)."""
        r = self.rng
        if p.ttype != "provider_payment" or p.service_ref is None or p.local_id is None:
            return []
        if p.posting_date > self.window.end - timedelta(days=45):
            return []
        x = r.random()
        if x < 0.003:
            dup = replace(p, description=p.description + " (duplicate)", txn_id=self._next_id(fy))
            rev_date = weekday(p.posting_date + timedelta(days=r.randrange(7, 31)))
            rev = replace(
                p,
                posting_date=rev_date,
                period=period_of(rev_date),
                ttype="reversal",
                underlying="provider_payment",
                amount_p=-p.amount_p,
                reverses=dup.txn_id,
                description="Reversal of duplicate payment",
                txn_id=None,
            )
            dup.posting_date = p.posting_date
            return [dup, rev]
        if x < 0.005:
            # the invoice was over-billed; a credit note follows (the net is the right amount)
            extra = r.randrange(2_000, 20_000)
            cn_date = weekday(p.posting_date + timedelta(days=r.randrange(10, 35)))
            over = replace(
                p,
                amount_p=extra,
                description=p.description + " (additional hours invoiced)",
                txn_id=self._next_id(fy),
                quantity=None,
                unit_type=None,
                unit_rate=None,
            )
            cn = replace(
                p,
                posting_date=cn_date,
                period=period_of(cn_date),
                ttype="credit_note",
                underlying="provider_payment",
                amount_p=-extra,
                reverses=over.txn_id,
                description="Credit note: hours not delivered",
                txn_id=None,
                quantity=None,
                unit_type=None,
                unit_rate=None,
            )
            return [over, cn]
        return []

    def _fake_payments(self) -> list[Posting]:
        """Payments for packages the case data does not have (deliberate mismatches)."""
        r = self.rng
        w = self.window
        n = max(3, round(len(self.lines) * 0.0015))
        out: list[Posting] = []
        homecare = [p for p in self.data.providers if p.kind == "home_care"]
        for i in range(n):
            ref = f"PKG{9_000_000 + i:07d}"
            local = f"P9{r.randrange(10**7):07d}"
            prov = r.choice(homecare)
            start = w.start + timedelta(days=r.randrange(30, (w.end - w.start).days - 120))
            for k in range(r.randrange(1, 4)):
                cs = start + timedelta(days=28 * k)
                ce = cs + timedelta(days=27)
                post = weekday(ce + timedelta(days=self.run_lag))
                out.append(
                    Posting(
                        post,
                        period_of(post),
                        "HC01",
                        "5110",
                        "provider_payment",
                        r.randrange(30_000, 150_000),
                        description=f"Schedule payment {cs.strftime('%d/%m/%Y')}",
                        local_id=local,
                        service_ref=ref,
                        sp_start=cs,
                        sp_end=ce,
                        provider=(prov.provider_id, prov.name, prov.cqc_location_id),
                    )
                )
            self.mismatches.append((self.la, ref, local, "payment_without_package"))
        return out

    def _top_up_people(self) -> list[tuple[str, int]]:
        r = self.rng
        seen: dict[int, str] = {}
        for pl in self.lines:
            if pl.ev.stype == "LTS_RES" and pl.ev.person.client_type == "SU" and pl.ev.end is None:
                seen.setdefault(pl.ev.person.pid, pl.ev.person.local_id)
        return [(lid, r.randrange(3_000, 20_000)) for lid in seen.values() if r.random() < 0.05]


_MASK = (1 << 64) - 1


def _u(*keys: int) -> float:
    """A deterministic pseudo-random number in [0, 1) from integer keys (splitmix-style mixing)."""
    x = 0x9E3779B97F4A7C15
    for k in keys:
        x = ((x ^ (k & _MASK)) * 0xBF58476D1CE4E5B9) & _MASK
        x ^= x >> 31
        x = (x * 0x94D049BB133111EB) & _MASK
        x ^= x >> 29
    return (x >> 11) / float(1 << 53)


def _split(total: int, n: int, rng: random.Random) -> list[int]:
    """``total`` pence in ``n`` roughly equal parts that add up exactly."""
    weights = [rng.uniform(0.9, 1.1) for _ in range(n)]
    s = sum(weights)
    parts = [int(total * wgt / s) for wgt in weights]
    parts[-1] += total - sum(parts)
    return parts
