-- Finance side of the finance <-> case reconciliation (finance_extract.md §9 "Scope", "Period"):
-- one row per reconciliation transaction and quarter it counts in, with its share in integer pence.
--
-- In scope: kept provider_payment / direct_payment rows and their adjustments (base type flagged
-- in_reconciliation in ref_finance_transaction_types), include_in_asc. For the councils listed in
-- var finance_net_payer_las (homes paid net), person-linked client contributions are added back
-- (§9 "net_payments_add_contributions"): their amount enters with the opposite sign, because CLD
-- cost is gross of the client's contribution. Rows with neither a person link nor a service_ref
-- are kept here with is_linked = false: they never match, but they are the `unlinked_share`
-- coverage measure.
--
-- Period: a row counts in the quarter(s) of its service period pro rata by days; without one, in
-- the quarter of posting_date - finance_payment_lag_days (payments are made in arrears). A service
-- period with one end missing counts on the day given. The split is exact: each quarter but the
-- last gets its share of the pence rounded half away from zero, the last quarter the remainder, so
-- the shares add up to the row's amount to the penny.

{%- set net_payers = var('finance_net_payer_las') %}

with

ledger as (
    select * from {{ ref('int_finance__ledger') }}
),

types as (
    select * from {{ ref('ref_finance_transaction_types') }}
),

in_scope as (
    select
        l.la_code,
        l.transaction_key,
        l.transaction_id,
        l.transaction_type,
        l.base_type,
        l.is_adjustment,
        l.person_key,
        l.service_ref,
        l.setting,
        l.posting_date,
        l.service_period_start,
        l.service_period_end,
        l.amount_pence,
        l.base_type = 'client_contribution' as is_contribution_added_back,
        -- §9 net payers: the contribution (income, negative) is added back to what was paid
        case when l.base_type = 'client_contribution' then -l.amount_pence else l.amount_pence end as recon_pence,
        l.person_key is not null or l.service_ref is not null as is_linked,
        coalesce(l.service_period_start, l.service_period_end) is not null as has_service_period,
        coalesce(l.service_period_start, l.service_period_end, {{ add_days('l.posting_date', -var('finance_payment_lag_days')) }})
            as counted_from,
        coalesce(l.service_period_end, l.service_period_start, {{ add_days('l.posting_date', -var('finance_payment_lag_days')) }})
            as counted_to
    from ledger as l
    inner join types as t on l.base_type = t.transaction_type
    where
        l.include_in_asc
        and (
            t.in_reconciliation
            {%- if net_payers %}
            or (
                l.base_type = 'client_contribution'
                and l.person_key is not null
                and l.la_code in ({% for la in net_payers %}'{{ la }}'{% if not loop.last %}, {% endif %}{% endfor %})
            )
            {%- endif %}
        )
),

-- quarter index (calendar quarters = financial quarters) of every row's first and last day
spans as (
    select
        *,
        {{ quarter_index('counted_from') }} as first_quarter_index,
        {{ quarter_index('counted_to') }} as last_quarter_index,
        {{ days_between('counted_from', 'counted_to') }} + 1 as counted_days
    from in_scope
),

bounds as (
    select
        min({{ quarter_start('counted_from') }}) as first_quarter_start,
        min(first_quarter_index) as min_index,
        max(last_quarter_index) as max_index
    from spans
),

-- every quarter from the earliest to the latest a row touches
quarters as (
    select
        b.min_index + n.n as quarter_index,
        cast({{ dbt.dateadd('month', '3 * n.n', 'b.first_quarter_start') }} as date) as quarter_start
    from bounds as b
    cross join ({{ integers(1000) }}) as n
    where b.min_index + n.n <= b.max_index
),

split as (
    select
        s.*,
        q.quarter_start,
        {{ quarter_end('q.quarter_start') }} as quarter_end,
        case when s.counted_from > q.quarter_start then s.counted_from else q.quarter_start end as part_start,
        case when s.counted_to < {{ quarter_end('q.quarter_start') }} then s.counted_to else {{ quarter_end('q.quarter_start') }} end
            as part_end,
        q.quarter_index = s.last_quarter_index as is_last_quarter
    from spans as s
    inner join quarters as q
        on q.quarter_index between s.first_quarter_index and s.last_quarter_index
),

shares as (
    select
        *,
        {{ days_between('part_start', 'part_end') }} + 1 as days_in_quarter,
        {{ div_round_half_up('recon_pence * (' ~ days_between('part_start', 'part_end') ~ ' + 1)', 'counted_days') }}
            as rounded_pence
    from split
),

allocated as (
    select
        *,
        case
            when is_last_quarter
                then recon_pence - (sum(rounded_pence) over (partition by transaction_key) - rounded_pence)
            else rounded_pence
        end as allocated_pence
    from shares
)

select
    {{ surrogate_key(['transaction_key', 'quarter_start']) }} as allocation_key,
    transaction_key,
    la_code,
    transaction_id,
    transaction_type,
    base_type,
    is_adjustment,
    is_contribution_added_back,
    person_key,
    service_ref,
    setting,
    is_linked,
    posting_date,
    service_period_start,
    service_period_end,
    case when has_service_period then 'service_period' else 'posting_date_less_lag' end as allocation_basis,
    quarter_start,
    quarter_end,
    -- the part of the counted period inside this quarter (level 2 needs a line overlapping it); a
    -- payment without a service period may be for any day of its quarter
    case when has_service_period then part_start else quarter_start end as overlap_start,
    case when has_service_period then part_end else quarter_end end as overlap_end,
    days_in_quarter,
    counted_days,
    cast(amount_pence as bigint) as amount_pence,
    cast(allocated_pence as bigint) as allocated_pence
from allocated
