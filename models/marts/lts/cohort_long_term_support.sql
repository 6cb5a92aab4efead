{{ metric_partitioned() }}
-- Published long-term support cube (marts.md): people per LA, period, snapshot
-- (processing_rules.md §10), support setting (§9), PSR group and age band; non-empty cells only.
-- Its suppression groups are the LTS totals and one-way breakdowns in commissioning_metrics, so a
-- hidden cell cannot be recovered by subtraction from them.

select
    c.la_code,
    c.period_type,
    c.period_start,
    c.period_end,
    c.financial_year,
    c.snapshot,
    c.support_setting,
    c.primary_support_reason,
    c.age_band,
    case when not coalesce(o.is_suppressed, false) then c.people end as people,
    coalesce(o.is_suppressed, false) as is_suppressed,
    o.suppression_reason
from {{ metric_ref('int_cohort_long_term_support') }} as c
left join {{ metric_ref('int_suppression__outcome') }} as o on {{ lts_cube_cell_id('c.') }} = o.cell_id
