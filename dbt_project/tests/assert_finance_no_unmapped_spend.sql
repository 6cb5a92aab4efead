{{ config(severity='warn') }}
-- finance_extract.md §6: any unmapped cost centre or account is a warning (listed in
-- marts.finance_unmapped_codes for the council to add rules); never a failure below the threshold.

select
    la_code,
    financial_year,
    cost_centre,
    account_code,
    transactions,
    gross_amount
from {{ ref('finance_unmapped_codes') }}
