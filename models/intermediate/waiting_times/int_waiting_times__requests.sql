-- The requests that start a wait under DHSC's provisional waiting-times method v1.1
-- (metrics.md §4 WAIT_FIRST_RESPONSE_MEDIAN_DAYS / WAIT_FIRST_SERVICE_MEDIAN_DAYS), one row per request:
--   step 1  service users aged 25+ at the request start (avoids transitions from children's services),
--           starting on/after `wait_requests_from`, whose outcome is neither NFA (any) nor Admitted to
--           hospital. A blank or invalid outcome is not known to be NFA, so it stays in (and counts
--           against the metric's dq).
--   step 2  minus existing clients: a long-term service that started before the request and ended
--           within the `wait_existing_client_long_term_months` before it (or later, or is open); or a
--           short-term service (ST-Max, ongoing low level, other short term) that started before it and
--           ended within the `wait_existing_client_short_term_months` before it (or later, or is open).
-- Joined-mode events (int_cld__events_enriched), so a service submitted in an older file still
-- makes the person an existing client.

with

events as (
    select * from {{ ref('int_cld__events_enriched') }}
),

step_1_requests as (
    select
        event_key,
        la_code,
        person_key,
        event_start_date,
        event_end_date,
        event_outcome,
        is_conversation,
        spec_release,
        load_id,
        received_at,
        age_at_event_start
    from events
    where
        event_type = 'Request'
        and client_type = 'Service user'
        and age_at_event_start >= {{ var('wait_min_age') }}
        and event_start_date >= cast('{{ var("wait_requests_from") }}' as date)
        and coalesce(event_outcome_group, '') <> 'NFA'
        and coalesce(event_outcome, '') <> 'Admitted to hospital'
),

-- Services that make a person an existing client (step 2), whatever their start year or age band.
support_services as (
    select
        la_code,
        person_key,
        event_start_date,
        event_end_date,
        service_type_group = 'Long term support' as is_long_term
    from events
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

-- Joined on the person, and bounded by the look-back: the service starts before the request and
-- ends no earlier than 12 (long-term) or 3 (short-term) months before it.
existing_clients as (
    select distinct r.event_key
    from step_1_requests as r
    inner join support_services as s
        on
            r.la_code = s.la_code
            and r.person_key = s.person_key
            and s.event_start_date < r.event_start_date
    where
        s.event_end_date is null
        or s.event_end_date >= case
            when s.is_long_term
                then cast({{ dbt.dateadd('month', -1 * var('wait_existing_client_long_term_months'), 'r.event_start_date') }} as date)
            else cast({{ dbt.dateadd('month', -1 * var('wait_existing_client_short_term_months'), 'r.event_start_date') }} as date)
        end
)

select
    r.event_key as request_event_key,
    r.la_code,
    r.person_key,
    r.event_start_date as request_start_date,
    r.event_end_date as request_end_date,
    r.event_outcome,
    r.is_conversation,
    r.spec_release,
    r.load_id,
    r.received_at,
    r.age_at_event_start,
    -- step 4: a conversation request whose outcome shows progress, from an R1 file (or, release
    -- unknown, starting before the R2 switch-over) can be its own first response; whether it is
    -- also needs the next assessment, decided in int_waiting_times__waits.
    coalesce(
        r.is_conversation
        and r.event_outcome in (
            'Progress to reablement/ST-Max',
            'Progress to assessment, review or reassessment',
            'Progress to support planning or services',
            'Continuation of support or services',
            'Release 1 specification only: Not mapped'
        )
        and (
            r.spec_release = 'R1'
            or (
                r.spec_release is null
                and r.event_start_date < cast('{{ var("wait_conversation_unknown_release_before") }}' as date)
            )
        ),
        false
    ) as is_conversation_response_candidate,
    -- dq (metrics.md §1.1, §8): the outcome decides scope, so a blank or unmapped one is a failure
    (r.event_outcome is null or r.event_outcome = 'Invalid and not mapped') as has_unknown_outcome
from step_1_requests as r
where not exists (
    select 1 from existing_clients as x
    where x.event_key = r.event_key
)
