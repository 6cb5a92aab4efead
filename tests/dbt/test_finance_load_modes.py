"""Finance load modes (finance_extract.md §1, §5) through the real loader and dbt: which load wins
is a selection rule in dbt, never quarantine.

Cumulative LA E06000005 (the default): file 1 (received first) holds 2024-25 ids A, B, C; file 2,
the newer year-to-date file, holds A, C (amount revised) and D. Kept: A, C (file 2's amount), D;
B disappears → FIN053 (info). Σ kept = 10.00 + 33.00 + 40.00 = 83.00.
Incremental LA E06000001 (`finance_load_mode: incremental`): file 1 holds A, B; file 2 holds B
(revised) and C. Kept: A, B (file 2), C; file 1's B → FIN052. Σ kept = 10.00 + 22.00 + 30.00 = 62.00.
"""

from __future__ import annotations

import os
import time
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import make_settings
from dbt_warehouse import dbt, query
from finance_builder import txn, write_ledger
from orchestration.defs.ingest.load import load_file
from orchestration.defs.ingest.store import connect

CUMULATIVE, INCREMENTAL = "E06000005", "E06000001"


def rows(la: str, *items: tuple[str, str]) -> list[dict[str, str]]:
    return [txn(i, "provider_payment", amount, "RES01", "5101", "2024-05-10", 2, la_code=la) for i, amount in items]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("finance_modes")
    (root / "wh").mkdir()
    (root / "wh" / "ascw.yaml").write_text(f"las:\n  {INCREMENTAL}:\n    finance_load_mode: incremental\n")
    settings = make_settings(root / "wh", root / "extracts")
    files = [
        write_ledger(root / "f" / "c1.csv", rows(CUMULATIVE, ("A", "10.00"), ("B", "20.00"), ("C", "30.00"))),
        write_ledger(root / "f" / "i1.csv", rows(INCREMENTAL, ("A", "10.00"), ("B", "20.00"))),
        write_ledger(root / "f" / "c2.csv", rows(CUMULATIVE, ("A", "10.00"), ("C", "33.00"), ("D", "40.00"))),
        write_ledger(root / "f" / "i2.csv", rows(INCREMENTAL, ("B", "22.00"), ("C", "30.00"))),
    ]
    with connect(settings.duckdb_path) as con:
        for order, path in enumerate(files):
            # the received time (file mtime) orders the loads: the second files are newer
            stamp = time.time() - 1000 + order * 100
            os.utime(path, (stamp, stamp))
            assert load_file(con, path, settings).status == "loaded"
    dbt(settings, "build", "+int_finance__load_revisions")
    return root


def test_cumulative_newest_year_to_date_file_replaces_the_earlier(warehouse: Path) -> None:
    kept = query(
        warehouse,
        "select transaction_id, cast(amount as varchar), source_file from staging.stg_finance__transactions "
        f"where la_code = '{CUMULATIVE}' order by 1",
    )
    assert kept == [("A", "10.00", "c2.csv"), ("C", "33.00", "c2.csv"), ("D", "40.00", "c2.csv")]


def test_incremental_files_add_and_a_resent_id_is_revised(warehouse: Path) -> None:
    kept = query(
        warehouse,
        "select transaction_id, cast(amount as varchar), source_file, is_revised_across_loads "
        f"from staging.stg_finance__transactions where la_code = '{INCREMENTAL}' order by 1",
    )
    assert kept == [("A", "10.00", "i1.csv", False), ("B", "22.00", "i2.csv", True), ("C", "30.00", "i2.csv", False)]


def test_what_was_replaced_is_reported(warehouse: Path) -> None:
    revisions = query(
        warehouse,
        "select la_code, transaction_id, rule from intermediate.int_finance__load_revisions order by 1, 2, 3",
    )
    # cumulative: B dropped (FIN053); A and C of the older file replaced by the newer file's rows
    assert (CUMULATIVE, "B", "FIN053") in revisions
    assert (INCREMENTAL, "B", "FIN052") in revisions
    assert (INCREMENTAL, "A", "FIN052") not in revisions and (INCREMENTAL, "A", "FIN053") not in revisions


def test_totals_count_each_kept_row_once(warehouse: Path) -> None:
    totals = dict(
        query(
            warehouse,
            "select la_code, cast(sum(amount) as varchar) from staging.stg_finance__transactions group by la_code",
        )
    )
    assert {k: Decimal(v) for k, v in totals.items()} == {CUMULATIVE: Decimal("83.00"), INCREMENTAL: Decimal("62.00")}
