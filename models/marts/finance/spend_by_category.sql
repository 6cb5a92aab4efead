-- Spend by ASC-FR category (marts.md; finance_extract.md §4): every §4 measure per LA × period
-- (financial year and quarter) × support type × setting × PSR × age group × five-areas category.
-- Money is exact numeric(18,2) from the integer pence of int_finance__spend_cube; totals are never
-- suppressed (metrics.md §1.3). Categories carry the shared code-list labels (ref_code_lists).

select
    la_code,
    period_type,
    period_start,
    period_end,
    financial_year,
    support_type_label as support_type,
    setting_label as support_setting,
    primary_support_reason_label as primary_support_reason,
    age_group_label as age_group,
    five_areas_category_label as five_areas_category,
    {{ pence_to_gbp('gross_expenditure_pence') }} as gross_expenditure,
    {{ pence_to_gbp('capital_charges_pence') }} as capital_charges,
    {{ pence_to_gbp('gross_expenditure_pence + capital_charges_pence') }} as total_expenditure,
    {{ pence_to_gbp('income_client_contributions_pence') }} as income_client_contributions,
    {{ pence_to_gbp('income_nhs_pence') }} as income_nhs,
    {{ pence_to_gbp('income_joint_arrangements_pence') }} as income_joint_arrangements,
    {{ pence_to_gbp('income_other_pence') }} as income_other,
    {{ pence_to_gbp('income_pence') }} as income,
    {{ pence_to_gbp('gross_current_expenditure_pence') }} as gross_current_expenditure,
    {{ pence_to_gbp('net_current_expenditure_pence') }} as net_current_expenditure,
    -- the same figure under the name finance_extract.md §4 gives it (marts.md calls it NCE)
    {{ pence_to_gbp('net_current_expenditure_pence') }} as net_expenditure,
    {{ pence_to_gbp('memo_specific_grants_pence') }} as memo_specific_grants,
    {{ pence_to_gbp('memo_third_party_top_ups_pence') }} as memo_third_party_top_ups,
    {{ pence_to_gbp('accrual_amount_pence') }} as accrual_amount,
    {{ pence_to_gbp('ledger_total_pence') }} as ledger_total,
    transactions,
    -- §5: credit notes may exceed payments in a slice; flagged, never clipped
    gross_expenditure_pence < 0 as is_negative_gross,
    latest_period_number,
    category_sort_order,
    five_areas_sort_order
from {{ ref('int_finance__spend_cube') }}
