{{ metric_partitioned() }}
-- Published request outcomes (marts.md): service-user request clusters ending in each period by
-- client status, route of access, age band at the request and STS001 sequel. Counts of 1-4 and the
-- cells that would reveal them (here or through REQUESTS_NEW_CLIENTS) are NULL, is_suppressed.

select
    r.la_code,
    r.period_type,
    r.period_start,
    r.period_end,
    r.financial_year,
    r.client_status,
    r.route_of_access,
    r.age_band,
    r.sts001_sequel as sequel,
    case when not coalesce(o.is_suppressed, false) then r.requests end as requests,
    coalesce(o.is_suppressed, false) as is_suppressed,
    o.suppression_reason
from {{ metric_ref('int_request_outcomes') }} as r
left join {{ metric_ref('int_suppression__outcome') }} as o on {{ request_outcome_cell_id('r.') }} = o.cell_id
