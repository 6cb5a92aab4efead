-- Unit costs (marts.md; metrics.md §6): residential and nursing cost per resident week and the
-- external home-care hourly rate, per LA × financial year × setting × age group, with their source
-- and definition, compared to the national anchor. Exact: each value is one half-up rounding of
-- integer parts (int_finance__unit_cost_parts). A value needs activity from at least
-- unit_cost_min_people people (metrics.md §1.3), else it is NULL with a reason.

with

parts as (
    select * from {{ ref('int_finance__unit_cost_parts') }}
),

anchors as (
    select
        case metric_id
            when 'UNIT_COST_RES_NURSING_PER_WEEK' then 'resident_weeks'
            when 'UNIT_COST_HOMECARE_PER_HOUR' then 'hours'
        end as activity_unit,
        cast(national_anchor as decimal(18, 2)) as national_anchor,
        anchor_year
    from {{ ref('metric_catalogue') }}
    where metric_id in ('UNIT_COST_RES_NURSING_PER_WEEK', 'UNIT_COST_HOMECARE_PER_HOUR')
),

labels as (
    select * from {{ ref('ref_code_lists') }}
),

valued as (
    select
        p.*,
        case
            when coalesce(p.activity_scaled, 0) <= 0 then 'denominator_zero'
            when coalesce(p.people, 0) < {{ var('unit_cost_min_people') }} then 'denominator_below_minimum'
        end as null_reason
    from parts as p
)

select
    v.la_code,
    'financial_year' as period_type,
    v.period_start,
    v.period_end,
    v.financial_year,
    s.label as setting,
    case v.age_group
        when '18_64' then '18 to 64'
        when '65_plus' then '65 and above'
        when 'unallocated' then 'Unallocated'
        else 'All ages'
    end as age_group,
    {{ pence_to_gbp('v.expenditure_pence') }} as expenditure,
    {{ pence_to_gbp('v.activity_hundredths') }} as activity,
    v.activity_unit,
    cast(case when v.null_reason is null then {{ pence_to_gbp('v.unit_cost_pence') }} end as decimal(18, 2)) as unit_cost,
    v.null_reason,
    v.source,
    case v.source
        when 'finance' then
            case
                when v.activity_unit = 'hours'
                    then 'Σ(unit_rate × quantity) ÷ Σ quantity of hourly external provider payments'
                else 'gross expenditure (grants excluded) ÷ resident weeks from paid quantities'
            end
        when 'cld_activity' then 'gross expenditure (grants excluded) ÷ resident weeks from CLD lines (days ÷ 7)'
        else 'Σ(unit cost × planned hours) ÷ Σ planned hours, latest quarter, CLD hourly home-support lines'
    end as definition,
    v.people,
    a.national_anchor,
    a.anchor_year,
    -- % above (+) or below (−) the anchor, 1 dp, exact (outer cast: the type on PostgreSQL too)
    cast(case
        when v.null_reason is null and a.national_anchor > 0
            then cast(cast({{ div_round_half_up(
                '(v.unit_cost_pence - cast(a.national_anchor * 100 as bigint)) * 1000',
                'cast(a.national_anchor * 100 as bigint)') }} as decimal(18, 0)) * 0.1 as decimal(9, 1))
    end as decimal(9, 1)) as difference_from_anchor_pct,
    -- metrics.md §6 / finance_extract.md §10: outside ±50% of the anchor is a warning, never a failure
    coalesce(
        v.null_reason is null
        and (2 * v.unit_cost_pence < cast(a.national_anchor * 100 as bigint)
            or 2 * v.unit_cost_pence > 3 * cast(a.national_anchor * 100 as bigint)),
        false
    ) as is_outside_anchor_band,
    s.sort_order as setting_sort_order
from valued as v
inner join labels as s on s.dimension = 'unit_cost_setting' and v.setting = s.code
left join anchors as a on v.activity_unit = a.activity_unit
