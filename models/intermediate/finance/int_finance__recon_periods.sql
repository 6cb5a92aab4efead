-- The quarters the finance <-> case reconciliation reports per LA (finance_extract.md §9): those
-- both sides cover. A quarter no CLD file was selected for would show every payment as
-- payment_without_package, and a quarter outside the ledger's posting dates every package as
-- package_without_payment, so neither is reported.
--   case data:  the quarters joined-mode selection found a file for (int_cld__quarter_selection);
--   ledger:     from the quarter of the LA's first posting date to that of its latest one.
-- is_in_lag_window: the quarter is within finance_lag_quarters of the latest quarter with ledger
-- data, so a payment for it could still arrive; package_without_payment there is provisional (§9).

with

case_quarters as (
    select distinct
        la_code,
        quarter_start,
        quarter_end
    from {{ ref('int_cld__quarter_selection') }}
),

ledger_span as (
    select
        la_code,
        min({{ quarter_start('posting_date') }}) as first_quarter_start,
        max({{ quarter_start('posting_date') }}) as latest_quarter_start
    from {{ ref('int_finance__ledger') }}
    group by la_code
)

select
    c.la_code,
    c.quarter_start,
    c.quarter_end,
    {{ financial_year_label('c.quarter_start') }} as financial_year,
    {{ quarter_index('c.quarter_start') }} as quarter_index,
    s.latest_quarter_start as latest_ledger_quarter_start,
    {{ quarter_index('c.quarter_start') }} + {{ var('finance_lag_quarters') }} > {{ quarter_index('s.latest_quarter_start') }}
        as is_in_lag_window
from case_quarters as c
inner join ledger_span as s
    on c.la_code = s.la_code
    and c.quarter_start between s.first_quarter_start and s.latest_quarter_start
