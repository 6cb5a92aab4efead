-- The finance_extract.md §4 measures in integer pence per LA × period (financial year and quarter)
-- × ASC-FR category × five-areas category: every kept ledger row lands in exactly one cell,
-- unmapped, excluded and memo lines included, so the cells add up to the ledger (§8 identity 2).

with

ledger as (
    select * from {{ ref('int_finance__ledger') }}
),

by_period as (
    select
        'financial_year' as period_type,
        financial_year_start as period_start,
        financial_year_end as period_end,
        ledger.*
    from ledger
    union all
    select
        'quarter' as period_type,
        quarter_start as period_start,
        quarter_end as period_end,
        ledger.*
    from ledger
)

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
