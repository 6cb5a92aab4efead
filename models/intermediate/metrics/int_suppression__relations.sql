-- The bridge of additive relations between cells (metrics.md §8): each relation is a set of cells
-- that add up, so if exactly one member were hidden it could be recovered by subtraction.
--   breakdown groups: the cells of one breakdown plus the total they add to, per part
--     (additive_to = total: numerators to the total numerator, denominators and complements
--     likewise; total_numerator / total_denominator: breakdown counts to that part of the total);
--   ratio triples: numerator + complement = denominator on every percentage row.

with

cells as (
    select * from {{ ref('int_suppression__cells') }}
),

breakdown_meta as (
    select metric_id, breakdown, additive_to from {{ ref('metric_breakdowns') }}
    where breakdown <> 'total' and additive_to <> 'none'
),

group_members as (
    -- breakdown cells
    select
        {{ surrogate_key(['c.la_code', 'c.period_type', 'c.period_start', 'c.metric_id', 'c.breakdown', "'group'", 'c.cell_part']) }}
            as relation_id,
        c.cell_id,
        case
            when b.additive_to = 'total' then c.cell_part
            when b.additive_to = 'total_numerator' then 'numerator'
            else 'denominator'
        end as total_part,
        c.la_code,
        c.period_type,
        c.period_start,
        c.metric_id
    from cells as c
    inner join breakdown_meta as b on c.metric_id = b.metric_id and c.breakdown = b.breakdown
    where b.additive_to = 'total' or c.cell_part = 'numerator'
),

group_totals as (
    select distinct
        g.relation_id,
        t.cell_id
    from group_members as g
    inner join cells as t
        on
            g.la_code = t.la_code and g.period_type = t.period_type and g.period_start = t.period_start
            and g.metric_id = t.metric_id and t.breakdown = 'total' and t.cell_part = g.total_part
),

triples as (
    select
        metric_row_key || ':ratio' as relation_id,
        cell_id
    from cells
    where metric_row_key in (select metric_row_key from cells where cell_part = 'complement')
)

select relation_id, cell_id, 'breakdown_group' as relation_kind from group_members
union all
select relation_id, cell_id, 'breakdown_group' as relation_kind from group_totals
union all
select relation_id, cell_id, 'ratio' as relation_kind from triples
