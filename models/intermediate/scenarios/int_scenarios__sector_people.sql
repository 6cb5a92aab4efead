-- One row per council × quarter × scenario sector × person with a costed line of the sector open at
-- the quarter end: the person's weekly cost in the sector (sum of those lines, exact pence) and the
-- cohort attributes a scenario filters on, as they stood at the quarter end (the rolling-12-month
-- period ending then, int_people__period_attributes: code-list labels, age at the period end).
-- Lines without a weekly cost (no unit cost, one-off, no charge) are left out: a scenario moves
-- costed support, and the people and the spend of a sector must describe the same lines.

with

lines as (
    select * from {{ ref('int_scenarios__sector_lines') }}
    where is_active_at_quarter_end and weekly_cost is not null
),

people as (
    select
        la_code,
        quarter_start,
        quarter_end,
        sector_id,
        person_key,
        sum(cast(weekly_cost * 100 as bigint)) as weekly_cost_pence,
        count(*) as lines
    from lines
    group by la_code, quarter_start, quarter_end, sector_id, person_key
),

attributes as (
    select la_code, person_key, period_end, psr_group, working_age_band, age_band
    from {{ ref('int_people__period_attributes') }}
    where period_type = 'rolling_12m'
)

select
    p.la_code,
    p.quarter_start,
    p.quarter_end,
    p.sector_id,
    p.person_key,
    p.weekly_cost_pence,
    cast(p.weekly_cost_pence * 0.01 as decimal(18, 2)) as weekly_cost,
    p.lines,
    coalesce(a.psr_group, 'Unknown') as psr_group,
    coalesce(a.working_age_band, 'Unknown') as working_age_band,
    coalesce(a.age_band, 'Unknown') as age_band
from people as p
left join attributes as a
    on p.la_code = a.la_code and p.person_key = a.person_key and p.quarter_end = a.period_end
