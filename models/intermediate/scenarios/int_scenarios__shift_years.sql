-- The arithmetic of every shift, per scenario × council × shift × scenario year (context.md §3 (d):
-- plain arithmetic, no optimiser; docs/scenarios.md). For year y of a shift phased over n years:
--   moved fraction  = share_percent / 100 × min(y, n) / n
--   growth factor   = (1 + demand_growth_percent / 100) ^ (y - 1)      (people)
--   spend factor    = growth factor × (1 + price_uplift_percent / 100) ^ (y - 1)
--   moved people    = cohort people × growth factor × moved fraction
--   spend moved out = cohort weekly cost × weeks_per_year × spend factor × moved fraction
--   spend moved in  = cohort people × moved fraction × spend factor × destination weekly cost × weeks
-- The cohort's own weekly costs leave the source, so a 100% shift of one person in year 1 moves
-- exactly their weekly cost × weeks. The destination is priced at the file's price when given, else
-- at its observed mean weekly cost when at least var('scenario_destination_min_people') people are
-- in it at the base quarter end; otherwise the price is NULL (destination_price_required).
-- Money: exact decimal products, one rounding to the penny per shift and year; the phasing ratio
-- is kept to 10 decimal places and the compound factors to 8 (exact when a rate is 0).

{%- set max_years = 10 %}

with

runs as (
    select * from {{ ref('int_scenarios__runs') }}
),

shifts as (
    select
        *,
        -- a price stated on any shift into a sector prices that sector for the scenario
        max(destination_weekly_cost) over (partition by scenario_id, to_sector) as file_weekly_cost
    from {{ ref('stg_scenarios__shifts') }}
),

people as (
    select * from {{ ref('int_scenarios__sector_people') }}
),

scenario_years as (
    {%- for y in range(1, max_years + 1) %}
    select {{ y }} as scenario_year
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

sector_totals as (
    select
        la_code,
        quarter_start,
        sector_id,
        count(*) as people,
        -- bigint again: Postgres sums bigint to numeric, and div_round_half_up needs integers
        cast(sum(weekly_cost_pence) as bigint) as weekly_cost_pence
    from people
    group by la_code, quarter_start, sector_id
),

cohorts as (
    select
        r.scenario_id,
        r.la_code,
        s.shift_number,
        count(p.person_key) as cohort_people,
        cast(coalesce(sum(p.weekly_cost_pence), 0) as bigint) as cohort_weekly_cost_pence,
        -- ASCOF 2E counts people aged 18+ (unknown age excluded); 2E_LD learning disability 18-64;
        -- ASCOF 3D clients are 18+ with unknown age kept (metrics.md)
        coalesce(sum(case when p.working_age_band in ('18 to 64', '65 and above') then 1 else 0 end), 0)
            as cohort_people_2e,
        coalesce(sum(
            case when p.psr_group = 'Learning disability' and p.working_age_band = '18 to 64' then 1 else 0 end
        ), 0) as cohort_people_2e_ld,
        coalesce(sum(case when p.working_age_band <> 'Under 18' then 1 else 0 end), 0) as cohort_people_3d
    from runs as r
    inner join shifts as s on r.scenario_id = s.scenario_id
    left join people as p
        on
            r.la_code = p.la_code
            and r.base_quarter_start = p.quarter_start
            and s.from_sector = p.sector_id
            and (s.psr_groups is null or '|' || s.psr_groups || '|' like '%|' || p.psr_group || '|%')
            and (s.working_age_bands is null or '|' || s.working_age_bands || '|' like '%|' || p.working_age_band || '|%')
            and (s.age_bands is null or '|' || s.age_bands || '|' like '%|' || p.age_band || '|%')
    group by r.scenario_id, r.la_code, s.shift_number
),

shift_years as (
    select
        r.scenario_id,
        r.la_code,
        s.shift_number,
        y.scenario_year,
        r.base_quarter_start,
        r.base_quarter_end,
        r.weeks_per_year,
        r.price_uplift_percent,
        r.demand_growth_percent,
        s.from_sector,
        s.to_sector,
        s.cohort_description,
        s.share_percent,
        s.over_years,
        s.file_weekly_cost,
        c.cohort_people,
        c.cohort_weekly_cost_pence,
        c.cohort_people_2e,
        c.cohort_people_2e_ld,
        c.cohort_people_3d,
        coalesce(dt.people, 0) as destination_people,
        dt.weekly_cost_pence as destination_weekly_cost_pence,
        cast(
            cast({{ div_round_half_up('least(y.scenario_year, s.over_years) * cast(10000000000 as bigint)', 's.over_years') }}
                as decimal(22, 0)) * 0.0000000001
            as decimal(12, 10)
        ) as phase_ratio,
        cast(power(cast(1 + r.demand_growth_percent / 100 as double precision), y.scenario_year - 1) as decimal(18, 8))
            as growth_factor,
        cast(power(cast(1 + r.price_uplift_percent / 100 as double precision), y.scenario_year - 1) as decimal(18, 8))
            as price_factor
    from runs as r
    inner join shifts as s on r.scenario_id = s.scenario_id
    inner join scenario_years as y on y.scenario_year <= r.years
    inner join cohorts as c
        on r.scenario_id = c.scenario_id and r.la_code = c.la_code and s.shift_number = c.shift_number
    left join sector_totals as dt
        on r.la_code = dt.la_code and r.base_quarter_start = dt.quarter_start and s.to_sector = dt.sector_id
),

priced as (
    select
        *,
        cast(cast(share_percent as decimal(38, 3)) * phase_ratio * 0.01 as decimal(20, 15)) as moved_fraction,
        cast(cast(growth_factor as decimal(38, 8)) * price_factor as decimal(18, 8)) as spend_factor,
        case
            when destination_people > 0
                then cast(cast({{ div_round_half_up('destination_weekly_cost_pence', 'destination_people') }} as decimal(18, 0)) * 0.01 as decimal(18, 2))
            else cast(null as decimal(18, 2))
        end as destination_mean_weekly_cost,
        case
            when cohort_people > 0
                then cast(cast({{ div_round_half_up('cohort_weekly_cost_pence', 'cohort_people') }} as decimal(18, 0)) * 0.01 as decimal(18, 2))
            else cast(null as decimal(18, 2))
        end as cohort_mean_weekly_cost
    from shift_years
),

chosen as (
    select
        *,
        case
            when file_weekly_cost is not null then file_weekly_cost
            when destination_people >= {{ var('scenario_destination_min_people') }} then destination_mean_weekly_cost
            else cast(null as decimal(18, 2))
        end as destination_weekly_cost,
        case
            when file_weekly_cost is not null then 'file'
            when destination_people >= {{ var('scenario_destination_min_people') }} then 'observed_mean'
            else cast(null as {{ dbt.type_string() }})
        end as price_source
    from priced
)

select
    scenario_id,
    la_code,
    shift_number,
    scenario_year,
    base_quarter_start,
    base_quarter_end,
    from_sector,
    to_sector,
    cohort_description,
    share_percent,
    over_years,
    weeks_per_year,
    price_uplift_percent,
    demand_growth_percent,
    phase_ratio,
    moved_fraction,
    growth_factor,
    price_factor,
    spend_factor,
    cohort_people,
    cast(cohort_weekly_cost_pence * 0.01 as decimal(38, 2)) as cohort_weekly_cost,
    cohort_mean_weekly_cost,
    destination_people,
    destination_mean_weekly_cost,
    destination_weekly_cost,
    price_source,
    cast(cohort_people as decimal(38, 0)) * growth_factor * moved_fraction as moved_people,
    cast(cohort_people_2e as decimal(38, 0)) * growth_factor * moved_fraction as moved_people_2e,
    cast(cohort_people_2e_ld as decimal(38, 0)) * growth_factor * moved_fraction as moved_people_2e_ld,
    cast(cohort_people_3d as decimal(38, 0)) * growth_factor * moved_fraction as moved_people_3d,
    cast(round(
        cast(cohort_weekly_cost_pence * 0.01 as decimal(38, 2)) * weeks_per_year * spend_factor * moved_fraction, 2
    ) as decimal(18, 2)) as spend_moved_out,
    cast(round(
        cast(cohort_people as decimal(38, 0)) * moved_fraction * spend_factor * destination_weekly_cost * weeks_per_year, 2
    ) as decimal(18, 2)) as spend_moved_in,
    case when destination_weekly_cost is null then 'destination_price_required' end as spend_moved_in_null_reason
from chosen
