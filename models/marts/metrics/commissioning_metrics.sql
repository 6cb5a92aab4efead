{{ metric_partitioned() }}
-- The published metrics (metrics.md §1.1), long format: one row per LA × period × metric ×
-- breakdown × breakdown value. Counts are exact; values are rounded once, half away from zero,
-- from exact counts; suppressed counts and values are NULL with is_suppressed = true; every NULL
-- value carries a reason, by the precedence of metrics.md §8.

with

metric_rows as (
    select * from {{ metric_ref('int_metrics__rows') }} as in_scope
),

cell_outcome as (
    select
        c.metric_row_key,
        max(case when o.is_suppressed then 1 else 0 end) as any_hidden,
        max(case when o.suppression_reason = 'small_count' then 1 else 0 end) as any_small
    from {{ metric_ref('int_suppression__cells') }} as c
    inner join {{ metric_ref('int_suppression__outcome') }} as o on c.cell_id = o.cell_id
    group by c.metric_row_key
),

population as (
    select la_code, period_type, period_start, mid_year_used, is_latest_available_fallback
    from {{ ref('int_population__period_bands') }}
    where age_band = '18 and over'
),

settled as (
    select
        m.*,
        coalesce(o.any_hidden, 0) = 1 as is_suppressed,
        case
            when m.value_null_reason in (
                'input_not_supplied', 'no_covering_submission', 'insufficient_lookback',
                'population_missing', 'denominator_zero'
            ) then m.value_null_reason
            when o.any_small = 1 then 'small_count'
            when o.any_hidden = 1 then 'secondary'
            else m.value_null_reason
        end as suppression_reason,
        p.mid_year_used,
        p.is_latest_available_fallback
    from metric_rows as m
    left join cell_outcome as o on m.metric_row_key = o.metric_row_key
    left join population as p
        on m.la_code = p.la_code and m.period_type = p.period_type and m.period_start = p.period_start
)

select
    la_code,
    period_type,
    period_start,
    period_end,
    financial_year,
    metric_id,
    metric_name,
    breakdown,
    breakdown_value,
    -- a suppressed row is hidden whole (metrics.md §8): its counts as well as its value
    case when not is_suppressed and not {{ is_money_metric('metric_id') }} then numerator end as numerator,
    case
        when not (is_suppressed and unit = 'percent') and not {{ is_money_metric('metric_id') }} then denominator
    end as denominator,
    -- cast again: Postgres drops numeric(18,2)'s precision through a CASE with an implicit NULL else
    cast(case when suppression_reason is null then exact_value end as decimal(18, 2)) as value,
    unit,
    is_suppressed,
    suppression_reason,
    {{ dq_status('dq_failed', 'dq_rows') }} as dq_status,
    coalesce(is_provisional, false) as is_provisional,
    case
        when metric_id like 'ASCOF_2A%' then '{{ var("ascof_2a_method") }}'
        when metric_id like 'WAIT_%' then 'dhsc_wait_v1.1'
        when metric_id like 'ASCOF%' then 'dhsc_2425'
        when {{ is_money_metric('metric_id') }} then 'ascfr_2425'
        else 'ascw_1'
    end
    || ';person_id_rule={{ var("person_id_rule") }}'
    || ';selection=joined'
    || ';as_of={{ var("as_of_date") or "latest" }}'
    || case
        when unit = 'per_100k' and mid_year_used is not null
            then ';population=mid-' || cast(mid_year_used as varchar)
            || case when is_latest_available_fallback then ' (latest available)' else '' end
        else ''
    end as method_version,
    breakdown_sort_order,
    value_sort_order,
    metric_sort_order
from settled
