-- The finance_extract.md §8 reconciliation identities per LA × financial year × period (1–16), in
-- integer pence, so periods 13–16 are checked on their own:
--   2. the kept rows' Σ amount = the ledger total their categories add up to, where the ledger
--      total is rebuilt from the §4 measures (gross + capital − income − memo grants + top-ups),
--      and = the year's cells of int_finance__spend_cube (no row lost on the way; the GE suite on
--      spend_by_category compares the published rows with loaded_year_pence);
--   3. with a control file, loaded Σ amount = its ledger_total and loaded rows = its row_count.
-- Blocking tests on this model fail the build on any difference (the published marts stay as they were).

with

kept as (
    select
        la_code,
        financial_year,
        period_number,
        cast(sum(cast(amount * 100 as bigint)) as bigint) as loaded_pence,
        cast(count(*) as bigint) as loaded_rows
    from {{ ref('stg_finance__transactions') }}
    group by la_code, financial_year, period_number
),

categorised as (
    select
        la_code,
        financial_year,
        period_number,
        cast(
            {{ finance_measure_pence('gross_expenditure') }} + {{ finance_measure_pence('capital_charges') }}
            - ({{ finance_measure_pence('income') }}) - ({{ finance_measure_pence('memo_specific_grants') }})
            + {{ finance_measure_pence('memo_third_party_top_ups') }}
            as bigint
        ) as identity_pence,
        cast({{ finance_measure_pence('ledger_total') }} as bigint) as ledger_pence
    from {{ ref('int_finance__ledger') }}
    group by la_code, financial_year, period_number
),

cube_year as (
    select
        la_code,
        financial_year,
        cast(sum(ledger_total_pence) as bigint) as cube_pence
    from {{ ref('int_finance__spend_cube') }}
    where period_type = 'financial_year'
    group by la_code, financial_year
),

kept_year as (
    select
        la_code,
        financial_year,
        sum(loaded_pence) as loaded_year_pence
    from kept
    group by la_code, financial_year
),

control as (
    select * from {{ ref('stg_finance__control') }}
),

periods as (
    select la_code, financial_year, period_number from kept
    union
    select la_code, financial_year, period_number from control
)

select
    p.la_code,
    p.financial_year,
    p.period_number,
    coalesce(k.loaded_rows, 0) as loaded_rows,
    coalesce(k.loaded_pence, 0) as loaded_pence,
    coalesce(c.ledger_pence, 0) as categorised_pence,
    coalesce(c.identity_pence, 0) as identity_pence,
    cast(y.loaded_year_pence as bigint) as loaded_year_pence,
    py.cube_pence as cube_year_pence,
    ct.row_count as control_row_count,
    cast(ct.ledger_total * 100 as bigint) as control_pence,
    ct.load_id is not null as has_control,
    coalesce(k.loaded_pence, 0) = coalesce(c.ledger_pence, 0)
    and coalesce(c.ledger_pence, 0) = coalesce(c.identity_pence, 0)
    and coalesce(y.loaded_year_pence, 0) = coalesce(py.cube_pence, 0) as ledger_identity_holds,
    ct.load_id is null
    or (coalesce(k.loaded_pence, 0) = cast(ct.ledger_total * 100 as bigint) and coalesce(k.loaded_rows, 0) = ct.row_count)
        as control_totals_hold,
    {{ pence_to_gbp('coalesce(k.loaded_pence, 0) - cast(ct.ledger_total * 100 as bigint)') }} as control_difference
from periods as p
left join kept as k
    on p.la_code = k.la_code and p.financial_year = k.financial_year and p.period_number = k.period_number
left join categorised as c
    on p.la_code = c.la_code and p.financial_year = c.financial_year and p.period_number = c.period_number
left join kept_year as y on p.la_code = y.la_code and p.financial_year = y.financial_year
left join cube_year as py on p.la_code = py.la_code and p.financial_year = py.financial_year
left join control as ct
    on p.la_code = ct.la_code and p.financial_year = ct.financial_year and p.period_number = ct.period_number
