-- The five-areas category of every CLD service line-quarter (int_cld__service_costs, the rows of
-- fct_service_costs; finance_extract.md §7 "From the CLD
-- service component"; context.md (e)): the most specific rule of ref_five_areas_components wins
-- (service type and component, then service type with any component, then any type with the
-- component); a component no rule names is unclassified, never dropped. Also marks the
-- "promising models" (seed ref_promising_models, editable).

with

lines as (
    select * from {{ ref('int_cld__service_costs') }}
),

rules as (
    select * from {{ ref('ref_five_areas_components') }}
),

candidates as (
    select
        l.service_cost_key,
        r.five_areas_category,
        case
            when r.service_type <> '*' and r.service_component <> '*' then 1
            when r.service_type <> '*' then 2
            else 3
        end as rule_rank
    from lines as l
    inner join rules as r
        on (r.service_type = l.service_type or r.service_type = '*')
        and (r.service_component = l.service_component or r.service_component = '*')
),

chosen as (
    select
        service_cost_key,
        five_areas_category
    from (
        select
            service_cost_key,
            five_areas_category,
            row_number() over (partition by service_cost_key order by rule_rank, five_areas_category) as pick
        from candidates
    ) as ranked
    where pick = 1
)

select
    l.service_cost_key,
    l.service_line_key,
    l.person_id as person_key,
    l.la_code,
    l.quarter_start,
    l.quarter_end,
    {{ financial_year_label('l.quarter_start') }} as financial_year,
    l.service_type,
    l.service_component,
    l.weeks_in_quarter,
    l.quarter_cost,
    l.cost_flag,
    coalesce(c.five_areas_category, 'unclassified') as five_areas_category,
    p.service_component is not null as is_promising_model
from lines as l
left join chosen as c on l.service_cost_key = c.service_cost_key
left join {{ ref('ref_promising_models') }} as p on l.service_component = p.service_component
