"""The good_lives_extract.md §9 hand-computed fixture through a real dbt build: identity and match
rate, profile selection, cohorts, the §7 measures, the §8 spend attribution and suppression off
(threshold 0, a test setting).

LA E06000005 (the spec's example is E06000038; any valid CASSR code will do), period 2024-25.
P1 is in the case data: learning disability support, born March 1990 (34 on 2024-06-01: 25 to 44,
18 to 64), three open long-term community lines (CASSR commissioned support) from 2024-04-01:
  home support 10 h a week × £23.50 (Hourly) = £235.00 a week, component Home support
  day support £120.00 Weekly, component Day support
  meals £20.00 Weekly, component Meals (referenced by no domain)
P2 is not in the case data; every row reads need low, sources family, fits (home: feels like home yes).
P1's profile, 2024-06-01:

| Domain             | Need     | Goal        | Sources   | Paid component                  | Fit          | MM |
|--------------------|----------|-------------|-----------|---------------------------------|--------------|----|
| physical_practical | high     | in_progress | paid|family | Home support or domiciliary care | fits       | N  |
| community          | moderate | not_started | none      |                                 |              | Y  |
| work_learning      | low      | achieved    | community |                                 | fits         | N  |
| relationships      | low      |             | family    |                                 | fits         | N  |
| independence       | moderate | in_progress | paid      | Day support                     | does_not_fit | Y  |
| safety             | low      |             | technology|                                 | partly       | N  |
| home               | none     |             | family    |                                 | fits (home: yes) | N |

plus one exact copy of P1's community row (GL040): 15 rows in, 14 loaded, 1 rejected.

Hand computation, cohort all (P1 + P2):
  people_profiled 2 in every domain; people_with_need 2, except home 1 (P1 has none there);
  unmet_need: community (no support) and independence (does not fit) 1 each, else 0;
  partly_met_need: safety 1; poor_fit_paid_support: independence 1;
  unmet_need_matters_most: community 1, independence 1; goals_achieved: work_learning 1;
  people_with_goal: physical_practical, community, work_learning, independence 1 each, else 0;
  mix: physical_practical paid_and_unpaid 1 + unpaid_only 1 (P2); independence paid_only 1 +
  unpaid_only 1; community none 1 + unpaid_only 1; the other four unpaid_only 2. Each domain's
  five mix counts sum to 2.
  spend (§8, P1 only): home support is referenced by component in physical_practical (k = 1):
  £235.00 fits; day support in independence: £120.00, does not fit → poor_fit £120.00; meals: no
  row references it and no paid row lacks a component → unattributed £20.00; 235 + 120 + 20 = £375.00
  = the three lines' weekly costs.
  shares (minimum denominator set to 1 here): share_unmet independence = 1/2 = 50.0;
  share_poor_fit_paid independence = 1/1 = 100.0; share_goals_achieved work_learning = 1/1 = 100.0.
  psr_group: P1 learning_disability, P2 unmatched. Match rate: 1 of 2 people = 50.0%.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from cld_builder import row, write_cld
from conftest import make_settings
from dbt_warehouse import dbt, query
from good_lives_builder import DOMAINS, profile_row, write_good_lives_csv
from orchestration.defs.ingest.load import load_folder
from orchestration.defs.ingest.store import connect

LA = "E06000005"
FY = "period_type = 'financial_year' and financial_year = '2024-25'"

P1_ANSWERS = {
    # domain: (need, goal, sources, component, fit, matters_most)
    "physical_practical": ("high", "in_progress", "paid|family", "Home support or domiciliary care", "fits", "N"),
    "community": ("moderate", "not_started", "none", "", "", "Y"),
    "work_learning": ("low", "achieved", "community", "", "fits", "N"),
    "relationships": ("low", "", "family", "", "fits", "N"),
    "independence": ("moderate", "in_progress", "paid", "Day support", "does_not_fit", "Y"),
    "safety": ("low", "", "technology", "", "partly", "N"),
    "home": ("none", "", "family", "", "fits", "N"),
}


def profile_rows() -> list[dict[str, str]]:
    rows = []
    for domain, (need, goal, sources, component, fit, mm) in P1_ANSWERS.items():
        rows.append(
            profile_row(
                person_local_id="P1",
                domain=domain,
                need_level=need,
                goal_status=goal,
                support_sources=sources,
                paid_service_component=component,
                support_fit=fit,
                matters_most=mm,
                feels_like_home="yes" if domain == "home" else "",
            )
        )
        if domain == "community":
            rows.append(dict(rows[-1]))  # GL040: an exact copy in the same file
    for domain in DOMAINS:
        rows.append(
            profile_row(
                person_local_id="P2",
                profile_id="F2",
                domain=domain,
                need_level="low",
                support_sources="family",
                support_fit="fits",
                feels_like_home="yes" if domain == "home" else "",
            )
        )
    return rows


def cld_rows() -> list[dict[str, str]]:
    person = {
        "la_person_unique_identifier": "P1",
        "date_of_birth": "1990-03-15",
        "primary_support_reason": "Learning Disability Support",
        "event_start_date": "2024-04-01",
        "event_end_date": "",
    }
    return [
        row(**{**person, "event_start_date": "2024-03-01", "event_end_date": "2024-03-02"}),
        row(
            service=True,
            **person,
            service_component="Home Support",
            unit_cost="23.50",
            cost_frequency_unit_type="Hourly",
            planned_units_per_week="10",
            event_reference="R-HOME",
        ),
        row(
            service=True,
            **person,
            service_component="Day Support",
            unit_cost="120.00",
            cost_frequency_unit_type="Weekly",
            event_reference="R-DAY",
        ),
        row(
            service=True,
            **person,
            service_component="Meals",
            unit_cost="20.00",
            cost_frequency_unit_type="Weekly",
            event_reference="R-MEALS",
        ),
    ]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("good_lives")
    extracts = root / "extracts"
    write_cld(extracts / f"cld_{LA}_2025-05-10.csv", cld_rows())
    # the §4 contract file, loaded by the real good-lives loader beside the case data
    write_good_lives_csv(extracts / f"good_lives_{LA}_2025-05-10.csv", profile_rows())
    settings = make_settings(root / "wh", extracts)
    with connect(settings.duckdb_path) as con:
        results = load_folder(con, extracts, settings)
        assert [r.status for r in results] == ["loaded", "loaded"], [(r.source_file, r.message) for r in results]
    dbt(
        settings,
        "build",
        "+good_lives_area_profile +fct_good_lives_profiles +int_good_lives__match_summary fct_service_costs dim_person fct_events load_audit "
        "assert_good_lives_no_relation_has_one_suppressed_cell",
        suppression_max_count=0,
        good_lives_min_denominator=1,
    )
    return root


def cells(root: Path, measure: str, cohort_type: str = "all") -> dict[str, object]:
    rows = query(
        root,
        f"select cohort_value, domain, coalesce(people, amount, share) from marts.good_lives_area_profile "
        f"where {FY} and cohort_type = '{cohort_type}' and measure = '{measure}'",
    )
    if cohort_type == "all":
        return {domain: value for _, domain, value in rows}
    return {(value_, domain): value for value_, domain, value in rows}


def by_domain(default: int, **values: int) -> dict[str, int]:
    return {d: values.get(d, default) for d in DOMAINS}


def test_load_and_match_rate(warehouse: Path) -> None:
    assert query(
        warehouse,
        "select rows_in, rows_loaded, rows_rejected from audit.loads where dataset = 'good_lives_profiles'",
    ) == [(15, 14, 1)]
    assert query(
        warehouse,
        "select profile_rows, people, matched_people, match_rate, is_below_min_match_rate, gl051_unmatched_rows "
        "from intermediate.int_good_lives__match_summary",
    ) == [(14, 2, 1, Decimal("50.00"), True, 7)]


def test_person_level_mart(warehouse: Path) -> None:
    rows = query(
        warehouse,
        "select is_matched, match_method, count(*), bool_and(is_complete_profile), count(distinct person_key) "
        "from marts.fct_good_lives_profiles group by all order by 1",
    )
    assert rows == [(False, "local_id_only", 7, True, 1), (True, "local_id_map", 7, True, 1)]
    assert query(
        warehouse,
        "select domain, support_mix, paid_fit_effective from marts.fct_good_lives_profiles "
        "where is_matched and has_paid order by domain",
    ) == [("independence", "paid_only", "does_not_fit"), ("physical_practical", "paid_and_unpaid", "fits")]


def test_service_costs_of_the_fixture_lines(warehouse: Path) -> None:
    assert query(
        warehouse,
        "select service_component, weekly_cost from marts.fct_service_costs "
        "where quarter_start = '2024-04-01' order by weekly_cost",
    ) == [
        ("Meals", Decimal("20.00")),
        ("Day support", Decimal("120.00")),
        ("Home support or domiciliary care", Decimal("235.00")),
    ]


def test_people_profiled_and_need(warehouse: Path) -> None:
    assert cells(warehouse, "people_profiled") == by_domain(2)
    assert cells(warehouse, "people_with_need") == by_domain(2, home=1)


def test_gaps_and_goals(warehouse: Path) -> None:
    assert cells(warehouse, "unmet_need") == by_domain(0, community=1, independence=1)
    assert cells(warehouse, "partly_met_need") == by_domain(0, safety=1)
    assert cells(warehouse, "poor_fit_paid_support") == by_domain(0, independence=1)
    assert cells(warehouse, "unmet_need_matters_most") == by_domain(0, community=1, independence=1)
    assert cells(warehouse, "goals_achieved") == by_domain(0, work_learning=1)
    assert cells(warehouse, "people_with_goal") == by_domain(
        0, physical_practical=1, community=1, work_learning=1, independence=1
    )
    assert cells(warehouse, "home_feels_like_home_yes") == {"home": 2}


def test_support_mix(warehouse: Path) -> None:
    assert cells(warehouse, "mix_paid_and_unpaid") == by_domain(0, physical_practical=1)
    assert cells(warehouse, "mix_paid_only") == by_domain(0, independence=1)
    assert cells(warehouse, "mix_none") == by_domain(0, community=1)
    assert cells(warehouse, "mix_unpaid_only") == by_domain(2, physical_practical=1, independence=1, community=1)
    assert cells(warehouse, "mix_not_recorded") == by_domain(0)


def test_spend_attribution(warehouse: Path) -> None:
    assert cells(warehouse, "attributed_weekly_spend") == {
        "physical_practical": Decimal("235.00"),
        "independence": Decimal("120.00"),
        "unattributed": Decimal("20.00"),
    }
    assert cells(warehouse, "poor_fit_weekly_spend") == {
        "physical_practical": Decimal("0.00"),
        "independence": Decimal("120.00"),
    }
    assert query(
        warehouse,
        "select attribution_method, domain, attributed_weekly_cost from intermediate.int_good_lives__spend_attribution "
        "order by attributed_weekly_cost desc",
    ) == [
        ("referenced", "physical_practical", Decimal("235.00")),
        ("referenced", "independence", Decimal("120.00")),
        ("unattributed", "unattributed", Decimal("20.00")),
    ]
    assert query(
        warehouse,
        "select sum(amount) from marts.good_lives_area_profile "
        f"where {FY} and cohort_type = 'all' and measure = 'attributed_weekly_spend'",
    ) == [(Decimal("375.00"),)]


def test_shares(warehouse: Path) -> None:
    assert cells(warehouse, "share_unmet")["independence"] == Decimal("50.00")
    assert cells(warehouse, "share_poor_fit_paid")["independence"] == Decimal("100.00")
    assert cells(warehouse, "share_goals_achieved")["work_learning"] == Decimal("100.00")
    assert cells(warehouse, "share_goals_achieved")["home"] is None  # no goal: denominator 0
    assert query(
        warehouse,
        f"select suppression_reason from marts.good_lives_area_profile where {FY} and cohort_type = 'all' "
        "and measure = 'share_goals_achieved' and domain = 'home'",
    ) == [("denominator_zero",)]


def test_cohorts(warehouse: Path) -> None:
    assert cells(warehouse, "people_profiled", "psr_group") == {
        **{("learning_disability", d): 1 for d in DOMAINS},
        **{("unmatched", d): 1 for d in DOMAINS},
    }
    for cohort_type, value in [
        ("age_band", "25_to_44"),
        ("working_age_band", "18_to_64"),
        ("setting", "community_cassr_commissioned_support"),
    ]:
        assert set(cells(warehouse, "people_profiled", cohort_type)) == {
            (v, d) for v in (value, "unmatched") for d in DOMAINS
        }, cohort_type
    assert cells(warehouse, "people_profiled", "team") == {("Team A", d): 2 for d in DOMAINS}
    labels = query(
        warehouse,
        "select distinct cohort_label from marts.good_lives_area_profile where cohort_type = 'psr_group' order by 1",
    )
    assert labels == [("Learning disability",), ("Not matched to the case data",)]


def test_nothing_suppressed_at_threshold_zero_and_latest_rolling_year(warehouse: Path) -> None:
    assert query(warehouse, "select count(*) from marts.good_lives_area_profile where is_suppressed") == [(0,)]
    # the latest rolling 12 months end on the same day as 2024-25 and select the same profiles
    assert query(
        warehouse,
        "select period_type, sum(people) from marts.good_lives_area_profile "
        "where cohort_type = 'all' and measure = 'people_profiled' group by 1 order by 1",
    ) == [("financial_year", 14), ("rolling_12m", 14)]
