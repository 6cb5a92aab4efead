-- The costed five-areas view (context.md (e); Shared Lives Plus five areas): per LA × financial
-- year × area, the people supported and their service-line weeks and cost from the case data,
-- the spend from the ledger, the year-on-year change of spend, and the share of service-line weeks
-- delivered through the "promising models". Activity (CLD) and spend (ASC-FR categories) use
-- different setting definitions: read them side by side, never divide one by the other for a
-- cost per person (unit costs are in unit_costs). People counts of 1-4 are suppressed.

with

spend as (
    select
        la_code,
        financial_year,
        period_start,
        period_end,
        five_areas_category,
        -- bigint, not PostgreSQL's numeric sum: div_round_half_up needs integer division
        cast(sum(gross_expenditure_pence) as bigint) as gross_pence,
        cast(sum(gross_current_expenditure_pence) as bigint) as gce_pence,
        cast(sum(net_current_expenditure_pence) as bigint) as nce_pence
    from {{ ref('int_finance__spend_cube') }}
    where period_type = 'financial_year'
    group by la_code, financial_year, period_start, period_end, five_areas_category
),

activity as (
    select
        la_code,
        financial_year,
        five_areas_category,
        cast(count(distinct person_key) as bigint) as people,
        sum(weeks_in_quarter) as line_weeks,
        sum(case when is_promising_model then weeks_in_quarter else 0 end) as promising_weeks,
        cast(sum(cast(coalesce(quarter_cost, 0) * 100 as bigint)) as bigint) as case_cost_pence,
        sum(case when cost_flag in ('costed', 'sign_corrected') then weeks_in_quarter else 0 end) as costed_weeks
    from {{ ref('int_service_lines__five_areas') }}
    group by la_code, financial_year, five_areas_category
),

years as (
    select distinct la_code, financial_year, period_start, period_end from spend
),

areas as (
    select code as five_areas_category, label, sort_order
    from {{ ref('ref_code_lists') }}
    where dimension = 'five_areas_category'
),

grid as (
    select
        y.la_code,
        y.financial_year,
        y.period_start,
        y.period_end,
        a.five_areas_category,
        a.label,
        a.sort_order
    from years as y
    cross join areas as a
),

joined as (
    select
        g.*,
        coalesce(s.gross_pence, 0) as gross_pence,
        coalesce(s.gce_pence, 0) as gce_pence,
        coalesce(s.nce_pence, 0) as nce_pence,
        previous.gross_pence as previous_gross_pence,
        coalesce(a.people, 0) as people,
        coalesce(a.line_weeks, 0) as line_weeks,
        coalesce(a.promising_weeks, 0) as promising_weeks,
        coalesce(a.case_cost_pence, 0) as case_cost_pence,
        coalesce(a.costed_weeks, 0) as costed_weeks
    from grid as g
    left join spend as s
        on g.la_code = s.la_code and g.financial_year = s.financial_year
        and g.five_areas_category = s.five_areas_category
    left join spend as previous
        on g.la_code = previous.la_code
        and previous.period_end = {{ add_days('g.period_start', -1) }}
        and g.five_areas_category = previous.five_areas_category
    left join activity as a
        on g.la_code = a.la_code and g.financial_year = a.financial_year
        and g.five_areas_category = a.five_areas_category
)

select
    la_code,
    'financial_year' as period_type,
    period_start,
    period_end,
    financial_year,
    label as five_areas_category,
    {{ pence_to_gbp('gross_pence') }} as gross_expenditure,
    {{ pence_to_gbp('gce_pence') }} as gross_current_expenditure,
    {{ pence_to_gbp('nce_pence') }} as net_current_expenditure,
    -- year-on-year change of gross expenditure, % to 1 dp (NULL without a previous year); the outer
    -- casts here keep the types on PostgreSQL, where a CASE with an implicit NULL loses the scale
    cast(case
        when previous_gross_pence is not null and previous_gross_pence <> 0
            then cast(cast({{ div_round_half_up('(gross_pence - previous_gross_pence) * 1000', 'abs(previous_gross_pence)') }}
                as decimal(18, 0)) * 0.1 as decimal(9, 1))
    end as decimal(9, 1)) as gross_expenditure_change_pct,
    case when people between 1 and 4 then null else people end as people_supported,
    people between 1 and 4 as is_suppressed,
    cast(line_weeks as decimal(18, 2)) as service_line_weeks,
    {{ pence_to_gbp('case_cost_pence') }} as case_data_cost,
    -- case-data cost per costed service-line week, to the penny
    cast(case
        when costed_weeks > 0
            then {{ pence_to_gbp(div_round_half_up('case_cost_pence * 10000', 'cast(costed_weeks * 10000 as bigint)')) }}
    end as decimal(18, 2)) as case_data_weekly_cost,
    cast(case
        when line_weeks > 0
            then cast(cast({{ div_round_half_up('cast(promising_weeks * 10000 as bigint) * 1000', 'cast(line_weeks * 10000 as bigint)') }}
                as decimal(18, 0)) * 0.1 as decimal(9, 1))
    end as decimal(9, 1)) as promising_models_share_pct,
    sort_order as five_areas_sort_order
from joined
