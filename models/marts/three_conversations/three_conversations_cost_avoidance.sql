-- Three Conversations cost avoidance, an estimate (context.md §3 (g)): per practice site (seed
-- practice_sites) and reporting period after its go-live, the fall in the weekly inflow of people
-- newly entering long-term support against the 12 months before go-live, × the mean annualised
-- cost of a new long-term package. Always labelled an estimate (is_estimate, method).
--
-- New entrants follow NEW_LTS_PEOPLE_PER_WEEK (metrics.md §5; macros/lts_entries.sql): a long-term
-- line of a person 18+ (or of unknown age) with no long-term line active in the 365 days before
-- it; each person once per window. Weekly inflow = people ÷ (days ÷ 7), 1 dp.
-- Mean annualised package cost: the baseline entrants' packages (their long-term lines starting on
-- their first entry date in the baseline window), each priced at the weekly cost of the quarter it
-- starts in (int_cld__service_costs; lines without a weekly cost add nothing, a package with no
-- priced line is left out), mean × cost_avoidance_weeks_a_year (52). Needs unit_cost_min_people
-- (5) priced packages, as unit costs do (metrics.md §1.3).
-- Estimated annual cost avoidance = fall per week × 52 × mean annualised package cost: the people a
-- year who did not enter, each assumed to have cost a year of an average new package. Computed
-- once from the exact counts, days and pence (integers), rounded half away from zero (§1.2).
-- NULL reasons (metrics.md §1.3): insufficient_lookback when the data do not reach back over the
-- baseline window or the 365-day entry look-back of either window; small_count when a count of
-- people is 1-4 (shown NULL, is_suppressed); denominator_below_minimum when fewer than 5 packages
-- are priced.

{%- set weeks = var('cost_avoidance_weeks_a_year') %}

with

sites as (
    select
        site_id,
        la_code,
        site_name,
        go_live_date,
        scope_type,
        scope_value,
        cast({{ dbt.dateadd('month', -1 * var('cost_avoidance_baseline_months'), 'go_live_date') }} as date)
            as baseline_start,
        {{ add_days('go_live_date', -1) }} as baseline_end
    from {{ ref('practice_sites') }}
),

bounds as (
    select la_code, min(data_start_date) as data_start_date
    from {{ ref('int_periods') }}
    group by la_code
),

lines as (
    select * from {{ ref('int_lts__lines') }}
),

entry_lines as (
    {{ new_lts_entry_lines('lines') }}
),

-- route of access of the latest request (cluster) starting on or before each entry line
entry_routes as (
    select event_key, route_of_access
    from (
        select
            e.event_key,
            r.route_of_access,
            row_number() over (
                partition by e.event_key order by r.request_start_date desc, r.request_key desc
            ) as request_rank
        from entry_lines as e
        inner join {{ ref('int_requests__clusters') }} as r
            on
                e.la_code = r.la_code
                and e.person_key = r.person_key
                and r.request_start_date <= e.line_start_date
    ) as ranked
    where request_rank = 1
),

-- each site's entry lines: the whole LA, or the people of its route of access or postcode sector
site_entries as (
    select
        s.site_id,
        e.person_key,
        e.event_key,
        e.line_start_date
    from sites as s
    inner join entry_lines as e on s.la_code = e.la_code
    left join {{ ref('int_cld__person_attributes') }} as a
        on e.la_code = a.la_code and e.person_key = a.person_id
    left join entry_routes as r on e.event_key = r.event_key
    where
        s.scope_type = 'whole_la'
        or (s.scope_type = 'postcode_sector' and upper(trim(a.postcode_sector)) = upper(trim(s.scope_value)))
        or (s.scope_type = 'route_of_access' and lower(r.route_of_access) = lower(trim(s.scope_value)))
),

-- the reporting periods that start on or after go-live
periods as (
    select
        s.site_id,
        p.period_type,
        p.period_start,
        p.period_end,
        p.financial_year
    from sites as s
    inner join {{ ref('int_periods') }} as p
        on
            s.la_code = p.la_code
            and p.period_type in ('financial_year', 'rolling_12m')
            and p.period_start >= s.go_live_date
            and p.is_fully_covered
),

baseline_people as (
    select
        s.site_id,
        count(distinct e.person_key) as people
    from sites as s
    left join site_entries as e
        on s.site_id = e.site_id and e.line_start_date between s.baseline_start and s.baseline_end
    group by s.site_id
),

period_people as (
    select
        p.site_id,
        p.period_type,
        p.period_start,
        count(distinct e.person_key) as people
    from periods as p
    left join site_entries as e
        on p.site_id = e.site_id and e.line_start_date between p.period_start and p.period_end
    group by p.site_id, p.period_type, p.period_start
),

-- each baseline entrant's first entry date in the window, and the package starting that day
first_entries as (
    select
        e.site_id,
        e.person_key,
        min(e.line_start_date) as entry_date
    from site_entries as e
    inner join sites as s on e.site_id = s.site_id
    where e.line_start_date between s.baseline_start and s.baseline_end
    group by e.site_id, e.person_key
),

packages as (
    select
        f.site_id,
        f.person_key,
        -- Postgres sums bigints to numeric: cast back so the integer division stays integral
        cast(sum(cast(c.weekly_cost * 100 as bigint)) as bigint) as weekly_pence
    from first_entries as f
    inner join site_entries as e
        on f.site_id = e.site_id and f.person_key = e.person_key and f.entry_date = e.line_start_date
    inner join {{ ref('int_cld__service_costs') }} as c
        on
            e.event_key = c.event_key
            and e.line_start_date between c.quarter_start and c.quarter_end
            and c.weekly_cost is not null
    group by f.site_id, f.person_key
),

package_costs as (
    select
        site_id,
        count(*) as packages,
        cast(sum(weekly_pence) as bigint) as weekly_pence
    from packages
    group by site_id
),

combined as (
    select
        s.la_code,
        s.site_id,
        s.site_name,
        s.go_live_date,
        s.scope_type,
        s.scope_value,
        p.period_type,
        p.period_start,
        p.period_end,
        p.financial_year,
        s.baseline_start,
        s.baseline_end,
        b.people as baseline_people,
        {{ days_between('s.baseline_start', 's.baseline_end') }} + 1 as baseline_days,
        c.people as current_people,
        {{ days_between('p.period_start', 'p.period_end') }} + 1 as current_days,
        coalesce(k.packages, 0) as packages,
        k.weekly_pence,
        -- the baseline window and both 365-day entry look-backs lie inside the data
        {{ add_days('s.baseline_start', -365) }} >= d.data_start_date as baseline_has_lookback,
        {{ add_days('p.period_start', -365) }} >= d.data_start_date as current_has_lookback
    from sites as s
    inner join periods as p on s.site_id = p.site_id
    inner join baseline_people as b on s.site_id = b.site_id
    inner join period_people as c
        on p.site_id = c.site_id and p.period_type = c.period_type and p.period_start = c.period_start
    inner join bounds as d on s.la_code = d.la_code
    left join package_costs as k on s.site_id = k.site_id
),

flagged as (
    select
        *,
        baseline_people between 1 and 4 as baseline_small,
        current_people between 1 and 4 as current_small,
        packages >= {{ var('unit_cost_min_people') }} as cost_shown,
        case
            when not baseline_has_lookback or not current_has_lookback then 'insufficient_lookback'
            when baseline_people between 1 and 4 or current_people between 1 and 4 then 'small_count'
        end as inflow_null_reason,
        -- people entering a year fewer than in the baseline, × 7 × bd × cd (an exact integer):
        -- fall per week = 7 × (b × cd − c × bd) / (bd × cd)
        cast(baseline_people as bigint) * current_days - cast(current_people as bigint) * baseline_days
            as fall_scaled
    from combined
)

select
    -- decimals cast again: Postgres drops numeric(18,2)'s precision through a CASE with an
    -- implicit NULL else (as in commissioning_metrics)
    la_code,
    site_id,
    site_name,
    go_live_date,
    scope_type,
    scope_value,
    period_type,
    period_start,
    period_end,
    financial_year,
    baseline_start,
    baseline_end,
    case when not baseline_small then baseline_people end as baseline_new_people,
    cast(
        case
            when baseline_has_lookback and not baseline_small
                then {{ tenths('cast(baseline_people as bigint) * 70', 'baseline_days') }}
        end as decimal(18, 2)
    ) as baseline_weekly_inflow,
    case when not current_small then current_people end as current_new_people,
    cast(
        case
            when current_has_lookback and not current_small
                then {{ tenths('cast(current_people as bigint) * 70', 'current_days') }}
        end as decimal(18, 2)
    ) as current_weekly_inflow,
    cast(
        case
            when inflow_null_reason is null
                then {{ tenths('fall_scaled * 70', 'cast(baseline_days as bigint) * current_days') }}
        end as decimal(18, 2)
    ) as fall_per_week,
    packages as baseline_priced_packages,
    cast(
        case
            when cost_shown then {{ pence_to_gbp(div_round_half_up('weekly_pence * ' ~ weeks, 'packages')) }}
        end as decimal(18, 2)
    ) as mean_annual_package_cost,
    cast(
        case
            when inflow_null_reason is null and cost_shown then {{ pence_to_gbp(div_round_half_up_wide(
                'cast(' ~ (7 * weeks * weeks) ~ ' as ' ~ wide_integer() ~ ') * weekly_pence * fall_scaled',
                'cast(baseline_days as ' ~ wide_integer() ~ ') * current_days * packages'
            )) }}
        end as decimal(18, 2)
    ) as estimated_annual_cost_avoidance,
    true as is_estimate,
    coalesce(baseline_small or current_small, false) as is_suppressed,
    coalesce(
        inflow_null_reason,
        case when not cost_shown then 'denominator_below_minimum' end
    ) as null_reason,
    'estimate: (baseline − current new long-term entrants per week) × {{ weeks }} × mean annualised cost of a '
    || 'new package (weekly cost at start × {{ weeks }}, packages starting in the '
    || '{{ var("cost_avoidance_baseline_months") }} months before go-live); assumes each avoided entrant '
    || 'would have cost a year of an average new package; new entrants per NEW_LTS_PEOPLE_PER_WEEK'
        as method
from flagged
