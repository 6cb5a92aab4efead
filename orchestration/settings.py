"""One place for paths, environment variables and defaults.

Precedence (lowest first): built-in defaults → the YAML config file (`ascw.yaml` in the warehouse
folder, or the file named by `--config` / `ASCW_CONFIG`) → environment variables prefixed `ASCW_`.
Every path is made absolute here, because dbt resolves relative DuckDB paths from its own cwd.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SEEDS_DIR = PROJECT_ROOT / "seeds"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"

DATE_FORMATS = ("iso", "uk")
PERSON_ID_RULES = ("coalesce", "hybrid")
ASCOF_2A_METHODS = ("dhsc_2425", "nhse_2324")  # processing_rules.md §12
FINANCE_LOAD_MODES = ("cumulative", "incremental")  # finance_extract.md §1


class ConfigError(ValueError):
    """A configuration problem the user must fix (CLI exit code 2)."""


@dataclass(frozen=True)
class LaSettings:
    """Per-LA overrides (config section `las: {<la_code>: {...}}`)."""

    date_formats: tuple[str, ...] = DATE_FORMATS
    encoding: str | None = None  # pin one encoding instead of BOM / UTF-8 / Windows-1252 detection
    sheet_name: str | None = None  # XLSX sheet to read instead of the first
    # finance_extract.md §1: each ledger file is the year to date (the newest load of a year replaces
    # the earlier ones) or adds periods.
    finance_load_mode: str = "cumulative"
    # finance_extract.md §9: the council pays care homes net of the client's contribution, so
    # person-linked contributions are added back to paid_amount before comparing with CLD cost.
    net_payments_add_contributions: bool = False
    # good_lives_extract.md §1: strength and goal text are read only to set has_strength_text /
    # has_goal_text; a council may opt in to keep the text in the restricted raw.good_lives_free_text.
    load_free_text: bool = False


@dataclass(frozen=True)
class Settings:
    warehouse_dir: Path
    extracts_dir: Path | None = None
    person_id_rule: str = "coalesce"
    ascof_2a_method: str = "dhsc_2425"
    allow_test_nhs_numbers: bool = False
    max_plausible_age: int = 115
    null_tokens: tuple[str, ...] = ("NULL",)
    conversation_keywords: tuple[str, ...] = ("conversation",)
    hmac_key: bytes | None = None
    chunk_rows: int = 50_000
    default_la: LaSettings = field(default_factory=LaSettings)
    las: dict[str, LaSettings] = field(default_factory=dict)
    # A council's own finance category map outside the extracts folder (finance_extract.md §6).
    finance_category_map: Path | None = None
    # finance_extract.md §9 tolerance = max(abs, rel x expected cost); exact decimals, never float.
    finance_abs_tolerance: Decimal = Decimal("10")
    finance_rel_tolerance: Decimal = Decimal("0.05")
    finance_payment_lag_days: int = 28  # §9: a payment without a service period counts this many days earlier
    finance_lag_quarters: int = 1  # §9: quarters a payment may lag its package
    finance_unmapped_threshold_pct: Decimal = Decimal("5")  # §6: unmapped share of gross expenditure that fails
    # reference_data.md §5: the CQC directory's snapshot date when its preamble and file name carry none.
    cqc_snapshot_date: dt.date | None = None

    @property
    def duckdb_path(self) -> Path:
        return self.warehouse_dir / "warehouse.duckdb"

    @property
    def dagster_home(self) -> Path:
        return self.warehouse_dir / "dagster_home"

    @property
    def key_file(self) -> Path:
        return self.warehouse_dir / ".secrets" / "person_key.hmac"

    def for_la(self, la_code: str | None) -> LaSettings:
        return self.las.get(la_code or "", self.default_la)

    def las_where(self, wanted: Callable[[LaSettings], bool]) -> list[str]:
        """Sorted ONS codes of the councils whose settings satisfy `wanted`.

        A per-LA section applies to its code; when the `defaults:` section satisfies it, every
        current council in the LA seed does too, except those overridden.
        """
        codes = {code for code, la in self.las.items() if wanted(la)}
        if wanted(self.default_la):
            from orchestration.defs.ingest.reference import la_codes  # reads the seeds, which import this module

            current = {code for code, spans in la_codes().items() if any(s.effective_to is None for s in spans)}
            codes |= current - set(self.las)
        return sorted(codes)

    def dbt_vars(self) -> dict[str, Any]:
        """The settings dbt models read (processing_rules.md §0, finance_extract.md §1, §6, §9).

        Money and ratios are exact decimals; JSON has no decimal type, so they travel as their
        decimal text ("10", "0.05"), which renders as the same numeric literal in SQL.
        """
        return {
            "person_id_rule": self.person_id_rule,
            "ascof_2a_method": self.ascof_2a_method,
            "max_plausible_age": self.max_plausible_age,
            "conversation_keywords": list(self.conversation_keywords),
            "finance_incremental_las": self.las_where(lambda la: la.finance_load_mode == "incremental"),
            "finance_net_payer_las": self.las_where(lambda la: la.net_payments_add_contributions),
            "finance_abs_tolerance": str(self.finance_abs_tolerance),
            "finance_rel_tolerance": str(self.finance_rel_tolerance),
            "finance_payment_lag_days": self.finance_payment_lag_days,
            "finance_lag_quarters": self.finance_lag_quarters,
            "finance_unmapped_threshold_pct": str(self.finance_unmapped_threshold_pct),
        }

    def with_key(self) -> Settings:
        """Return settings carrying the HMAC key, creating a local key file for the demo if needed."""
        if self.hmac_key:
            return self
        return replace(self, hmac_key=load_or_create_key(self.key_file))


def _la_settings(raw: dict[str, Any], base: LaSettings) -> LaSettings:
    formats = tuple(raw.get("date_formats", base.date_formats))
    unknown = [f for f in formats if f not in DATE_FORMATS]
    if unknown:
        raise ConfigError(f"date_formats {unknown} not supported; use any of {list(DATE_FORMATS)}")
    mode = str(raw.get("finance_load_mode", base.finance_load_mode))
    if mode not in FINANCE_LOAD_MODES:
        raise ConfigError(f"finance_load_mode must be one of {FINANCE_LOAD_MODES}, not {mode!r}")
    return LaSettings(
        date_formats=formats,
        encoding=raw.get("encoding", base.encoding),
        sheet_name=raw.get("sheet_name", base.sheet_name),
        finance_load_mode=mode,
        net_payments_add_contributions=_strict_bool(
            "net_payments_add_contributions",
            raw.get("net_payments_add_contributions", base.net_payments_add_contributions),
        ),
        load_free_text=_strict_bool("load_free_text", raw.get("load_free_text", base.load_free_text)),
    )


def _strict_bool(name: str, value: Any) -> bool:
    """A YAML boolean, or the text true/false (any case): anything else is a configuration error."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "false"}:
        return text == "true"
    raise ConfigError(f"{name} must be true or false, not {value!r}")


def _decimal(name: str, value: Any, low: Decimal, high: Decimal | None = None) -> Decimal:
    """A setting read as an exact decimal (from its text, never through float) within bounds."""
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ConfigError(f"{name} must be a number, not {value!r}") from exc
    if not number.is_finite() or number < low or (high is not None and number > high):
        bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise ConfigError(f"{name} must be a number {bounds}, not {value!r}")
    return number


def _whole(name: str, value: Any) -> int:
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit():
        raise ConfigError(f"{name} must be a whole number of at least 0, not {value!r}")
    return int(text)


def _env_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_or_create_key(path: Path) -> bytes:
    """Read the person-key HMAC secret, or create one (0600) for a local demo warehouse."""
    if path.exists():
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode()
    path.write_bytes(key)
    path.chmod(0o600)
    return key


def load_settings(
    warehouse_dir: Path | str | None = None,
    extracts_dir: Path | str | None = None,
    config_file: Path | str | None = None,
    env: dict[str, str] | None = None,
) -> Settings:
    """Build settings from defaults, the YAML file and `ASCW_*` environment variables."""
    env = dict(os.environ if env is None else env)
    warehouse = Path(warehouse_dir or env.get("ASCW_WAREHOUSE_DIR") or PROJECT_ROOT / "warehouse").resolve()
    config_path = config_file or env.get("ASCW_CONFIG")
    if config_path is None and (warehouse / "ascw.yaml").exists():
        config_path = warehouse / "ascw.yaml"
    raw: dict[str, Any] = {}
    if config_path:
        path = Path(config_path)
        if not path.exists():
            raise ConfigError(f"config file {path} not found")
        raw = yaml.safe_load(path.read_text()) or {}
        if not isinstance(raw, dict):
            raise ConfigError(f"config file {path} must hold a mapping of settings")

    def pick(name: str, default: Any) -> Any:
        env_name = f"ASCW_{name.upper()}"
        if env_name in env:
            return env[env_name]
        return raw.get(name, default)

    rule = str(pick("person_id_rule", "coalesce"))
    if rule not in PERSON_ID_RULES:
        raise ConfigError(f"person_id_rule must be one of {PERSON_ID_RULES}, not {rule!r}")
    method = str(pick("ascof_2a_method", "dhsc_2425"))
    if method not in ASCOF_2A_METHODS:
        raise ConfigError(f"ascof_2a_method must be one of {ASCOF_2A_METHODS}, not {method!r}")
    allow = pick("allow_test_nhs_numbers", False)
    key = env.get("ASCW_HMAC_KEY")
    key_file = env.get("ASCW_HMAC_KEY_FILE") or raw.get("hmac_key_file")
    hmac_key = key.encode() if key else (Path(key_file).read_bytes().strip() if key_file else None)
    default_la = _la_settings(raw.get("defaults", {}) or {}, LaSettings())
    las = {code: _la_settings(section or {}, default_la) for code, section in (raw.get("las") or {}).items()}
    extracts = extracts_dir or pick("extracts_dir", None)
    category_map = pick("finance_category_map", None)
    category_map_path = Path(category_map).expanduser().resolve() if category_map else None
    if category_map_path is not None and not category_map_path.is_file():
        raise ConfigError(f"finance_category_map {category_map_path} not found")
    snapshot = pick("cqc_snapshot_date", None)
    try:
        cqc_snapshot = dt.date.fromisoformat(str(snapshot).strip()) if snapshot not in (None, "") else None
    except ValueError as exc:
        raise ConfigError(f"cqc_snapshot_date must be a date YYYY-MM-DD, not {snapshot!r}") from exc
    return Settings(
        warehouse_dir=warehouse,
        extracts_dir=Path(extracts).resolve() if extracts else None,
        person_id_rule=rule,
        ascof_2a_method=method,
        allow_test_nhs_numbers=_env_bool(allow) if isinstance(allow, str) else bool(allow),
        max_plausible_age=int(pick("max_plausible_age", 115)),
        null_tokens=tuple(raw.get("null_tokens", ("NULL",))),
        conversation_keywords=tuple(raw.get("conversation_keywords", ("conversation",))),
        hmac_key=hmac_key,
        chunk_rows=int(pick("chunk_rows", 50_000)),
        default_la=default_la,
        las=las,
        finance_category_map=category_map_path,
        finance_abs_tolerance=_decimal("finance_abs_tolerance", pick("finance_abs_tolerance", "10"), Decimal(0)),
        finance_rel_tolerance=_decimal(
            "finance_rel_tolerance", pick("finance_rel_tolerance", "0.05"), Decimal(0), Decimal(1)
        ),
        finance_payment_lag_days=_whole("finance_payment_lag_days", pick("finance_payment_lag_days", 28)),
        finance_lag_quarters=_whole("finance_lag_quarters", pick("finance_lag_quarters", 1)),
        finance_unmapped_threshold_pct=_decimal(
            "finance_unmapped_threshold_pct", pick("finance_unmapped_threshold_pct", "5"), Decimal(0), Decimal(100)
        ),
        cqc_snapshot_date=cqc_snapshot,
    )
