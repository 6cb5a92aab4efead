"""One place for paths, environment variables and defaults.

Precedence (lowest first): built-in defaults → the YAML config file (`ascw.yaml` in the warehouse
folder, or the file named by `--config` / `ASCW_CONFIG`) → environment variables prefixed `ASCW_`.
Every path is made absolute here, because dbt resolves relative DuckDB paths from its own cwd.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
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


class ConfigError(ValueError):
    """A configuration problem the user must fix (CLI exit code 2)."""


@dataclass(frozen=True)
class LaSettings:
    """Per-LA overrides (config section `las: {<la_code>: {...}}`)."""

    date_formats: tuple[str, ...] = DATE_FORMATS
    encoding: str | None = None  # pin one encoding instead of BOM / UTF-8 / Windows-1252 detection
    sheet_name: str | None = None  # XLSX sheet to read instead of the first


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

    def dbt_vars(self) -> dict[str, Any]:
        """The settings dbt models read (processing_rules.md §0)."""
        return {
            "person_id_rule": self.person_id_rule,
            "ascof_2a_method": self.ascof_2a_method,
            "max_plausible_age": self.max_plausible_age,
            "conversation_keywords": list(self.conversation_keywords),
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
    return LaSettings(
        date_formats=formats,
        encoding=raw.get("encoding", base.encoding),
        sheet_name=raw.get("sheet_name", base.sheet_name),
    )


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
    )
