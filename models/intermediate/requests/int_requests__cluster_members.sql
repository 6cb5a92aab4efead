-- Which request cluster (processing_rules.md §8.1) each completed service-user request belongs to.
-- A person's requests are sorted by start, then end; a request starting no more than
-- request_cluster_gap_days after the previous request's end joins that request's cluster, so a
-- cluster is a run of such requests. The spec compares with the previous request's end (not the
-- latest end so far, which §8.5 uses for reablement), so it is followed literally here.
-- Open requests are not completed (§3) and never cluster; §8 covers service users only.

with

requests as (
    select
        event_key,
        la_code,
        person_key,
        event_start_date,
        event_end_date,
        event_outcome,
        event_outcome_raw,
        event_outcome_rank,
        route_of_access,
        birth_year,
        birth_month
    from {{ ref('int_cld__events_enriched') }}
    where
        event_type = 'Request'
        and client_type_group = 'Service user'
        and event_end_date is not null
),

with_previous_end as (
    select
        *,
        lag(event_end_date) over (
            partition by la_code, person_key
            order by event_start_date, event_end_date, event_key
        ) as previous_end_date
    from requests
),

cluster_starts as (
    select
        *,
        case
            when previous_end_date is null then 1
            when {{ days_between('previous_end_date', 'event_start_date') }} > {{ var('request_cluster_gap_days') }} then 1
            else 0
        end as starts_cluster
    from with_previous_end
),

numbered as (
    select
        *,
        sum(starts_cluster) over (
            partition by la_code, person_key
            order by event_start_date, event_end_date, event_key
            rows between unbounded preceding and current row
        ) as cluster_number
    from cluster_starts
),

with_cluster_start as (
    select
        *,
        min(event_start_date) over (partition by la_code, person_key, cluster_number) as request_start_date
    from numbered
)

select
    {{ surrogate_key(['la_code', 'person_key', 'request_start_date']) }} as request_key,
    event_key,
    la_code,
    person_key,
    request_start_date,
    event_start_date,
    event_end_date,
    event_outcome,
    event_outcome_raw,
    event_outcome_rank,
    route_of_access,
    birth_year,
    birth_month
from with_cluster_start
