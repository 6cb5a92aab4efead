-- The sequel of every request cluster (processing_rules.md §8.3, NHS England STS001 method) and its
-- SALT STS001 category (§8.4, seed ref_sts001_sequel_map).
--
-- The chain is found on each person's timeline instead of by joining every cluster to every later
-- event: the person's service-user events are numbered by start (same day: Request, Assessment,
-- Review, Service, then end, then key), and each event knows the position of the next event that
-- breaks a chain after it (a Request, or a start more than sequel_chain_gap_days after the previous
-- event's end; an open previous event never breaks). A cluster's chain then runs from its first
-- candidate up to just before that break. Only the first candidate is searched by joining clusters
-- to events, bounded by the request_sequel_window_days window (applied to open events too).
--
-- A cluster's own requests start on or before its end, so the only ones that can sit among the
-- candidates start (and end) on the cluster end date; they are skipped when finding the first
-- candidate, and as same-day Requests come first they are never inside a chain.

with

clusters as (
    select
        request_key,
        la_code,
        person_key,
        request_end_date,
        -- R2 has no value for the R1 outcome Progress to End of Life Care, so its raw text is the sequel
        case
            when {{ value_key('event_outcome_raw') }} = 'progress to end of life care' then 'Progress to End of Life Care'
            else event_outcome
        end as own_outcome
    from {{ ref('int_requests__clusters') }}
),

members as (
    select
        request_key,
        event_key
    from {{ ref('int_requests__cluster_members') }}
),

sequel_map as (
    select
        sequel,
        sts001_sequel
    from {{ ref('ref_sts001_sequel_map') }}
),

events as (
    select
        event_key,
        la_code,
        person_key,
        event_type,
        event_start_date,
        event_end_date,
        service_type,
        case
            when {{ value_key('event_outcome_raw') }} = 'progress to end of life care' then 'Progress to End of Life Care'
            else event_outcome
        end as outcome,
        case event_type when 'Request' then 1 when 'Assessment' then 2 when 'Review' then 3 else 4 end as same_day_order
    from {{ ref('int_cld__events_enriched') }}
    where client_type_group = 'Service user'
),

timeline as (
    select
        *,
        row_number() over (
            partition by la_code, person_key
            order by event_start_date, same_day_order, event_end_date nulls last, event_key
        ) as timeline_position
    from events
),

links as (
    select
        *,
        lag(event_end_date) over (partition by la_code, person_key order by timeline_position) as previous_end_date
    from timeline
),

chain_breaks as (
    select
        *,
        case
            when event_type = 'Request' then timeline_position
            when
                previous_end_date is not null
                and {{ days_between('previous_end_date', 'event_start_date') }} > {{ var('sequel_chain_gap_days') }}
                then timeline_position
        end as break_position
    from links
),

positioned as (
    select
        *,
        min(break_position) over (
            partition by la_code, person_key
            order by timeline_position
            rows between 1 following and unbounded following
        ) as next_break_position
    from chain_breaks
),

-- §8.3 steps 1 and 3: the first event on/after the cluster end (not one of its own requests),
-- searched only inside the window
first_candidates as (
    select
        c.request_key,
        min(t.timeline_position) as first_position
    from clusters as c
    inner join positioned as t
        on
            c.la_code = t.la_code
            and c.person_key = t.person_key
            and t.event_start_date >= c.request_end_date
            and t.event_start_date <= {{ add_days('c.request_end_date', var('request_sequel_window_days')) }}
    left join members as m on c.request_key = m.request_key and t.event_key = m.event_key
    where m.event_key is null
    group by c.request_key
),

-- whether the person has any later event at all (no_chronology versus out_of_scope); events past
-- the window start after the cluster end, so none of them is one of its own requests
later_events as (
    select
        la_code,
        person_key,
        max(event_start_date) as last_event_start_date
    from events
    group by la_code, person_key
),

starts as (
    select
        c.request_key,
        c.la_code,
        c.person_key,
        c.own_outcome,
        f.first_position,
        t.event_type as first_event_type,
        coalesce(t.next_break_position, t.timeline_position + 1000000) as chain_end_position,
        l.last_event_start_date > {{ add_days('c.request_end_date', var('request_sequel_window_days')) }}
        as has_event_after_window
    from clusters as c
    left join first_candidates as f on c.request_key = f.request_key
    left join positioned as t
        on c.la_code = t.la_code and c.person_key = t.person_key and f.first_position = t.timeline_position
    left join later_events as l on c.la_code = l.la_code and c.person_key = l.person_key
),

-- §8.3 step 4: the chain, from the first candidate to just before the next break
chains as (
    select
        s.request_key,
        t.event_key,
        t.event_type,
        t.event_end_date,
        t.outcome,
        case t.service_type
            when 'Short term support: ST-Max' then 1
            when 'Long term support: Nursing care' then 2
            when 'Long term support: Residential care' then 3
            when 'Long term support: Community' then 4
            when 'Long term support: Prison' then 5
            when 'Short term support: Ongoing low level' then 6
            when 'Short term support: Other short term' then 7
        end as service_rank
    from starts as s
    inner join positioned as t
        on
            s.la_code = t.la_code
            and s.person_key = t.person_key
            and t.timeline_position >= s.first_position
            and t.timeline_position < s.chain_end_position
    where s.first_event_type <> 'Request'
),

-- §8.3 step 5: the highest service type in the chain (carer support has no rank and is ignored)
best_services as (
    select
        request_key,
        min(service_rank) as best_service_rank,
        count(*) as chain_events
    from chains
    group by request_key
),

-- §8.3 step 6: usable assessment/review outcomes (a SALT category other than Unable to classify)
usable_outcomes as (
    select
        ch.request_key,
        ch.outcome,
        coalesce(ch.event_end_date, cast('9999-12-31' as date)) as effective_end_date
    from chains as ch
    inner join sequel_map as m on ch.outcome = m.sequel
    where ch.event_type in ('Assessment', 'Review') and m.sts001_sequel <> 'Unable to classify'
),

latest_usable as (
    select
        u.request_key,
        case when count(distinct u.outcome) = 1 then min(u.outcome) else 'NFA: Other' end as usable_outcome
    from usable_outcomes as u
    inner join (
        select
            request_key,
            max(effective_end_date) as latest_end_date
        from usable_outcomes
        group by request_key
    ) as latest
        on u.request_key = latest.request_key and u.effective_end_date = latest.latest_end_date
    group by u.request_key
),

resolved as (
    select
        s.request_key,
        s.la_code,
        s.person_key,
        s.own_outcome,
        b.chain_events,
        case
            when s.first_position is null and not coalesce(s.has_event_after_window, false) then 'no_chronology'
            when s.first_position is null or s.first_event_type = 'Request' then 'out_of_scope'
            when b.best_service_rank is not null then 'service'
            when u.usable_outcome is not null then 'non_service_nfa'
            else 'non_service_default'
        end as sequel_source,
        case b.best_service_rank
            when 1 then 'Short term support: ST-Max'
            when 2 then 'Long term support: Nursing care'
            when 3 then 'Long term support: Residential care'
            when 4 then 'Long term support: Community'
            when 5 then 'Long term support: Prison'
            when 6 then 'Short term support: Ongoing low level'
            when 7 then 'Short term support: Other short term'
        end as service_sequel,
        u.usable_outcome
    from starts as s
    left join best_services as b on s.request_key = b.request_key
    left join latest_usable as u on s.request_key = u.request_key
),

sequels as (
    select
        request_key,
        la_code,
        person_key,
        sequel_source,
        case sequel_source
            when 'service' then service_sequel
            when 'non_service_nfa' then usable_outcome
            else own_outcome
        end as sequel,
        coalesce(chain_events, 0) as chain_events
    from resolved
)

select
    s.request_key,
    s.la_code,
    s.person_key,
    s.sequel,
    -- §8.4: anything the map does not list (a blank or unexpected value) cannot be classified
    coalesce(m.sts001_sequel, 'Unable to classify') as sts001_sequel,
    s.sequel_source,
    s.chain_events
from sequels as s
left join sequel_map as m on s.sequel = m.sequel
