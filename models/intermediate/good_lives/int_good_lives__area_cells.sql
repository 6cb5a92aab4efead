-- Every measure of good_lives_area_profile before suppression (good_lives_extract.md §7), long:
-- one row per la_code × period × cohort_type × cohort_value × domain × measure. Counts are people
-- (one selected profile per person per period, so each person is one row per domain); the spend
-- measures (§8) are weekly amounts with the pseudo-domain 'unattributed'. Shares are computed from
-- these counts after suppression in the mart. Holds person-derived small counts: internal only.
--   Base of a cell: the people whose selected profile has a row for that domain.
--   Unmatched people fall in cohort value 'unmatched' under every cohort type except all and team
--   (int_good_lives__period_profiles), so every cohort type partitions people_profiled.
--   home_feels_like_home_* exist on the home domain only.

{%- set count_measures = [
    ('people_profiled', 'true'),
    ('people_with_need', "need_level in ('low', 'moderate', 'high')"),
    ('people_high_need', "need_level = 'high'"),
    ('people_with_goal', "goal_status in ('not_started', 'in_progress', 'achieved')"),
    ('goals_achieved', "goal_status = 'achieved'"),
    ('goals_no_longer_wanted', "goal_status = 'no_longer_wanted'"),
    ('people_matters_most', 'matters_most'),
    ('paid_support', 'has_paid'),
    ('family_support', 'has_family'),
    ('community_support', 'has_community'),
    ('technology_support', 'has_technology'),
    ('no_support', 'has_none'),
    ('mix_paid_only', "support_mix = 'paid_only'"),
    ('mix_paid_and_unpaid', "support_mix = 'paid_and_unpaid'"),
    ('mix_unpaid_only', "support_mix = 'unpaid_only'"),
    ('mix_none', "support_mix = 'none'"),
    ('mix_not_recorded', "support_mix = 'not_recorded'"),
    ('unmet_need', 'is_unmet_need'),
    ('partly_met_need', "need_level <> 'none' and support_fit = 'partly'"),
    ('poor_fit_paid_support', "has_paid and paid_fit_effective = 'does_not_fit'"),
    ('paid_support_no_need', "has_paid and need_level = 'none'"),
    ('unmet_need_matters_most', 'is_unmet_need and matters_most'),
    ('home_feels_like_home_yes', "feels_like_home = 'yes'"),
    ('home_feels_like_home_partly', "feels_like_home = 'partly'"),
    ('home_feels_like_home_no', "feels_like_home = 'no'"),
    ('people_with_previous_profile', 'previous_need_level is not null'),
    ('need_reduced', 'previous_need_level is not null and need_rank < previous_need_rank'),
    ('need_increased', 'previous_need_level is not null and need_rank > previous_need_rank'),
    ('goal_newly_achieved', "previous_need_level is not null and goal_status = 'achieved' and coalesce(previous_goal_status, 'none') <> 'achieved'"),
] %}
{%- set cohort_types = ['all', 'psr_group', 'age_band', 'working_age_band', 'setting', 'team'] %}

with

profile_rows as (
    select
        *,
        -- §7: need present AND (no support OR support does not fit)
        coalesce(need_level <> 'none' and (has_none or support_fit = 'does_not_fit'), false) as is_unmet_need,
        case need_level when 'none' then 0 when 'low' then 1 when 'moderate' then 2 when 'high' then 3 end
            as need_rank,
        case previous_need_level when 'none' then 0 when 'low' then 1 when 'moderate' then 2 when 'high' then 3 end
            as previous_need_rank
    from {{ ref('int_good_lives__period_profiles') }}
),

cohort_types as (
    select kinds.cohort_type from (values
        {%- for t in cohort_types %}
        ('{{ t }}'){{ ',' if not loop.last }}
        {%- endfor %}
    ) as kinds (cohort_type)
),

in_cohorts as (
    select
        r.*,
        t.cohort_type,
        case t.cohort_type
            when 'all' then 'all'
            when 'psr_group' then r.psr_group
            when 'age_band' then r.age_band
            when 'working_age_band' then r.working_age_band
            when 'setting' then r.setting
            else r.team
        end as cohort_value
    from profile_rows as r
    cross join cohort_types as t
),

counts as (
    select
        la_code,
        period_type,
        period_start,
        period_end,
        financial_year,
        cohort_type,
        cohort_value,
        domain,
        {%- for name, condition in count_measures %}
        sum(case when {{ condition }} then 1 else 0 end) as {{ name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from in_cohorts
    group by la_code, period_type, period_start, period_end, financial_year, cohort_type, cohort_value, domain
),

count_rows as (
    {%- for name, condition in count_measures %}
    select
        la_code,
        period_type,
        period_start,
        period_end,
        financial_year,
        cohort_type,
        cohort_value,
        domain,
        '{{ name }}' as measure,
        cast({{ name }} as bigint) as people,
        cast(null as decimal(18, 2)) as amount,
        cast(null as bigint) as contributors
    from counts
    {%- if name.startswith('home_') %}
    where domain = 'home'
    {%- endif %}
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

-- §8 spend of the selected profiles; the pseudo-domain row takes the person's cohorts
person_cohorts as (
    select
        la_code,
        period_type,
        period_start,
        period_end,
        financial_year,
        person_key,
        profile_date,
        min(psr_group) as psr_group,
        min(age_band) as age_band,
        min(working_age_band) as working_age_band,
        min(setting) as setting,
        min(team) as team
    from profile_rows
    where is_matched
    group by la_code, period_type, period_start, period_end, financial_year, person_key, profile_date
),

spend as (
    select
        c.la_code,
        c.period_type,
        c.period_start,
        c.period_end,
        c.financial_year,
        t.cohort_type,
        case t.cohort_type
            when 'all' then 'all'
            when 'psr_group' then c.psr_group
            when 'age_band' then c.age_band
            when 'working_age_band' then c.working_age_band
            when 'setting' then c.setting
            else c.team
        end as cohort_value,
        a.domain,
        c.person_key,
        a.attributed_weekly_cost,
        a.paid_fit_effective
    from person_cohorts as c
    inner join {{ ref('int_good_lives__spend_attribution') }} as a
        on c.la_code = a.la_code and c.person_key = a.person_key and c.profile_date = a.profile_date
    cross join cohort_types as t
),

spend_cells as (
    select
        la_code,
        period_type,
        period_start,
        period_end,
        financial_year,
        cohort_type,
        cohort_value,
        domain,
        sum(attributed_weekly_cost) as attributed_weekly_spend,
        sum(case when paid_fit_effective = 'does_not_fit' then attributed_weekly_cost else 0 end)
            as poor_fit_weekly_spend,
        sum(case when paid_fit_effective = 'partly' then attributed_weekly_cost else 0 end)
            as partly_fit_weekly_spend,
        count(distinct person_key) as contributors
    from spend
    group by la_code, period_type, period_start, period_end, financial_year, cohort_type, cohort_value, domain
),

spend_rows as (
    {%- for name in ['attributed_weekly_spend', 'poor_fit_weekly_spend', 'partly_fit_weekly_spend'] %}
    select
        la_code,
        period_type,
        period_start,
        period_end,
        financial_year,
        cohort_type,
        cohort_value,
        domain,
        '{{ name }}' as measure,
        cast(null as bigint) as people,
        cast({{ name }} as decimal(18, 2)) as amount,
        cast(contributors as bigint) as contributors
    from spend_cells
    {%- if name != 'attributed_weekly_spend' %}
    where domain <> 'unattributed'
    {%- endif %}
    {{ 'union all' if not loop.last }}
    {%- endfor %}
)

select
    {{ surrogate_key(['la_code', 'period_type', 'period_start', 'cohort_type', 'cohort_value', 'domain', 'measure']) }}
        as cell_id,
    *
from (
    select * from count_rows
    union all
    select * from spend_rows
) as cells
