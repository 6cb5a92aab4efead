-- Every cost-centre/account → ASC-FR category rule in force (finance_extract.md §6): the shipped
-- default seed plus the council's own rules. A council map file is a whole map: for each LA (or
-- for "any LA" rules) the newest loaded file holding rules for it is used. Council rules rank above
-- the shipped ones for that LA (source_rank); int_finance__ledger then picks, among the rules
-- effective on the posting date, the highest source_rank and then the most specific.

with

map_loads as (
    select
        load_id,
        received_at,
        started_at
    from {{ source('audit', 'loads') }}
    where status = 'loaded' and dataset = 'finance_category_map'
),

council_rules as (
    select
        m.*,
        coalesce(m.la_code, '*') as la_scope,
        l.started_at
    from {{ source('raw', 'finance_category_map') }} as m
    inner join map_loads as l on m.load_id = l.load_id
),

newest_load as (
    select
        la_scope,
        load_id,
        row_number() over (
            partition by la_scope order by max(received_at) desc, max(started_at) desc, load_id desc
        ) as load_rank
    from council_rules
    group by la_scope, load_id
),

rules as (
    select
        'council' as rule_source,
        1 as source_rank,
        r.load_id,
        r.row_number as rule_row,
        r.la_code,
        r.cost_centre,
        r.account_code,
        r.effective_from,
        r.effective_to,
        r.support_type,
        r.setting,
        r.primary_support_reason,
        r.age_group,
        r.cost_group,
        r.five_areas_category,
        coalesce(r.include_in_asc, true) as include_in_asc,
        r.note
    from council_rules as r
    inner join newest_load as n on r.la_scope = n.la_scope and r.load_id = n.load_id
    where n.load_rank = 1
    union all
    select
        'shipped' as rule_source,
        0 as source_rank,
        cast(null as varchar) as load_id,
        cast(row_number() over (order by cost_centre, account_code, la_code) as integer) as rule_row,
        nullif(la_code, '') as la_code,
        upper(cost_centre) as cost_centre,
        upper(account_code) as account_code,
        effective_from,
        effective_to,
        support_type,
        setting,
        primary_support_reason,
        age_group,
        cost_group,
        nullif(five_areas_category, '') as five_areas_category,
        coalesce(include_in_asc, true) as include_in_asc,
        note
    from {{ ref('finance_category_map') }}
)

select
    {{ surrogate_key(['rule_source', 'load_id', 'rule_row']) }} as rule_key,
    rule_source,
    source_rank,
    load_id,
    rule_row,
    la_code,
    cost_centre,
    account_code,
    effective_from,
    effective_to,
    support_type,
    setting,
    primary_support_reason,
    age_group,
    cost_group,
    five_areas_category,
    include_in_asc,
    note,
    -- §6 precedence: 4 if the LA is set + 2 if the cost centre is exact + 1 if the account is exact
    (case when la_code is not null then 4 else 0 end)
    + (case when cost_centre <> '*' then 2 else 0 end)
    + (case when account_code <> '*' then 1 else 0 end) as specificity
from rules
