-- Finance <-> case reconciliation for BI (finance_extract.md §9; marts.md): per LA × quarter × status
-- × match level × support setting, the service lines, expected cost, amount paid and difference,
-- summed exactly in integer pence from int_finance__recon_keys (the rows of the restricted
-- finance_case_reconciliation). No person-level column.
--
-- * expected_cost, paid_amount and difference (= paid_amount − expected_cost) cover the keys with a
--   value test: costed lines and money on no line. Lines without a usable cost take part only in
--   the existence test (§9): they are counted in uncosted_lines and what was paid for them is
--   uncosted_paid_amount, outside the difference.
-- * unlinked_share (coverage, §9 "Scope") is a column of every row of an LA × quarter: the share of
--   that quarter's provider and direct-payment money (ASC rows, counted by the same service-period
--   rule) carrying neither a person link nor a service_ref, so it never took part, % to 2 dp
--   (half away from zero); NULL when the quarter's money is not positive. It is a share: never add
--   it up across rows.
-- * Money totals are not suppressed (metrics.md §1.3).

with

keys as (
    select * from {{ ref('int_finance__recon_keys') }}
),

periods as (
    select * from {{ ref('int_finance__recon_periods') }}
),

payments as (
    select * from {{ ref('int_finance__recon_payments') }}
    -- contributions added back for net payers are not provider or direct-payment money
    where not is_contribution_added_back
),

settings as (
    select
        code,
        label,
        sort_order
    from {{ ref('ref_code_lists') }}
    where dimension = 'finance_setting'
),

coverage as (
    select
        p.la_code,
        p.quarter_start,
        cast(sum(case when not x.is_linked then x.allocated_pence else 0 end) as bigint) as unlinked_pence,
        cast(sum(x.allocated_pence) as bigint) as total_pence
    from periods as p
    inner join payments as x on p.la_code = x.la_code and p.quarter_start = x.quarter_start
    group by p.la_code, p.quarter_start
),

grouped as (
    select
        la_code,
        quarter_start,
        quarter_end,
        financial_year,
        status,
        match_level,
        setting,
        count(case when has_line then 1 end) as service_lines,
        count(*) as reconciliation_keys,
        count(case when has_line and not is_costed then 1 end) as uncosted_lines,
        cast(sum(case when difference_pence is not null then expected_pence else 0 end) as bigint) as expected_pence,
        cast(sum(case when difference_pence is not null then paid_pence else 0 end) as bigint) as paid_pence,
        cast(sum(case when difference_pence is null then paid_pence else 0 end) as bigint) as uncosted_paid_pence,
        max(case when is_provisional then 1 else 0 end) = 1 as is_provisional
    from keys
    group by la_code, quarter_start, quarter_end, financial_year, status, match_level, setting
)

select
    g.la_code,
    'quarter' as period_type,
    g.quarter_start as period_start,
    g.quarter_end as period_end,
    g.financial_year,
    g.status,
    g.match_level,
    coalesce(s.label, g.setting) as support_setting,
    -- counts of lines and keys of 1-4 are suppressed (metrics.md §1.3); money totals never are
    cast(case when g.service_lines between 1 and 4 then null else g.service_lines end as bigint) as service_lines,
    cast(case when g.reconciliation_keys between 1 and 4 then null else g.reconciliation_keys end as bigint)
        as reconciliation_keys,
    {{ pence_to_gbp('g.expected_pence') }} as expected_cost,
    {{ pence_to_gbp('g.paid_pence') }} as paid_amount,
    {{ pence_to_gbp('g.paid_pence - g.expected_pence') }} as difference,
    cast(case when g.uncosted_lines between 1 and 4 then null else g.uncosted_lines end as bigint) as uncosted_lines,
    g.service_lines between 1 and 4 or g.reconciliation_keys between 1 and 4 or g.uncosted_lines between 1 and 4
        as is_suppressed,
    {{ pence_to_gbp('g.uncosted_paid_pence') }} as uncosted_paid_amount,
    g.is_provisional,
    case
        when c.total_pence > 0
            then cast(cast({{ div_round_half_up('c.unlinked_pence * 10000', 'c.total_pence') }} as decimal(18, 0)) * 0.01 as decimal(9, 2))
        else cast(null as decimal(9, 2))  -- typed, so PostgreSQL keeps numeric(9,2) on the column
    end as unlinked_share,
    s.sort_order as support_setting_sort_order
from grouped as g
left join settings as s on g.setting = s.code
left join coverage as c on g.la_code = c.la_code and g.quarter_start = c.quarter_start
