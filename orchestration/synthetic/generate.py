"""Public entry point: ``generate(out_dir, scale=..., seed=..., faults=..., release=...)``.

Writes into one flat folder, LA by LA (so memory does not grow with the number of LAs):

- ``cld_<la_code>_<received YYYY-MM-DD>.csv`` (and one ``.xlsx`` at demo scale): quarterly rolling
  12-month CLD files plus a corrected resubmission of the latest quarter (``files.py``);
- ``population_<la_code>.csv`` (``population_england.csv`` at national scale), project simple layout;
- ``finance_<la_code>_<YYYY-YY>.csv`` and ``finance_control_<la_code>_<YYYY-YY>.csv`` per year, and
  ``finance_expected_mismatches.csv`` for all LAs (``finance.py``);
- with ``faults > 0``: ``fault_manifest.csv``, a ``cld_<la>_<date>_resend.csv`` without the Event
  Outcome column, and one file whose last line is truncated (``faults.py``); and in each ledger file a
  few duplicates, malformed dates and amounts and one unmapped cost centre, with the control
  differences they cause (``ledger_faults.py``);
- with ``hospital=True``: ``hospital_<la_code>_<received>.csv``, a hospital discharge extract
  consistent with the CLD files (``hospital.py``); off by default, and the other files' bytes do not
  depend on it;
- ``good_lives_profiles_<la_code>.csv``: good-lives profiles for ``good_lives_share`` (default 30%) of
  the service users, consistent with their services (``good_lives.py``); written last from its own
  random stream, so the other files' bytes do not depend on it.

Everything is a function of the arguments: the same seed gives the same bytes.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import costs
from .config import SCALES, LASpec, Window, la_specs
from .faults import FileFaults, Manifest
from .files import CANONICAL, plan_files, write_cld_file
from .finance import LedgerBuilder
from .good_lives import DEFAULT_SHARE, write_good_lives_file
from .hospital import write_hospital_file
from .ledger_faults import inject_ledger_faults
from .ledger_writer import write_mismatches
from .place import write_cqc_directory, write_place_inputs
from .population import POPULATION_HEADER, population_rows
from .simulate import simulate_la
from .versions import apply_versions, event_sort_key

RELEASES = ("1", "2", "mixed")


@dataclass
class GenerationResult:
    out_dir: Path
    files: list[Path] = field(default_factory=list)
    people: int = 0
    event_rows: int = 0
    la_codes: list[str] = field(default_factory=list)
    manifest_path: Path | None = None
    good_lives: dict[str, int] = field(default_factory=dict)  # profiles, people, rows (all LAs)


def generate(
    out_dir: Path,
    scale: str = "demo",
    seed: int = 42,
    faults: float = 0.0,
    release: str = "1",
    first_year: int = 2023,
    years: int = 2,
    progress: Callable[[str], None] | None = None,
    *,
    adult_scale: float = 1.0,
    la_limit: int | None = None,
    hospital: bool = False,
    good_lives_share: float = DEFAULT_SHARE,
) -> GenerationResult:
    """Generate a realistic synthetic extract set into ``out_dir``.

    ``adult_scale`` shrinks or grows every LA's population (a knob for fast tests and benchmarks);
    ``la_limit`` keeps only the first N LAs of a scale (e.g. a slice of national); ``hospital`` also
    writes a hospital discharge extract per LA; ``good_lives_share`` is the share of service users
    given a good-lives profile (0 writes no profile file).
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose from {', '.join(SCALES)}")
    if release not in RELEASES:
        raise ValueError(f"unknown release {release!r}; choose from {', '.join(RELEASES)}")
    if not 0.0 <= faults < 1.0:
        raise ValueError("faults must be a share between 0 and 1")
    if years < 1:
        raise ValueError("years must be at least 1")
    if not 0.0 <= good_lives_share <= 1.0:
        raise ValueError("good_lives_share must be a share between 0 and 1")
    say = progress or (lambda _msg: None)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    window = Window(first_year, years)
    spec = SCALES[scale]
    las = la_specs(scale, seed, window, adult_scale)
    if la_limit is not None:
        las = las[:la_limit]
    result = GenerationResult(out_dir=out_dir)
    manifest = Manifest(out_dir / "fault_manifest.csv") if faults > 0 else None
    mismatch_path = out_dir / "finance_expected_mismatches.csv"
    pop_single = out_dir / "population_england.csv" if spec.single_population_file else None
    if pop_single is not None:
        _write_population_header(pop_single)
        result.files.append(pop_single)
    write_mismatches(mismatch_path, [], append=False)
    try:
        for n, la in enumerate(las):
            say(f"[{n + 1}/{len(las)}] {la.la_code} {la.la_name}: simulating {la.adults:,} adults")
            _generate_la(
                out_dir,
                la,
                seed,
                window,
                spec.xlsx_first_file,
                release,
                faults,
                manifest,
                first=(n == 0),
                pop_single=pop_single,
                result=result,
                say=say,
                hospital=hospital,
                good_lives_share=good_lives_share,
            )
    finally:
        if manifest is not None:
            manifest.close()
    result.files.append(mismatch_path)
    if manifest is not None:
        result.manifest_path = manifest.path
        result.files.append(manifest.path)
    say(f"done: {len(result.files)} files, {result.people:,} people, {result.event_rows:,} CLD rows")
    return result


def _write_population_header(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow(POPULATION_HEADER)


def _generate_la(
    out_dir: Path,
    la: LASpec,
    seed: int,
    window: Window,
    xlsx_first: bool,
    release: str,
    fault_rate: float,
    manifest: Manifest | None,
    first: bool,
    pop_single: Path | None,
    result: GenerationResult,
    say: Callable[[str], None],
    hospital: bool = False,
    good_lives_share: float = DEFAULT_SHARE,
) -> None:
    ctx, stats = simulate_la(la, seed, window)
    data = ctx.data
    result.la_codes.append(la.la_code)
    result.people += len(data.people)
    file_rng = random.Random(f"files:{seed}:{la.la_code}")
    files = plan_files(la.la_code, window, release, xlsx_first, file_rng, cp1252=first)
    apply_versions(data, files, random.Random(f"versions:{seed}:{la.la_code}"))
    events = sorted(data.events, key=event_sort_key)
    uplift_day = costs.uplift_date(window.first_year)
    # once per run: a truncated last line, and a resent file missing a required column
    if manifest is not None and first:
        csv_files = [f for f in files if f.container == "csv" and not f.resubmission]
        csv_files[min(3, len(csv_files) - 1)].truncate_last = True
        source = csv_files[min(1, len(csv_files) - 1)]
        resend = replace(
            source,
            columns=tuple(c for c in CANONICAL if c != "event_outcome"),
            suffix="_resend",
            truncate_last=False,
            encoding="utf-8",
        )
        files.append(resend)
    for f in files:
        row_rng = random.Random(f"rows:{seed}:{f.name}")
        hook = None
        if manifest is not None and f.container == "csv" and not f.suffix:
            hook = FileFaults(f.name, fault_rate, random.Random(f"faults:{seed}:{f.name}"))
        path, n = write_cld_file(out_dir, data, f, events, uplift_day, row_rng, hook)
        if hook is not None and manifest is not None:
            hook.finish(manifest, n + 1, f.truncate_last)
        if manifest is not None and f.suffix == "_resend":
            manifest.write(f.name, None, "event_outcome", "missing_column")
        result.files.append(path)
        result.event_rows += n
        say(f"  {path.name}: {n:,} rows")
    # population
    rows = population_rows(la.la_code, la.adults, window.first_year, window.years, la.old_age_tilt)
    if pop_single is not None:
        with pop_single.open("a", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerows(rows)
    else:
        pop_path = out_dir / f"population_{la.la_code}.csv"
        _write_population_header(pop_path)
        with pop_path.open("a", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerows(rows)
        result.files.append(pop_path)
    # finance
    fin_rng = random.Random(f"finance:{seed}:{la.la_code}")
    ledger = LedgerBuilder(data, window, fin_rng)
    iso = [fin_rng.random() < 0.5 for _ in window.financial_years()]
    paths = ledger.write(out_dir, iso)
    if manifest is not None:  # after writing, so the demo ledger (no faults) is never touched
        for fin_path, ctl_path in zip(paths[0::2], paths[1::2], strict=True):
            inject_ledger_faults(fin_path, ctl_path, manifest, random.Random(f"finance-faults:{seed}:{fin_path.name}"))
    write_mismatches(out_dir / "finance_expected_mismatches.csv", ledger.mismatches, append=True)
    result.files += paths
    say(f"  finance: {', '.join(p.name for p in paths)}")
    # hospital discharges (optional; its own random stream, written last)
    if hospital:
        hospital_path = write_hospital_file(out_dir, data, window, seed)
        result.files.append(hospital_path)
        say(f"  {hospital_path.name}")
    # good-lives profiles (optional; their own random stream, written last: other bytes never change)
    if good_lives_share > 0:
        gl_path, counts = write_good_lives_file(out_dir, data, window, seed, good_lives_share, manifest, release)
        result.files.append(gl_path)
        for key, value in counts.items():
            result.good_lives[key] = result.good_lives.get(key, 0) + value
        say(
            f"  {gl_path.name}: {counts['profiles']:,} profiles of {counts['people']:,} people, {counts['rows']:,} rows"
        )
    # CQC care directory (both layouts) and place inputs (reference_data.md §1, §5, §7): own random
    # stream, written last, so every other file is byte-identical with or without them
    first_years = list(range(window.first_year, window.first_year + window.years))
    place_paths = write_cqc_directory(out_dir, data, la.la_code, la.la_name, first_years, seed)
    place_paths.append(write_place_inputs(out_dir, la.la_code, first_years))
    result.files += place_paths
    say(f"  place: {', '.join(p.name for p in place_paths)}")
    say(f"  {la.la_code}: {stats['people']:,} people, {stats['events']:,} events")
