"""Scenario files (docs/scenarios.md): each bad input gives a message naming the file, the field,
what is wrong and what is allowed; `ascw scenario validate` exits 2 without a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from orchestration.cli import main
from orchestration.defs.scenarios.schema import ScenarioFileError, read_scenario

GOOD = {
    "scenario_id": "ld_shift",
    "name": "LD residential to supported living",
    "years": 3,
    "shifts": [
        {
            "from_sector": "residential_care",
            "to_sector": "supported_living",
            "cohort": {"psr_group": ["learning_disability"], "working_age_band": "18 to 64"},
            "share_percent": 10,
            "over_years": 3,
        }
    ],
}


def write(tmp_path: Path, data: object, name: str = "scenario_test.yaml") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data), encoding="utf-8")
    return path


def shifted(**changes: object) -> dict:
    data = yaml.safe_load(yaml.safe_dump(GOOD))
    data["shifts"][0].update(changes)
    return data


def error_of(tmp_path: Path, data: object) -> str:
    path = write(tmp_path, data)
    with pytest.raises(ScenarioFileError) as caught:
        read_scenario(path)
    message = str(caught.value)
    assert str(path) in message  # every message names the file
    return message


def test_good_file_is_read_with_defaults_and_labels(tmp_path: Path) -> None:
    item = read_scenario(write(tmp_path, GOOD))
    s = item.scenario
    assert (s.weeks_per_year, s.price_uplift_percent, s.demand_growth_percent, s.la_code) == (52, 0, 0, None)
    # codes and labels are both accepted and stored as the code-list label
    assert s.shifts[0].cohort.psr_group == ["Learning disability"]
    assert s.shifts[0].cohort.working_age_band == ["18 to 64"]
    assert len(item.sha256) == 64


def test_the_shipped_examples_are_valid() -> None:
    examples = sorted(Path("docs/scenarios").glob("scenario_*.yaml"))
    assert len(examples) == 2
    for path in examples:
        read_scenario(path)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (shifted(share_percent=150), "shifts[0].share_percent: Input should be less than or equal to 100 (got 150)"),
        (shifted(share_percent=-1), "shifts[0].share_percent: Input should be greater than or equal to 0"),
        (shifted(to_sector="hospital"), "shifts[0].to_sector: unknown sector 'hospital'; allowed: ['residential_care'"),
        (shifted(to_sector="residential_care"), "from_sector and to_sector are both 'residential_care'"),
        (shifted(over_years=0), "shifts[0].over_years: Input should be greater than or equal to 1"),
        (shifted(destination_weekly_cost=0), "shifts[0].destination_weekly_cost: Input should be greater than 0"),
        (
            shifted(cohort={"psr_group": ["Dementia"]}),
            "shifts[0].cohort.psr_group: unknown value(s) ['Dementia']; allowed:",
        ),
        (shifted(cohort={"gender": ["Male"]}), "shifts[0].cohort.gender: unknown field; allowed fields: ['psr_group'"),
        (shifted(share=10), "shifts[0].share: unknown field; allowed fields: ['from_sector'"),
        ({**GOOD, "years": 11}, "years: Input should be less than or equal to 10 (got 11)"),
        ({**GOOD, "base_quarter": "2025-02-01"}, "base_quarter: 2025-02-01 is not the first day of a quarter"),
        ({**GOOD, "la_code": "X123"}, "la_code: String should match pattern"),
        ({**GOOD, "scenario_id": "Bad Id"}, "scenario_id: String should match pattern"),
        ({**GOOD, "shifts": []}, "shifts: List should have at least 1 item"),
        ({k: v for k, v in GOOD.items() if k != "years"}, "years: required field is missing"),
        ({**GOOD, "colour": "red"}, "colour: unknown field; allowed fields: ['scenario_id'"),
    ],
)
def test_bad_field_gives_the_intended_message(tmp_path: Path, data: dict, expected: str) -> None:
    assert expected in error_of(tmp_path, data)


def test_overlapping_cohorts_cannot_move_more_than_everyone(tmp_path: Path) -> None:
    data = shifted(share_percent=60)
    data["shifts"].append({**data["shifts"][0], "to_sector": "shared_lives"})
    assert (
        "  shifts[0]: shifts out of 'residential_care' with overlapping cohorts move 120% in all; allowed: at most 100%"
        in error_of(tmp_path, data)
    )
    # disjoint cohorts may each move up to 100%
    data["shifts"][1]["cohort"] = {"psr_group": ["Mental health"]}
    read_scenario(write(tmp_path, data))


def test_one_price_per_destination(tmp_path: Path) -> None:
    data = shifted(destination_weekly_cost=900)
    data["shifts"].append(
        {**data["shifts"][0], "cohort": {"psr_group": ["Mental health"]}, "destination_weekly_cost": 950}
    )
    assert "give different destination_weekly_cost values" in error_of(tmp_path, data)


def test_not_yaml_or_not_a_mapping(tmp_path: Path) -> None:
    assert "not valid YAML at line 2" in error_of(tmp_path, "scenario_id: a\n  bad: [\n")
    assert "expected a mapping of fields" in error_of(tmp_path, "- a\n- b\n")


def test_cli_validate_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    good = runner.invoke(main, ["scenario", "validate", str(write(tmp_path, GOOD, "good.yaml"))])
    assert good.exit_code == 0, good.output
    assert "valid scenario 'ld_shift'" in good.output
    bad = runner.invoke(main, ["scenario", "validate", str(write(tmp_path, shifted(share_percent=150), "bad.yaml"))])
    assert bad.exit_code == 2
    assert "shifts[0].share_percent" in bad.output and "Traceback" not in bad.output


def test_scenario_files_do_not_disturb_file_recognition(tmp_path: Path) -> None:
    from orchestration.defs.ingest.load import landed_files
    from orchestration.defs.scenarios.store import copy_example_scenarios, extract_scenario_files

    (tmp_path / "cld_E06000005_2025-04-20.csv").write_text("x\n")
    copied = copy_example_scenarios(tmp_path)  # what `ascw generate` writes
    assert [p.name for p in landed_files(tmp_path)] == ["cld_E06000005_2025-04-20.csv"]
    assert extract_scenario_files(tmp_path) == sorted(copied) and len(copied) == 2
