-- Spend by ASC-FR category (marts.md; finance_extract.md §4): every §4 measure per LA × period
-- (financial year and quarter) × support type × setting × PSR × age group × five-areas category.
-- Money is exact numeric(18,2) from integer pence; totals are never suppressed (metrics.md §1.3).
-- Categories carry the shared code-list labels (ref_code_lists), as the CLD marts do.

with

cube as (
    select * from {{ ref('int_finance__spend_cube') }}
),

labels as (
    select * from {{ ref('ref_code_lists') }}
)

select
    c.la_code,
    c.period_type,
    c.period_start,
    c.period_end,
    c.financial_year,
    st.label as support_type,
    se.label as support_setting,
    ps.label as primary_support_reason,
    ag.label as age_group,
    fa.label as five_areas_category,
    {{ pence_to_gbp('c.gross_expenditure_pence') }} as gross_expenditure,
    {{ pence_to_gbp('c.capital_charges_pence') }} as capital_charges,
    {{ pence_to_gbp('c.gross_expenditure_pence + c.capital_charges_pence') }} as total_expenditure,
    {{ pence_to_gbp('c.income_client_contributions_pence') }} as income_client_contributions,
    {{ pence_to_gbp('c.income_nhs_pence') }} as income_nhs,
    {{ pence_to_gbp('c.income_joint_arrangements_pence') }} as income_joint_arrangements,
    {{ pence_to_gbp('c.income_other_pence') }} as income_other,
    {{ pence_to_gbp('c.income_pence') }} as income,
    {{ pence_to_gbp('c.gross_current_expenditure_pence') }} as gross_current_expenditure,
    {{ pence_to_gbp('c.net_current_expenditure_pence') }} as net_current_expenditure,
    -- the same figure under the name finance_extract.md §4 gives it (marts.md calls it NCE)
    {{ pence_to_gbp('c.net_current_expenditure_pence') }} as net_expenditure,
    {{ pence_to_gbp('c.memo_specific_grants_pence') }} as memo_specific_grants,
    {{ pence_to_gbp('c.memo_third_party_top_ups_pence') }} as memo_third_party_top_ups,
    {{ pence_to_gbp('c.accrual_amount_pence') }} as accrual_amount,
    {{ pence_to_gbp('c.ledger_total_pence') }} as ledger_total,
    c.transactions,
    -- §5: credit notes may exceed payments in a slice; flagged, never clipped
    c.gross_expenditure_pence < 0 as is_negative_gross,
    c.latest_period_number,
    st.sort_order * 1000000 + se.sort_order * 10000 + ps.sort_order * 100 + ag.sort_order as category_sort_order,
    fa.sort_order as five_areas_sort_order
from cube as c
inner join labels as st on st.dimension = 'finance_support_type' and c.support_type = st.code
inner join labels as se on se.dimension = 'finance_setting' and c.setting = se.code
inner join labels as ps on ps.dimension = 'psr_group' and ps.code = case c.primary_support_reason
    when 'physical' then 'physical_support'
    when 'sensory' then 'sensory_support'
    when 'memory_cognition' then 'memory_and_cognition'
    else c.primary_support_reason
end
inner join labels as ag on ag.dimension = 'working_age_band' and ag.code = case c.age_group
    when '18_64' then '18_to_64'
    when '65_plus' then '65_and_above'
    else c.age_group
end
inner join labels as fa on fa.dimension = 'five_areas_category' and c.five_areas_category = fa.code
