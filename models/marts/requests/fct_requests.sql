-- One row per request cluster of a service user (processing_rules.md §8.1-§8.4): dates, route and
-- outcome of the cluster, new or existing client (§8.2), age at the cluster start (§12 "Request
-- ages"), the §8.3 sequel with its STS001 category, and the metrics.md §5 repeat flag.
-- Restricted: person-level.

with

clusters as (
    select * from {{ ref('int_requests__clusters') }}
),

sequels as (
    select * from {{ ref('int_requests__sequels') }}
)

select
    c.request_key,
    c.person_key,
    c.la_code,
    c.request_start_date,
    c.request_end_date,
    c.route_of_access,
    c.event_outcome,
    c.is_new_client,
    c.age_at_request_start,
    c.age_band,
    c.working_age_band,
    s.sequel,
    s.sts001_sequel,
    s.sequel_source,
    c.is_repeat_request,
    c.requests_in_cluster
from clusters as c
inner join sequels as s on c.request_key = s.request_key
