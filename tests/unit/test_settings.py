"""Configuration: defaults, the YAML file, ASCW_* overrides, per-LA sections and clear errors."""

from __future__ import annotations

import json
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest

from orchestration.settings import ConfigError, load_or_create_key, load_settings


def test_defaults_are_absolute_and_safe(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "wh", env={})
    assert settings.duckdb_path == (tmp_path / "wh" / "warehouse.duckdb").resolve()
    assert settings.duckdb_path.is_absolute()
    assert settings.person_id_rule == "coalesce"
    assert settings.allow_test_nhs_numbers is False
    assert settings.dbt_vars()["max_plausible_age"] == 115


def test_yaml_then_environment(tmp_path: Path) -> None:
    config = tmp_path / "ascw.yaml"
    config.write_text(
        "person_id_rule: hybrid\nallow_test_nhs_numbers: true\n"
        "las:\n  E06000005:\n    date_formats: [uk]\n    encoding: cp1252\n"
    )
    settings = load_settings(tmp_path, config_file=config, env={})
    assert settings.person_id_rule == "hybrid"
    assert settings.allow_test_nhs_numbers is True
    assert settings.for_la("E06000005").date_formats == ("uk",)
    assert settings.for_la("E06000005").encoding == "cp1252"
    assert settings.for_la("E09000001").date_formats == ("iso", "uk")
    overridden = load_settings(tmp_path, config_file=config, env={"ASCW_PERSON_ID_RULE": "coalesce"})
    assert overridden.person_id_rule == "coalesce"


def test_warehouse_config_file_is_found_automatically(tmp_path: Path) -> None:
    (tmp_path / "ascw.yaml").write_text("max_plausible_age: 110\n")
    assert load_settings(tmp_path, env={}).max_plausible_age == 110


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("person_id_rule: nhs\n", "person_id_rule must be one of"),
        ("ascof_2a_method: salt\n", "ascof_2a_method must be one of"),
        ("las:\n  E06000005:\n    date_formats: [us]\n", "date_formats ['us'] not supported"),
        ("- a list\n", "must hold a mapping"),
    ],
)
def test_bad_configuration_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "ascw.yaml"
    config.write_text(text)
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_settings(tmp_path, config_file=config, env={})


def test_missing_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path, config_file=tmp_path / "nope.yaml", env={})


def test_key_file_is_created_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / ".secrets" / "k"
    first = load_or_create_key(path)
    assert len(first) == 64 and oct(path.stat().st_mode & 0o777) == "0o600"
    assert load_or_create_key(path) == first
    settings = load_settings(tmp_path, env={"ASCW_HMAC_KEY": "from-env"}).with_key()
    assert settings.hmac_key == b"from-env"


# ---- finance (finance_extract.md §1, §6, §9) -------------------------------------------------


def test_finance_defaults_and_dbt_vars(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, env={})
    assert settings.for_la("E06000005").finance_load_mode == "cumulative"
    assert settings.for_la("E06000005").net_payments_add_contributions is False
    assert settings.finance_category_map is None
    finance_vars = {k: v for k, v in settings.dbt_vars().items() if k.startswith("finance_")}
    assert finance_vars == {
        "finance_incremental_las": [],
        "finance_net_payer_las": [],
        "finance_abs_tolerance": "10",
        "finance_rel_tolerance": "0.05",
        "finance_payment_lag_days": 28,
        "finance_lag_quarters": 1,
        "finance_unmapped_threshold_pct": "5",
    }
    json.dumps(settings.dbt_vars())  # dbt receives them as JSON; money travels as exact decimal text


def test_finance_settings_from_yaml_per_la_and_environment(tmp_path: Path) -> None:
    config = tmp_path / "ascw.yaml"
    config.write_text(
        "finance_abs_tolerance: 12.50\nfinance_rel_tolerance: 0.1\nfinance_payment_lag_days: 14\n"
        "finance_lag_quarters: 2\nfinance_unmapped_threshold_pct: 2.5\n"
        "las:\n"
        "  E09000001:\n    finance_load_mode: incremental\n    net_payments_add_contributions: true\n"
        "  E06000005:\n    finance_load_mode: incremental\n"
        "  E08000025:\n    net_payments_add_contributions: true\n"
    )
    settings = load_settings(tmp_path, config_file=config, env={"ASCW_FINANCE_LAG_QUARTERS": "0"})
    assert settings.finance_abs_tolerance == Decimal("12.50") and isinstance(settings.finance_abs_tolerance, Decimal)
    assert settings.finance_rel_tolerance == Decimal("0.1")
    assert (settings.finance_payment_lag_days, settings.finance_lag_quarters) == (14, 0)
    assert settings.for_la("E09000001").finance_load_mode == "incremental"
    assert settings.for_la("E08000025").finance_load_mode == "cumulative"
    dbt = settings.dbt_vars()
    assert dbt["finance_incremental_las"] == ["E06000005", "E09000001"]
    assert dbt["finance_net_payer_las"] == ["E08000025", "E09000001"]
    assert (dbt["finance_abs_tolerance"], dbt["finance_rel_tolerance"]) == ("12.5", "0.1")  # YAML read 12.50 as 12.5
    assert dbt["finance_unmapped_threshold_pct"] == "2.5"


def test_default_incremental_mode_lists_every_current_council_but_the_overridden(tmp_path: Path) -> None:
    config = tmp_path / "ascw.yaml"
    config.write_text(
        "defaults:\n  finance_load_mode: incremental\nlas:\n  E06000005:\n    finance_load_mode: cumulative\n"
    )
    incremental = load_settings(tmp_path, config_file=config, env={}).dbt_vars()["finance_incremental_las"]
    assert "E06000005" not in incremental and "E09000001" in incremental
    assert "E10000002" not in incremental  # Buckinghamshire county: a predecessor code, no longer a council
    assert len(incremental) == 153 - 1 and incremental == sorted(incremental)


def test_finance_category_map_path_is_absolute_and_must_exist(tmp_path: Path) -> None:
    (tmp_path / "maps").mkdir()
    map_file = tmp_path / "maps" / "council_map.csv"
    map_file.write_text("cost_centre,account_code\n")
    relative = Path("maps") / "council_map.csv"
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        settings = load_settings(tmp_path, env={"ASCW_FINANCE_CATEGORY_MAP": str(relative)})
    finally:
        os.chdir(cwd)
    assert settings.finance_category_map == map_file.resolve() and settings.finance_category_map.is_absolute()
    config = tmp_path / "ascw.yaml"
    config.write_text(f"finance_category_map: {map_file}\n")
    assert load_settings(tmp_path, config_file=config, env={}).finance_category_map == map_file.resolve()
    with pytest.raises(ConfigError, match=r"finance_category_map .* not found"):
        load_settings(tmp_path, env={"ASCW_FINANCE_CATEGORY_MAP": str(tmp_path / "nope.csv")})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("las:\n  E06000005:\n    finance_load_mode: weekly\n", "finance_load_mode must be one of"),
        ("defaults:\n  net_payments_add_contributions: sometimes\n", "net_payments_add_contributions must be"),
        ("finance_abs_tolerance: -1\n", "finance_abs_tolerance must be a number at least 0"),
        ("finance_abs_tolerance: ten\n", "finance_abs_tolerance must be a number"),
        ("finance_rel_tolerance: 1.5\n", "finance_rel_tolerance must be a number from 0 to 1"),
        ("finance_unmapped_threshold_pct: 101\n", "finance_unmapped_threshold_pct must be a number from 0 to 100"),
        ("finance_payment_lag_days: 2.5\n", "finance_payment_lag_days must be a whole number"),
        ("finance_lag_quarters: -1\n", "finance_lag_quarters must be a whole number"),
    ],
)
def test_bad_finance_configuration_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "ascw.yaml"
    config.write_text(text)
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_settings(tmp_path, config_file=config, env={})
