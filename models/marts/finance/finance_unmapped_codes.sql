-- Cost centre / account pairs no category rule maps (finance_extract.md §6 "Unmapped"): kept in
-- the ledger as setting `unmapped`, listed here per LA and financial year so the council can add
-- rules. Codes, names and money only: no personal data, so it may be published.

with

ledger as (
    select * from {{ ref('int_finance__ledger') }}
),

year_gross as (
    select
        la_code,
        financial_year,
        -- bigint, not PostgreSQL's numeric sum: div_round_half_up needs integer division
        cast({{ finance_measure_pence('gross_expenditure') }} as bigint) as gross_pence
    from ledger
    group by la_code, financial_year
),

unmapped as (
    select
        la_code,
        financial_year,
        min(financial_year_start) as period_start,
        max(financial_year_end) as period_end,
        cost_centre,
        account_code,
        max(cost_centre_name) as cost_centre_name,
        max(account_name) as account_name,
        min(posting_date) as first_posting_date,
        max(posting_date) as last_posting_date,
        cast(count(*) as bigint) as transactions,
        cast({{ finance_measure_pence('gross_expenditure') }} as bigint) as gross_pence,
        cast(sum(amount_pence) as bigint) as amount_pence
    from ledger
    where is_unmapped
    group by la_code, financial_year, cost_centre, account_code
)

select
    u.la_code,
    'financial_year' as period_type,
    u.period_start,
    u.period_end,
    u.financial_year,
    u.cost_centre,
    u.account_code,
    u.cost_centre_name,
    u.account_name,
    u.first_posting_date,
    u.last_posting_date,
    u.transactions,
    {{ pence_to_gbp('u.gross_pence') }} as gross_amount,
    {{ pence_to_gbp('u.amount_pence') }} as amount,
    -- share of the LA's gross expenditure for the year, % to 2 dp, exact (half away from zero); the
    -- outer cast keeps decimal(9, 2) on PostgreSQL, where a CASE with an implicit NULL loses the scale
    cast(case
        when y.gross_pence > 0
            then cast(cast({{ div_round_half_up('u.gross_pence * 10000', 'y.gross_pence') }} as decimal(18, 0)) * 0.01 as decimal(9, 2))
    end as decimal(9, 2)) as share_of_gross
from unmapped as u
inner join year_gross as y on u.la_code = y.la_code and u.financial_year = y.financial_year
