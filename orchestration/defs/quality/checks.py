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


def read_table(table: str):
    """Read a table into pandas with a read-only connection that is always closed."""
    con = duckdb.connect(str(load_settings().duckdb_path), read_only=True)
    try:
        return con.sql(f"select * from {table}").df()
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


def build_suite_checks(name: str) -> list[dg.AssetChecksDefinition]:
    suite = load_suite(name)
    key = dg.AssetKey(suite["table"].split("."))

    @dg.asset_check(
        asset=key,
        name=f"ge_{name}_blocking",
        blocking=True,
        pool=DUCKDB_POOL,
        description=f"GE suite {name}: error-severity expectations (blocking).",
    )
    def blocking_check() -> dg.AssetCheckResult:
        return _result(validate_frame(read_table(suite["table"]), suite, "error"), dg.AssetCheckSeverity.ERROR)

    @dg.asset_check(
        asset=key,
        name=f"ge_{name}_plausibility",
        blocking=False,
        pool=DUCKDB_POOL,
        description=f"GE suite {name}: warn-severity expectations (plausibility).",
    )
    def warning_check() -> dg.AssetCheckResult:
        return _result(validate_frame(read_table(suite["table"]), suite, "warn"), dg.AssetCheckSeverity.WARN)

    return [blocking_check, warning_check]


def all_suite_checks() -> list[dg.AssetChecksDefinition]:
    return [check for name in suite_names() for check in build_suite_checks(name)]
