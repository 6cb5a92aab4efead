{{ metric_partitioned() }}
-- The bridge of additive relations between cells (metrics.md §8): each relation is a set of cells
-- that add up, so if exactly one member were hidden it could be recovered by subtraction.
--   breakdown groups: the cells of one breakdown plus the total they add to, per part
--     (additive_to = total: numerators to the total numerator, denominators and complements
--     likewise; total_numerator / total_denominator: breakdown counts to that part of the total);
--   ratio triples: numerator + complement = denominator on every percentage row;
--   cross-mart: request_outcomes cells of new clients (18+ or unknown age) add up to the
--     REQUESTS_NEW_CLIENTS total and to its route, sequel and working-age rows; cells of each
--     client status add up to the REPEAT_REQUEST_RATE denominators; cohort_long_term_support
--     cells add up to each LTS snapshot metric's total and its setting, PSR and age-band rows.

with

cells as (
    select * from {{ metric_ref('int_suppression__cells') }} as in_scope
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
    where metric_row_key in (
        select complements.metric_row_key
        from cells as complements
        where complements.cell_part = 'complement'
    )
),

request_outcomes as (
    select
        {{ request_outcome_cell_id() }} as cell_id,
        la_code,
        period_type,
        period_start,
        client_status,
        route_of_access,
        {{ working_band_of('age_band') }} as working_age_band,
        sts001_sequel
    from {{ metric_ref('int_request_outcomes') }} as in_scope
    where age_band <> 'Under 18'
),

request_relations as (
    {%- for metric, breakdown, part, value_expr, condition in [
        ('REQUESTS_NEW_CLIENTS', 'total', 'numerator', "'Total'", "client_status = 'New'"),
        ('REQUESTS_NEW_CLIENTS', 'route_of_access', 'numerator', 'route_of_access', "client_status = 'New'"),
        ('REQUESTS_NEW_CLIENTS', 'sts001_sequel', 'numerator', 'sts001_sequel', "client_status = 'New'"),
        ('REQUESTS_NEW_CLIENTS', 'working_age_band', 'numerator', 'working_age_band', "client_status = 'New'"),
        ('REPEAT_REQUEST_RATE', 'total', 'denominator', "'Total'", 'true'),
        ('REPEAT_REQUEST_RATE', 'client_status', 'denominator', 'client_status', 'true'),
    ] %}
    select
        'request_outcomes:{{ metric }}:{{ breakdown }}:' || {{ surrogate_key(['o.la_code', 'o.period_type', 'o.period_start', value_expr]) }}
            as relation_id,
        o.cell_id,
        o.la_code,
        o.period_type,
        o.period_start,
        '{{ metric }}' as metric_id,
        '{{ breakdown }}' as breakdown,
        {{ value_expr }} as breakdown_value,
        '{{ part }}' as cell_part
    from request_outcomes as o
    where {{ condition }}
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

lts_cube as (
    select
        {{ lts_cube_cell_id() }} as cell_id,
        la_code,
        period_type,
        period_start,
        case snapshot
            when 'during_period' then 'LTS_PEOPLE_DURING_YEAR'
            when 'at_period_end' then 'LTS_PEOPLE_AT_YEAR_END'
            else 'LTS_PEOPLE_OVER_12_MONTHS'
        end as metric_id,
        support_setting,
        primary_support_reason,
        age_band
    from {{ metric_ref('int_cohort_long_term_support') }} as in_scope
),

lts_relations as (
    {%- for breakdown, value_expr in [
        ('total', "'Total'"),
        ('support_setting', 'support_setting'),
        ('psr_group', 'primary_support_reason'),
        ('age_band', 'age_band'),
    ] %}
    select
        'cohort_long_term_support:{{ breakdown }}:' || {{ surrogate_key(['la_code', 'period_type', 'period_start', 'metric_id', value_expr]) }}
            as relation_id,
        cell_id,
        la_code,
        period_type,
        period_start,
        metric_id,
        '{{ breakdown }}' as breakdown,
        {{ value_expr }} as breakdown_value,
        'numerator' as cell_part
    from lts_cube
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

cross_mart_members as (
    select * from request_relations
    union all
    select * from lts_relations
),

cross_mart as (
    select distinct relation_id, cell_id from cross_mart_members
    union all
    select distinct
        r.relation_id,
        c.cell_id
    from cross_mart_members as r
    inner join cells as c
        on
            r.la_code = c.la_code and r.period_type = c.period_type and r.period_start = c.period_start
            and r.metric_id = c.metric_id and r.breakdown = c.breakdown and r.breakdown_value = c.breakdown_value
            and r.cell_part = c.cell_part
),

all_relations as (
    select relation_id, cell_id, 'breakdown_group' as relation_kind from group_members
    union all
    select relation_id, cell_id, 'breakdown_group' as relation_kind from group_totals
    union all
    select relation_id, cell_id, 'ratio' as relation_kind from triples
    union all
    select relation_id, cell_id, 'cross_mart' as relation_kind from cross_mart
)

-- every relation lies inside one LA × period; its cells' period end places it in a financial year
select
    r.relation_id,
    r.cell_id,
    r.relation_kind,
    c.period_end
from all_relations as r
inner join cells as c on r.cell_id = c.cell_id
