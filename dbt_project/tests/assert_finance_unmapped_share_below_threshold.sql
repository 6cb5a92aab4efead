{{ config(severity='error') }}
-- finance_extract.md §6 "Thresholds": unmapped spend above finance_unmapped_threshold_pct % of an
-- LA's gross expenditure for a year fails the blocking spend check (any unmapped spend at all is a
-- warning: assert_finance_no_unmapped_spend). Exact integer comparison in pence.

select
    la_code,
    financial_year,
    sum(case when setting = 'unmapped' then gross_expenditure_pence else 0 end) as unmapped_pence,
    sum(gross_expenditure_pence) as gross_pence
from {{ ref('int_finance__spend_cube') }}
where period_type = 'financial_year'
group by la_code, financial_year
having
    sum(case when setting = 'unmapped' then gross_expenditure_pence else 0 end) > 0
    and 100 * sum(case when setting = 'unmapped' then gross_expenditure_pence else 0 end)
    > {{ var('finance_unmapped_threshold_pct') }} * sum(gross_expenditure_pence)
