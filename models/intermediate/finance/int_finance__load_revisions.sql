-- What the load-mode selection (stg_finance__transactions) replaced, for the engineers' report
-- (finance_extract.md §1, §8): in cumulative mode, ids of an earlier load of the same LA ×
-- financial year that the newest load no longer holds (FIN053, info); in incremental mode, ids a
-- newer load sent again (FIN052, info: the newer row is the one kept).

with

finance_loads as (
    select load_id
    from {{ source('audit', 'loads') }}
    where status = 'loaded' and dataset = 'finance'
),

loaded as (
    select
        t.la_code_ons as la_code,
        t.financial_year,
        t.transaction_id,
        t.load_id,
        t.amount
    from {{ source('raw', 'finance_transactions') }} as t
    inner join finance_loads as l on t.load_id = l.load_id
),

kept as (
    select
        la_code,
        transaction_id,
        load_id
    from {{ ref('stg_finance__transactions') }}
)

-- every loaded row that is not the kept row of its id
select
    d.la_code,
    d.financial_year,
    d.transaction_id,
    d.load_id as earlier_load_id,
    k.load_id as kept_load_id,
    d.amount,
    case when k.transaction_id is null then 'FIN053' else 'FIN052' end as rule
from loaded as d
left join kept as k on d.la_code = k.la_code and d.transaction_id = k.transaction_id
where k.load_id is null or k.load_id <> d.load_id
