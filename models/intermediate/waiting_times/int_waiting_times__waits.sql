-- One row per in-scope request (int_waiting_times__requests) with its first response and first
-- service under DHSC's provisional waiting-times method v1.1 (metrics.md §4, steps 3-7):
--   step 3  each person's events in one order: start date, then same-day priority
--           Request < Assessment < Service, then the latest load (received_at desc, load_id desc, as
--           processing_rules.md §2 defines "latest"; event_key last only to make ties deterministic).
--           Assessments: short or long term (not financial); services: the 4 long-term and 3
--           short-term types; both service-user events aged 25+ at their start.
--   step 4  first response: the first later assessment, or the first later service when it comes
--           earlier in the order or no assessment follows; a qualifying conversation request whose
--           next assessment (if any) starts after the request date is its own response (wait 0).
--   step 5  first service: the first later service, dropped when the response is an assessment whose
--           outcome is not progress to reablement/ST-Max, to support planning or services, or
--           continuation.
--   step 6  a request that comes before the previous request's follow-up (the later of its response
--           and its kept service) in the order is discarded (flagged, not deleted, for tracing).
--   step 7  waits in days from the request start; age band of the response/service at its start.
-- A request with no response yet is still waiting: its waits are null (metrics.md §4 limitations).
-- There is no maximum gap between request and response, so the "next event" search is a window
-- over each person's ordered events (no unbounded self-join).

{%- set priority = {'Request': 1, 'Assessment': 2, 'Service': 3} %}

with

requests as (
    select * from {{ ref('int_waiting_times__requests') }}
),

people as (
    select distinct la_code, person_key from requests
),

-- Step 3 follow-up events of people with an in-scope request. Nothing starting before the
-- earliest possible request can come after one in the order, so older events are left out.
follow_up_events as (
    select
        e.la_code,
        e.person_key,
        e.event_key,
        e.event_type,
        e.event_start_date,
        e.event_outcome,
        e.age_at_event_start,
        e.received_at,
        e.load_id
    from {{ ref('int_cld__events_enriched') }} as e
    inner join people as p on e.la_code = p.la_code and e.person_key = p.person_key
    where
        e.client_type = 'Service user'
        and e.age_at_event_start >= {{ var('wait_min_age') }}
        and e.event_start_date >= cast('{{ var("wait_requests_from") }}' as date)
        and (
            (e.event_type = 'Assessment' and e.assessment_type in ('Short term assessment', 'Long term assessment'))
            or (
                e.event_type = 'Service'
                and e.service_type in (
                    'Long term support: Nursing care',
                    'Long term support: Residential care',
                    'Long term support: Community',
                    'Long term support: Prison',
                    'Short term support: ST-Max',
                    'Short term support: Ongoing low level',
                    'Short term support: Other short term'
                )
            )
        )
),

stream as (
    select
        la_code,
        person_key,
        request_event_key as event_key,
        'Request' as event_type,
        request_start_date as event_start_date,
        event_outcome,
        age_at_event_start,
        received_at,
        load_id
    from requests
    union all
    select
        la_code,
        person_key,
        event_key,
        event_type,
        event_start_date,
        event_outcome,
        age_at_event_start,
        received_at,
        load_id
    from follow_up_events
),

ordered as (
    select
        *,
        row_number() over (
            partition by la_code, person_key
            order by
                event_start_date,
                case event_type
                    {%- for t, p in priority.items() %}
                    when '{{ t }}' then {{ p }}
                    {%- endfor %}
                end,
                received_at desc,
                load_id desc,
                event_key
        ) as event_order
    from stream
),

-- For every event, the position of the first assessment and the first service after it.
look_ahead as (
    select
        la_code,
        person_key,
        event_key,
        event_order,
        min(case when event_type = 'Assessment' then event_order end) over (
            partition by la_code, person_key order by event_order
            rows between 1 following and unbounded following
        ) as next_assessment_order,
        min(case when event_type = 'Service' then event_order end) over (
            partition by la_code, person_key order by event_order
            rows between 1 following and unbounded following
        ) as next_service_order
    from ordered
),

candidates as (
    select
        r.request_event_key,
        r.la_code,
        r.person_key,
        r.request_start_date,
        r.age_at_event_start as request_age,
        r.is_conversation_response_candidate,
        la.event_order as request_order,
        a.event_order as assessment_order,
        a.event_key as assessment_event_key,
        a.event_start_date as assessment_start_date,
        a.event_outcome as assessment_outcome,
        a.age_at_event_start as assessment_age,
        s.event_order as service_order,
        s.event_key as service_event_key,
        s.event_start_date as service_start_date,
        s.age_at_event_start as service_age
    from requests as r
    inner join look_ahead as la
        on r.la_code = la.la_code and r.person_key = la.person_key and r.request_event_key = la.event_key
    left join ordered as a
        on la.la_code = a.la_code and la.person_key = a.person_key and la.next_assessment_order = a.event_order
    left join ordered as s
        on la.la_code = s.la_code and la.person_key = s.person_key and la.next_service_order = s.event_order
),

-- Step 4: which event answers the request.
responses as (
    select
        *,
        case
            when
                is_conversation_response_candidate
                and (assessment_order is null or assessment_start_date > request_start_date)
                then 'Request'
            when assessment_order is not null and (service_order is null or assessment_order < service_order)
                then 'Assessment'
            when service_order is not null then 'Service'
        end as response_event_type
    from candidates
),

-- Step 5: the first service, unless the assessment that answered the request did not lead on to
-- support (its outcome is not one of the three progress outcomes).
with_service as (
    select
        *,
        case response_event_type
            when 'Request' then request_order
            when 'Assessment' then assessment_order
            when 'Service' then service_order
        end as response_order,
        (
            response_event_type = 'Assessment'
            and coalesce(assessment_outcome, '') not in (
                'Progress to reablement/ST-Max',
                'Progress to support planning or services',
                'Continuation of support or services'
            )
        ) as is_service_dropped
    from responses
),

-- Step 6: the follow-up is the later of the response and the kept service in the order.
follow_ups as (
    select
        *,
        case
            when is_service_dropped or service_order is null then response_order
            when response_order is null or service_order > response_order then service_order
            else response_order
        end as follow_up_order
    from with_service
),

with_previous as (
    select
        *,
        lag(follow_up_order) over (
            partition by la_code, person_key order by request_order
        ) as previous_follow_up_order
    from follow_ups
),

waits as (
    select
        request_event_key,
        la_code,
        person_key,
        request_start_date,
        request_order,
        coalesce(request_order < previous_follow_up_order, false) as is_overlap_discarded,
        response_event_type,
        case response_event_type
            when 'Request' then request_event_key
            when 'Assessment' then assessment_event_key
            when 'Service' then service_event_key
        end as response_event_key,
        case response_event_type
            when 'Request' then request_start_date
            when 'Assessment' then assessment_start_date
            when 'Service' then service_start_date
        end as response_start_date,
        case response_event_type
            when 'Request' then request_age
            when 'Assessment' then assessment_age
            when 'Service' then service_age
        end as response_age,
        is_service_dropped,
        case when not is_service_dropped then service_event_key end as service_event_key,
        case when not is_service_dropped then service_start_date end as first_service_start_date,
        case when not is_service_dropped then service_age end as first_service_age
    from with_previous
)

select
    request_event_key,
    la_code,
    person_key,
    request_start_date,
    request_order,
    is_overlap_discarded,
    response_event_type,
    response_event_key,
    response_start_date,
    {{ days_between('request_start_date', 'response_start_date') }} as response_wait_days,
    -- waiting-times band (processing_rules.md §4): every event here is 25+ at its start
    case
        when response_age >= 65 then '65 and above'
        when response_age >= {{ var('wait_min_age') }} then '25 to 64'
    end as response_age_band,
    {{ quarter_start('response_start_date') }} as response_quarter_start,
    is_service_dropped,
    service_event_key,
    first_service_start_date as service_start_date,
    {{ days_between('request_start_date', 'first_service_start_date') }} as service_wait_days,
    case
        when first_service_age >= 65 then '65 and above'
        when first_service_age >= {{ var('wait_min_age') }} then '25 to 64'
    end as service_age_band,
    {{ quarter_start('first_service_start_date') }} as service_quarter_start
from waits
