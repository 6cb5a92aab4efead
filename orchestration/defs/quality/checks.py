"""Great Expectations suites as Dagster asset checks.

Each suite in `expectations/` yields two checks on its table: a blocking one for the `error`
expectations (a failure stops everything downstream, such as publishing) and a warning one for the
`warn` expectations (plausibility, reported for review).
"""

import dagster as dg
import duckdb

from orchestration.defs.ingest.assets import DUCKDB_POOL
from orchestration.defs.quality.expectations import SuiteResult, load_suite, suite_names, validate_frame
from orchestration.settings import load_settings


def read_table(table: str, query: str | None = None):
    """Read a table (or the suite's query over it) into pandas with a read-only connection that is
    always closed. A suite's `query` adds checks pandas cannot do exactly, e.g. money identities
    computed in integer pence in SQL (`.df()` turns DECIMAL into float)."""
    con = duckdb.connect(str(load_settings().duckdb_path), read_only=True)
    try:
        return con.sql(query or f"select * from {table}").df()
    finally:
        con.close()


def _result(outcome: SuiteResult, severity: dg.AssetCheckSeverity) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=outcome.success,
        severity=severity,
        metadata={
            "expectations_evaluated": outcome.evaluated,
            "expectations_failed": len(outcome.failures),
            "failures": dg.MetadataValue.json(
                [
                    {"expectation": f.expectation, "column": f.column, "unexpected": f.unexpected_count, "why": f.why}
                    for f in outcome.failures
                ]
            ),
        },
    )


# (expectation severity, check name suffix, blocking, Dagster severity)
CHECK_KINDS = (
    ("error", "blocking", True, dg.AssetCheckSeverity.ERROR),
    ("warn", "plausibility", False, dg.AssetCheckSeverity.WARN),
)


def build_suite_check(name: str, severity: str, suffix: str, blocking: bool, level: dg.AssetCheckSeverity):
    """One asset check running the suite's expectations of one severity on its table."""
    suite = load_suite(name)

    @dg.asset_check(
        asset=dg.AssetKey(suite["table"].split(".")),
        name=f"ge_{name}_{suffix}",
        blocking=blocking,
        pool=DUCKDB_POOL,
        description=f"GE suite {name}: {severity}-severity expectations" + (" (blocking)." if blocking else "."),
    )
    def check() -> dg.AssetCheckResult:
        return _result(validate_frame(read_table(suite["table"], suite.get("query")), suite, severity), level)

    return check


def all_suite_checks() -> list[dg.AssetChecksDefinition]:
    return [build_suite_check(name, *kind) for name in suite_names() for kind in CHECK_KINDS]
