{{ metric_partitioned() }}
-- Finance metric cells (metrics.md §6), per the metric-cells interface, for the financial years of
-- the reporting periods. Money is carried in exact integers and turned into £ once, in
-- int_metrics__rows: SPEND_GROSS / SPEND_NET numerator = GCE / NCE in pence; SPEND_LTS_SHARE =
-- long-term GCE pence over total GCE pence; unit costs = expenditure pence over activity in
-- 1/120,000ths of a day (per week) or hours × 10^4 with amounts × 10^8 (per hour). These are not
-- counts of people: they are never suppressed and commissioning_metrics does not publish them as
-- numerator/denominator (the money is in spend_by_category and unit_costs). A ledger year that does
-- not reach period 12 is no_covering_submission; an LA without a ledger gets input_not_supplied
-- rows from int_metrics__rows.

with

periods as (
    select * from {{ metric_periods() }}
    where period_type = 'financial_year'
),

spend as (
    select
        la_code,
        period_start,
        support_type_label as support_type,
        setting_label as support_setting,
        primary_support_reason_label as primary_support_reason,
        age_group_label as age_group,
        five_areas_category_label as five_areas_category,
        gross_current_expenditure_pence as gce_pence,
        net_current_expenditure_pence as nce_pence,
        transactions,
        latest_period_number,
        case when setting = 'unmapped' then transactions else 0 end as unmapped_transactions
    from {{ ref('int_finance__spend_cube') }}
    where period_type = 'financial_year'
),

years as (
    select
        la_code,
        period_start,
        max(latest_period_number) as latest_period_number,
        sum(transactions) as transactions,
        sum(unmapped_transactions) as unmapped_transactions,
        sum(gce_pence) as gce_pence
    from spend
    group by la_code, period_start
),

spend_slices as (
    {%- for breakdown, column in [('total', "'Total'"), ('support_type', 'support_type'), ('support_setting', 'support_setting'),
        ('primary_support_reason', 'primary_support_reason'), ('age_group', 'age_group'), ('five_areas_category', 'five_areas_category')] %}
    select
        la_code,
        period_start,
        '{{ breakdown }}' as breakdown,
        {{ column }} as breakdown_value,
        sum(gce_pence) as gce_pence,
        sum(nce_pence) as nce_pence,
        sum(case when support_type = 'Long-term support' then gce_pence else 0 end) as lts_gce_pence,
        sum(transactions) as transactions,
        sum(unmapped_transactions) as unmapped_transactions
    from spend
    -- the headline's constant is not grouped by: PostgreSQL refuses a constant in GROUP BY
    group by la_code, period_start{{ '' if breakdown == 'total' else ', ' ~ column }}
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

money_cells as (
    select
        s.la_code,
        s.period_start,
        m.metric_id,
        s.breakdown,
        s.breakdown_value,
        case m.metric_id
            when 'SPEND_GROSS' then s.gce_pence
            when 'SPEND_NET' then s.nce_pence
            else s.lts_gce_pence
        end as numerator,
        case when m.metric_id = 'SPEND_LTS_SHARE' then y.gce_pence end as denominator,
        cast(null as varchar) as null_reason,
        s.transactions as dq_rows,
        s.unmapped_transactions as dq_failed
    from spend_slices as s
    inner join years as y on s.la_code = y.la_code and s.period_start = y.period_start
    cross join (values ('SPEND_GROSS'), ('SPEND_NET'), ('SPEND_LTS_SHARE')) as m (metric_id)
    -- the long-term share is broken down by age only: long-term GCE of each age group over all GCE
    where m.metric_id <> 'SPEND_LTS_SHARE' or s.breakdown in ('total', 'age_group')
),

unit_parts as (
    select * from {{ ref('int_finance__unit_cost_parts') }}
),

unit_cells as (
    select
        la_code,
        period_start,
        case when setting = 'community_home_care' then 'UNIT_COST_HOMECARE_PER_HOUR' else 'UNIT_COST_RES_NURSING_PER_WEEK' end
            as metric_id,
        case
            when setting in ('residential', 'nursing') then 'support_setting'
            when age_group in ('18_64', '65_plus') then 'age_group'
            else 'total'
        end as breakdown,
        case
            when setting = 'residential' then 'Residential'
            when setting = 'nursing' then 'Nursing'
            when age_group = '18_64' then '18 to 64'
            when age_group = '65_plus' then '65 and above'
            else 'Total'
        end as breakdown_value,
        -- per hour: amounts × 10^8 over hours × 10^4; per week: pence over 1/120,000ths of a day
        case when setting = 'community_home_care' then rate_amount_scaled else expenditure_pence end
            as numerator,
        activity_scaled as denominator,
        case
            when coalesce(activity_scaled, 0) <= 0 then 'denominator_zero'
            when coalesce(people, 0) < {{ var('unit_cost_min_people') }} then 'denominator_below_minimum'
        end as null_reason,
        cast(0 as bigint) as dq_rows,
        cast(0 as bigint) as dq_failed
    from unit_parts
    where
        (setting = 'residential_and_nursing' and age_group in ('all', '18_64', '65_plus'))
        or (setting in ('residential', 'nursing') and age_group = 'all')
        or setting = 'community_home_care'
),

cells as (
    select * from money_cells
    union all
    select * from unit_cells
)

select
    c.la_code,
    p.period_type,
    p.period_start,
    p.period_end,
    c.metric_id,
    c.breakdown,
    c.breakdown_value,
    cast(case when y.latest_period_number >= 12 then c.numerator end as bigint) as numerator,
    cast(case when y.latest_period_number >= 12 then c.denominator end as bigint) as denominator,
    cast(null as decimal(18, 4)) as median_days,
    case when y.latest_period_number < 12 then 'no_covering_submission' else c.null_reason end as null_reason,
    false as is_provisional,
    cast(c.dq_rows as bigint) as dq_rows,
    cast(c.dq_failed as bigint) as dq_failed
from cells as c
inner join periods as p on c.la_code = p.la_code and c.period_start = p.period_start
inner join years as y on c.la_code = y.la_code and c.period_start = y.period_start
