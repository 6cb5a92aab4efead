{{ metric_partitioned() }}
-- Primary then secondary suppression over every cell (metrics.md §1.3 and §8):
--   primary: a count of 1-4 is hidden (small_count);
--   secondary: while a relation has exactly one hidden member, also hide its smallest remaining
--   non-zero member (ties: sort order). Unrolled as a fixed number of passes (var
--   suppression_passes); the singular test assert_no_relation_has_one_suppressed_cell fails if
--   that was not enough.

{%- set passes = var('suppression_passes') %}

with

relations as (
    select relation_id, cell_id from {{ metric_ref('int_suppression__relations') }} as in_scope
),

pass_0 as (
    select
        cell_id,
        period_end,
        cell_count,
        sort_key,
        cell_count between 1 and 4 as is_suppressed,
        case when cell_count between 1 and 4 then 'small_count' end as suppression_reason
    from {{ metric_ref('int_suppression__cells') }} as in_scope
),

{%- for i in range(passes) %}

lonely_{{ i }} as (
    select r.relation_id
    from relations as r
    inner join pass_{{ i }} as c on r.cell_id = c.cell_id
    group by r.relation_id
    having sum(case when c.is_suppressed then 1 else 0 end) = 1
),

picked_{{ i }} as (
    select cell_id
    from (
        select
            c.cell_id,
            row_number() over (
                partition by r.relation_id order by c.cell_count, c.sort_key, c.cell_id
            ) as pick_rank
        from relations as r
        inner join lonely_{{ i }} as l on r.relation_id = l.relation_id
        inner join pass_{{ i }} as c on r.cell_id = c.cell_id
        where not c.is_suppressed and c.cell_count > 0
    ) as ranked
    where pick_rank = 1
),

pass_{{ i + 1 }} as (
    select
        c.cell_id,
        c.period_end,
        c.cell_count,
        c.sort_key,
        c.is_suppressed or p.cell_id is not null as is_suppressed,
        case when c.is_suppressed then c.suppression_reason when p.cell_id is not null then 'secondary' end
            as suppression_reason
    from pass_{{ i }} as c
    left join (select distinct cell_id from picked_{{ i }}) as p on c.cell_id = p.cell_id
){{ "," if not loop.last }}
{%- endfor %}

select
    cell_id,
    period_end,
    cell_count,
    is_suppressed,
    suppression_reason
from pass_{{ passes }}
