"""CLD event files: the quarterly schedule, what each file holds, and how it is written.

**Schedule.** At every quarter end of the window an LA sends a rolling 12-month file (from 1 April of
the first year while less than 12 months exist), extracted 8-20 days after the quarter end and
received 5-7 weeks after it: ``cld_<la_code>_<received YYYY-MM-DD>.csv``. The latest quarter is also
resubmitted (same period, extracted and received later, a few corrections): the newer file must win.

**Content** (cld_extract.md §1): Requests, Assessments and Reviews *completed* in the period and
recorded by the extract date; Services *active* at any time in it, with a blank end date while the
end is unknown (or after the period end). Each file is a view of the model "as known" at its extract
date (``model.py``), so an event completed in quarter q appears in the files of q..q+3, services that
ended are shown open until their end is recorded, outcomes are corrected, records disappear, deaths
appear, fee uplifts overwrite unit costs.

**Format.** Release 1 headers and values by default; Release 2 with DHSC-style underscore headers.
A file uses one date format (ISO or UK day-first). Realistic untidiness even without faults: trailing
spaces and case drift on code values, the text ``NULL`` for some blanks, a UTF-8 BOM on some files,
one file in Windows-1252 (with a non-ASCII character), one file with a different column order and, at
demo scale, the earliest quarterly file as XLSX with real date cells.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

from orchestration.defs.ingest.contract import CLD_COLUMNS

from . import codes
from .codes import code_text
from .config import Window
from .model import Event, LAData, Person
from .xlsx import write_xlsx

CANONICAL: tuple[str, ...] = tuple(c.name for c in CLD_COLUMNS)
IDX: dict[str, int] = {n: i for i, n in enumerate(CANONICAL)}
R1_HEADER: dict[str, str] = {c.name: c.header for c in CLD_COLUMNS}
DATE_COLUMNS = frozenset(c.name for c in CLD_COLUMNS if c.kind == "date")
CODED_COLUMNS = frozenset(codes.FIELD_TABLES)
# Columns whose values may need CSV quoting (a comma or quote in a code value, or free text). All other
# columns hold ids, dates, numbers or codes without commas, so rows are joined without the csv module.
QUOTABLE_COLUMNS = frozenset(
    {"event_description", "provider_cqc_location_name", "gp_practice_name", "postcode", "event_reference"}
    | {f for f, t in codes.FIELD_TABLES.items() if any("," in v or '"' in v for pair in t.values() for v in pair)}
)
# RowBuilder.row copies the person block by position
assert CANONICAL[4:21] == (
    "la_person_unique_identifier",
    "gp_practice_name",
    "gp_practice_code",
    "gender",
    "ethnicity",
    "date_of_birth",
    "date_of_death",
    "client_type",
    "primary_support_reason",
    "postcode",
    "accommodation_status",
    "employment_status",
    "has_unpaid_carer",
    "autism_spectrum_disorder_asd",
    "visual_impairment",
    "hearing_impairment",
    "dementia",
), "CLD_COLUMNS order changed: update RowBuilder.row"
_I_EVENT_TYPE, _I_FUNDING, _I_OUTCOME = IDX["event_type"], IDX["client_funding_status"], IDX["event_outcome"]
_I_ROUTE, _I_ASM_TYPE, _I_ELIGIBLE = (
    IDX["request_route_of_access"],
    IDX["assessment_type"],
    IDX["eligible_needs_identified"],
)
_I_ASM_METHOD, _I_CARER_INV = IDX["method_of_assessment"], IDX["informal_carer_involved_in_assessment"]
_I_STYPE, _I_COMP, _I_MECH = IDX["service_type"], IDX["service_component"], IDX["delivery_mechanism"]
_I_REASON, _I_ACHIEVED, _I_RMETHOD = IDX["review_reason"], IDX["review_outcomes_achieved"], IDX["method_of_review"]
_I_REF, _I_START, _I_END, _I_DESC = (
    IDX["event_reference"],
    IDX["event_start_date"],
    IDX["event_end_date"],
    IDX["event_description"],
)


@dataclass
class CldFile:
    """One CLD file to write."""

    la_code: str
    quarter_end: date
    period_start: date  # first day of data
    period_end: date  # last day of data
    stated_start: date  # the "Reporting Period" columns (often wider than the data)
    stated_end: date
    known: date  # extract date: the model as known on this day
    received: date
    release: int
    date_format: str  # iso | uk
    container: str = "csv"  # csv | xlsx
    encoding: str = "utf-8"  # utf-8 | utf-8-sig | cp1252
    null_rate: float = 0.0  # share of blank optional cells written as NULL
    untidy_rate: float = 0.004  # share of code cells with trailing spaces / case drift
    columns: tuple[str, ...] = CANONICAL
    resubmission: bool = False
    suffix: str = ""  # e.g. "_resend" for the missing-column fault file
    truncate_last: bool = False  # the malformed-row fault

    @property
    def name(self) -> str:
        ext = "xlsx" if self.container == "xlsx" else "csv"
        return f"cld_{self.la_code}_{self.received.isoformat()}{self.suffix}.{ext}"

    def header(self) -> list[str]:
        if self.release == 1:
            return [R1_HEADER[c] for c in self.columns]
        return [codes.r2_header(c) for c in self.columns]


def plan_files(
    la_code: str, window: Window, release: str, xlsx_first: bool, rng: random.Random, cp1252: bool = True
) -> list[CldFile]:
    """The LA's quarterly files plus a corrected resubmission of the latest quarter."""
    files: list[CldFile] = []
    first_fy_end = date(window.first_year + 1, 3, 31)
    for qe in window.quarter_ends():
        start = max(window.start, _year_before(qe) + timedelta(days=1))
        rel = 1 if release == "1" else 2 if release == "2" else (1 if qe <= first_fy_end else 2)
        stated_start = start
        if start == window.start and rng.random() < 0.5:
            stated_start = _year_before(qe) + timedelta(days=1)  # stated period wider than the data
        f = CldFile(
            la_code=la_code,
            quarter_end=qe,
            period_start=start,
            period_end=qe,
            stated_start=stated_start,
            stated_end=qe,
            known=qe + timedelta(days=rng.randrange(8, 21)),
            received=qe + timedelta(days=rng.randrange(35, 50)),
            release=rel,
            date_format="iso" if rng.random() < 0.5 else "uk",
            encoding="utf-8-sig" if rng.random() < 0.35 else "utf-8",
            null_rate=0.25 if rng.random() < 0.3 else 0.0,
        )
        files.append(f)
    # both date formats appear; at least one file has a BOM and one writes NULL for blanks
    if len({f.date_format for f in files}) == 1 and len(files) > 1:
        files[1].date_format = "uk" if files[0].date_format == "iso" else "iso"
    if len(files) > 3:
        if not any(f.encoding == "utf-8-sig" for f in files[1:]):
            files[3].encoding = "utf-8-sig"
        if not any(f.null_rate for f in files[1:]):
            files[-1].null_rate = 0.25
    last = files[-1]
    resub_known = last.received + timedelta(days=rng.randrange(7, 15))
    files.append(
        replace(
            last,
            known=resub_known,
            received=resub_known + timedelta(days=rng.randrange(4, 11)),
            resubmission=True,
            encoding="utf-8",
        )
    )
    if xlsx_first:
        files[0].container = "xlsx"
    if cp1252 and len(files) > 2:
        files[2].encoding = "cp1252"
    if len(files) > 4:
        cols = list(CANONICAL)
        # one council's export puts the event columns first (columns are matched by name)
        moved = [c for c in cols if c.startswith("event_")]
        files[4].columns = tuple(moved + [c for c in cols if c not in moved])
    return files


def _year_before(quarter_end: date) -> date:
    """The day before the 12 months ending on ``quarter_end`` (a month end that exists every year)."""
    return quarter_end.replace(year=quarter_end.year - 1)


# ---- what a file shows ---------------------------------------------------------------------------


def shown_end(ev: Event, f: CldFile) -> tuple[bool, date | None]:  # noqa: PLR0911
    """(in file?, end date shown) for ``ev`` in file ``f``."""
    if ev.deleted is not None and ev.deleted <= f.known:
        return False, None
    if ev.start > f.period_end:
        return False, None
    if ev.etype == "SRV":
        end = (
            ev.end if (ev.end is not None and ev.end <= f.period_end and (ev.end_known or ev.end) <= f.known) else None
        )
        if end is not None and end < f.period_start:
            return False, None
        return True, end
    if ev.etype == "KBA":
        line = ev.linked_line
        if line is None:
            return False, None
        ok, _ = shown_end(line, f)
        return ok, None
    if ev.end is None or not (f.period_start <= ev.end <= f.period_end):
        return False, None
    if (ev.end_known or ev.end) > f.known:
        return False, None
    return True, ev.end


def shown_outcome(ev: Event, f: CldFile, end: date | None) -> str | None:
    if ev.etype == "SRV" and end is None:
        return ev.open_outcome
    if ev.old_outcome is not None and ev.outcome_fixed is not None and f.known < ev.outcome_fixed:
        return ev.old_outcome
    return ev.outcome


def shown_cost(ev: Event, f: CldFile, uplift_day: date) -> int | None:
    if ev.cost_p is None:
        return None
    if ev.uplift_p is not None and f.known >= uplift_day:
        return ev.uplift_p
    return ev.cost_p


# ---- typed rows ------------------------------------------------------------------------------


@dataclass
class RowMeta:
    """What the fault injector needs to know about a row beyond its text."""

    etype: str
    start: date
    end: date | None
    dob: date
    dod: date | None
    typed_dates: dict[str, date] = field(default_factory=dict)


class RowBuilder:
    """Builds typed rows (dates as ``date``) for one file, caching each person's columns."""

    def __init__(
        self,
        data: LAData,
        f: CldFile,
        uplift_day: date,
        rng: random.Random,
        fmt: Callable[[date], object] | None = None,
    ) -> None:
        self.fmt: Callable[[date], object] = fmt or (lambda d: d)
        self.data = data
        self.f = f
        self.rel = f.release
        self.uplift_day = uplift_day
        self.rng = rng
        self._people: dict[int, list[object]] = {}
        self._dods: dict[int, date | None] = {}
        self.t_event = self._tx(codes.EVENT_TYPE)
        self.t_outcome = self._tx(codes.OUTCOME)
        self.t_route = self._tx(codes.ROUTE)
        self.t_asm = self._tx(codes.ASSESSMENT_TYPE)
        self.t_yes = self._tx(codes.YES_NO)
        self.t_method = self._tx(codes.METHOD_OF_ASSESSMENT)
        self.t_stype = self._tx(codes.SERVICE_TYPE)
        self.t_comp = self._tx(codes.COMPONENT)
        self.t_mech = self._tx(codes.MECHANISM)
        self.t_reason = self._tx(codes.REVIEW_REASON)
        self.t_achieved = self._tx(codes.REVIEW_OUTCOMES_ACHIEVED)
        self.t_rmethod = self._tx(codes.METHOD_OF_REVIEW)
        self.t_funding = self._tx(codes.FUNDING)
        self.t_gender = self._tx(codes.GENDER)
        self.t_eth = self._tx(codes.ETHNICITY)
        self.t_client = self._tx(codes.CLIENT_TYPE)
        self.t_psr = self._tx(codes.PSR)
        self.t_accom = self._tx(codes.ACCOMMODATION)
        self.t_emp = self._tx(codes.EMPLOYMENT)
        self.t_ynu = self._tx(codes.YES_NO_UNKNOWN)
        self.t_vis = self._tx(codes.VISUAL)
        self.t_hear = self._tx(codes.HEARING)
        self.t_hours = self._tx(codes.HOURS_CARING)

    def _tx(self, table: codes.CodeTable) -> dict[str | None, str | None]:
        out: dict[str | None, str | None] = {k: code_text(table, k, self.rel) for k in table}
        out[None] = None
        return out

    def _person_cols(self, p: Person) -> list[object]:
        cached = self._people.get(p.pid)
        if cached is not None:
            return cached
        f = self.f
        as_of = f.period_end
        gp = self.data.gp_practices[p.gp] if p.gp is not None else None
        dod = p.dod if (p.dod is not None and p.dod <= f.period_end and (p.dod_known or p.dod) <= f.known) else None
        su = p.client_type == "SU"
        self._dods[p.pid] = dod
        cols: list[object] = [
            p.nhs,  # 0
            p.local_id,
            gp[1] if gp else None,
            gp[0] if gp else None,
            self.t_gender[p.sex],
            self.t_eth[p.ethnicity],  # 5
            self.fmt(p.dob),
            None if dod is None else self.fmt(dod),
            self.t_client[p.client_type],
            self.t_psr[p.psr],
            p.postcode.at(as_of),  # 10
            self.t_accom[p.accommodation.at(as_of)],
            self.t_emp[p.employment.at(as_of)],
            self.t_yes[p.has_carer],
            self.t_ynu[p.asd] if su else None,
            self.t_vis[p.visual] if su else None,  # 15
            self.t_hear[p.hearing] if su else None,
            self.t_ynu[p.dementia] if su else None,
            p.funding.at(as_of) if su else None,  # key; resolved per row
            self.t_hours[p.carer_hours] if not su else None,
            str(p.carer_adults) if (not su and p.carer_adults) else None,  # 20
            p.linked[0] if len(p.linked) > 0 else None,
            p.linked[1] if len(p.linked) > 1 else None,
            p.linked[2] if len(p.linked) > 2 else None,
        ]
        self._people[p.pid] = cols
        return cols

    def row(self, ev: Event, end: date | None) -> tuple[list[object], RowMeta]:
        f = self.f
        p = ev.person
        pc = self._person_cols(p)
        row: list[object] = [None] * len(CANONICAL)
        row[0] = f.la_code
        row[1] = self.fmt(f.stated_start)
        row[2] = self.fmt(f.stated_end)
        nhs = pc[0]
        if nhs is not None and p.nhs_gap_rate and self.rng.random() < p.nhs_gap_rate:
            nhs = None
        row[3] = nhs
        row[4:24] = [
            pc[1],
            pc[2],
            pc[3],
            pc[4],
            pc[5],
            pc[6],
            pc[7],
            pc[8],
            pc[9],
            pc[10],
            pc[11],
            pc[12],
            pc[13],
            pc[14],
            pc[15],
            pc[16],
            pc[17],
            None,
            None,
            None,
        ]
        et = ev.etype
        if et == "REQ" and not p.psr_on_requests:
            row[IDX["primary_support_reason"]] = None
        if p.client_type == "SU":
            fund = pc[18]
            needs = et in ("SRV", "REV") or (et == "ASM" and ev.asm_type == "FIN")
            if fund is None and needs:
                fund = "UNK"
            row[_I_FUNDING] = self.t_funding[fund]  # type: ignore[index]
        else:
            row[IDX["total_hrs_caring_per_week"]] = pc[19]
            row[IDX["no_of_adults_being_cared_for"]] = pc[20]
            row[IDX["adult_1_linked_person_id"]] = pc[21]
            row[IDX["adult_2_linked_person_id"]] = pc[22]
            row[IDX["adult_3_linked_person_id"]] = pc[23]
        if et != "KBA":
            row[_I_EVENT_TYPE] = self.t_event[et]
        row[_I_REF] = ev.ref
        row[_I_START] = self.fmt(ev.start)
        row[_I_END] = None if end is None else self.fmt(end)
        row[_I_DESC] = ev.description
        outcome = shown_outcome(ev, f, end)
        row[_I_OUTCOME] = self.t_outcome[outcome]
        if et == "REQ":
            row[_I_ROUTE] = self.t_route[ev.route]
        elif et == "ASM":
            row[_I_ASM_TYPE] = self.t_asm[ev.asm_type]
            row[_I_ELIGIBLE] = self.t_yes[ev.eligible]
            row[_I_ASM_METHOD] = self.t_method[ev.asm_method]
            row[_I_CARER_INV] = self.t_yes[ev.carer_involved]
        elif et == "SRV":
            row[_I_STYPE] = self.t_stype[ev.stype]
            row[_I_COMP] = self.t_comp[ev.comp]
            row[_I_MECH] = self.t_mech[ev.mech]
            if ev.provider is not None:
                row[IDX["provider_cqc_location_name"]] = ev.provider.name
                row[IDX["provider_cqc_location_id"]] = ev.provider.cqc_location_id
            if not ev.hide_cost:
                cost = shown_cost(ev, f, self.uplift_day)
                if cost is not None:
                    row[IDX["unit_cost"]] = f"{cost // 100}.{cost % 100:02d}"
                    row[IDX["cost_frequency_unit_type"]] = ev.freq
                    if ev.units_h is not None and ev.freq in ("Hourly", "Daily", "Per session"):
                        row[IDX["planned_units_per_week"]] = f"{ev.units_h // 100}.{ev.units_h % 100:02d}"
        elif et == "REV":
            row[_I_REASON] = self.t_reason[ev.rev_reason]
            row[_I_ACHIEVED] = self.t_achieved[ev.rev_outcomes]
            row[_I_RMETHOD] = self.t_rmethod[ev.rev_method]
        meta = RowMeta(et, ev.start, end, p.dob, self._dods[p.pid])
        return row, meta


def file_rows(
    data: LAData,
    f: CldFile,
    events: list[Event],
    uplift_day: date,
    rng: random.Random,
    fmt: Callable[[date], object] | None = None,
) -> Iterator[tuple[list[object], RowMeta]]:
    """Rows of ``f`` in canonical column order; dates typed, or formatted by ``fmt``."""
    builder = RowBuilder(data, f, uplift_day, rng, fmt)
    for ev in events:
        ok, end = shown_end(ev, f)
        if ok:
            yield builder.row(ev, end)


# ---- text rendering ---------------------------------------------------------------------------


class Renderer:
    """Turns typed rows into the strings of one file (dates, NULLs, untidiness, column order)."""

    def __init__(self, f: CldFile, rng: random.Random) -> None:
        self.f = f
        self.rng = rng
        self.order = None if f.columns == CANONICAL else [IDX[c] for c in f.columns]
        self._dates: dict[date, str] = {}
        self.code_idx = [IDX[c] for c in CANONICAL if c in CODED_COLUMNS]
        # some exports write NULL for every blank in a handful of optional columns
        self.blank = [""] * len(CANONICAL)
        if f.null_rate:
            optional = [c.name for c in CLD_COLUMNS if not c.required]
            for name in rng.sample(optional, max(1, int(len(optional) * f.null_rate * 2))):
                self.blank[IDX[name]] = "NULL"
        self.row_untidy = f.untidy_rate * len(self.code_idx)
        self.quotable = [i for i, c in enumerate(f.columns) if c in QUOTABLE_COLUMNS]

    def fmt_date(self, d: date) -> str:
        s = self._dates.get(d)
        if s is None:
            s = d.isoformat() if self.f.date_format == "iso" else f"{d.day:02d}/{d.month:02d}/{d.year}"
            self._dates[d] = s
        return s

    def render(self, row: list[object]) -> list[str]:
        """Strings in canonical order (the writer reorders)."""
        blank = self.blank
        out: list[str] = [blank[i] if v is None else v for i, v in enumerate(row)]  # type: ignore[misc]
        r = self.rng
        if r.random() < self.row_untidy:
            i = r.choice(self.code_idx)
            s = out[i]
            if s and s != "NULL":
                x = r.random()
                out[i] = s + " " if x < 0.5 else (s.lower() if x < 0.85 else s.upper())
        return out

    def reorder(self, strings: list[str]) -> list[str]:
        return strings if self.order is None else [strings[i] for i in self.order]

    def line(self, strings: list[str]) -> str:
        """One CSV record (RFC 4180 quoting where needed) in the file's column order, with CRLF."""
        out = [strings[i] for i in self.order] if self.order is not None else list(strings)
        for i in self.quotable:
            v = out[i]
            if "," in v or '"' in v:
                out[i] = '"' + v.replace('"', '""') + '"'
        return ",".join(out) + "\r\n"


RowHook = Callable[[int, list[str], RowMeta, "Renderer"], list[list[str]]]
"""``hook(next_line, strings, meta, renderer)`` -> the rows to write instead (faults); ``next_line`` is the
physical line number the first returned row will get (the header is line 1)."""


def write_cld_file(
    out_dir: Path,
    data: LAData,
    f: CldFile,
    events: list[Event],
    uplift_day: date,
    rng: random.Random,
    hook: RowHook | None = None,
) -> tuple[Path, int]:
    """Write one file, streaming; returns (path, data rows written)."""
    path = out_dir / f.name
    if f.container == "xlsx":
        n = write_xlsx(path, f.header(), _xlsx_rows(file_rows(data, f, events, uplift_day, rng), f, rng))
        return path, n
    renderer = Renderer(f, rng)
    rows = file_rows(data, f, events, uplift_day, rng, renderer.fmt_date)
    errors = "strict" if f.encoding != "cp1252" else "replace"
    n = 0
    with path.open("w", encoding=f.encoding, errors=errors, newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerow(f.header())
        write = fh.write
        line = renderer.line
        pending: list[str] | None = None
        for typed, meta in rows:
            strings = renderer.render(typed)
            out_rows = hook(n + 2, strings, meta, renderer) if hook is not None else [strings]
            for s in out_rows:
                if pending is not None:
                    write(line(pending))
                pending = s
                n += 1
        if pending is not None:
            if f.truncate_last:
                fh.write(_truncate_last_line(line(pending)))
            else:
                write(line(pending))
    return path, n


def _truncate_last_line(text: str) -> str:
    """Cut the last record mid-way at a field boundary (no trailing newline)."""
    body = text[:-2] if text.endswith("\r\n") else text
    start = body.rfind("\r\n") + 2 if "\r\n" in body else 0
    last = body[start:]
    commas = []
    in_quote = False
    for i, ch in enumerate(last):
        if ch == '"':
            in_quote = not in_quote
        elif ch == "," and not in_quote:
            commas.append(i)
    cut = commas[len(commas) // 2] if commas else len(last) // 2
    return body[:start] + last[:cut]


def _xlsx_rows(rows: Iterator[tuple[list[object], RowMeta]], f: CldFile, rng: random.Random) -> Iterator[list[object]]:
    order = [IDX[c] for c in f.columns]
    numeric = {IDX["unit_cost"], IDX["planned_units_per_week"], IDX["no_of_adults_being_cared_for"]}
    for typed, _meta in rows:
        out: list[object] = []
        for i in order:
            v = typed[i]
            if i in numeric and isinstance(v, str):
                out.append(float(v) if "." in v else int(v))
            else:
                out.append(v)
        yield out
