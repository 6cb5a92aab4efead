{{ metric_partitioned() }}
-- Metric cells (the commissioning_metrics interface) for care-home admissions, settled
-- accommodation, carers' self-directed support and LD paid employment (metrics.md §3):
-- ASCOF_2B, ASCOF_2C, ASCOF_2E, ASCOF_2E_LD, ASCOF_3D_1B, ASCOF_3D_2B, LD_PAID_EMPLOYMENT.
-- One row per la_code × period × metric × breakdown × breakdown_value. Exact counts only: values,
-- rounding, suppression and dq_status are computed downstream. Every period (financial_year,
-- rolling_12m) gets each metric's headline row, zero when nothing qualifies; breakdown rows only
-- for values that occur.

{%- set lookback = var('care_home_admission_lookback_days') %}

with

periods as (
    select
        la_code,
        period_type,
        period_start,
        period_end,
        -- the 2B/2C look-back (metrics.md: 365 days of earlier data, else insufficient_lookback)
        {{ add_days('period_start', -lookback) }} < data_start_date as lacks_admission_lookback,
        case when not is_fully_covered then 'no_covering_submission' end as coverage_reason
    from {{ metric_periods() }}
    where period_type in ('financial_year', 'rolling_12m')
),

-- how each metric's denominator is formed: a population band (per 100,000) or a count of people
metrics as (
    select
        m.metric_id,
        m.population_band,
        m.needs_admission_lookback
    from (
        values
        ('ASCOF_2B', '18 to 64', true),
        ('ASCOF_2C', '65 and above', true),
        ('ASCOF_2E', cast(null as varchar), false),
        ('ASCOF_2E_LD', cast(null as varchar), false),
        ('ASCOF_3D_1B', cast(null as varchar), false),
        ('ASCOF_3D_2B', cast(null as varchar), false),
        ('LD_PAID_EMPLOYMENT', cast(null as varchar), false)
    ) as m (metric_id, population_band, needs_admission_lookback)
),

populations as (
    select la_code, period_type, period_start, age_band, population
    from {{ ref('int_population__period_bands') }}
),

-- ASCOF 2B / 2C: people newly admitted, in the lowest age band of their admissions
admissions as (
    select
        a.la_code,
        a.period_type,
        a.period_start,
        m.metric_id,
        a.admission_setting,
        a.psr_group
    from {{ ref('int_cohorts__care_home_admissions') }} as a
    inner join metrics as m on a.admission_age_band = m.population_band
),

-- ASCOF 2E (18+) and 2E_LD (learning disability, 18-64), both on the age at the end of the latest
-- long-term line; unknown age is out (as the DHSC code does)
settled_cohort as (
    select
        la_code,
        period_type,
        period_start,
        'ASCOF_2E' as metric_id,
        ascof_2e_age_band,
        psr_group,
        accommodation_status,
        accommodation_status_imputed,
        accommodation_is_settled
    from {{ ref('int_cohorts__lts_during_period') }}
    where ascof_2e_age >= 18
    union all
    select
        la_code,
        period_type,
        period_start,
        'ASCOF_2E_LD' as metric_id,
        ascof_2e_age_band,
        psr_group,
        accommodation_status,
        accommodation_status_imputed,
        accommodation_is_settled
    from {{ ref('int_cohorts__lts_during_period') }}
    where psr_group = 'Learning disability' and ascof_2e_age between 18 and 64
),

-- LD_PAID_EMPLOYMENT: 18-64 at period end, learning disability, LT Nursing/Residential/Community
employment_cohort as (
    select
        la_code,
        period_type,
        period_start,
        gender,
        employment_status,
        employment_group,
        case employment_status
            when 'Paid: Less than 16 hours a week' then 'Less than 16 hours a week'
            when 'Paid: 16 or more hours a week' then '16 or more hours a week'
            else 'Hours per week unknown'
        end as employment_hours
    from {{ ref('int_cohorts__lts_during_period') }}
    where
        has_nursing_residential_community
        and psr_group = 'Learning disability'
        and working_age_band = '18 to 64'
),

carers as (
    select * from {{ ref('int_cohorts__carer_support') }}
),

-- counted cells; is_count_row marks count breakdowns (numerator only, no denominator). The headline
-- 'Total' is a literal, left out of group by (Postgres refuses a constant there).
cells as (
    {%- for breakdown, column in [('total', "'Total'"), ('admission_setting', 'admission_setting'), ('psr_group', 'psr_group')] %}
    select
        la_code, period_type, period_start, metric_id,
        '{{ breakdown }}' as breakdown,
        {{ column }} as breakdown_value,
        count(*) as numerator,
        cast(null as bigint) as denominator,
        false as is_count_row
    from admissions
    group by la_code, period_type, period_start, metric_id{% if breakdown != 'total' %}, {{ column }}{% endif %}
    union all
    {%- endfor %}
    {%- for breakdown, column, metric_filter in [
        ('total', "'Total'", "1 = 1"),
        ('working_age_band', 'ascof_2e_age_band', "metric_id = 'ASCOF_2E'"),
        ('psr_group', 'psr_group', "metric_id = 'ASCOF_2E'")] %}
    select
        la_code, period_type, period_start, metric_id,
        '{{ breakdown }}' as breakdown,
        {{ column }} as breakdown_value,
        count(*) filter (where accommodation_is_settled) as numerator,
        count(*) as denominator,
        false as is_count_row
    from settled_cohort
    where {{ metric_filter }}
    group by la_code, period_type, period_start, metric_id{% if breakdown != 'total' %}, {{ column }}{% endif %}
    union all
    {%- endfor %}
    select
        la_code, period_type, period_start, metric_id,
        'accommodation_status' as breakdown,
        accommodation_status_imputed as breakdown_value,
        count(*) as numerator,
        cast(null as bigint) as denominator,
        true as is_count_row
    from settled_cohort
    group by la_code, period_type, period_start, metric_id, accommodation_status_imputed
    union all
    -- ASCOF 3D carers (processing_rules.md §9): denominator DP only + managed PB + commissioned only
    {%- for metric_id, top_rank in [('ASCOF_3D_1B', 2), ('ASCOF_3D_2B', 1)] %}
    select
        la_code, period_type, period_start,
        '{{ metric_id }}' as metric_id,
        'total' as breakdown,
        'Total' as breakdown_value,
        count(*) filter (where carer_support_rank <= {{ top_rank }}) as numerator,
        count(*) filter (where carer_support_rank <= 3) as denominator,
        false as is_count_row
    from carers
    group by la_code, period_type, period_start
    union all
    {%- endfor %}
    {%- for breakdown, column in [('total', "'Total'"), ('gender', 'gender')] %}
    select
        la_code, period_type, period_start,
        'LD_PAID_EMPLOYMENT' as metric_id,
        '{{ breakdown }}' as breakdown,
        {{ column }} as breakdown_value,
        count(*) filter (where employment_group = 'Paid') as numerator,
        count(*) as denominator,
        false as is_count_row
    from employment_cohort
    group by la_code, period_type, period_start{% if breakdown != 'total' %}, {{ column }}{% endif %}
    union all
    {%- endfor %}
    select
        la_code, period_type, period_start,
        'LD_PAID_EMPLOYMENT' as metric_id,
        'employment_hours' as breakdown,
        employment_hours as breakdown_value,
        count(*) as numerator,
        cast(null as bigint) as denominator,
        true as is_count_row
    from employment_cohort
    where employment_group = 'Paid'
    group by la_code, period_type, period_start, employment_hours
),

-- in-scope rows and failures for dq_status (metrics.md §1.1, §8), per metric and period
dq as (
    -- 2B/2C: care-home lines starting in the period; a blank or invalid component or unknown age fails
    select
        p.la_code, p.period_type, p.period_start, m.metric_id,
        count(*) as dq_rows,
        count(*) filter (
            where e.service_component is null or e.service_component = 'Invalid and not mapped'
            or e.age_at_event_start is null
        ) as dq_failed
    from {{ ref('int_cld__events_enriched') }} as e
    inner join periods as p
        on e.la_code = p.la_code and e.event_start_date between p.period_start and p.period_end
    cross join metrics as m
    where
        e.event_type = 'Service'
        and e.client_type_group = 'Service user'
        and e.service_type in ('Long term support: Residential care', 'Long term support: Nursing care')
        and m.metric_id in ('ASCOF_2B', 'ASCOF_2C')
    group by p.la_code, p.period_type, p.period_start, m.metric_id
    union all
    -- 2E: the recorded accommodation status is Unknown or invalid (imputation then decides)
    select
        la_code, period_type, period_start, metric_id,
        count(*) as dq_rows,
        count(*) filter (where accommodation_status in ('Unknown', 'Invalid and not mapped')) as dq_failed
    from settled_cohort
    group by la_code, period_type, period_start, metric_id
    union all
    -- 3D carers: direct-to-carer lines with a blank or invalid delivery mechanism
    select
        c.la_code, c.period_type, c.period_start, m.metric_id,
        sum(c.direct_support_lines) as dq_rows,
        sum(c.direct_support_lines_mechanism_missing) as dq_failed
    from carers as c
    cross join metrics as m
    where m.metric_id in ('ASCOF_3D_1B', 'ASCOF_3D_2B')
    group by c.la_code, c.period_type, c.period_start, m.metric_id
    union all
    -- LD employment: employment status Unknown, invalid or blank
    select
        la_code, period_type, period_start,
        'LD_PAID_EMPLOYMENT' as metric_id,
        count(*) as dq_rows,
        count(*) filter (
            where employment_status is null or employment_status in ('Unknown', 'Invalid and not mapped')
        ) as dq_failed
    from employment_cohort
    group by la_code, period_type, period_start
),

spine as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        p.period_end,
        m.metric_id,
        m.population_band is not null as per_population,
        pop.population,
        coalesce(
            p.coverage_reason,
            case when m.needs_admission_lookback and p.lacks_admission_lookback then 'insufficient_lookback' end
        ) as period_reason
    from periods as p
    cross join metrics as m
    left join populations as pop
        on
            p.la_code = pop.la_code
            and p.period_type = pop.period_type
            and p.period_start = pop.period_start
            and m.population_band = pop.age_band
),

-- the headline row of every period (zero when nothing counted) plus the breakdown rows that occur
spine_cells as (
    select
        s.*,
        'total' as breakdown,
        'Total' as breakdown_value,
        coalesce(c.numerator, 0) as numerator,
        coalesce(c.denominator, 0) as counted_denominator,
        false as is_count_row
    from spine as s
    left join cells as c
        on
            s.la_code = c.la_code and s.period_type = c.period_type and s.period_start = c.period_start
            and s.metric_id = c.metric_id and c.breakdown = 'total'
    union all
    select
        s.*,
        c.breakdown,
        c.breakdown_value,
        c.numerator,
        c.denominator as counted_denominator,
        c.is_count_row
    from spine as s
    inner join cells as c
        on
            s.la_code = c.la_code and s.period_type = c.period_type and s.period_start = c.period_start
            and s.metric_id = c.metric_id and c.breakdown <> 'total'
)

select
    sc.la_code,
    sc.period_type,
    sc.period_start,
    sc.period_end,
    sc.metric_id,
    sc.breakdown,
    sc.breakdown_value,
    cast(sc.numerator as bigint) as numerator,
    cast(case
        when sc.is_count_row then null
        when sc.per_population then sc.population
        else sc.counted_denominator
    end as bigint) as denominator,
    cast(null as decimal(18, 4)) as median_days,
    coalesce(
        sc.period_reason,
        case when sc.is_count_row then 'not_applicable' end,
        case when sc.per_population and sc.population is null then 'population_missing' end
    ) as null_reason,
    false as is_provisional,
    cast(coalesce(dq.dq_rows, 0) as bigint) as dq_rows,
    cast(coalesce(dq.dq_failed, 0) as bigint) as dq_failed
from spine_cells as sc
left join dq
    on
        sc.la_code = dq.la_code and sc.period_type = dq.period_type and sc.period_start = dq.period_start
        and sc.metric_id = dq.metric_id
