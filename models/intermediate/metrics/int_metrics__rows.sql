{{ metric_partitioned() }}
-- One row per published metric cell before suppression: the family counts joined to the catalogue,
-- plus a headline row for every metric and period the catalogue expects but no family produced
-- (a family always emits its totals, so a missing total means its input was not supplied, e.g.
-- ASCOF_2D without a hospital discharge extract). Exact values (metrics.md §1.2) and every NULL
-- reason except suppression (§1.3, §8 precedence) are settled here.

with

catalogue as (
    select * from {{ ref('metric_catalogue') }}
),

periods as (
    select * from {{ metric_periods() }}
),

cells as (
    select * from {{ ref('int_metric_cells') }}
),

expected_totals as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        p.period_end,
        c.metric_id
    from periods as p
    inner join catalogue as c
        on position(p.period_type in c.period_types) > 0
),

with_missing as (
    select * from cells
    union all
    select
        e.la_code,
        e.period_type,
        e.period_start,
        e.period_end,
        e.metric_id,
        'total' as breakdown,
        'Total' as breakdown_value,
        cast(null as bigint) as numerator,
        cast(null as bigint) as denominator,
        cast(null as decimal(18, 4)) as median_days,
        'input_not_supplied' as null_reason,
        false as is_provisional,
        cast(0 as bigint) as dq_rows,
        cast(0 as bigint) as dq_failed
    from expected_totals as e
    where not exists (
        select 1 from cells as c
        where
            c.la_code = e.la_code and c.period_type = e.period_type and c.period_start = e.period_start
            and c.metric_id = e.metric_id and c.breakdown = 'total'
    )
),

joined as (
    select
        w.*,
        c.metric_name,
        c.unit,
        c.min_denominator,
        c.sort_order as metric_sort_order,
        p.period_days,
        p.financial_year,
        coalesce(p.is_fully_covered, false) as is_fully_covered,
        coalesce(b.sort_order, 99) as breakdown_sort_order,
        coalesce(b.additive_to, 'none') as additive_to,
        coalesce(l.sort_order, 999) as value_sort_order
    from with_missing as w
    inner join catalogue as c on w.metric_id = c.metric_id
    left join periods as p
        on w.la_code = p.la_code and w.period_type = p.period_type and w.period_start = p.period_start
    left join {{ ref('metric_breakdowns') }} as b on w.metric_id = b.metric_id and w.breakdown = b.breakdown
    left join (
        select
            label,
            min(sort_order) as sort_order
        from {{ ref('ref_code_lists') }}
        group by label
    ) as l on w.breakdown_value = l.label
),

reasons as (
    select
        *,
        case
            when null_reason = 'input_not_supplied' then 'input_not_supplied'
            when not is_fully_covered then 'no_covering_submission'
            when null_reason = 'insufficient_lookback' then 'insufficient_lookback'
            when null_reason = 'population_missing' then 'population_missing'
            when unit = 'per_100k' and denominator is null and null_reason is null then 'population_missing'
            when unit = 'percent' and denominator = 0 then 'denominator_zero'
            when unit = 'percent' and denominator < min_denominator then 'denominator_below_minimum'
            when unit = 'median_days' and (median_days is null or numerator < min_denominator) then 'denominator_below_minimum'
            when null_reason is not null then null_reason
        end as value_null_reason
    from joined
)

select
    {{ surrogate_key(['la_code', 'period_type', 'period_start', 'metric_id', 'breakdown', 'breakdown_value']) }} as metric_row_key,
    la_code,
    period_type,
    period_start,
    period_end,
    financial_year,
    period_days,
    metric_id,
    metric_name,
    unit,
    breakdown,
    breakdown_value,
    breakdown_sort_order,
    value_sort_order,
    metric_sort_order,
    additive_to,
    numerator,
    -- a population is not a count of people in the council's data: published, never suppressed
    denominator,
    case when unit = 'percent' then denominator - numerator end as complement,
    -- cast again: Postgres drops numeric(18,2)'s precision through a CASE with an implicit NULL else
    cast(case
        when value_null_reason is null
            then {{ metric_value('unit', 'numerator', 'denominator', 'period_days', 'median_days') }}
    end as decimal(18, 2)) as exact_value,
    value_null_reason,
    is_provisional,
    dq_rows,
    dq_failed
from reasons
