-- finance_extract.md §9: counting a payment in the quarters of its service period and spreading it
-- over a person's lines never loses or makes a penny. Fails with every transaction whose quarter
-- shares do not add up to its amount, and every share whose matched pence do not add up to it.

with

payments as (
    select * from {{ ref('int_finance__recon_payments') }}
),

matches as (
    select * from {{ ref('int_finance__recon_matches') }}
),

split_by_quarter as (
    select
        'quarter_shares' as failure,
        transaction_key as failing_key,
        cast(sum(allocated_pence) as bigint) as pence_out,
        cast(max(case when is_contribution_added_back then -amount_pence else amount_pence end) as bigint) as pence_in
    from payments
    group by transaction_key
),

spread_over_lines as (
    select
        'line_shares' as failure,
        p.allocation_key as failing_key,
        cast(coalesce(sum(m.matched_pence), 0) as bigint) as pence_out,
        cast(max(p.allocated_pence) as bigint) as pence_in
    from payments as p
    left join matches as m on p.allocation_key = m.allocation_key
    where p.is_linked
    group by p.allocation_key
)

select * from split_by_quarter
where pence_out <> pence_in
union all
select * from spread_over_lines
where pence_out <> pence_in
