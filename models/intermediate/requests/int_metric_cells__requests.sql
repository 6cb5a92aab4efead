{{ metric_partitioned() }}
-- Exact counts of the request metrics (metrics.md §4 REQUESTS_NEW_CLIENTS, REQUESTS_PER_100K and §5
-- REPEAT_REQUEST_RATE) per LA, period (financial_year, rolling_12m), breakdown and value, in the
-- metric-cells interface that commissioning_metrics reads. Values, rounding and suppression are
-- computed there.
--
-- Scope: service-user request clusters (processing_rules.md §8.1) ending in the period, aged 18+ at
-- the cluster start or of unknown age (§12 "Request ages"). The two request-count metrics keep new
-- clients only (§8.2); the repeat rate keeps new and existing clients.

{% set window_days = var('request_sequel_window_days') %}

with

periods as (
    select
        la_code,
        period_type,
        period_start,
        period_end,
        data_start_date,
        data_end_date,
        is_fully_covered
    from {{ metric_periods() }}
    where period_type in ('financial_year', 'rolling_12m')
),

requests as (
    select
        c.la_code,
        c.request_end_date,
        c.is_new_client,
        c.is_repeat_request,
        case when c.is_new_client then 'New' else 'Existing' end as client_status,
        coalesce(c.route_of_access, 'Unknown') as route_of_access,
        c.working_age_band,
        s.sts001_sequel,
        -- metrics.md §1.1/§8: the fields these metrics depend on are blank or invalid
        (
            coalesce(trim(c.route_of_access), '') in ('', 'Invalid and not mapped')
            or coalesce(trim(c.event_outcome), '') in ('', 'Invalid and not mapped')
        ) as fails_dq
    from {{ ref('int_requests__clusters') }} as c
    inner join {{ ref('int_requests__sequels') }} as s on c.request_key = s.request_key
    where c.age_at_request_start is null or c.age_at_request_start >= 18
),

requests_in_periods as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        p.period_end,
        r.is_new_client,
        r.is_repeat_request,
        r.client_status,
        r.route_of_access,
        r.working_age_band,
        r.sts001_sequel,
        r.fails_dq
    from periods as p
    inner join requests as r
        on p.la_code = r.la_code and r.request_end_date between p.period_start and p.period_end
),

-- one row per request and breakdown it is counted under
breakdown_values as (
    select *, 'total' as breakdown, 'Total' as breakdown_value from requests_in_periods
    union all
    select *, 'route_of_access' as breakdown, route_of_access as breakdown_value from requests_in_periods
    union all
    select *, 'working_age_band' as breakdown, working_age_band as breakdown_value from requests_in_periods
    union all
    select *, 'sts001_sequel' as breakdown, sts001_sequel as breakdown_value from requests_in_periods
    union all
    select *, 'client_status' as breakdown, client_status as breakdown_value from requests_in_periods
),

metric_breakdowns as (
    select
        m.metric_id,
        m.breakdown
    from (
        values
        ('REQUESTS_NEW_CLIENTS', 'total'),
        ('REQUESTS_NEW_CLIENTS', 'route_of_access'),
        ('REQUESTS_NEW_CLIENTS', 'working_age_band'),
        ('REQUESTS_NEW_CLIENTS', 'sts001_sequel'),
        ('REQUESTS_PER_100K', 'total'),
        ('REQUESTS_PER_100K', 'working_age_band'),
        ('REPEAT_REQUEST_RATE', 'total'),
        ('REPEAT_REQUEST_RATE', 'client_status'),
        ('REPEAT_REQUEST_RATE', 'working_age_band'),
        ('REPEAT_REQUEST_RATE', 'route_of_access')
    ) as m (metric_id, breakdown)
),

cell_counts as (
    select
        b.la_code,
        b.period_type,
        b.period_start,
        b.period_end,
        m.metric_id,
        b.breakdown,
        b.breakdown_value,
        count(*) as in_scope,
        count(*) filter (where b.is_repeat_request) as repeats,
        count(*) filter (where b.fails_dq) as dq_failed
    from breakdown_values as b
    inner join metric_breakdowns as m on b.breakdown = m.breakdown
    where m.metric_id = 'REPEAT_REQUEST_RATE' or b.is_new_client
    group by b.la_code, b.period_type, b.period_start, b.period_end, m.metric_id, b.breakdown, b.breakdown_value
),

-- the headline row exists for every period, even when nothing is counted
headline_cells as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        p.period_end,
        m.metric_id,
        'total' as breakdown,
        'Total' as breakdown_value,
        coalesce(c.in_scope, 0) as in_scope,
        coalesce(c.repeats, 0) as repeats,
        coalesce(c.dq_failed, 0) as dq_failed
    from periods as p
    cross join (values ('REQUESTS_NEW_CLIENTS'), ('REQUESTS_PER_100K'), ('REPEAT_REQUEST_RATE')) as m (metric_id)
    left join cell_counts as c
        on
            p.la_code = c.la_code
            and p.period_type = c.period_type
            and p.period_start = c.period_start
            and m.metric_id = c.metric_id
            and c.breakdown = 'total'
),

cells as (
    select * from headline_cells
    union all
    select
        la_code,
        period_type,
        period_start,
        period_end,
        metric_id,
        breakdown,
        breakdown_value,
        in_scope,
        repeats,
        dq_failed
    from cell_counts
    where breakdown <> 'total'
),

population as (
    select
        la_code,
        period_type,
        period_start,
        age_band,
        population
    from {{ ref('int_population__period_bands') }}
)

select
    c.la_code,
    c.period_type,
    c.period_start,
    c.period_end,
    c.metric_id,
    c.breakdown,
    c.breakdown_value,
    cast(case when c.metric_id = 'REPEAT_REQUEST_RATE' then c.repeats else c.in_scope end as bigint) as numerator,
    cast(
        case
            when c.metric_id = 'REPEAT_REQUEST_RATE' then c.in_scope
            when c.metric_id = 'REQUESTS_PER_100K' then band.population
        end as bigint
    ) as denominator,
    cast(null as decimal(18, 4)) as median_days,
    case
        when not p.is_fully_covered then 'no_covering_submission'
        when
            c.metric_id = 'REPEAT_REQUEST_RATE'
            and cast({{ dbt.dateadd('month', -12, 'c.period_start') }} as date) < p.data_start_date
            then 'insufficient_lookback'
        when c.metric_id = 'REQUESTS_PER_100K' and adults.population is null then 'population_missing'
        -- metrics.md §8: an Unknown age band has no population to divide by
        when c.metric_id = 'REQUESTS_PER_100K' and c.breakdown_value = 'Unknown' then 'not_applicable'
        when c.metric_id = 'REQUESTS_PER_100K' and band.population is null then 'population_missing'
    end as null_reason,
    -- the sequel looks up to request_sequel_window_days past the cluster end (§8.3)
    coalesce(
        c.metric_id = 'REQUESTS_NEW_CLIENTS'
        and c.breakdown in ('total', 'sts001_sequel')
        and {{ add_days('c.period_end', window_days) }} > p.data_end_date,
        false
    ) as is_provisional,
    cast(c.in_scope as bigint) as dq_rows,
    cast(c.dq_failed as bigint) as dq_failed
from cells as c
inner join periods as p
    on c.la_code = p.la_code and c.period_type = p.period_type and c.period_start = p.period_start
left join population as adults
    on
        c.metric_id = 'REQUESTS_PER_100K'
        and c.la_code = adults.la_code
        and c.period_type = adults.period_type
        and c.period_start = adults.period_start
        and adults.age_band = '18 and over'
left join population as band
    on
        c.metric_id = 'REQUESTS_PER_100K'
        and c.la_code = band.la_code
        and c.period_type = band.period_type
        and c.period_start = band.period_start
        and band.age_band = case when c.breakdown = 'total' then '18 and over' else c.breakdown_value end
