"""Great Expectations suites kept as JSON in `expectations/`, run on pandas frames.

GE cannot validate DuckDB through SQLAlchemy, so a check reads the table into pandas and validates
the DataFrame in an ephemeral context (nothing is written to disk). Each expectation carries a
`meta.severity`: `error` expectations make a blocking check, `warn` ones a warning check.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from orchestration.settings import EXPECTATIONS_DIR

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@dataclass(frozen=True)
class Failure:
    expectation: str
    column: str | None
    unexpected_count: int | None
    why: str


@dataclass(frozen=True)
class SuiteResult:
    suite: str
    severity: str
    evaluated: int
    failures: list[Failure]

    @property
    def success(self) -> bool:
        return not self.failures


def suite_names() -> list[str]:
    return sorted(p.stem for p in EXPECTATIONS_DIR.glob("*.json"))


@lru_cache(maxsize=32)
def _suite_text(name: str) -> str:
    return (EXPECTATIONS_DIR / f"{name}.json").read_text()


def load_suite(name: str) -> dict[str, Any]:
    return json.loads(_suite_text(name))


def _context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def _columns_of(kwargs: dict[str, Any]) -> str | None:
    """The column an expectation is about; pair expectations name both (column_A,column_B)."""
    if "column" in kwargs:
        return kwargs["column"]
    pair = [kwargs[k] for k in ("column_A", "column_B") if k in kwargs]
    return ",".join(pair) or None


def validate_frame(frame: pd.DataFrame, suite: dict[str, Any], severity: str) -> SuiteResult:
    """Validate a DataFrame against the suite's expectations of one severity."""
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    chosen = [e for e in suite["expectations"] if e.get("meta", {}).get("severity", "error") == severity]
    if not chosen:
        return SuiteResult(suite["name"], severity, 0, [])
    context = _context()
    batch_definition = (
        context.data_sources.add_pandas("pandas")
        .add_dataframe_asset("frame")
        .add_batch_definition_whole_dataframe("all")
    )
    gx_suite = gx.ExpectationSuite(name=f"{suite['name']}.{severity}")
    for expectation in chosen:
        gx_suite.add_expectation_configuration(
            ExpectationConfiguration(
                type=expectation["type"], kwargs=expectation["kwargs"], meta=expectation.get("meta", {})
            )
        )
    gx_suite = context.suites.add(gx_suite)
    result = batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(gx_suite)
    failures = [
        Failure(
            expectation=r.expectation_config.type,
            column=_columns_of(r.expectation_config.kwargs),
            unexpected_count=(r.result or {}).get("unexpected_count"),
            why=str((r.expectation_config.meta or {}).get("why", "")),
        )
        for r in result.results
        if not r.success
    ]
    return SuiteResult(suite["name"], severity, len(chosen), failures)
