-- Service users' long-term service lines (LT Nursing, Residential, Community, Prison), each with
-- its rank in the processing_rules.md §9 setting hierarchy (1 Nursing .. 9 Prison: mechanism
-- unknown) and the label from the shared support_setting code list. Every long-term cohort, the
-- ASCOF 3D client measures and the new-entrant measure pick a person's setting from these ranks.

with

lines as (
    select
        event_key,
        la_code,
        person_key,
        service_type,
        service_component,
        delivery_mechanism,
        event_start_date,
        event_end_date,
        age_at_event_start,
        person_date_of_death
    from {{ ref('int_cld__events_enriched') }}
    where
        event_type = 'Service'
        -- §10: service users only (carers' services are never long-term support lines)
        and client_type_group = 'Service user'
        and service_type in (
            'Long term support: Nursing care',
            'Long term support: Residential care',
            'Long term support: Community',
            'Long term support: Prison'
        )
),

classified as (
    select
        *,
        -- §9: a Direct payment component marks a direct payment even when the mechanism is blank
        coalesce(delivery_mechanism = 'Direct payment' or service_component = 'Direct payment', false) as is_direct_payment,
        -- blank or 'Invalid and not mapped' mechanism: neither of the two CASSR mechanisms nor DP
        coalesce(
            delivery_mechanism in ('Direct payment', 'CASSR managed personal budget', 'CASSR commissioned support'),
            false
        ) as has_valid_mechanism
    from lines
),

ranked as (
    select
        *,
        case
            when service_type = 'Long term support: Nursing care' then 1
            when service_type = 'Long term support: Residential care' then 2
            when service_type = 'Long term support: Community' then
                case
                    when is_direct_payment then 3
                    when delivery_mechanism = 'CASSR managed personal budget' then 4
                    when delivery_mechanism = 'CASSR commissioned support' then 5
                    else 6
                end
            -- Prison: a direct payment is invalid there, so it falls to rank 9 (§9) and is flagged
            when is_direct_payment then 9
            when delivery_mechanism = 'CASSR managed personal budget' then 7
            when delivery_mechanism = 'CASSR commissioned support' then 8
            else 9
        end as setting_rank
    from classified
),

settings as (
    select sort_order as setting_rank, label as support_setting
    from {{ ref('ref_code_lists') }}
    where dimension = 'support_setting'
)

select
    r.event_key,
    r.la_code,
    r.person_key,
    r.service_type,
    r.service_component,
    r.delivery_mechanism,
    r.event_start_date as line_start_date,
    r.event_end_date as line_end_date,
    r.setting_rank,
    s.support_setting,
    r.service_type = 'Long term support: Community' as is_community,
    -- metrics.md §8: a community line whose mechanism is blank/invalid and not rescued by a Direct
    -- payment component lands in 'mechanism unknown' and depresses ASCOF 3D (its dq check)
    r.service_type = 'Long term support: Community' and not r.has_valid_mechanism and not r.is_direct_payment
        as is_mechanism_unknown,
    -- §9: Direct payment on a prison line is invalid (DQ warning); the line ranks as mechanism unknown
    r.service_type = 'Long term support: Prison' and r.is_direct_payment as is_prison_direct_payment,
    r.age_at_event_start,
    r.person_date_of_death
from ranked as r
inner join settings as s on r.setting_rank = s.setting_rank
