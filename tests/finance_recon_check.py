"""The demo check "the reconciliation mart flags exactly the listed mismatches" (finance_extract.md
§11): the generator lists its deliberate mismatches in finance_expected_mismatches.csv
(la_code, service_ref, person_local_id, kind); the restricted finance_case_reconciliation must flag
every one of them with that status in at least one quarter, and flag nothing else.

Compared on (la_code, service_ref, status): service_ref is the line's CLD Event Reference for line
keys and a reference the unmatched money carried for person keys, so the payments for packages the
case data does not have are found too. Use in the end-to-end test:

    assert reconciliation_surprises(warehouse / "warehouse.duckdb", extracts / "finance_expected_mismatches.csv") == []

or from the command line: python tests/finance_recon_check.py WAREHOUSE.duckdb MISMATCHES.csv
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

SURPRISES_SQL = """
with

expected as (
    select distinct la_code, service_ref, kind as status
    from read_csv($mismatches, header = true, all_varchar = true)
),

flagged as (
    select distinct la_code, service_ref, status
    from marts.finance_case_reconciliation
    where status <> 'matched'
)

select 'listed but not flagged' as problem, e.la_code, e.service_ref, e.status
from expected as e
left join flagged as f on e.la_code = f.la_code and e.service_ref = f.service_ref and e.status = f.status
where f.status is null
union all
select 'flagged but not listed' as problem, f.la_code, f.service_ref, f.status
from flagged as f
left join expected as e on e.la_code = f.la_code and e.service_ref = f.service_ref and e.status = f.status
where e.status is null
order by 1, 2, 3, 4
"""


def reconciliation_surprises(warehouse: Path, mismatches_csv: Path) -> list[tuple[str, str, str | None, str]]:
    """(problem, la_code, service_ref, status) for every listed mismatch not flagged and every flag
    not listed; empty when the mart finds exactly the listed mismatches."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(SURPRISES_SQL, {"mismatches": str(mismatches_csv)}).fetchall()
    finally:
        con.close()


if __name__ == "__main__":
    found = reconciliation_surprises(Path(sys.argv[1]), Path(sys.argv[2]))
    for problem in found:
        print(*problem, sep="\t")
    print(f"{len(found)} surprise(s)")
    sys.exit(1 if found else 0)
