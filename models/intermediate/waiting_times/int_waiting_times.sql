{{ metric_partitioned('quarter_end') }}
-- The unsuppressed aggregate behind the published waiting_times mart (marts.md): per LA, quarter,
-- waiting-times age band and wait part, the number of waits with their median and 90th percentile
-- in days (metrics.md §4 step 7: grouped by the quarter in which the response or service starts
-- and the age band of that event at its start). Overlap-discarded requests (step 6) and people still
-- waiting (no response or service yet) have no wait. Only quarters int_periods reports on appear.
-- Percentiles interpolate linearly (metrics.md §8 "Percentiles"). Both backends return a float;
-- the exact value of an interpolation between whole days is a multiple of 0.1 (p90) or 0.5 (median),
-- so the cast to decimal(18,4) restores it exactly. Rounding to 1 dp happens once, in the mart.

with

waits as (
    select * from {{ ref('int_waiting_times__waits') }}
    where not is_overlap_discarded
),

quarters as (
    select la_code, period_start, period_end, financial_year
    from {{ metric_periods() }}
    where period_type = 'quarter'
),

wait_parts as (
    {{ waits_by_part('waits') }}
)

select
    q.la_code,
    q.period_start as quarter_start,
    q.period_end as quarter_end,
    q.financial_year,
    w.age_band,
    w.wait_part,
    count(*) as requests,
    cast({{ percentile_cont('w.wait_days', 0.5) }} as decimal(18, 4)) as median_days,
    cast({{ percentile_cont('w.wait_days', 0.9) }} as decimal(18, 4)) as p90_days
from wait_parts as w
inner join quarters as q
    on w.la_code = q.la_code and w.wait_end_date between q.period_start and q.period_end
group by q.la_code, q.period_start, q.period_end, q.financial_year, w.age_band, w.wait_part
