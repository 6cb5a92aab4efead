{{ metric_partitioned() }}
-- People newly admitted to residential or nursing care in each reporting period (financial_year,
-- rolling_12m): ASCOF 2B (18-64) and 2C (65+), metrics.md. One row per person and period.
--   * Care-home lines: service users' LT Residential / LT Nursing lines whose component is blank or
--     a long-term residential/nursing component (a "short" component is a short-term placement).
--     Blank components are kept on purpose (processing_rules.md §11).
--   * Admission: such a line starting in the period whose outcome is not NFA: Self-funded client or
--     under 12wk disregard. New unless another care-home line started earlier and was still open or
--     ended fewer than care_home_admission_lookback_days (365) days before (a move between homes).
--   * Each person once per period: age band from the lowest age at admission start (processing_rules.md
--     §4; adults only, unknown age out), setting from the first admission (§12 "Admissions with two
--     settings"; same-day ties go to Nursing, the §9 order).

{%- set lookback = var('care_home_admission_lookback_days') %}

with

periods as (
    select la_code, period_type, period_start, period_end, data_start_date
    from {{ metric_periods() }}
    where period_type in ('financial_year', 'rolling_12m')
),

care_home_lines as (
    select
        event_key,
        la_code,
        person_key,
        service_type,
        event_start_date,
        event_end_date,
        event_outcome,
        age_at_event_start
    from {{ ref('int_cld__events_enriched') }}
    where
        event_type = 'Service'
        and client_type_group = 'Service user'
        and service_type in ('Long term support: Residential care', 'Long term support: Nursing care')
        and (
            service_component is null
            or (
                (lower(service_component) like '%residential%' or lower(service_component) like '%nursing%')
                and lower(service_component) not like '%short%'
            )
        )
),

-- a line is new when no earlier-starting care-home line of the person was open at its start or
-- ended fewer than {{ lookback }} days before it (the join is bounded by that window)
new_admissions as (
    select a.*
    from care_home_lines as a
    where
        (a.event_outcome is null or a.event_outcome <> 'NFA: Self-funded client or under 12wk disregard')
        and a.age_at_event_start >= 18
        and not exists (
            select 1
            from care_home_lines as b
            where
                b.la_code = a.la_code
                and b.person_key = a.person_key
                and b.event_start_date < a.event_start_date
                and (b.event_end_date is null or b.event_end_date > {{ add_days('a.event_start_date', -lookback) }})
        )
),

admissions_in_period as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        p.period_end,
        p.data_start_date,
        a.person_key,
        a.event_start_date,
        a.age_at_event_start,
        case a.service_type when 'Long term support: Nursing care' then 'Nursing' else 'Residential' end
            as admission_setting,
        row_number() over (
            partition by p.la_code, p.period_type, p.period_start, a.person_key
            order by a.event_start_date, case when a.service_type = 'Long term support: Nursing care' then 1 else 2 end,
                a.event_key
        ) as admission_order
    from new_admissions as a
    inner join periods as p
        on a.la_code = p.la_code and a.event_start_date between p.period_start and p.period_end
),

people as (
    select
        la_code,
        period_type,
        period_start,
        period_end,
        person_key,
        min(data_start_date) as data_start_date,
        count(*) as new_admissions,
        min(event_start_date) as first_admission_date,
        max(case when admission_order = 1 then admission_setting end) as admission_setting,
        min(age_at_event_start) as admission_age
    from admissions_in_period
    group by la_code, period_type, period_start, period_end, person_key
)

select
    a.la_code,
    a.person_key,
    a.period_type,
    a.period_start,
    a.period_end,
    a.first_admission_date,
    a.admission_setting,
    a.new_admissions,
    a.admission_age,
    {{ working_age_band('a.admission_age') }} as admission_age_band,
    coalesce(pa.psr_group, 'Unknown') as psr_group,
    -- the 365-day look-back must fit inside the data for every admission in the period
    {{ add_days('a.period_start', -lookback) }} >= a.data_start_date as has_full_lookback
from people as a
left join {{ ref('int_people__period_attributes') }} as pa
    on
        a.la_code = pa.la_code
        and a.person_key = pa.person_key
        and a.period_type = pa.period_type
        and a.period_start = pa.period_start
