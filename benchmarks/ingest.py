"""Council-scale ingest and build benchmark, with DuckDB's plain read_csv as the baseline.

Each step runs in its own subprocess so its wall time and peak memory (max RSS) are its own:
  baseline   DuckDB `read_csv` of every CLD CSV (all_varchar: no type sniffing), counting rows
  ingest     the project's loaders: recognise, validate, hash, quarantine, audit (no dbt)
  build      `ascw build`: ingest + every dbt layer + checks through Dagster, on a fresh warehouse
Ratios are printed against the baseline measured in the same run, and appended to
benchmarks/results/history.csv. Usage:

    .venv/bin/python benchmarks/ingest.py [--scale council] [--seed 42] [--skip-build]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"

BASELINE = """
import duckdb, glob, sys
con = duckdb.connect()
total = 0
for f in sorted(glob.glob(sys.argv[1] + "/cld_*.csv")):
    # all_varchar: no type sniffing, so no day/month guessing; the fairest plain read of the bytes.
    # DuckDB reads UTF-8 by default; the generator's Windows-1252 file needs latin-1 (close enough to count rows).
    try:
        total += con.execute("select count(*) from read_csv(?, header=true, all_varchar=true)", [f]).fetchone()[0]
    except duckdb.InvalidInputException:
        total += con.execute(
            "select count(*) from read_csv(?, header=true, all_varchar=true, encoding='latin-1')", [f]).fetchone()[0]
print(total)
"""

INGEST = """
import sys
sys.path.insert(0, sys.argv[3])
from orchestration.settings import load_settings
from orchestration.defs.ingest.load import load_folder
from orchestration.defs.ingest.store import connect
from pathlib import Path
settings = load_settings(Path(sys.argv[2]), Path(sys.argv[1]),
                         env={"ASCW_ALLOW_TEST_NHS_NUMBERS": "true", "ASCW_HMAC_KEY": "benchmark"})
with connect(settings.duckdb_path) as con:
    results = load_folder(con, Path(sys.argv[1]), settings)
print(sum(r.rows_loaded for r in results if r.dataset == "cld"))
"""


def measured(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run a command; return (seconds, peak RSS in MiB, stdout). Peak RSS from GNU time."""
    timer = shutil.which("time") or "/usr/bin/time"
    use_time = Path(timer).exists()
    full = [timer, "-f", "%M", *command] if use_time else command
    start = time.perf_counter()
    done = subprocess.run(full, capture_output=True, text=True, env={**os.environ, **(env or {})}, check=False)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 3):
        raise RuntimeError(f"{command[:3]} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    peak = float(done.stderr.strip().splitlines()[-1]) / 1024 if use_time else float("nan")
    return seconds, peak, done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="council", choices=["demo", "council"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--skip-build", action="store_true", help="measure ingest only (no dbt)")
    args = parser.parse_args()

    RESULTS.mkdir(parents=True, exist_ok=True)
    extracts = RESULTS / f"{args.scale}_seed{args.seed}"
    python = sys.executable
    if not (extracts / ".complete").exists():
        print(f"generating {args.scale} extracts into {extracts} ...", flush=True)
        gen_seconds, gen_peak, _ = measured(
            [
                python,
                "-m",
                "orchestration.cli",
                "generate",
                "--scale",
                args.scale,
                "--seed",
                str(args.seed),
                "--out",
                str(extracts),
            ]
        )
        (extracts / ".complete").write_text(json.dumps({"seconds": gen_seconds, "peak_mib": gen_peak}))
    rows: list[tuple[str, float, float, str]] = []

    print("baseline: duckdb read_csv ...", flush=True)
    rows.append(("duckdb read_csv (baseline)", *measured([python, "-c", BASELINE, str(extracts)])))

    work = RESULTS / "work"
    shutil.rmtree(work, ignore_errors=True)
    print("ingest: project loaders ...", flush=True)
    rows.append(
        (
            "ascw ingest (loaders only)",
            *measured([python, "-c", INGEST, str(extracts), str(work / "ingest"), str(ROOT)]),
        )
    )

    if not args.skip_build:
        print("build: ascw build (ingest + dbt + checks through Dagster) ...", flush=True)
        rows.append(
            (
                "ascw build (full)",
                *measured(
                    [
                        python,
                        "-m",
                        "orchestration.cli",
                        "build",
                        "--extracts",
                        str(extracts),
                        "--warehouse",
                        str(work / "build"),
                        "--allow-test-nhs-numbers",
                    ],
                    env={"ASCW_HMAC_KEY": "benchmark", "ASCW_PROGRESS": "0"},
                ),
            )
        )

    base_seconds, base_peak = rows[0][1], rows[0][2]
    cld_rows = rows[0][3].splitlines()[-1]
    print()
    print(f"scale={args.scale} seed={args.seed} cld rows={cld_rows} machine: {os.cpu_count()} cores")
    print(f"{'step':32} {'seconds':>9} {'x baseline':>11} {'peak MiB':>9} {'x baseline':>11}")
    stamp = dt.datetime.now().isoformat(timespec="seconds")
    history = RESULTS / "history.csv"
    new = not history.exists()
    with history.open("a", newline="") as handle:
        writer = csv.writer(handle)
        if new:
            writer.writerow(["when", "scale", "step", "seconds", "ratio_seconds", "peak_mib", "ratio_peak"])
        for name, seconds, peak, _ in rows:
            print(f"{name:32} {seconds:9.1f} {seconds / base_seconds:11.1f} {peak:9.0f} {peak / base_peak:11.1f}")
            writer.writerow(
                [
                    stamp,
                    args.scale,
                    name,
                    f"{seconds:.2f}",
                    f"{seconds / base_seconds:.2f}",
                    f"{peak:.0f}",
                    f"{peak / base_peak:.2f}",
                ]
            )
    print(
        textwrap.dedent(f"""
        ingest throughput: {int(cld_rows) / rows[1][1]:,.0f} rows/s (baseline {int(cld_rows) / base_seconds:,.0f} rows/s)
        history: {history}""")
    )


if __name__ == "__main__":
    main()
