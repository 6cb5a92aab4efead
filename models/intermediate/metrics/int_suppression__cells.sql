{{ metric_partitioned() }}
-- Every published count, one long table per LA × period (metrics.md §8 "One suppression pass"):
-- the numerator and (count) denominator of each commissioning_metrics row, plus the unpublished
-- complement (denominator − numerator) of each percentage, whose smallness would also disclose.
-- Populations are not counts of the council's people and are never cells. The published
-- aggregate marts whose cells add up to metric rows (request_outcomes, cohort_long_term_support)
-- join the same pass, so a cell hidden in one mart cannot be recovered from another.

with

metric_rows as (
    select * from {{ metric_ref('int_metrics__rows') }} as in_scope
    where numerator is not null and not {{ is_money_metric('metric_id') }}
),

aggregate_cells as (
    {{ aggregate_suppression_cells() }}
)

select
    m.metric_row_key || ':' || part.cell_part as cell_id,
    m.metric_row_key,
    part.cell_part,
    m.la_code,
    m.period_type,
    m.period_start,
    m.period_end,
    m.metric_id,
    m.breakdown,
    m.breakdown_value,
    case part.cell_part
        when 'numerator' then m.numerator
        when 'denominator' then m.denominator
        else m.complement
    end as cell_count,
    -- ties in secondary suppression go by breakdown sort order (metrics.md §1.3)
    lpad(cast(m.breakdown_sort_order as varchar), 3, '0') || lpad(cast(m.value_sort_order as varchar), 4, '0')
    || m.breakdown_value as sort_key
from metric_rows as m
cross join (values ('numerator'), ('denominator'), ('complement')) as part (cell_part)
where
    part.cell_part = 'numerator'
    or (m.unit = 'percent' and m.denominator is not null)

union all

select
    cell_id,
    cast(null as varchar) as metric_row_key,
    'aggregate' as cell_part,
    la_code,
    period_type,
    period_start,
    period_end,
    mart as metric_id,
    cast(null as varchar) as breakdown,
    cast(null as varchar) as breakdown_value,
    cell_count,
    sort_key
from aggregate_cells
