"""Tests for the synthetic extract generator (orchestration/synthetic).

The demo is generated once per module; calibration figures are computed from the written files with
pandas and compared with the bands of shared/spec/synthetic_data.md. A small faulty run (mixed
releases, 5% faults) checks the fault manifest cell by cell.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from orchestration.defs.ingest.contract import CLD_COLUMNS, FINANCE_REQUIRED, POPULATION_COLUMNS
from orchestration.defs.ingest.parsing import parse_money
from orchestration.synthetic import GenerationResult, generate
from orchestration.synthetic.codes import FIELD_TABLES, all_value_keys, header_key, value_key
from orchestration.synthetic.ledger_faults import UNMAPPED_CENTRE
from orchestration.synthetic.nhs import is_valid

CANONICAL = [c.name for c in CLD_COLUMNS]
LA = "E06000005"
FY_START, FY_END = pd.Timestamp("2023-04-01"), pd.Timestamp("2024-03-31")
LT_TYPES = {
    "long term support nursing care",
    "long term support residential care",
    "long term support community",
    "long term support prison",
}
CARE_HOME_TYPES = {"long term support nursing care", "long term support residential care"}
SETTLED = {
    "owner occupier or shared ownership scheme",
    "tenant",
    "tenant local authority or other social housing provider",
    "tenant private landlord",
    "settled mainstream housing with family friends",
    "supported accommodation supported lodgings supported group home",
    "shared lives scheme",
    "sheltered housing extra care housing other sheltered housing",
}
ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


# ---- helpers -----------------------------------------------------------------------------------


def decode(raw: bytes) -> tuple[str, str]:
    """(text, encoding) the way ingest decides: BOM, else strict UTF-8, else Windows-1252."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252"), "cp1252"


def parse_date(text: str) -> date | None:
    """Pinned formats only: ISO or UK day-first; None when it does not parse."""
    text = text.strip()
    m = ISO.match(text)
    try:
        if m and len(text) == 10:
            return date(int(m[1]), int(m[2]), int(m[3]))
        m = UK.match(text)
        if m:
            return date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        return None
    return None


def cld_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("cld_*") if p.suffix in (".csv", ".xlsx"))


def csv_files(folder: Path) -> list[Path]:
    return [p for p in cld_files(folder) if p.suffix == ".csv"]


def xlsx_head(path: Path, rows: int = 60) -> list[tuple[object, ...]]:
    """The first rows of an XLSX file's first sheet, read with openpyxl (as ingest would)."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(wb.worksheets[0].iter_rows(max_row=rows, values_only=True))
    finally:
        wb.close()


def read_cld(text: str) -> pd.DataFrame:
    """A CSV CLD file as strings with canonical column names; blanks and NULL as missing (not trimmed)."""
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=["", "NULL"])
    df.columns = [header_key(c) for c in df.columns]
    return df


def to_dates(s: pd.Series) -> pd.Series:
    iso = pd.to_datetime(s.str[:10], format="%Y-%m-%d", errors="coerce")
    uk = pd.to_datetime(s, format="%d/%m/%Y", errors="coerce")
    return iso.fillna(uk)


def keyed(df: pd.DataFrame, col: str) -> pd.Series:
    values = df[col]
    uniques = {v: value_key(v) for v in values.dropna().unique()}
    return values.map(uniques)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> GenerationResult:
    messages: list[str] = []
    result = generate(tmp_path_factory.mktemp("demo"), scale="demo", seed=42, progress=messages.append)
    result.messages = messages  # type: ignore[attr-defined]
    return result


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> GenerationResult:
    return generate(
        tmp_path_factory.mktemp("faulty"), scale="demo", seed=7, faults=0.05, release="mixed", adult_scale=0.2
    )


@pytest.fixture(scope="module")
def texts(demo: GenerationResult) -> dict[str, tuple[str, str]]:
    """Decoded text and detected encoding of each demo CSV file."""
    return {p.name: decode(p.read_bytes()) for p in csv_files(demo.out_dir)}


@pytest.fixture(scope="module")
def frames(texts: dict[str, tuple[str, str]]) -> dict[str, pd.DataFrame]:
    """Every demo CSV file as a data frame (the XLSX file is checked on its own)."""
    return {name: read_cld(text) for name, (text, _) in texts.items()}


def full_year_frame(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The file covering the whole of 2023-24 (quarter ending 31 March 2024), with typed dates and value keys."""
    for frame in frames.values():
        if to_dates(frame.reporting_period_end_date.head(1)).iloc[0] == FY_END:
            df = frame.copy()
            for col in ("event_start_date", "event_end_date", "date_of_birth", "date_of_death"):
                df[col] = to_dates(df[col])
            for col in (
                "client_type",
                "event_type",
                "service_type",
                "service_component",
                "delivery_mechanism",
                "accommodation_status",
                "employment_status",
                "primary_support_reason",
                "cost_frequency_unit_type",
            ):
                df[col + "_k"] = keyed(df, col)
            df["pid"] = df.la_person_unique_identifier
            return df
    raise AssertionError("no file ends on 31 March 2024")


@pytest.fixture(scope="module")
def march_2024(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return full_year_frame(frames)


@pytest.fixture(scope="module")
def adults_2023(demo: GenerationResult) -> int:
    pop = pd.read_csv(demo.out_dir / f"population_{LA}.csv")
    return int(pop[(pop.mid_year == 2023) & (pop.age >= 18)].population.sum())


# ---- result, names, headers --------------------------------------------------------------------


def test_result_and_file_names(demo: GenerationResult) -> None:
    assert demo.la_codes == [LA]
    assert demo.manifest_path is None
    assert 8_000 <= demo.people <= 20_000
    assert 80_000 <= demo.event_rows <= 200_000
    names = sorted(p.name for p in cld_files(demo.out_dir))
    assert all(re.fullmatch(rf"cld_{LA}_\d{{4}}-\d{{2}}-\d{{2}}\.(csv|xlsx)", n) for n in names)
    assert len(names) == 9  # 8 quarterly files + a corrected resubmission
    assert names[0].endswith(".xlsx")  # the earliest file at demo scale
    for fy in ("2023-24", "2024-25"):
        assert (demo.out_dir / f"finance_{LA}_{fy}.csv").exists()
    assert (demo.out_dir / f"population_{LA}.csv").exists()
    assert (demo.out_dir / "finance_expected_mismatches.csv").exists()
    assert not (demo.out_dir / "fault_manifest.csv").exists()
    assert all(p.exists() for p in demo.files)
    assert any("cld_" in m for m in demo.messages)  # type: ignore[attr-defined]


def test_received_dates_and_resubmission(demo: GenerationResult, frames: dict[str, pd.DataFrame]) -> None:
    received = {}
    for name, df in frames.items():
        end = to_dates(df.reporting_period_end_date.head(1)).iloc[0].date()
        rec = date.fromisoformat(re.search(r"(\d{4}-\d{2}-\d{2})", name)[1])  # type: ignore[index]
        received.setdefault(end, []).append((rec, name))
        if len(received[end]) == 1:
            assert 30 <= (rec - end).days <= 55, name  # 5-7 weeks after the quarter end
    ends = sorted(received)
    assert len(ends) == 7  # plus the earliest quarter, written as XLSX
    resubmitted = [e for e in ends if len(received[e]) == 2]
    assert resubmitted == [ends[-1]]
    (first, a), (second, b) = sorted(received[ends[-1]])
    assert second > first
    old, new = frames[a], frames[b]
    assert abs(len(old) - len(new)) < 0.02 * len(old)
    cols = ["la_person_unique_identifier", "event_reference", "event_start_date", "event_end_date", "event_outcome"]
    diff = pd.concat([old[cols], new[cols]]).drop_duplicates(keep=False)
    assert 0 < len(diff) < 0.05 * len(old)  # a few corrections


def test_every_cld_file_has_every_contract_header(
    demo: GenerationResult, faulty: GenerationResult, texts: dict[str, tuple[str, str]]
) -> None:
    for folder in (demo.out_dir, faulty.out_dir):
        for path in cld_files(folder):
            if path.suffix == ".xlsx":
                header = [str(c) for c in xlsx_head(path, 1)[0]]
            else:
                text = texts[path.name][0] if folder == demo.out_dir else decode(path.read_bytes())[0]
                header = next(csv.reader([text.split("\r\n", 1)[0]]))
            keys = [header_key(h) for h in header]
            assert len(keys) == len(set(keys)), path.name
            missing = set(CANONICAL) - set(keys)
            if path.name.endswith("_resend.csv"):
                assert missing == {"event_outcome"}
            else:
                assert not missing, (path.name, missing)


def test_xlsx_file(demo: GenerationResult) -> None:
    path = next(p for p in cld_files(demo.out_dir) if p.suffix == ".xlsx")
    rows = xlsx_head(path)
    header = [header_key(str(h)) for h in rows[0]]
    col = {name: header.index(name) for name in CANONICAL}
    for row in rows[1:]:
        assert hasattr(row[col["event_start_date"]], "year")  # real date cells
        assert hasattr(row[col["date_of_birth"]], "year")
        assert row[col["la_code"]] == LA
        nhs = row[col["nhs_number"]]
        assert nhs is None or (isinstance(nhs, str) and is_valid(nhs) and nhs.startswith("999"))
        assert re.fullmatch(r"P\d{8}", str(row[col["la_person_unique_identifier"]]))


def test_release_1_headers_and_values(frames: dict[str, pd.DataFrame], texts: dict[str, tuple[str, str]]) -> None:
    text = next(iter(texts.values()))[0]
    assert text.startswith("LA Code,Reporting Period Start Date")
    values = pd.concat([df.client_type for df in frames.values()]).dropna().str.strip()
    assert "Service User" in set(values) and "Carer" in set(values)


def test_mixed_release(faulty: GenerationResult) -> None:
    r1 = r2 = 0
    for path in cld_files(faulty.out_dir):
        if path.suffix != ".csv" or "_resend" in path.name:
            continue
        text, _ = decode(path.read_bytes())
        header = next(csv.reader([text.split("\r\n", 1)[0]]))
        if "LA_Code" in header:
            r2 += 1
            df = read_cld(text)
            for field, table in FIELD_TABLES.items():
                r1_only = {value_key(a) for a, _ in table.values()} - {value_key(b) for _, b in table.values()}
                assert not set(df[field].dropna().map(value_key)) & r1_only, (path.name, field)
            assert {
                "Event_Outcome",
                "Request_Route_of_Access",
                "Cost_Frequency_Unit_Type",
                "Autism_Spectrum_Disorder_ASD",
                "NHS_Number",
            } <= set(header)
            assert "Service user" in text and "NFA:" in text
        else:
            r1 += 1
            assert "LA Code" in header and "Event Outcome" in header
    assert r1 >= 2 and r2 >= 4


def test_untidiness(texts: dict[str, tuple[str, str]]) -> None:
    encodings, formats = set(), set()
    null_seen = trailing = lower_case = False
    for text, enc in texts.values():
        encodings.add(enc)
        if enc == "cp1252":
            assert any(ord(ch) > 127 for ch in text)
        first = next(csv.reader([text.split("\r\n", 2)[1]]))
        formats.add("iso" if ISO.match(first[1]) else "uk")
        null_seen |= ",NULL," in text
        trailing |= " ," in text
        lower_case |= "service user" in text
    assert {"utf-8", "utf-8-sig", "cp1252"} <= encodings
    assert formats == {"iso", "uk"}
    assert null_seen and trailing and lower_case


# ---- identifiers -----------------------------------------------------------------------------


def test_nhs_numbers_and_local_ids(frames: dict[str, pd.DataFrame]) -> None:
    rows = blanks = 0
    for df in frames.values():
        nhs = df.nhs_number
        rows += len(nhs)
        blanks += int(nhs.isna().sum())
        numbers = nhs.dropna().str.replace(" ", "", regex=False).unique()
        assert all(n.startswith("999") and len(n) == 10 for n in numbers)
        assert all(is_valid(n) for n in numbers)
        assert df.la_person_unique_identifier.notna().all()
        assert df.la_person_unique_identifier.str.fullmatch(r"P\d{8}").all()
        assert (df.la_code == LA).all()
    assert 0.03 <= blanks / rows <= 0.06  # rows carrying the LA id only


def test_event_references(frames: dict[str, pd.DataFrame]) -> None:
    for df in frames.values():
        services = df[keyed(df, "event_type") == "service"]
        assert services.event_reference.notna().all()
        assert df.event_reference.notna().mean() > 0.85


def test_rolling_files_overlap(frames: dict[str, pd.DataFrame]) -> None:
    counts: dict[str, int] = {}
    seen_in: dict[str, set[str]] = {}
    for name, df in frames.items():
        reqs = df[keyed(df, "event_type") == "request"].event_reference.dropna()
        for ref in reqs.unique():
            seen_in.setdefault(ref, set()).add(name)
    for ref, names in seen_in.items():
        counts[ref] = len(names)
    dist = pd.Series(counts).value_counts()
    assert dist.index.max() <= 5  # four quarterly files (+ the resubmission)
    assert dist.get(4, 0) > dist.get(1, 0)


# ---- calibration (the file covering 2023-24) ------------------------------------------------------


def _clusters(df: pd.DataFrame, start: str, end: str, gap_days: int) -> pd.DataFrame:
    """Cluster a person's events: a row joins when it starts <= gap days after the latest end so far."""
    df = df.sort_values(["pid", start, end]).copy()
    prev = df.groupby("pid")[end].cummax().groupby(df.pid).shift()
    new = prev.isna() | (df[start] > prev + pd.Timedelta(days=gap_days))
    df["cid"] = new.cumsum()
    return df.groupby("cid").agg(pid=("pid", "first"), cs=(start, "min"), ce=(end, "max"))


def _lts_lines(m: pd.DataFrame) -> pd.DataFrame:
    su = m[m.client_type_k == "service user"]
    lines = su[(su.event_type_k == "service") & su.service_type_k.isin(LT_TYPES)].copy()
    lines["end_eff"] = lines.event_end_date.fillna(pd.Timestamp("2100-01-01"))
    dod = su.groupby("pid").date_of_death.max()
    lines["dod"] = lines.pid.map(dod)
    return lines


def test_calibration_activity(march_2024: pd.DataFrame, adults_2023: int) -> None:
    m = march_2024
    per100k = 100_000 / adults_2023
    su = m[m.client_type_k == "service user"]
    lines = _lts_lines(m)
    # requests from new clients (4-day clusters, not inside a long-term line)
    req = su[(su.event_type_k == "request") & su.event_end_date.notna()]
    cl = _clusters(req[["pid", "event_start_date", "event_end_date"]], "event_start_date", "event_end_date", 4)
    cl = cl[(cl.ce >= FY_START) & (cl.ce <= FY_END)].reset_index()
    j = cl.merge(lines[["pid", "event_start_date", "end_eff"]], on="pid", how="left")
    j["inside"] = (j.event_start_date <= j.cs) & (j.end_eff >= j.cs)
    new_requests = int((~j.groupby("cid").inside.any()).sum())
    assert 3_500 <= new_requests * per100k <= 5_500, new_requests * per100k
    # completed ST-Max episodes (7-day clusters ending in the year)
    st = su[(su.event_type_k == "service") & (su.service_type_k == "short term support st max")].copy()
    st["end_eff"] = st.event_end_date.fillna(pd.Timestamp("2100-01-01"))
    eps = _clusters(st[["pid", "event_start_date", "end_eff"]], "event_start_date", "end_eff", 7)
    episodes = int(((eps.ce >= FY_START) & (eps.ce <= FY_END)).sum())
    assert 450 <= episodes * per100k <= 800, episodes * per100k
    # people in long-term support during the year and at year end
    during = lines[(lines.event_start_date <= FY_END) & (lines.end_eff >= FY_START) & ~(lines.dod < FY_START)]
    year_end = lines[(lines.event_start_date <= FY_END) & (lines.end_eff >= FY_END) & ~(lines.dod < FY_END)]
    assert 1_500 <= during.pid.nunique() * per100k <= 2_300, during.pid.nunique() * per100k
    assert 1_150 <= year_end.pid.nunique() * per100k <= 1_750, year_end.pid.nunique() * per100k
    # over 12 months: covered continuously (gaps <= 1 day) from 31 March 2023 to the year end
    ye_lines = lines[lines.pid.isin(set(year_end.pid))]
    blocks = _clusters(ye_lines[["pid", "event_start_date", "end_eff"]], "event_start_date", "end_eff", 1)
    long = blocks[(blocks.cs <= FY_START) & (blocks.ce >= FY_END)].pid.nunique()
    assert 0.65 <= long / year_end.pid.nunique() <= 0.80, long / year_end.pid.nunique()


def test_calibration_settings(march_2024: pd.DataFrame) -> None:
    lines = _lts_lines(march_2024)
    ye = lines[(lines.event_start_date <= FY_END) & (lines.end_eff >= FY_END) & ~(lines.dod < FY_END)]
    care = ye.groupby("pid").service_type_k.agg(lambda s: bool(set(s) & CARE_HOME_TYPES))
    assert 0.25 <= care.mean() <= 0.40, care.mean()
    community = ye[ye.pid.isin(care[~care].index)]
    dp = community.delivery_mechanism_k.eq("direct payment") | community.service_component_k.eq("direct payment")
    mpb = community.delivery_mechanism_k.eq("cassr managed personal budget")
    by_person = pd.DataFrame({"pid": community.pid, "dp": dp, "sds": dp | mpb}).groupby("pid").any()
    assert 0.20 <= by_person.dp.mean() <= 0.35, by_person.dp.mean()
    assert 0.80 <= by_person.sds.mean() <= 0.95, by_person.sds.mean()


def test_calibration_learning_disability(march_2024: pd.DataFrame) -> None:
    m = march_2024
    lines = _lts_lines(m)
    during = set(lines[(lines.event_start_date <= FY_END) & (lines.end_eff >= FY_START)].pid)
    su = m[(m.client_type_k == "service user") & m.pid.isin(during)]
    latest = su.sort_values("event_start_date").groupby("pid").last()
    age = (FY_END - latest.date_of_birth).dt.days / 365.25
    ld = latest[(latest.primary_support_reason_k == "learning disability support") & (age >= 18) & (age < 65)]
    assert len(ld) >= 100
    settled = ld.accommodation_status_k.isin(SETTLED).mean()
    paid = ld.employment_status_k.fillna("").str.startswith("paid").mean()
    assert 0.70 <= settled <= 0.85, settled
    assert 0.03 <= paid <= 0.08, paid


def test_calibration_costs(march_2024: pd.DataFrame) -> None:
    m = march_2024
    srv = m[(m.client_type_k == "service user") & (m.event_type_k == "service")].copy()
    srv["uc"] = pd.to_numeric(srv.unit_cost, errors="coerce")
    homes = srv[srv.service_type_k.isin(CARE_HOME_TYPES) & (srv.cost_frequency_unit_type_k == "weekly")]
    assert abs(homes.uc.mean() / 1_185.55 - 1) < 0.10, homes.uc.mean()
    assert homes.uc.quantile(0.05) > 1_185.55 * 0.6 and homes.uc.quantile(0.95) < 1_185.55 * 1.8
    nursing = homes[homes.service_type_k == "long term support nursing care"].uc.mean()
    residential = homes[homes.service_type_k == "long term support residential care"].uc.mean()
    assert nursing > residential
    hc = srv[(srv.service_component_k == "home support") & (srv.cost_frequency_unit_type_k == "hourly")]
    assert abs(hc.uc.mean() / 23.56 - 1) < 0.05, hc.uc.mean()
    assert abs(pd.to_numeric(hc.planned_units_per_week).mean() / 14.38 - 1) < 0.12
    assert (srv.cost_frequency_unit_type_k == "one off").any()


def test_cost_rule_and_conditional_fields(frames: dict[str, pd.DataFrame]) -> None:
    for name, df in frames.items():
        et = keyed(df, "event_type")
        srv = df[et == "service"]
        mech = keyed(srv, "delivery_mechanism")
        stype = keyed(srv, "service_type")
        comp = keyed(srv, "service_component")
        rule = (
            mech.notna()
            & (mech != "cassr commissioned support")
            & (
                stype.str.startswith("long term support")
                | stype.str.startswith("carer support")
                | stype.str.startswith("unpaid carer support")
                | comp.isin(
                    ["short term residential care", "short term nursing care", "unpaid carer respite", "carer respite"]
                )
            )
        )
        costed = srv[rule]
        assert costed.unit_cost.notna().all() and costed.cost_frequency_unit_type.notna().all(), name
        freq = keyed(costed, "cost_frequency_unit_type")
        per_unit = costed[freq.isin(["hourly", "daily", "per session"])]
        assert per_unit.planned_units_per_week.notna().all(), name
        assert srv.service_type.notna().all() and srv.service_component.notna().all()
        assert 0 < mech.isna().mean() < 0.1  # delivery mechanism missing on some lines
        # Requests / assessments / reviews are completed; deaths close services
        others = df[et.isin(["request", "assessment", "review"])]
        assert others.event_end_date.notna().all(), name
        dead = df[df.date_of_death.notna() & et.notna()]
        assert dead.event_end_date.notna().all(), name


def test_people_mix(march_2024: pd.DataFrame) -> None:
    m = march_2024
    ct = m.client_type_k.value_counts()
    assert ct.get("carer", 0) > 0 and ct.get("carer known by association", 0) > 0
    kba = m[m.client_type_k == "carer known by association"]
    assert kba.event_type.isna().all() and kba.adult_1_linked_person_id.notna().all()
    carers = m[m.client_type_k == "carer"]
    assert (carers.event_type_k == "service").any()
    su = m[m.client_type_k == "service user"]
    latest = su.groupby("pid").last()
    age = (FY_END - latest.date_of_birth).dt.days / 365.25
    assert 0.55 <= (age >= 65).mean() <= 0.8
    assert su.groupby("pid").date_of_death.max().notna().sum() > 50  # deaths during the year
    lines = _lts_lines(m)
    assert (lines.event_start_date < pd.Timestamp("2020-04-01")).any()  # support started years before
    req = su[su.event_type_k == "request"]
    assert req.event_description.fillna("").str.lower().str.contains("conversation").mean() > 0.1
    psr = keyed(su.drop_duplicates("pid"), "primary_support_reason").value_counts()
    assert psr.index[0].startswith("physical support")


# ---- population and finance ------------------------------------------------------------------------


def test_population_file(demo: GenerationResult) -> None:
    path = demo.out_dir / f"population_{LA}.csv"
    pop = pd.read_csv(path)
    assert list(pop.columns) == [c.name for c in POPULATION_COLUMNS]
    assert set(pop.mid_year) == {2023, 2024}
    assert set(pop.sex) == {1, 2} and pop.age.min() == 0 and pop.age.max() == 90
    assert len(pop) == 2 * 2 * 91 and (pop.population >= 0).all()
    adults = pop[(pop.mid_year == 2023) & (pop.age >= 18)].population.sum()
    assert abs(adults - 120_000) < 1_200


def test_finance_ledger(demo: GenerationResult, frames: dict[str, pd.DataFrame]) -> None:
    refs = set()
    for df in frames.values():
        refs |= set(df.event_reference.dropna())
    expected = pd.read_csv(demo.out_dir / "finance_expected_mismatches.csv", dtype=str)
    assert set(expected.kind) == {"payment_without_package", "package_without_payment", "value_mismatch"}
    orphan_refs = set(expected[expected.kind == "payment_without_package"].service_ref)
    unpaid_refs = set(expected[expected.kind == "package_without_payment"].service_ref)
    assert not (orphan_refs & refs) and unpaid_refs <= refs
    lts_centres = {"RES01", "NUR01", "HC01", "DP01", "SL01", "DAY01", "DAY02", "OLT01"}
    expenditure = {"provider_payment", "direct_payment", "own_provision", "grant_paid"}
    deducted = {"nhs_income", "joint_arrangement_income", "other_income"}
    for fy in ("2023-24", "2024-25"):
        fin = pd.read_csv(demo.out_dir / f"finance_{LA}_{fy}.csv", dtype=str, keep_default_na=False)
        assert set(FINANCE_REQUIRED) <= set(fin.columns)
        for col in (
            "person_local_id",
            "nhs_number",
            "service_ref",
            "service_period_start",
            "provider_id",
            "unit_type",
            "unit_rate",
            "quantity",
            "underlying_type",
            "reverses_transaction_id",
            "vat_amount",
            "source_system",
            "cost_centre_name",
            "account_name",
            "description",
        ):
            assert col in fin.columns
        assert fin.amount.str.fullmatch(r"-?\d+\.\d{2}").all()
        assert fin.transaction_id.is_unique and (fin.la_code == LA).all() and (fin.financial_year == fy).all()
        assert fin.period_number.astype(int).between(1, 16).all()
        nhs = fin.nhs_number[fin.nhs_number != ""]
        assert nhs.map(is_valid).all()
        base = fin.transaction_type.where(fin.underlying_type == "", fin.underlying_type)
        amount = fin.amount.map(Decimal)
        gross = amount[base.isin(expenditure)].sum() + amount[fin.transaction_type == "inter_authority_income"].sum()
        gce = gross + amount[base.isin(deducted)].sum()
        in_scope = base.isin(expenditure | deducted) | (fin.transaction_type == "inter_authority_income")
        lts = amount[in_scope & fin.cost_centre.isin(lts_centres)].sum()
        st = amount[in_scope & fin.cost_centre.isin({"STM01", "STO01"})].sum()
        assert abs(lts / gce - Decimal("0.79")) < Decimal("0.05"), lts / gce
        assert abs(st / gce - Decimal("0.036")) < Decimal("0.01"), st / gce
        assert (amount[fin.transaction_type == "client_contribution"] < 0).all()
        payments = fin[fin.transaction_type.isin(["provider_payment", "direct_payment"]) & (fin.service_ref != "")]
        paid_refs = set(payments.service_ref)
        assert paid_refs <= refs | orphan_refs
        assert not (paid_refs & unpaid_refs)
        kinds = set(fin.transaction_type)
        assert {"accrual", "reversal", "credit_note", "nhs_income", "grant_paid", "own_provision"} <= kinds
        reversed_ids = set(fin.reverses_transaction_id) - {""}
        assert reversed_ids
        dates = fin.posting_date.map(parse_date)
        assert dates.notna().all()


def test_finance_matches_cld_costs(demo: GenerationResult, march_2024: pd.DataFrame) -> None:
    """A residential line paid over a whole 4-week cycle costs 4 x its weekly unit cost (before uplift)."""
    fin = pd.read_csv(demo.out_dir / f"finance_{LA}_2024-25.csv", dtype=str, keep_default_na=False)
    pay = fin[(fin.transaction_type == "provider_payment") & (fin.cost_centre == "RES01") & (fin.unit_type == "Weekly")]
    mismatched = set(pd.read_csv(demo.out_dir / "finance_expected_mismatches.csv", dtype=str).service_ref)
    pay = pay[(pay.quantity == "4.00") & ~pay.service_ref.isin(mismatched)]
    pay = pay[pay.service_period_start.map(parse_date) >= date(2024, 4, 1)]  # after the fee uplift
    assert len(pay) > 100
    assert ((pay.unit_rate.map(Decimal) * 4 - pay.amount.map(Decimal)).abs() <= Decimal("0.01")).all()
    cld = march_2024.drop_duplicates("event_reference").set_index("event_reference").unit_cost
    joined = pay.assign(cld=pay.service_ref.map(cld)).dropna(subset=["cld"])
    assert (joined.unit_rate == joined.cld).mean() > 0.9  # the 2024-25 price is the one CLD shows


# ---- determinism ---------------------------------------------------------------------------------


def test_demo_is_deterministic(demo: GenerationResult, tmp_path: Path) -> None:
    again = generate(tmp_path / "again", scale="demo", seed=42)
    first = {p.name: sha(p) for p in demo.files}
    second = {p.name: sha(p) for p in again.files}
    assert first == second


def test_seed_changes_output(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", scale="demo", seed=1, adult_scale=0.05)
    b = generate(tmp_path / "b", scale="demo", seed=2, adult_scale=0.05)
    a_h = {p.name.split("_2")[0]: sha(p) for p in a.files if p.name.startswith("finance_E")}
    b_h = {p.name.split("_2")[0]: sha(p) for p in b.files if p.name.startswith("finance_E")}
    assert a_h != b_h
    assert {sha(p) for p in cld_files(a.out_dir)}.isdisjoint({sha(p) for p in cld_files(b.out_dir)})


def test_national_slice_reads_la_list(tmp_path: Path) -> None:
    result = generate(tmp_path / "nat", scale="national", seed=3, adult_scale=0.01, la_limit=2)
    assert len(result.la_codes) == 2 and all(re.fullmatch(r"E\d{8}", c) for c in result.la_codes)
    pop = pd.read_csv(tmp_path / "nat" / "population_england.csv")
    assert set(pop.la_code) == set(result.la_codes)


# ---- faults ------------------------------------------------------------------------------------------


def _cell_value(path: Path, line_no: int, column: str) -> tuple[list[str], str | None]:
    text, _ = decode(path.read_bytes())
    lines = text.split("\r\n")
    header = [header_key(h) for h in next(csv.reader([lines[0]]))]
    fields = next(csv.reader([lines[line_no - 1]]))
    value = fields[header.index(column)] if column else None
    return fields, value


def test_fault_manifest(faulty: GenerationResult) -> None:
    assert faulty.manifest_path is not None
    manifest = pd.read_csv(faulty.manifest_path, dtype=str, keep_default_na=False)
    assert list(manifest.columns) == ["file", "row_number", "column", "fault", "expected_rule", "expected_difference"]
    assert set(manifest.fault[manifest.file.str.startswith("finance_")]) == set(FINANCE_FAULT_RULES)
    manifest = manifest[manifest.file.str.startswith("cld_")]  # the finance faults: test_finance_faults
    assert (manifest.expected_difference == "").all()
    kinds = set(manifest.fault)
    assert kinds == {
        "date_unparseable",
        "date_us_order",
        "nhs_check_digit",
        "missing_mandatory",
        "unknown_code",
        "end_before_start",
        "duplicate_row",
        "event_after_death",
        "missing_column",
        "truncated_last_line",
    }
    rules = dict(zip(manifest.fault, manifest.expected_rule, strict=True))
    assert rules["date_us_order"] == "date_unparseable" and rules["nhs_check_digit"] == "nhs_number_check_digit"
    assert rules["missing_mandatory"] == "mandatory_missing" and rules["unknown_code"] == "code_not_in_list"
    assert rules["missing_column"] == "missing_required_column" and rules["truncated_last_line"] == "malformed_row"
    known = all_value_keys()
    texts: dict[str, list[str]] = {}
    headers: dict[str, list[str]] = {}
    for name in set(manifest.file):
        text, _ = decode((faulty.out_dir / name).read_bytes())
        texts[name] = text.split("\r\n")
        headers[name] = [header_key(h) for h in next(csv.reader([texts[name][0]]))]
    rows = 0
    for rec in manifest.itertuples():
        lines = texts[rec.file]
        if rec.fault == "missing_column":
            assert rec.row_number == "" and rec.column == "event_outcome" and "event_outcome" not in headers[rec.file]
            continue
        line_no = int(rec.row_number)
        fields = next(csv.reader([lines[line_no - 1]]))
        if rec.fault == "truncated_last_line":
            assert line_no == len([x for x in lines if x]) and len(fields) < len(headers[rec.file])
            assert texts[rec.file][-1] != ""  # no newline after the cut record
            continue
        assert len(fields) == len(headers[rec.file]), (rec.file, line_no)
        row = dict(zip(headers[rec.file], fields, strict=True))
        value = row.get(rec.column, "")
        rows += 1
        if rec.fault in ("date_unparseable", "date_us_order"):
            assert value.strip() and parse_date(value) is None, (rec, value)
            if rec.fault == "date_us_order":
                month, day, _ = value.split("/")
                assert int(day) > 12 and int(month) <= 12
        elif rec.fault == "nhs_check_digit":
            assert value.startswith("999") and len(value) == 10 and not is_valid(value)
        elif rec.fault == "missing_mandatory":
            assert rec.column in ("gender", "ethnicity", "accommodation_status", "has_unpaid_carer", "postcode")
            assert value.strip() == ""
        elif rec.fault == "unknown_code":
            assert value_key(value) not in known[rec.column], (rec, value)
        elif rec.fault == "end_before_start":
            assert value_key(row["event_type"]) in ("request", "assessment", "review")
            assert parse_date(row["event_end_date"]) < parse_date(row["event_start_date"])  # type: ignore[operator]
        elif rec.fault == "event_after_death":
            assert parse_date(row["date_of_death"]) < parse_date(row["event_start_date"])  # type: ignore[operator]
        elif rec.fault == "duplicate_row":
            assert lines[line_no - 1] in lines[1 : line_no - 1]
    total = sum(len(t) - 1 for n, t in texts.items() if not n.endswith("_resend.csv"))
    assert 0.03 <= rows / total <= 0.08  # roughly the requested share of data rows
    # NHS numbers outside the manifest are all valid test numbers
    bad = {(r.file, int(r.row_number)) for r in manifest.itertuples() if r.fault == "nhs_check_digit"}
    for name, lines in texts.items():
        idx = headers[name].index("nhs_number")
        for i, line in enumerate(lines[1:], start=2):
            if not line or (name, i) in bad:
                continue
            fields = next(csv.reader([line]))
            if idx < len(fields) and fields[idx]:
                assert is_valid(fields[idx]) and fields[idx].startswith("999"), (name, i)


FINANCE_FAULT_RULES = {
    "finance_exact_duplicate": "FIN050",
    "finance_conflicting_duplicate": "FIN051",
    "finance_date_unparseable": "FIN012",
    "finance_amount_malformed": "FIN020",
    "finance_unmapped_cost_centre": "FIN060",
    "finance_control_difference": "control_totals_hold",
}
FINANCE_FAULT_COLUMN = {
    "finance_exact_duplicate": "transaction_id",
    "finance_conflicting_duplicate": "transaction_id",
    "finance_date_unparseable": "posting_date",
    "finance_amount_malformed": "amount",
    "finance_unmapped_cost_centre": "cost_centre",
}


def test_finance_faults(faulty: GenerationResult, tmp_path: Path) -> None:
    """finance_extract.md §11: every ledger file carries each finance fault, cell by cell as listed; the
    control files are what the finance system holds (those of the same run without faults), so they
    differ from the loadable rows by exactly the listed differences; nothing else in the ledger moves."""
    assert faulty.manifest_path is not None
    manifest = pd.read_csv(faulty.manifest_path, dtype=str, keep_default_na=False)
    manifest = manifest[manifest.file.str.startswith("finance_")]
    assert dict(zip(manifest.fault, manifest.expected_rule, strict=True)) == FINANCE_FAULT_RULES
    clean = generate(tmp_path / "clean", scale="demo", seed=7, release="mixed", adult_scale=0.2)
    for fy in ("2023-24", "2024-25"):
        name, control_name = f"finance_{LA}_{fy}.csv", f"finance_control_{LA}_{fy}.csv"
        assert (faulty.out_dir / control_name).read_bytes() == (clean.out_dir / control_name).read_bytes()
        listed = manifest[manifest.file == name]
        counts = listed.fault.value_counts().to_dict()
        assert counts == {
            "finance_exact_duplicate": 3,
            "finance_conflicting_duplicate": 2,
            "finance_date_unparseable": 3,
            "finance_amount_malformed": 3,
            "finance_unmapped_cost_centre": 3,
        }
        lines = (faulty.out_dir / name).read_bytes().decode("utf-8").split("\r\n")
        assert lines[-1] == ""
        header = next(csv.reader([lines[0]]))
        rows = [dict(zip(header, next(csv.reader([line])), strict=True)) for line in lines[1:-1]]
        faults = {int(r.row_number): r for r in listed.itertuples()}
        for line_no, rec in faults.items():
            row, earlier = rows[line_no - 2], rows[: line_no - 2]
            assert rec.column == FINANCE_FAULT_COLUMN[rec.fault]
            if rec.fault == "finance_exact_duplicate":
                assert lines[line_no - 1] in lines[1 : line_no - 1]
                continue
            if rec.fault == "finance_conflicting_duplicate":
                firsts = [r for r in earlier if r["transaction_id"] == row["transaction_id"]]
                assert len(firsts) == 1 and firsts[0]["amount"] != row["amount"]
                continue
            if rec.fault == "finance_date_unparseable":
                assert parse_date(row["posting_date"]) is None and parse_money(row["amount"])[0] is not None
            elif rec.fault == "finance_amount_malformed":
                assert parse_money(row["amount"])[0] is None and parse_date(row["posting_date"]) is not None
            else:
                assert row["cost_centre"] == UNMAPPED_CENTRE and row["transaction_type"] == "provider_payment"
            # rejected and recoded rows stay outside the finance ↔ case reconciliation (§9)
            assert row["service_ref"] == "" and row["person_local_id"] == ""
        # the unmapped cost centre stays far under the 5% threshold of gross expenditure
        positive = [Decimal(r["amount"]) for r in rows if parse_money(r["amount"])[0] is not None]
        unmapped = sum(Decimal(r["amount"]) for r in rows if r["cost_centre"] == UNMAPPED_CENTRE)
        assert 0 < unmapped < Decimal("0.01") * sum(a for a in positive if a > 0)
        # nothing else moved: the unlisted rows are the clean ledger's, in order, less the edited rows
        clean_lines = (clean.out_dir / name).read_bytes().decode("utf-8").split("\r\n")
        kept = [line for i, line in enumerate(lines[1:], start=2) if i not in faults]
        edited = sum(1 for r in faults.values() if "duplicate" not in r.fault)
        assert len(clean_lines) - 1 == len(kept) + edited
        assert set(kept) <= set(clean_lines[1:])
        # loadable rows (parseable date and amount, first of each id) against the control totals
        loaded: dict[int, list] = {}
        seen: set[str] = set()
        for row in rows:
            amount = parse_money(row["amount"])[0]
            if amount is None or parse_date(row["posting_date"]) is None or row["transaction_id"] in seen:
                continue
            seen.add(row["transaction_id"])
            acc = loaded.setdefault(int(row["period_number"]), [0, Decimal(0)])
            acc[0] += 1
            acc[1] += amount
        expected = {
            (int(r.row_number), r.column): r.expected_difference
            for r in manifest[manifest.file == control_name].itertuples()
        }
        with (faulty.out_dir / control_name).open(encoding="utf-8", newline="") as fh:
            control = list(csv.DictReader(fh))
        found = {}
        for line_no, c in enumerate(control, start=2):
            n, total = loaded.get(int(c["period_number"]), [0, Decimal(0)])
            if n != int(c["row_count"]) or total != Decimal(c["ledger_total"]):
                found[(line_no, "row_count")] = str(n - int(c["row_count"]))
                found[(line_no, "ledger_total")] = str(total - Decimal(c["ledger_total"]))
        assert found and found == expected
