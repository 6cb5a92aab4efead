{{ metric_partitioned() }}
-- Unsuppressed counts behind the published request_outcomes mart (marts.md): service-user request
-- clusters (processing_rules.md §8.1) ending in each financial_year and rolling_12m period, by
-- client status (§8.2), route of access, age band at the cluster start (§12) and STS001 sequel
-- (§8.3-§8.4). All ages and both client statuses; non-empty cells only.

with

periods as (
    select
        la_code,
        period_type,
        period_start,
        period_end,
        financial_year
    from {{ metric_periods() }}
    where period_type in ('financial_year', 'rolling_12m')
),

requests as (
    select
        c.la_code,
        c.request_end_date,
        case when c.is_new_client then 'New' else 'Existing' end as client_status,
        coalesce(c.route_of_access, 'Unknown') as route_of_access,
        c.age_band,
        s.sts001_sequel
    from {{ ref('int_requests__clusters') }} as c
    inner join {{ ref('int_requests__sequels') }} as s on c.request_key = s.request_key
)

select
    p.la_code,
    p.period_type,
    p.period_start,
    p.period_end,
    p.financial_year,
    r.client_status,
    r.route_of_access,
    r.age_band,
    r.sts001_sequel,
    count(*) as requests
from periods as p
inner join requests as r
    on p.la_code = r.la_code and r.request_end_date between p.period_start and p.period_end
group by
    p.la_code,
    p.period_type,
    p.period_start,
    p.period_end,
    p.financial_year,
    r.client_status,
    r.route_of_access,
    r.age_band,
    r.sts001_sequel
