-- Every service line-quarter of int_cld__service_costs (the rows of fct_service_costs, which
-- intermediate models may not ref) that falls in a scenario sector (seed scenario_sectors; context.md
-- §3 (d)). A sector is a filter on the cleaned service type, component and delivery mechanism (*
-- = any); a line matching two sectors would appear twice, which the unique test on service_cost_key
-- forbids, so the seed can never count a line in two sectors.

with

lines as (
    select * from {{ ref('int_cld__service_costs') }}
),

sectors as (
    select * from {{ ref('scenario_sectors') }}
)

select
    l.service_cost_key,
    l.service_line_key,
    l.person_id as person_key,
    l.la_code,
    l.quarter_start,
    l.quarter_end,
    s.sector_id,
    l.service_type,
    l.service_component,
    l.delivery_mechanism,
    l.cost_flag,
    l.weekly_cost,
    -- the baseline is a snapshot at the quarter end: lines still open then (an open line's effective
    -- end is the quarter end), so a mid-quarter price change is not counted twice
    l.effective_end = l.quarter_end as is_active_at_quarter_end
from lines as l
inner join sectors as s
    on
        (s.service_type = '*' or s.service_type = l.service_type)
        and (s.service_component = '*' or s.service_component = l.service_component)
        and (s.delivery_mechanism = '*' or s.delivery_mechanism = l.delivery_mechanism)
