-- Control totals (finance_extract.md §1, §8 identity 3), one row per LA × financial year × period:
-- the newest loaded control file holding that period wins, as a resubmitted ledger replaces the old.

with

control_loads as (
    select load_id
    from {{ source('audit', 'loads') }}
    where status = 'loaded' and dataset = 'finance_control'
    {%- if var('as_of_date') %}
        and cast(received_at as date) <= cast('{{ var("as_of_date") }}' as date)
    {%- endif %}
),

ranked as (
    select
        c.*,
        row_number() over (
            partition by c.la_code_ons, c.financial_year, c.period_number
            order by c.received_at desc, c.load_id desc, c.row_number desc
        ) as control_rank
    from {{ source('raw', 'finance_control') }} as c
    inner join control_loads as l on c.load_id = l.load_id
)

select
    load_id,
    source_file,
    row_number,
    received_at,
    la_code_ons as la_code,
    financial_year,
    period_number,
    row_count,
    ledger_total
from ranked
where control_rank = 1
