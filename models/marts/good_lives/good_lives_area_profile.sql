-- Whole-area view of the good-lives profiles (good_lives_extract.md §7, context.md §3 (b)), long:
-- la_code × period × cohort_type × cohort_value × domain × measure. Published (BI role).
--   people   the count measures of §7 (NULL when suppressed);
--   amount   the weekly spend measures of §8 (domain 'unattributed' holds the spend no domain took),
--            NULL whenever paid_support in the same cell is suppressed: these amounts describe a few
--            people's packages (for 'unattributed', when the people behind it are 1-4);
--   share    the four shares of §7 as percentages, 1 dp half away from zero from exact counts
--            (macro tenths); NULL when the denominator is 0 (denominator_zero), when the numerator
--            or denominator is suppressed (is_suppressed, the stronger reason of the two), or when
--            the denominator is below var good_lives_min_denominator (denominator_below_minimum).
-- Suppression reasons follow metrics.md §8 precedence.

{%- set shares = [
    ('share_with_goal', 'people_with_goal', 'people_profiled'),
    ('share_goals_achieved', 'goals_achieved', 'people_with_goal'),
    ('share_unmet', 'unmet_need', 'people_with_need'),
    ('share_poor_fit_paid', 'poor_fit_paid_support', 'paid_support'),
] %}
{%- set max_count = var('suppression_max_count') %}

with

cells as (
    select
        c.*,
        s.is_suppressed,
        s.suppression_reason
    from {{ ref('int_good_lives__area_cells') }} as c
    left join {{ ref('int_good_lives__suppression') }} as s on c.cell_id = s.cell_id
),

counts as (
    select
        la_code,
        period_type,
        period_start,
        period_end,
        financial_year,
        cohort_type,
        cohort_value,
        domain,
        measure,
        case when is_suppressed then cast(null as bigint) else people end as people,
        cast(null as decimal(18, 2)) as amount,
        cast(null as decimal(18, 2)) as share,
        coalesce(is_suppressed, false) as is_suppressed,
        suppression_reason
    from cells
    where people is not null
),

spend as (
    select
        s.la_code,
        s.period_type,
        s.period_start,
        s.period_end,
        s.financial_year,
        s.cohort_type,
        s.cohort_value,
        s.domain,
        s.measure,
        cast(null as bigint) as people,
        s.amount,
        p.is_suppressed as paid_is_suppressed,
        p.suppression_reason as paid_suppression_reason,
        s.contributors
    from cells as s
    left join cells as p
        on
            s.la_code = p.la_code and s.period_type = p.period_type and s.period_start = p.period_start
            and s.cohort_type = p.cohort_type and s.cohort_value = p.cohort_value and s.domain = p.domain
            and p.measure = 'paid_support'
    where s.people is null
),

spend_rows as (
    select
        la_code,
        period_type,
        period_start,
        period_end,
        financial_year,
        cohort_type,
        cohort_value,
        domain,
        measure,
        people,
        case
            when domain = 'unattributed' and contributors between 1 and {{ max_count }} then cast(null as decimal(18, 2))
            when domain <> 'unattributed' and coalesce(paid_is_suppressed, false) then cast(null as decimal(18, 2))
            else amount
        end as amount,
        cast(null as decimal(18, 2)) as share,
        case
            when domain = 'unattributed' then contributors between 1 and {{ max_count }}
            else coalesce(paid_is_suppressed, false)
        end as is_suppressed,
        case
            when domain = 'unattributed' and contributors between 1 and {{ max_count }} then 'small_count'
            when domain <> 'unattributed' and coalesce(paid_is_suppressed, false) then paid_suppression_reason
        end as suppression_reason
    from spend
),

share_parts as (
    {%- for name, numerator, denominator in shares %}
    select
        n.la_code,
        n.period_type,
        n.period_start,
        n.period_end,
        n.financial_year,
        n.cohort_type,
        n.cohort_value,
        n.domain,
        '{{ name }}' as measure,
        n.people as numerator,
        d.people as denominator,
        coalesce(n.is_suppressed, false) as numerator_suppressed,
        coalesce(d.is_suppressed, false) as denominator_suppressed,
        n.suppression_reason as numerator_reason,
        d.suppression_reason as denominator_reason
    from cells as n
    inner join cells as d
        on
            n.la_code = d.la_code and n.period_type = d.period_type and n.period_start = d.period_start
            and n.cohort_type = d.cohort_type and n.cohort_value = d.cohort_value and n.domain = d.domain
            and d.measure = '{{ denominator }}'
    where n.measure = '{{ numerator }}'
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

share_rows as (
    select
        la_code,
        period_type,
        period_start,
        period_end,
        financial_year,
        cohort_type,
        cohort_value,
        domain,
        measure,
        cast(null as bigint) as people,
        cast(null as decimal(18, 2)) as amount,
        case
            when denominator = 0 or numerator_suppressed or denominator_suppressed then cast(null as decimal(18, 2))
            when denominator < {{ var('good_lives_min_denominator') }} then cast(null as decimal(18, 2))
            else {{ tenths('cast(numerator as bigint) * 1000', 'denominator') }}
        end as share,
        denominator <> 0 and (numerator_suppressed or denominator_suppressed) as is_suppressed,
        case
            when denominator = 0 then 'denominator_zero'
            when 'small_count' in (numerator_reason, denominator_reason) then 'small_count'
            when 'secondary' in (numerator_reason, denominator_reason) then 'secondary'
            when denominator < {{ var('good_lives_min_denominator') }} then 'denominator_below_minimum'
        end as suppression_reason
    from share_parts
),

all_rows as (
    select * from counts
    union all
    select * from spend_rows
    union all
    select * from share_rows
),

codes as (
    select dimension, code, label, sort_order from {{ ref('ref_code_lists') }}
)

select
    r.la_code,
    r.period_type,
    r.period_start,
    r.period_end,
    r.financial_year,
    r.cohort_type,
    ct.label as cohort_type_label,
    r.cohort_value,
    -- the cohort's own code list, then the good-lives extras (all, short_term, no_service,
    -- unmatched); a team is its own label
    coalesce(cv.label, cs.label, gx.label, r.cohort_value) as cohort_label,
    r.domain,
    coalesce(d.label, 'Not attributed to a domain') as domain_label,
    coalesce(d.sort_order, 99) as domain_sort_order,
    r.measure,
    r.people,
    r.amount,
    r.share,
    r.is_suppressed,
    r.suppression_reason
from all_rows as r
left join codes as ct on ct.dimension = 'good_lives_cohort_type' and r.cohort_type = ct.code
left join codes as cv
    on
        r.cohort_type in ('psr_group', 'age_band', 'working_age_band')
        and cv.dimension = r.cohort_type and r.cohort_value = cv.code
left join codes as cs
    on r.cohort_type = 'setting' and cs.dimension = 'support_setting' and r.cohort_value = cs.code
left join codes as gx
    on
        (r.cohort_type <> 'team' or r.cohort_value = 'not_recorded')
        and gx.dimension = 'good_lives_cohort_value' and r.cohort_value = gx.code
left join {{ ref('good_lives_domains') }} as d on r.domain = d.code
