{{ metric_partitioned() }}
-- Carers in each reporting period (financial_year, rolling_12m) with their one carer-support
-- category, the highest of processing_rules.md §9 "Carers" (feeds ASCOF 3D_1B / 3D_2B, metrics.md).
-- Carers include carers known by association (client_type_group 'Unpaid carer'). In the period
-- (§3.5): services active in it; requests, assessments and reviews ending in it.

with

periods as (
    select la_code, period_type, period_start, period_end
    from {{ metric_periods() }}
    where period_type in ('financial_year', 'rolling_12m')
),

carer_events as (
    select
        la_code,
        person_key,
        event_type,
        event_start_date,
        event_end_date,
        event_outcome,
        service_type,
        service_component,
        delivery_mechanism
    from {{ ref('int_cld__events_enriched') }}
    where client_type_group = 'Unpaid carer'
),

events_in_period as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        p.period_end,
        e.person_key,
        e.event_type,
        e.event_outcome,
        e.service_type,
        e.service_component,
        e.delivery_mechanism
    from carer_events as e
    inner join periods as p
        on
            e.la_code = p.la_code
            and e.event_start_date <= p.period_end
            and (
                (e.event_type = 'Service' and (e.event_end_date is null or e.event_end_date >= p.period_start))
                or (e.event_type <> 'Service' and e.event_end_date between p.period_start and p.period_end)
            )
),

-- §9 carers table: 1 DP (mechanism or component), 2 managed PB, 3 commissioned, 4 direct support
-- with a blank or invalid mechanism, 5 information/advice (any request; an assessment or review
-- ending NFA: Information and advice or signposting), 6 no direct support (support involving the
-- cared-for person; an assessment or review with any other outcome). Other service types are not
-- carer support and rank nothing.
ranked_events as (
    select
        *,
        case
            when service_type = 'Unpaid carer support: Direct to unpaid carer' then
                case
                    when delivery_mechanism = 'Direct payment' or service_component = 'Direct payment' then 1
                    when delivery_mechanism = 'CASSR managed personal budget' then 2
                    when delivery_mechanism = 'CASSR commissioned support' then 3
                    else 4
                end
            when service_type = 'Unpaid carer support: Support involving the person cared-for' then 6
            when event_type = 'Request' then 5
            when event_type in ('Assessment', 'Review')
                and event_outcome = 'NFA: Information and advice or signposting' then 5
            when event_type in ('Assessment', 'Review') then 6
        end as support_rank
    from events_in_period
),

carers as (
    select
        la_code,
        person_key,
        period_type,
        period_start,
        period_end,
        min(support_rank) as carer_support_rank,
        count(*) filter (where service_type = 'Unpaid carer support: Direct to unpaid carer') as direct_support_lines,
        -- metrics.md §8: a blank mechanism passes validation but is what 3D needs
        count(*) filter (
            where service_type = 'Unpaid carer support: Direct to unpaid carer'
            and (delivery_mechanism is null or delivery_mechanism = 'Invalid and not mapped')
        ) as direct_support_lines_mechanism_missing
    from ranked_events
    where support_rank is not null
    group by la_code, person_key, period_type, period_start, period_end
),

labels as (
    select sort_order, label from {{ ref('ref_code_lists') }}
    where dimension = 'carer_support'
)

select
    c.la_code,
    c.person_key,
    c.period_type,
    c.period_start,
    c.period_end,
    c.carer_support_rank,
    l.label as carer_support,
    c.direct_support_lines,
    c.direct_support_lines_mechanism_missing
from carers as c
inner join labels as l on c.carer_support_rank = l.sort_order
