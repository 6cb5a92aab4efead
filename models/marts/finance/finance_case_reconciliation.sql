-- Restricted. Finance <-> case reconciliation line by line (finance_extract.md §9; marts.md): one row
-- per LA × quarter × reconciliation key - the service line (service_line_key) when money was matched
-- to a line or a line was expected to be paid, otherwise the person (person_key) whose money matched
-- no line, or the service_ref of money with no person. service_ref is only the matching hint (the
-- CLD Event Reference of the line, or a reference the unmatched money carried). Person-level, so it
-- is never exposed to the BI role; finance_reconciliation_summary is the published aggregate.
-- Money is exact numeric(18,2) from integer pence (int_finance__recon_keys).

with

keys as (
    select * from {{ ref('int_finance__recon_keys') }}
),

settings as (
    select
        code,
        label,
        sort_order
    from {{ ref('ref_code_lists') }}
    where dimension = 'finance_setting'
)

select
    k.la_code,
    k.quarter_start,
    k.quarter_end,
    k.financial_year,
    k.reconciliation_key,
    k.reconciliation_key_type,
    k.service_line_key,
    k.person_key,
    k.service_ref,
    coalesce(s.label, k.setting) as support_setting,
    k.setting as support_setting_code,
    {{ pence_to_gbp('k.expected_pence') }} as expected_cost,
    {{ pence_to_gbp('k.paid_pence') }} as paid_amount,
    {{ pence_to_gbp('k.difference_pence') }} as difference,
    k.status,
    k.match_level,
    {{ pence_to_gbp('k.tolerance_pence') }} as tolerance,
    k.is_provisional,
    k.has_line,
    k.is_costed,
    k.cost_flag
from keys as k
left join settings as s on k.setting = s.code
