{{ metric_partitioned() }}
-- Published waiting times (marts.md; metrics.md WAIT_* - DHSC provisional method v1.1): per LA,
-- quarter of the response (or service) start, age band and part, the number of waits, the median
-- and the 90th percentile (linear interpolation, 1 dp half away from zero). A cell whose count is
-- suppressed in commissioning_metrics (same quarter, part and band) is suppressed here; medians of
-- fewer than 5 waits are not shown. The CASEs are cast again: Postgres drops numeric(18,2)'s
-- precision through a CASE with an implicit NULL else.

with

waits as (
    select * from {{ metric_ref('int_waiting_times', 'quarter_end') }} as in_scope
),

metric_cells as (
    select
        la_code,
        period_start,
        breakdown_value as age_band,
        case metric_id
            when 'WAIT_FIRST_RESPONSE_MEDIAN_DAYS' then 'first_response'
            else 'first_service'
        end as wait_part,
        is_suppressed,
        suppression_reason
    from {{ metric_ref('commissioning_metrics') }} as metrics
    where
        period_type = 'quarter'
        and metric_id in ('WAIT_FIRST_RESPONSE_MEDIAN_DAYS', 'WAIT_FIRST_SERVICE_MEDIAN_DAYS')
        and breakdown = 'wait_age_band'
)

select
    w.la_code,
    'quarter' as period_type,
    w.quarter_start as period_start,
    w.quarter_end as period_end,
    w.financial_year,
    w.age_band,
    w.wait_part,
    case when not coalesce(m.is_suppressed, false) then w.requests end as requests,
    cast(case
        when not coalesce(m.is_suppressed, false) and w.requests >= 5
            then {{ tenths('cast(w.median_days * 10000 as bigint)', '1000') }}
    end as decimal(18, 2)) as median_days,
    cast(case
        when not coalesce(m.is_suppressed, false) and w.requests >= 5
            then {{ tenths('cast(w.p90_days * 10000 as bigint)', '1000') }}
    end as decimal(18, 2)) as p90_days,
    coalesce(m.is_suppressed, false) as is_suppressed,
    case
        when m.is_suppressed then m.suppression_reason
        when w.requests < 5 then 'denominator_below_minimum'
    end as suppression_reason
from waits as w
left join metric_cells as m
    on
        w.la_code = m.la_code and w.quarter_start = m.period_start
        and w.age_band = m.age_band and w.wait_part = m.wait_part
