-- finance_extract.md §6, on the combined map (shipped seed + council rules): a blank-LA */* rule is
-- forbidden (it would hide unmapped codes); no rule may name a system setting; each setting
-- belongs to the support type the rule gives it; two rules of the same source, LA scope, codes and
-- specificity whose effective dates overlap are ambiguous. One row per broken rule.

with

rules as (
    select * from {{ ref('stg_finance__category_map') }}
),

settings as (
    select * from {{ ref('ref_finance_settings') }}
)

select
    r.rule_key,
    r.rule_source,
    r.cost_centre,
    r.account_code,
    'catch_all_without_la' as problem
from rules as r
where r.la_code is null and r.cost_centre = '*' and r.account_code = '*'

union all

select
    r.rule_key,
    r.rule_source,
    r.cost_centre,
    r.account_code,
    'setting_not_in_support_type' as problem
from rules as r
left join settings as s on r.setting = s.setting
where s.setting is null or s.is_system_value or s.support_type <> r.support_type

union all

select
    a.rule_key,
    a.rule_source,
    a.cost_centre,
    a.account_code,
    'ambiguous_same_specificity' as problem
from rules as a
inner join rules as b
    on a.rule_key < b.rule_key
    and a.source_rank = b.source_rank
    and coalesce(a.la_code, '*') = coalesce(b.la_code, '*')
    and a.cost_centre = b.cost_centre
    and a.account_code = b.account_code
    and coalesce(a.effective_from, cast('1900-01-01' as date)) <= coalesce(b.effective_to, cast('2999-12-31' as date))
    and coalesce(b.effective_from, cast('1900-01-01' as date)) <= coalesce(a.effective_to, cast('2999-12-31' as date))
