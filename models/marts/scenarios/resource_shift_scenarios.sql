-- Resource-shift scenarios (context.md §3 (d); marts.md), one row per scenario × council × scenario
-- year × sector the scenario touches: baseline vs scenario people and spend, and every assumption.
-- Baseline: the people with a costed line of the sector open at the base quarter end and their
-- weekly costs × weeks_per_year (int_scenarios__sector_people), grown and uplifted by the
-- scenario's yearly rates. Scenario = baseline − what the shifts move out + what they move in
-- (int_scenarios__shift_years), so spend is conserved apart from the stated unit-cost difference,
-- and a 0% shift equals the baseline exactly. These are estimates for a conversation about
-- commissioning, never a prediction about any person; plain arithmetic, no optimiser.

with

runs as (
    select * from {{ ref('int_scenarios__runs') }}
),

shift_years as (
    select * from {{ ref('int_scenarios__shift_years') }}
),

sectors as (
    select * from {{ ref('scenario_sectors') }}
),

sector_totals as (
    select
        la_code,
        quarter_start,
        sector_id,
        count(*) as people,
        -- bigint again: Postgres sums bigint to numeric, and div_round_half_up needs integers
        cast(sum(weekly_cost_pence) as bigint) as weekly_cost_pence
    from {{ ref('int_scenarios__sector_people') }}
    group by la_code, quarter_start, sector_id
),

-- factors are the same for every shift of a scenario year (scenario-wide rates)
year_factors as (
    select distinct
        scenario_id,
        la_code,
        scenario_year,
        growth_factor,
        price_factor,
        spend_factor
    from shift_years
),

outflows as (
    select
        scenario_id,
        la_code,
        scenario_year,
        from_sector as sector_id,
        sum(moved_people) as people_moved_out,
        sum(spend_moved_out) as spend_moved_out,
        sum(cast(cohort_weekly_cost as decimal(38, 2)) * moved_fraction) as weekly_cost_moved_out,
        sum(cast(cohort_people as decimal(38, 0)) * moved_fraction) as base_people_moved_out,
        min(case when moved_people > 0 then cohort_people end) as min_cohort_people,
        {{ dbt.listagg(
            "'shift ' || cast(shift_number as " ~ dbt.type_string() ~ ") || ': ' || cast(share_percent as "
            ~ dbt.type_string() ~ ") || '% of ' || cohort_description || ' to ' || to_sector || ' over ' || cast(over_years as "
            ~ dbt.type_string() ~ ") || ' year(s)'",
            "'; '", "order by shift_number") }} as shifts_out
    from shift_years
    group by scenario_id, la_code, scenario_year, from_sector
),

inflows as (
    select
        scenario_id,
        la_code,
        scenario_year,
        to_sector as sector_id,
        sum(moved_people) as people_moved_in,
        -- one unpriced shift leaves the sector's scenario spend unknown (NULL with its reason)
        case when count(spend_moved_in) = count(*) then sum(spend_moved_in) end as spend_moved_in,
        cast(max(destination_weekly_cost) as decimal(18, 2)) as destination_weekly_cost,
        max(price_source) as price_source,
        max(destination_people) as destination_people,
        min(case when moved_people > 0 then cohort_people end) as min_cohort_people_in,
        {{ dbt.listagg(
            "'shift ' || cast(shift_number as " ~ dbt.type_string() ~ ") || ': ' || cast(share_percent as "
            ~ dbt.type_string() ~ ") || '% of ' || cohort_description || ' from ' || from_sector || ' over ' || cast(over_years as "
            ~ dbt.type_string() ~ ") || ' year(s)'",
            "'; '", "order by shift_number") }} as shifts_in
    from shift_years
    group by scenario_id, la_code, scenario_year, to_sector
),

touched as (
    select scenario_id, la_code, scenario_year, sector_id from outflows
    union
    select scenario_id, la_code, scenario_year, sector_id from inflows
),

rows_ as (
    select
        t.scenario_id,
        t.la_code,
        t.scenario_year,
        t.sector_id,
        r.scenario_name,
        r.base_quarter_start,
        r.base_quarter_end,
        r.years,
        r.weeks_per_year,
        r.price_uplift_percent,
        r.demand_growth_percent,
        r.source_file,
        r.file_sha256,
        r.loaded_at,
        f.growth_factor,
        f.price_factor,
        f.spend_factor,
        coalesce(st.people, 0) as sector_people,
        coalesce(st.weekly_cost_pence, 0) as sector_weekly_cost_pence,
        o.sector_id is not null as is_source,
        i.sector_id is not null as is_destination,
        coalesce(o.people_moved_out, 0) as people_moved_out,
        cast(coalesce(o.spend_moved_out, 0) as decimal(18, 2)) as spend_moved_out,
        o.weekly_cost_moved_out,
        o.base_people_moved_out,
        o.min_cohort_people,
        i.min_cohort_people_in,
        coalesce(i.people_moved_in, 0) as people_moved_in,
        case when i.sector_id is null then cast(0 as decimal(18, 2)) else i.spend_moved_in end as spend_moved_in,
        i.destination_weekly_cost,
        i.price_source,
        o.shifts_out,
        i.shifts_in
    from touched as t
    inner join runs as r on t.scenario_id = r.scenario_id and t.la_code = r.la_code
    inner join year_factors as f
        on t.scenario_id = f.scenario_id and t.la_code = f.la_code and t.scenario_year = f.scenario_year
    left join sector_totals as st
        on t.la_code = st.la_code and r.base_quarter_start = st.quarter_start and t.sector_id = st.sector_id
    left join outflows as o
        on
            t.scenario_id = o.scenario_id and t.la_code = o.la_code and t.scenario_year = o.scenario_year
            and t.sector_id = o.sector_id
    left join inflows as i
        on
            t.scenario_id = i.scenario_id and t.la_code = i.la_code and t.scenario_year = i.scenario_year
            and t.sector_id = i.sector_id
),

computed as (
    select
        *,
        -- small numbers (metrics.md §1.3): a sector, or a cohort that moves out of or into it, of 1 to
        -- suppression_max_count people would publish a few people's package costs: the row's people
        -- and money are hidden
        coalesce(sector_people between 1 and {{ var('suppression_max_count') }}, false)
        or coalesce(min_cohort_people between 1 and {{ var('suppression_max_count') }}, false)
        or coalesce(min_cohort_people_in between 1 and {{ var('suppression_max_count') }}, false) as is_small,
        cast(sector_people as decimal(38, 0)) * growth_factor as baseline_people_exact,
        cast(round(cast(sector_weekly_cost_pence * 0.01 as decimal(38, 2)) * weeks_per_year * spend_factor, 2)
            as decimal(18, 2)) as baseline_spend
    from rows_
),

published as (
    select
        c.scenario_id,
        c.scenario_name,
        c.la_code,
        c.scenario_year,
        c.base_quarter_start,
        c.base_quarter_end,
        c.sector_id,
        s.label as sector_label,
        case
            when c.is_source and c.is_destination then 'source_and_destination'
            when c.is_source then 'source'
            else 'destination'
        end as sector_role,
        s.finance_setting,
        s.five_areas_category,
        s.is_settled_accommodation,
        s.dp_class,
        cast(round(c.baseline_people_exact, 1) as decimal(18, 1)) as baseline_people,
        cast(round(c.people_moved_out, 1) as decimal(18, 1)) as people_moved_out,
        cast(round(c.people_moved_in, 1) as decimal(18, 1)) as people_moved_in,
        cast(round(c.baseline_people_exact - c.people_moved_out + c.people_moved_in, 1) as decimal(18, 1))
            as scenario_people,
        cast(round(c.people_moved_in - c.people_moved_out, 1) as decimal(18, 1)) as people_change,
        case
            when c.sector_people > 0
                then cast(cast({{ div_round_half_up('c.sector_weekly_cost_pence', 'c.sector_people') }} as decimal(18, 0)) * 0.01
                    as decimal(18, 2))
            else cast(null as decimal(18, 2))
        end as sector_mean_weekly_cost,
        case
            when c.base_people_moved_out > 0
                then cast(round(c.weekly_cost_moved_out / c.base_people_moved_out, 2) as decimal(18, 2))
            else cast(null as decimal(18, 2))
        end as moved_out_weekly_cost,
        c.destination_weekly_cost,
        c.price_source,
        c.baseline_spend,
        c.spend_moved_out,
        c.spend_moved_in,
        cast(c.baseline_spend - c.spend_moved_out + c.spend_moved_in as decimal(18, 2)) as scenario_spend,
        cast(c.spend_moved_in - c.spend_moved_out as decimal(18, 2)) as spend_change,
        case when c.spend_moved_in is null then 'destination_price_required' end as scenario_spend_null_reason,
        c.years,
        c.weeks_per_year,
        c.price_uplift_percent,
        c.demand_growth_percent,
        c.growth_factor,
        c.price_factor,
        {{ var('scenario_destination_min_people') }} as destination_min_people,
        c.shifts_out,
        c.shifts_in,
        c.source_file,
        c.file_sha256,
        c.loaded_at,
        c.is_small,
        true as is_estimate,
        cast('Estimate from plain arithmetic on the base quarter''s service costs (docs/scenarios.md); '
            || 'it informs a commissioning conversation and makes no decision about any person.'
            as {{ dbt.type_string() }}) as estimate_note
    from computed as c
    inner join sectors as s on c.sector_id = s.sector_id
)

select
    scenario_id,
    scenario_name,
    la_code,
    scenario_year,
    base_quarter_start,
    base_quarter_end,
    sector_id,
    sector_label,
    sector_role,
    finance_setting,
    five_areas_category,
    is_settled_accommodation,
    dp_class,
    cast(case when not is_small then baseline_people end as decimal(18, 1)) as baseline_people,
    cast(case when not is_small then people_moved_out end as decimal(18, 1)) as people_moved_out,
    cast(case when not is_small then people_moved_in end as decimal(18, 1)) as people_moved_in,
    cast(case when not is_small then scenario_people end as decimal(18, 1)) as scenario_people,
    cast(case when not is_small then people_change end as decimal(18, 1)) as people_change,
    cast(case when not is_small then sector_mean_weekly_cost end as decimal(18, 2)) as sector_mean_weekly_cost,
    cast(case when not is_small then moved_out_weekly_cost end as decimal(18, 2)) as moved_out_weekly_cost,
    cast(destination_weekly_cost as decimal(18, 2)) as destination_weekly_cost,
    price_source,
    cast(case when not is_small then baseline_spend end as decimal(18, 2)) as baseline_spend,
    cast(case when not is_small then spend_moved_out end as decimal(18, 2)) as spend_moved_out,
    cast(case when not is_small then spend_moved_in end as decimal(18, 2)) as spend_moved_in,
    cast(case when not is_small then scenario_spend end as decimal(18, 2)) as scenario_spend,
    cast(case when not is_small then spend_change end as decimal(18, 2)) as spend_change,
    scenario_spend_null_reason,
    years,
    weeks_per_year,
    price_uplift_percent,
    demand_growth_percent,
    growth_factor,
    price_factor,
    destination_min_people,
    shifts_out,
    shifts_in,
    source_file,
    file_sha256,
    loaded_at,
    is_estimate,
    estimate_note,
    is_small as is_suppressed,
    case when is_small then 'small_count' end as suppression_reason
from published
