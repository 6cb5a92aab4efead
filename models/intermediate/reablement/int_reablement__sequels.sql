-- What followed each completed reablement episode (processing_rules.md §8.5.5-§8.5.6). The first
-- rule that applies gives the sequel; sequel_rule records which:
--   deceased             date of death <= episode end + W                      -> NFA: Deceased
--   admitted_to_hospital episode outcome Admitted to hospital                  -> Admitted to hospital
--   window_service       a service among the window events: the highest of LT Nursing > LT
--                        Residential > LT Community > LT Prison > ST-Max > Ongoing low level > Other
--                        short term (carer support ignored); within a rank short-term residential or
--                        nursing components first; Other short term with such a component
--                        -> Short term support: Residential or Nursing care
--   outcome_evidence     the best-ranked usable outcome (Admitted to hospital or any NFA) among the
--                        episode outcome, the outcomes of non-service window events (ignoring
--                        "NFA: Support ended as planned" on them) and the latest-ending
--                        assessment/review nested in the episode
--   nested_equipment     an Equipment service nested in the episode      -> Short term support: Ongoing low level
--   unable_to_classify   otherwise                                         -> Unable to classify
-- Window events (§8.5.5): the person's events other than the episode's own lines, starting on/after
-- the episode start, ending after the episode end (or open) and starting no later than the episode
-- end + W (stmax_sequel_window_days, method-dependent: 7 DHSC 2024/25, 3 NHS England 2023/24).
-- Nested assessment/review: starts on/after the episode start, ends after the episode start, on or
-- before the episode end and fewer than stmax_nested_outcome_days (14) before it. Nested Equipment
-- service: starts on/after the episode start and ends on/before its end.
-- Every candidate starts inside [episode start, episode end + W], which bounds the person join.
-- Open episodes have no end and no sequel (sequel_rule = episode_open).
-- Grain: one row per episode (episode_key).

{%- set window_days = reablement_sequel_window_days() %}
{%- set nested_days = var('stmax_nested_outcome_days') %}

with

episodes as (
    select
        episode_key,
        la_code,
        person_key,
        episode_start_date,
        episode_end_date,
        is_open,
        episode_outcome,
        episode_outcome_group,
        episode_outcome_rank,
        date_of_death,
        {{ add_days('episode_end_date', window_days) }} as window_end_date
    from {{ ref('int_reablement__episodes') }}
),

completed as (
    select * from episodes
    where not is_open
),

own_lines as (
    select
        episode_key,
        event_key
    from {{ ref('int_reablement__episode_lines') }}
),

-- every event of the person starting inside [episode start, episode end + W], except the episode's own lines
candidates as (
    select
        c.episode_key,
        c.episode_start_date,
        c.episode_end_date,
        e.event_key,
        e.event_type,
        e.event_start_date,
        e.event_end_date,
        e.event_outcome,
        e.event_outcome_group,
        e.event_outcome_rank,
        e.service_type,
        e.service_component
    from completed as c
    inner join {{ ref('int_cld__events_enriched') }} as e
        on
            c.la_code = e.la_code
            and c.person_key = e.person_key
            and e.event_start_date >= c.episode_start_date
            and e.event_start_date <= c.window_end_date
    left join own_lines as o on c.episode_key = o.episode_key and e.event_key = o.event_key
    where
        o.event_key is null
        and e.client_type_group = 'Service user'
),

window_events as (
    select * from candidates
    where event_end_date is null or event_end_date > episode_end_date
),

-- §8.5.6 rule 3: the highest window service
window_services as (
    select
        episode_key,
        case
            when
                service_type = 'Short term support: Other short term'
                and service_component in ('Short term residential care', 'Short term nursing care')
                then 'Short term support: Residential or Nursing care'
            else service_type
        end as sequel,
        row_number() over (
            partition by episode_key
            order by
                case service_type
                    when 'Long term support: Nursing care' then 1
                    when 'Long term support: Residential care' then 2
                    when 'Long term support: Community' then 3
                    when 'Long term support: Prison' then 4
                    when 'Short term support: ST-Max' then 5
                    when 'Short term support: Ongoing low level' then 6
                    when 'Short term support: Other short term' then 7
                end,
                case
                    when service_component in ('Short term residential care', 'Short term nursing care') then 0
                    else 1
                end,
                event_start_date,
                event_key
        ) as service_order
    from window_events
    where
        event_type = 'Service'
        and service_type in (
            'Long term support: Nursing care',
            'Long term support: Residential care',
            'Long term support: Community',
            'Long term support: Prison',
            'Short term support: ST-Max',
            'Short term support: Ongoing low level',
            'Short term support: Other short term'
        )
),

-- §8.5.6 rule 4 candidates: nested assessments and reviews, the latest-ending one(s)
nested_assessments as (
    select
        episode_key,
        event_outcome,
        event_outcome_group,
        event_outcome_rank,
        dense_rank() over (partition by episode_key order by event_end_date desc) as end_order
    from candidates
    where
        event_type in ('Assessment', 'Review')
        and event_end_date > episode_start_date
        and event_end_date <= episode_end_date
        and {{ days_between('event_end_date', 'episode_end_date') }} < {{ nested_days }}
),

evidence as (
    select
        episode_key,
        episode_outcome as outcome,
        episode_outcome_group as outcome_group,
        episode_outcome_rank as outcome_rank
    from completed
    union all
    select
        episode_key,
        event_outcome,
        event_outcome_group,
        event_outcome_rank
    from window_events
    where
        event_type <> 'Service'
        and event_outcome <> 'NFA: Support ended as planned'
    union all
    select
        episode_key,
        event_outcome,
        event_outcome_group,
        event_outcome_rank
    from nested_assessments
    where end_order = 1
),

-- "usable" (§8.5.4): Admitted to hospital or any NFA value; best = lowest R2 rank
usable_evidence as (
    select
        episode_key,
        outcome,
        row_number() over (partition by episode_key order by outcome_rank, outcome) as evidence_order
    from evidence
    where outcome = 'Admitted to hospital' or outcome_group = 'NFA'
),

nested_equipment as (
    select distinct episode_key
    from candidates
    where
        event_type = 'Service'
        and service_component = 'Equipment'
        and event_end_date <= episode_end_date
),

classified as (
    select
        c.episode_key,
        case
            when c.date_of_death is not null and c.date_of_death <= c.window_end_date then 'deceased'
            when c.episode_outcome = 'Admitted to hospital' then 'admitted_to_hospital'
            when s.sequel is not null then 'window_service'
            when u.outcome is not null then 'outcome_evidence'
            when q.episode_key is not null then 'nested_equipment'
            else 'unable_to_classify'
        end as sequel_rule,
        s.sequel as window_service_sequel,
        u.outcome as evidence_outcome
    from completed as c
    left join window_services as s on c.episode_key = s.episode_key and s.service_order = 1
    left join usable_evidence as u on c.episode_key = u.episode_key and u.evidence_order = 1
    left join nested_equipment as q on c.episode_key = q.episode_key
)

select
    e.episode_key,
    e.la_code,
    e.person_key,
    e.episode_end_date,
    e.window_end_date,
    case k.sequel_rule
        when 'deceased' then 'NFA: Deceased'
        when 'admitted_to_hospital' then 'Admitted to hospital'
        when 'window_service' then k.window_service_sequel
        when 'outcome_evidence' then k.evidence_outcome
        when 'nested_equipment' then 'Short term support: Ongoing low level'
        when 'unable_to_classify' then 'Unable to classify'
    end as sequel,
    coalesce(k.sequel_rule, 'episode_open') as sequel_rule
from episodes as e
left join classified as k on e.episode_key = k.episode_key
