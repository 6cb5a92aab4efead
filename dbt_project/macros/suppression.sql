{# Small-number suppression (metrics.md §1.3, §8) as CTEs over two relations the caller defines:
   `cells` (cell_id, cell_count, sort_key) and `relations` (relation_id, cell_id). Emits
   pass_0 .. pass_<passes>, each (cell_id, is_suppressed, suppression_reason):
     primary   a count from 1 to var suppression_max_count (4) is hidden: small_count;
     secondary while a relation has exactly one hidden member, also hide its smallest remaining
               non-zero member (ties: sort_key, then cell_id): secondary.
   Use as `with cells as (...), relations as (...), {{ suppression_passes('cells', 'relations') }}
   select ... from pass_{{ var('suppression_passes') }}`. #}
{% macro suppression_passes(cells, relations, passes=none) -%}
{%- set passes = passes if passes is not none else var('suppression_passes') %}
{%- set max_count = var('suppression_max_count') %}
pass_0 as (
    select
        cell_id,
        cell_count,
        sort_key,
        cell_count between 1 and {{ max_count }} as is_suppressed,
        case when cell_count between 1 and {{ max_count }} then 'small_count' end as suppression_reason
    from {{ cells }}
),
{%- for i in range(passes) %}

lonely_{{ i }} as (
    select r.relation_id
    from {{ relations }} as r
    inner join pass_{{ i }} as c on r.cell_id = c.cell_id
    group by r.relation_id
    having sum(case when c.is_suppressed then 1 else 0 end) = 1
),

picked_{{ i }} as (
    select distinct cell_id
    from (
        select
            c.cell_id,
            row_number() over (
                partition by r.relation_id order by c.cell_count, c.sort_key, c.cell_id
            ) as pick_rank
        from {{ relations }} as r
        inner join lonely_{{ i }} as l on r.relation_id = l.relation_id
        inner join pass_{{ i }} as c on r.cell_id = c.cell_id
        where not c.is_suppressed and c.cell_count > 0
    ) as ranked
    where pick_rank = 1
),

pass_{{ i + 1 }} as (
    select
        c.cell_id,
        c.cell_count,
        c.sort_key,
        c.is_suppressed or p.cell_id is not null as is_suppressed,
        case when c.is_suppressed then c.suppression_reason when p.cell_id is not null then 'secondary' end
            as suppression_reason
    from pass_{{ i }} as c
    left join picked_{{ i }} as p on c.cell_id = p.cell_id
){{ ',' if not loop.last }}
{%- endfor %}
{%- endmacro %}
