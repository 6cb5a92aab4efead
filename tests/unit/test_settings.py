"""Configuration: defaults, the YAML file, ASCW_* overrides, per-LA sections and clear errors."""

from __future__ import annotations

import re
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
