{{ metric_partitioned() }}
-- WAIT_FIRST_RESPONSE_MEDIAN_DAYS and WAIT_FIRST_SERVICE_MEDIAN_DAYS (metrics.md §4) as metric cells
-- for commissioning_metrics: per LA and period (quarter, financial_year, rolling_12m), the waits
-- whose response (or service) starts in the period; numerator = number of waits, median_days = the
-- exact median (linear interpolation, metrics.md §8). The headline row exists for every period, with
-- 0 waits and a NULL median when none; wait_age_band rows for the bands that occur. The minimum of 5
-- waits, suppression and rounding are applied downstream.
-- is_provisional: a period ending at the end of the data still has people waiting whose wait is not
-- known yet (metrics.md §4 limitations: recent quarters understate).
-- dq: in-scope requests (steps 1-2) starting in the period, and those whose outcome (which decides
-- scope and the conversation rule) is blank or unmapped.

with

periods as (
    select la_code, period_type, period_start, period_end, data_end_date
    from {{ metric_periods() }}
    where period_type in ('quarter', 'financial_year', 'rolling_12m')
),

metrics as (
    select
        'WAIT_FIRST_RESPONSE_MEDIAN_DAYS' as metric_id,
        'first_response' as wait_part
    union all
    select
        'WAIT_FIRST_SERVICE_MEDIAN_DAYS' as metric_id,
        'first_service' as wait_part
),

waits as (
    select * from {{ ref('int_waiting_times__waits') }}
    where not is_overlap_discarded
),

wait_parts as (
    {{ waits_by_part('waits') }}
),

dq as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        count(r.request_event_key) as dq_rows,
        count(r.request_event_key) filter (where r.has_unknown_outcome) as dq_failed
    from periods as p
    left join {{ ref('int_waiting_times__requests') }} as r
        on p.la_code = r.la_code and r.request_start_date between p.period_start and p.period_end
    group by p.la_code, p.period_type, p.period_start
),

totals as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        p.period_end,
        m.metric_id,
        'total' as breakdown,
        'Total' as breakdown_value,
        count(w.wait_days) as waits,
        {{ percentile_cont('w.wait_days', 0.5) }} as median_days
    from periods as p
    cross join metrics as m
    left join wait_parts as w
        on
            p.la_code = w.la_code
            and m.wait_part = w.wait_part
            and w.wait_end_date between p.period_start and p.period_end
    group by p.la_code, p.period_type, p.period_start, p.period_end, m.metric_id
),

by_age_band as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        p.period_end,
        m.metric_id,
        'wait_age_band' as breakdown,
        w.age_band as breakdown_value,
        count(w.wait_days) as waits,
        {{ percentile_cont('w.wait_days', 0.5) }} as median_days
    from periods as p
    inner join wait_parts as w
        on p.la_code = w.la_code and w.wait_end_date between p.period_start and p.period_end
    inner join metrics as m on w.wait_part = m.wait_part
    group by p.la_code, p.period_type, p.period_start, p.period_end, m.metric_id, w.age_band
),

cells as (
    select * from totals
    union all
    select * from by_age_band
)

select
    c.la_code,
    c.period_type,
    c.period_start,
    c.period_end,
    c.metric_id,
    c.breakdown,
    c.breakdown_value,
    cast(c.waits as bigint) as numerator,
    cast(null as bigint) as denominator,
    cast(c.median_days as decimal(18, 4)) as median_days,
    cast(null as varchar) as null_reason,
    p.period_end = p.data_end_date as is_provisional,
    cast(dq.dq_rows as bigint) as dq_rows,
    cast(dq.dq_failed as bigint) as dq_failed
from cells as c
inner join periods as p
    on c.la_code = p.la_code and c.period_type = p.period_type and c.period_start = p.period_start
inner join dq
    on c.la_code = dq.la_code and c.period_type = dq.period_type and c.period_start = dq.period_start
