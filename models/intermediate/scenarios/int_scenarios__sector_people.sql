-- One row per council × quarter × scenario sector × person with a costed line of the sector open at
-- the quarter end: the person's weekly cost in the sector (sum of those lines, exact pence) and the
-- cohort attributes a scenario filters on: the person's latest known primary support reason group
-- (int_cld__person_attributes, processing_rules.md §6) and their age at the quarter end. The
-- per-period attributes (int_people__period_attributes) are partitioned by financial year in the
-- metrics layer, which runs after this one; reading them here would tie the two Dagster steps in a
-- loop. The base quarter is normally the latest, where "latest known" and "as at" agree.
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
    select la_code, person_id as person_key, psr_group, birth_year, birth_month
    from {{ ref('int_cld__person_attributes') }}
),

aged as (
    select
        p.*,
        a.psr_group,
        {{ age_at('a.birth_year', 'a.birth_month', 'p.quarter_end') }} as age_at_quarter_end
    from people as p
    left join attributes as a on p.la_code = a.la_code and p.person_key = a.person_key
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
    coalesce(p.psr_group, 'Unknown') as psr_group,
    coalesce({{ working_age_band('p.age_at_quarter_end') }}, 'Unknown') as working_age_band,
    coalesce({{ age_band('p.age_at_quarter_end') }}, 'Unknown') as age_band
from aged as p
