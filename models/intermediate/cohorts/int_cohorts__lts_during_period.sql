{{ metric_partitioned() }}
-- Service users in long-term support during each reporting period (financial_year, rolling_12m):
-- processing_rules.md §10 `during_period` (an LT Nursing, Residential, Community or Prison line with
-- start <= period end and end >= period start or open; date of death null or >= period start), with
-- their §6 period attributes. Feeds ASCOF 2E / 2E_LD and LD_PAID_EMPLOYMENT (metrics.md).
-- ASCOF 2E takes age at the end of the person's latest long-term line, capped at the period end.

with

periods as (
    select la_code, period_type, period_start, period_end
    from {{ metric_periods() }}
    where period_type in ('financial_year', 'rolling_12m')
),

long_term_lines as (
    -- the same long-term lines the LTS cohorts use (service users' LT Nursing/Residential/Community/Prison)
    select
        la_code,
        person_key,
        service_type,
        line_start_date as event_start_date,
        line_end_date as event_end_date,
        person_date_of_death
    from {{ ref('int_lts__lines') }}
),

people as (
    select
        p.la_code,
        l.person_key,
        p.period_type,
        p.period_start,
        p.period_end,
        count(*) as long_term_lines,
        -- LD_PAID_EMPLOYMENT counts Nursing, Residential or Community support only (not Prison)
        max(case when l.service_type <> 'Long term support: Prison' then 1 else 0 end) = 1
            as has_nursing_residential_community,
        -- open lines and lines ending after the period end count as ending at the period end
        max(case when l.event_end_date is null or l.event_end_date > p.period_end then p.period_end else l.event_end_date end)
            as latest_long_term_end
    from long_term_lines as l
    inner join periods as p
        on
            l.la_code = p.la_code
            and l.event_start_date <= p.period_end
            and (l.event_end_date is null or l.event_end_date >= p.period_start)
            and (l.person_date_of_death is null or l.person_date_of_death >= p.period_start)
    group by p.la_code, l.person_key, p.period_type, p.period_start, p.period_end
)

select
    c.la_code,
    c.person_key,
    c.period_type,
    c.period_start,
    c.period_end,
    c.long_term_lines,
    c.has_nursing_residential_community,
    c.latest_long_term_end,
    {{ age_at('a.birth_year', 'a.birth_month', 'c.latest_long_term_end') }} as ascof_2e_age,
    {{ working_age_band(age_at('a.birth_year', 'a.birth_month', 'c.latest_long_term_end')) }} as ascof_2e_age_band,
    a.age_at_period_end,
    a.age_band,
    a.working_age_band,
    a.date_of_death,
    a.gender,
    a.ethnicity_group,
    a.primary_support_reason,
    a.psr_group,
    a.accommodation_status,
    a.accommodation_status_imputed,
    a.accommodation_is_imputed,
    a.accommodation_is_settled,
    a.employment_status,
    a.employment_group
from people as c
inner join {{ ref('int_people__period_attributes') }} as a
    on
        c.la_code = a.la_code
        and c.person_key = a.person_key
        and c.period_type = a.period_type
        and c.period_start = a.period_start
