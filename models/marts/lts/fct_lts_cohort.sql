{{ metric_partitioned() }}
-- People in long-term support by period and snapshot (processing_rules.md §10), one setting each
-- (§9) with the person's PSR group, age bands, gender and ethnicity group as of the period end.
-- Restricted: person-level and unsuppressed, so analysts inside the council can slice freely
-- (marts.md); cohort_long_term_support is the suppressed aggregate.

select
    la_code,
    person_key,
    period_type,
    period_start,
    period_end,
    financial_year,
    snapshot,
    support_setting,
    setting_rank,
    psr_group as primary_support_reason,
    age_band,
    working_age_band,
    gender,
    ethnicity_group
from {{ metric_ref('int_lts__person_snapshots') }} as snapshots
