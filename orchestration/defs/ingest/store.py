"""The state ingest owns in the working DuckDB file: raw, audit and quarantine tables.

These are the only tables that cannot be rebuilt (every mart is rebuilt from them by dbt), so the
DDL is additive: `CREATE ... IF NOT EXISTS` only, never a drop.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from orchestration.defs.ingest.cld import RAW_CLD_SCHEMA
from orchestration.defs.ingest.cqc import RAW_CQC_SCHEMA
from orchestration.defs.ingest.finance import (
    RAW_FINANCE_CATEGORY_MAP_SCHEMA,
    RAW_FINANCE_CONTROL_SCHEMA,
    RAW_FINANCE_SCHEMA,
    RAW_NOT_NULL,
)
from orchestration.defs.ingest.good_lives import RAW_GOOD_LIVES_SCHEMA, RAW_GOOD_LIVES_TEXT_SCHEMA
from orchestration.defs.ingest.hospital import RAW_HOSPITAL_SCHEMA
from orchestration.defs.ingest.place import RAW_PLACE_INPUTS_SCHEMA

LOAD_METADATA = (
    ("load_id", "VARCHAR NOT NULL"),
    ("source_file", "VARCHAR NOT NULL"),
    ("row_number", "INTEGER NOT NULL"),
    ("file_sha256", "VARCHAR NOT NULL"),
    ("received_at", "TIMESTAMP NOT NULL"),
)
# spec_release and the derived period are known only once the whole file is read; they live on
# audit.loads (one row per load) and staging joins them back, instead of rewriting every raw row.


def _columns(columns: tuple[tuple[str, str], ...], not_null: frozenset[str] = frozenset()) -> str:
    return ",\n  ".join(f'"{name}" {kind}{" NOT NULL" if name in not_null else ""}' for name, kind in columns)


DDL = f"""
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS audit;
CREATE SCHEMA IF NOT EXISTS quarantine;

CREATE TABLE IF NOT EXISTS audit.loads (
  load_id VARCHAR PRIMARY KEY,
  source_file VARCHAR NOT NULL,
  source_path VARCHAR,
  file_sha256 VARCHAR NOT NULL,
  dataset VARCHAR,
  la_code VARCHAR,
  spec_release VARCHAR,
  release_evidence VARCHAR,
  encoding VARCHAR,
  received_at TIMESTAMP,
  received_at_source VARCHAR,
  stated_period_start DATE,
  stated_period_end DATE,
  derived_period_start DATE,
  derived_period_end DATE,
  rows_in BIGINT NOT NULL,
  rows_loaded BIGINT NOT NULL,
  rows_rejected BIGINT NOT NULL,
  rows_flagged BIGINT NOT NULL DEFAULT 0,
  started_at TIMESTAMP NOT NULL,
  finished_at TIMESTAMP,
  status VARCHAR NOT NULL,
  rule VARCHAR,
  message VARCHAR,
  withdrawn_at TIMESTAMP,
  withdrawn_reason VARCHAR
);

CREATE TABLE IF NOT EXISTS audit.check_counts (
  load_id VARCHAR NOT NULL,
  "column" VARCHAR NOT NULL,
  rule VARCHAR,
  rows_checked BIGINT NOT NULL,
  rows_failed BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS quarantine.rejected_rows (
  load_id VARCHAR NOT NULL,
  source_file VARCHAR NOT NULL,
  row_number INTEGER NOT NULL,
  "column" VARCHAR,
  rule VARCHAR NOT NULL,
  value VARCHAR,
  message VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS quarantine.row_issues (
  load_id VARCHAR NOT NULL,
  source_file VARCHAR NOT NULL,
  row_number INTEGER NOT NULL,
  "column" VARCHAR NOT NULL,
  rule VARCHAR NOT NULL,
  severity VARCHAR NOT NULL,
  chk INTEGER,
  value VARCHAR,
  message VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS raw.cld_events (
  {_columns(LOAD_METADATA)},
  {_columns(RAW_CLD_SCHEMA)}
);

CREATE TABLE IF NOT EXISTS raw.cld_extra_columns (
  load_id VARCHAR NOT NULL,
  row_number INTEGER NOT NULL,
  header VARCHAR NOT NULL,
  value VARCHAR
);

CREATE TABLE IF NOT EXISTS raw.population (
  load_id VARCHAR NOT NULL,
  source_file VARCHAR NOT NULL,
  row_number INTEGER NOT NULL,
  received_at TIMESTAMP NOT NULL,
  la_code VARCHAR NOT NULL,
  mid_year INTEGER NOT NULL,
  sex VARCHAR,
  age INTEGER NOT NULL,
  population BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS raw.hospital_discharges (
  {_columns(LOAD_METADATA)},
  {_columns(RAW_HOSPITAL_SCHEMA)}
);

-- Finance (finance_extract.md; the column contract is shared with the dbt sources).
CREATE TABLE IF NOT EXISTS raw.finance_transactions (
  {_columns(LOAD_METADATA)},
  {_columns(RAW_FINANCE_SCHEMA, RAW_NOT_NULL)}
);

CREATE TABLE IF NOT EXISTS raw.finance_control (
  {_columns(LOAD_METADATA)},
  {_columns(RAW_FINANCE_CONTROL_SCHEMA)}
);

CREATE TABLE IF NOT EXISTS raw.finance_category_map (
  {_columns(LOAD_METADATA)},
  {_columns(RAW_FINANCE_CATEGORY_MAP_SCHEMA)}
);

-- Good-lives profiles (good_lives_extract.md): coded values cleaned by ingest, no free text.
CREATE TABLE IF NOT EXISTS raw.good_lives_profiles (
  {_columns(LOAD_METADATA)},
  {_columns(RAW_GOOD_LIVES_SCHEMA)}
);

-- Free text only when a council turns `load_free_text` on (§1): restricted, never read by a mart.
CREATE TABLE IF NOT EXISTS raw.good_lives_free_text (
  load_id VARCHAR NOT NULL,
  row_number INTEGER NOT NULL,
  {_columns(RAW_GOOD_LIVES_TEXT_SCHEMA)}
);

-- Place inputs (reference_data.md §7, optional): supplied values, shown as supplied.
CREATE TABLE IF NOT EXISTS raw.place_inputs (
  {_columns(LOAD_METADATA)},
  {_columns(RAW_PLACE_INPUTS_SCHEMA)}
);

-- CQC care directory (reference_data.md §5), one row per location per loaded snapshot file.
CREATE TABLE IF NOT EXISTS raw.cqc_locations (
  {_columns(LOAD_METADATA)},
  {_columns(RAW_CQC_SCHEMA)}
);

-- Resource-shift scenarios (context.md §3 (d); orchestration/defs/scenarios/): one validated
-- scenario file per scenario_id; storing a file again replaces that scenario's rows. Cohort lists
-- are '|'-separated code-list labels (NULL = no filter) so SQL can match them portably.
CREATE TABLE IF NOT EXISTS raw.scenario_definitions (
  scenario_id VARCHAR NOT NULL,
  name VARCHAR NOT NULL,
  description VARCHAR,
  la_code VARCHAR,
  base_quarter_start DATE,
  years INTEGER NOT NULL,
  weeks_per_year DECIMAL(6,2) NOT NULL,
  price_uplift_percent DECIMAL(7,3) NOT NULL,
  demand_growth_percent DECIMAL(7,3) NOT NULL,
  source_file VARCHAR NOT NULL,
  file_sha256 VARCHAR NOT NULL,
  loaded_at TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS raw.scenario_shifts (
  scenario_id VARCHAR NOT NULL,
  shift_number INTEGER NOT NULL,
  from_sector VARCHAR NOT NULL,
  to_sector VARCHAR NOT NULL,
  psr_groups VARCHAR,
  working_age_bands VARCHAR,
  age_bands VARCHAR,
  cohort_description VARCHAR NOT NULL,
  share_percent DECIMAL(7,3) NOT NULL,
  over_years INTEGER NOT NULL,
  destination_weekly_cost DECIMAL(18,2)
);

-- finance_extract.md §8 item 4, per ledger load x financial_year x period: the parseable amounts
-- split into loaded, duplicate (§5) and rejected rows. Quarantine keeps only the failing value, so
-- the amounts of rejected rows are recorded here (NULL year or period where those did not parse).
CREATE TABLE IF NOT EXISTS audit.finance_totals (
  load_id VARCHAR NOT NULL,
  financial_year VARCHAR,
  period_number INTEGER,
  outcome VARCHAR NOT NULL,
  "rows" BIGINT NOT NULL,
  amount DECIMAL(38,2) NOT NULL
);
"""


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL)


@contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the working file and always close it: DuckDB allows one writing process at a time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        if not read_only:
            ensure_schema(con)
        yield con
    finally:
        con.close()
