"""Writing ledger files: rows as CSV text (money 2 dp, one date format per file) and control totals."""

from __future__ import annotations

import csv
import random
from datetime import date
from pathlib import Path

from .ledger_model import (
    CONTROL_COLUMNS,
    FINANCE_COLUMNS,
    MISMATCH_COLUMNS,
    QUOTED,
    Posting,
    money,
    quote,
)


class LedgerWriter:
    """Writes ledger rows and accumulates the control totals per period."""

    def __init__(self, path: Path, la: str, fy: str, iso: bool, rng: random.Random) -> None:
        self.la, self.fy, self.iso, self.rng = la, fy, iso, rng
        self._fh = path.open("w", encoding="utf-8", newline="")
        self._w = csv.writer(self._fh, lineterminator="\r\n")
        self._w.writerow(FINANCE_COLUMNS)
        self.per_period: dict[int, list[int]] = {}
        self._seq = 0
        self._dates: dict[date, str] = {}

    def _d(self, x: date | None) -> str:
        if x is None:
            return ""
        s = self._dates.get(x)
        if s is None:
            s = x.isoformat() if self.iso else f"{x.day:02d}/{x.month:02d}/{x.year}"
            self._dates[x] = s
        return s

    def write(self, p: Posting, new_id: str) -> None:
        if p.txn_id is None:
            p.txn_id = new_id
        nhs_no = p.nhs if (p.nhs and self.rng.random() < 0.7) else ""
        prov = p.provider
        vat = money(p.vat_p) if p.vat_p is not None else ("0.00" if p.source == "ContrOCC" else "")
        self._fh.write(
            ",".join(
                (
                    p.txn_id,
                    self.la,
                    self._d(p.posting_date),
                    self.fy,
                    str(p.period),
                    p.centre,
                    QUOTED[p.centre],
                    p.account,
                    QUOTED[p.account],
                    quote(p.description),
                    p.local_id or "",
                    nhs_no,
                    p.service_ref or "",
                    self._d(p.sp_start),
                    self._d(p.sp_end),
                    prov[0] if prov else "",
                    quote(prov[1]) if prov else "",
                    (prov[2] or "") if prov else "",
                    p.ttype,
                    p.underlying or "",
                    p.reverses or "",
                    p.quantity or "",
                    p.unit_type or "",
                    p.unit_rate or "",
                    money(p.amount_p),
                    vat,
                    p.source,
                )
            )
            + "\r\n"
        )
        acc = self.per_period.setdefault(p.period, [0, 0])
        acc[0] += 1
        acc[1] += p.amount_p

    def flush_until(self, pending: list[Posting], until: date) -> list[Posting]:
        """Write pending postings dated on/before ``until`` (ids assigned as written)."""
        keep = []
        for p in pending:
            if p.posting_date <= until:
                self._seq += 1
                self.write(p, p.txn_id or f"{self.fy[2:4]}{self.fy[5:7]}-G{self._seq:06d}")
            else:
                keep.append(p)
        return keep

    def close(self, ctl_path: Path) -> None:
        self._fh.close()
        with ctl_path.open("w", encoding="utf-8", newline="") as fh:
            wr = csv.writer(fh, lineterminator="\r\n")
            wr.writerow(CONTROL_COLUMNS)
            for period in sorted(self.per_period):
                n, total = self.per_period[period]
                wr.writerow((self.la, self.fy, period, n, money(total)))


def write_mismatches(path: Path, rows: list[tuple[str, str, str, str]], append: bool) -> None:
    new = not append or not path.exists()
    with path.open("a" if append else "w", encoding="utf-8", newline="") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        if new:
            wr.writerow(MISMATCH_COLUMNS)
        wr.writerows(rows)
