-- The finance_extract.md §4 measures in integer pence per LA × period (financial year and quarter)
-- × ASC-FR category × five-areas category: every kept ledger row lands in exactly one cell,
-- unmapped, excluded and memo lines included, so the cells add up to the ledger (§8 identity 2).
-- Each category code carries its shared code-list label (ref_code_lists), as the CLD marts do.

with

ledger as (
    select * from {{ ref('int_finance__ledger') }}
),

by_period as (
    select
        'financial_year' as period_type,
        l.financial_year_start as period_start,
        l.financial_year_end as period_end,
        l.*
    from ledger as l
    union all
    select
        'quarter' as period_type,
        l.quarter_start as period_start,
        l.quarter_end as period_end,
        l.*
    from ledger as l
),

cube as (
    select
        la_code,
        period_type,
        period_start,
        period_end,
        financial_year,
        support_type,
        setting,
        primary_support_reason,
        age_group,
        five_areas_category,
        {%- for measure in finance_measures() %}
        cast({{ finance_measure_pence(measure) }} as bigint) as {{ measure }}_pence,
        {%- endfor %}
        cast(count(*) as bigint) as transactions,
        max(period_number) as latest_period_number
    from by_period
    group by
        la_code, period_type, period_start, period_end, financial_year,
        support_type, setting, primary_support_reason, age_group, five_areas_category
),

labels as (
    select * from {{ ref('ref_code_lists') }}
)

-- left joins: a code without a label would show as NULL and fail the not_null tests, never drop money
select
    c.*,
    st.label as support_type_label,
    se.label as setting_label,
    ps.label as primary_support_reason_label,
    ag.label as age_group_label,
    fa.label as five_areas_category_label,
    st.sort_order * 1000000 + se.sort_order * 10000 + ps.sort_order * 100 + ag.sort_order as category_sort_order,
    fa.sort_order as five_areas_sort_order
from cube as c
left join labels as st on st.dimension = 'finance_support_type' and c.support_type = st.code
left join labels as se on se.dimension = 'finance_setting' and c.setting = se.code
left join labels as ps on ps.dimension = 'psr_group' and ps.code = case c.primary_support_reason
    when 'physical' then 'physical_support'
    when 'sensory' then 'sensory_support'
    when 'memory_cognition' then 'memory_and_cognition'
    else c.primary_support_reason
end
left join labels as ag on ag.dimension = 'working_age_band' and ag.code = case c.age_group
    when '18_64' then '18_to_64'
    when '65_plus' then '65_and_above'
    else c.age_group
end
left join labels as fa on fa.dimension = 'five_areas_category' and c.five_areas_category = fa.code
