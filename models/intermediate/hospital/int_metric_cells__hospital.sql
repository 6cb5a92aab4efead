{{ metric_partitioned() }}
-- ASCOF_2D cells (metrics.md "ASCOF_2D"), per the metric-cells interface. The headline row is
-- Part 1 (stayed in the community for 12 weeks); breakdown part = 1 and 2, and for Part 1 whether
-- the person was in long-term community support at admission. An LA without a hospital discharge
-- extract has no rows here, so commissioning_metrics publishes its row as input_not_supplied.

with

discharges as (
    select * from {{ metric_ref('int_hospital__discharges_2d') }} as in_scope
),

parts as (
    -- part 1: linked discharges, stayed in the community
    select
        la_code, period_type, period_start, period_end, 'total' as breakdown, 'Total' as breakdown_value,
        is_linked_to_reablement as in_denominator, stayed_in_community as in_numerator, is_provisional, has_dq_flags
    from discharges
    union all
    select
        la_code, period_type, period_start, period_end, 'part' as breakdown, '1' as breakdown_value,
        is_linked_to_reablement as in_denominator, stayed_in_community as in_numerator, is_provisional, has_dq_flags
    from discharges
    union all
    -- part 2: share of eligible discharges that got reablement
    select
        la_code, period_type, period_start, period_end, 'part' as breakdown, '2' as breakdown_value,
        true as in_denominator, is_linked_to_reablement as in_numerator, is_provisional, has_dq_flags
    from discharges
    union all
    select
        la_code, period_type, period_start, period_end, 'lts_at_admission' as breakdown,
        case
            when in_community_support then 'In long-term community support'
            else 'Not in long-term support'
        end as breakdown_value,
        is_linked_to_reablement as in_denominator, stayed_in_community as in_numerator, is_provisional, has_dq_flags
    from discharges
)

select
    la_code,
    period_type,
    period_start,
    period_end,
    'ASCOF_2D' as metric_id,
    breakdown,
    breakdown_value,
    cast(sum(case when in_denominator and in_numerator then 1 else 0 end) as bigint) as numerator,
    cast(sum(case when in_denominator then 1 else 0 end) as bigint) as denominator,
    cast(null as decimal(18, 4)) as median_days,
    cast(null as varchar) as null_reason,
    coalesce(max(case when is_provisional then 1 else 0 end), 0) = 1 as is_provisional,
    cast(count(*) as bigint) as dq_rows,
    cast(sum(case when has_dq_flags then 1 else 0 end) as bigint) as dq_failed
from parts
group by la_code, period_type, period_start, period_end, breakdown, breakdown_value
