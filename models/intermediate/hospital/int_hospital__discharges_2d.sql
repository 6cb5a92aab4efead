{{ metric_partitioned() }}
-- ASCOF 2D (metrics.md "ASCOF_2D"): one row per in-scope discharge per reporting period, with its
-- link to a reablement episode and what happened in the 84 days after it.
--   Part 2 denominator: discharges in the period of residents aged 65+ at discharge, last episode
--     of the spell, discharged alive, admitted on/after var ascof_2d_admissions_from, destination
--     and treatment function not on the national exclusion lists (seeds), and not in LT Nursing,
--     Residential or Prison support at admission.
--   Part 2 numerator = Part 1 denominator: linked to a reablement episode starting between 3 days
--     before and 7 days after the discharge (discharge from episode start - 7 to start + 3); when
--     several discharges qualify for one episode, the latest discharge is the linked one.
--   Part 1 numerator: no death, no readmission and no new LT residential/nursing service after the
--     discharge and no later than discharge + var ascof_2d_followup_days (84: day 84 counts).

{%- set followup = var('ascof_2d_followup_days') %}

with

discharges as (
    select * from {{ ref('stg_hospital__discharges') }}
    where person_key is not null
),

periods as (
    select la_code, period_type, period_start, period_end, data_end_date
    from {{ metric_periods() }}
    where period_type in ('financial_year', 'rolling_12m')
),

long_term_lines as (
    select la_code, person_key, service_type, event_start_date, event_end_date
    from {{ ref('int_cld__events_enriched') }}
    where event_type = 'Service' and client_type_group = 'Service user' and service_type like 'Long term support:%'
),

in_scope as (
    select
        d.*,
        exists(
            select 1 from long_term_lines as l
            where
                l.la_code = d.la_code and l.person_key = d.person_key
                and l.service_type in (
                    'Long term support: Nursing care', 'Long term support: Residential care', 'Long term support: Prison'
                )
                and l.event_start_date <= d.admission_date
                and (l.event_end_date is null or l.event_end_date >= d.admission_date)
        ) as in_bedded_or_prison_support,
        exists(
            select 1 from long_term_lines as l
            where
                l.la_code = d.la_code and l.person_key = d.person_key
                and l.service_type = 'Long term support: Community'
                and l.event_start_date <= d.admission_date
                and (l.event_end_date is null or l.event_end_date >= d.admission_date)
        ) as in_community_support
    from discharges as d
    where
        d.age_at_discharge >= 65
        and d.is_resident
        and d.is_last_episode_of_spell
        and not d.is_died
        and d.admission_date >= cast('{{ var("ascof_2d_admissions_from") }}' as date)
        and not d.is_excluded_destination
        and not d.is_excluded_treatment_function
),

eligible as (
    select * from in_scope
    where not in_bedded_or_prison_support
),

-- the latest qualifying discharge of each episode is the one linked to it
episode_links as (
    select la_code, person_key, load_id, row_number, episode_key
    from (
        select
            d.la_code,
            d.person_key,
            d.load_id,
            d.row_number,
            e.episode_key,
            row_number() over (
                partition by e.episode_key order by d.discharge_date desc, d.load_id desc, d.row_number desc
            ) as link_rank
        from eligible as d
        inner join {{ ref('int_reablement__episodes') }} as e
            on
                d.la_code = e.la_code and d.person_key = e.person_key
                and d.discharge_date between {{ add_days('e.episode_start_date', -7) }}
                and {{ add_days('e.episode_start_date', 3) }}
    ) as ranked
    where link_rank = 1
),

outcomes as (
    select
        d.*,
        exists(
            select 1 from episode_links as k
            where
                k.load_id = d.load_id and k.row_number = d.row_number
        ) as is_linked_to_reablement,
        coalesce(
            dd.date_of_death is not null
            and dd.date_of_death > d.discharge_date
            and dd.date_of_death <= {{ add_days('d.discharge_date', followup) }},
            false
        ) as died_within_followup,
        exists(
            select 1 from discharges as r
            where
                r.la_code = d.la_code and r.person_key = d.person_key
                and r.admission_date > d.discharge_date
                and r.admission_date <= {{ add_days('d.discharge_date', followup) }}
        ) as readmitted_within_followup,
        exists(
            select 1 from long_term_lines as l
            where
                l.la_code = d.la_code and l.person_key = d.person_key
                and l.service_type in ('Long term support: Nursing care', 'Long term support: Residential care')
                and l.event_start_date > d.discharge_date
                and l.event_start_date <= {{ add_days('d.discharge_date', followup) }}
        ) as care_home_within_followup
    from eligible as d
    left join {{ ref('int_cld__person_deaths') }} as dd
        on d.la_code = dd.la_code and d.person_key = dd.person_id
)

select
    p.la_code,
    p.period_type,
    p.period_start,
    p.period_end,
    o.load_id,
    o.row_number,
    o.person_key,
    o.discharge_date,
    o.in_community_support,
    o.is_linked_to_reablement,
    o.is_linked_to_reablement
    and not (o.died_within_followup or o.readmitted_within_followup or o.care_home_within_followup)
        as stayed_in_community,
    {{ add_days('o.discharge_date', followup) }} > p.data_end_date as is_provisional,
    o.has_dq_flags
from outcomes as o
inner join periods as p
    on o.la_code = p.la_code and o.discharge_date between p.period_start and p.period_end
