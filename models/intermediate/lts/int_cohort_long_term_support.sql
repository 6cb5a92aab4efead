{{ metric_partitioned() }}
-- The unsuppressed counts behind the published cohort_long_term_support mart (marts.md): people per
-- LA, period, snapshot, support setting (§9), PSR group and age band. Non-empty cells only; the
-- published mart adds suppression against the LTS totals in commissioning_metrics.

select
    la_code,
    period_type,
    period_start,
    period_end,
    financial_year,
    snapshot,
    support_setting,
    psr_group as primary_support_reason,
    age_band,
    count(*) as people
from {{ metric_ref('int_lts__person_snapshots') }} as snapshots
group by
    la_code,
    period_type,
    period_start,
    period_end,
    financial_year,
    snapshot,
    support_setting,
    psr_group,
    age_band
