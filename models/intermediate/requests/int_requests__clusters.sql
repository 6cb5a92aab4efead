-- One row per request cluster of a service user (processing_rules.md §8.1): start = earliest start,
-- end = latest end; outcome and route of access from the request with the latest end (ties: the
-- outcome hierarchy rank). New or existing client per §8.2, age at the cluster start (§12 "Request
-- ages") and the repeat-request flag of metrics.md §5. The key hashes la_code, person and cluster
-- start, so it never renumbers on reload.

with

members as (
    select * from {{ ref('int_requests__cluster_members') }}
),

cluster_spans as (
    select
        request_key,
        la_code,
        person_key,
        request_start_date,
        max(event_end_date) as request_end_date,
        count(*) as requests_in_cluster
    from members
    group by request_key, la_code, person_key, request_start_date
),

latest_request as (
    select
        request_key,
        route_of_access,
        event_outcome,
        event_outcome_raw,
        event_outcome_rank,
        birth_year,
        birth_month,
        row_number() over (
            partition by request_key
            order by event_end_date desc, coalesce(event_outcome_rank, 99) asc, event_key asc
        ) as latest_rank
    from members
),

clusters as (
    select
        s.request_key,
        s.la_code,
        s.person_key,
        s.request_start_date,
        s.request_end_date,
        s.requests_in_cluster,
        l.route_of_access,
        l.event_outcome,
        l.event_outcome_raw,
        l.event_outcome_rank,
        l.birth_year,
        l.birth_month
    from cluster_spans as s
    inner join latest_request as l on s.request_key = l.request_key and l.latest_rank = 1
),

long_term_services as (
    select
        la_code,
        person_key,
        event_start_date,
        event_end_date
    from {{ ref('int_cld__events_enriched') }}
    where
        event_type = 'Service'
        and client_type_group = 'Service user'
        and service_type in (
            'Long term support: Nursing care',
            'Long term support: Residential care',
            'Long term support: Community',
            'Long term support: Prison'
        )
),

-- §8.2: existing when the cluster starts inside a long-term service (open counts as ongoing)
existing_clients as (
    select distinct c.request_key
    from clusters as c
    inner join long_term_services as s
        on
            c.la_code = s.la_code
            and c.person_key = s.person_key
            and c.request_start_date >= s.event_start_date
            and (s.event_end_date is null or c.request_start_date <= s.event_end_date)
),

-- metrics.md §5: another cluster of the person ended in the 12 months before this one started
repeat_requests as (
    select distinct c.request_key
    from clusters as c
    inner join clusters as earlier
        on
            c.la_code = earlier.la_code
            and c.person_key = earlier.person_key
            and c.request_key <> earlier.request_key
            and earlier.request_end_date >= cast({{ dbt.dateadd('month', -12, 'c.request_start_date') }} as date)
            and earlier.request_end_date < c.request_start_date
),

aged as (
    select
        c.*,
        e.request_key is null as is_new_client,
        r.request_key is not null as is_repeat_request,
        {{ age_at('c.birth_year', 'c.birth_month', 'c.request_start_date') }} as age_at_request_start
    from clusters as c
    left join existing_clients as e on c.request_key = e.request_key
    left join repeat_requests as r on c.request_key = r.request_key
)

select
    request_key,
    la_code,
    person_key,
    request_start_date,
    request_end_date,
    requests_in_cluster,
    route_of_access,
    event_outcome,
    event_outcome_raw,
    event_outcome_rank,
    is_new_client,
    is_repeat_request,
    age_at_request_start,
    {{ age_band('age_at_request_start') }} as age_band,
    {{ working_age_band('age_at_request_start') }} as working_age_band
from aged
