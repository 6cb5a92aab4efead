-- One profile per person per reporting period (good_lives_extract.md §6 "Profile selection"), one
-- row per domain of it, with the previous profile's answers and the cohort attributes at the
-- profile date. Restricted: person-level.
--   Periods: each LA's financial_year rows and its latest rolling_12m (int_periods).
--   Selection: the person's latest profile_date on or before period_end and no earlier than
--   profile_lookback_months before it (period_end − N months + 1 day, as int_periods dates the
--   rolling year); only that profile's rows. The previous profile is the person's latest earlier
--   profile (no look-back limit: it only gives the direction of travel, §7).
--   Cohorts at profile_date (codes of ref_code_lists): psr_group from the case data's person
--   attributes (dim_person's source); age_band and working_age_band from the proxy date of birth
--   (processing_rules.md §4); setting = the top-ranked long-term line active that day by the §9
--   hierarchy (int_lts__lines), else short_term when a short-term service is open, else
--   no_service; team = practitioner_team ('not_recorded' when blank). Unmatched people take
--   'unmatched' under every cohort type except all and team.

{%- set lookback = var('profile_lookback_months') %}

with

periods as (
    select
        la_code,
        period_type,
        period_start,
        period_end,
        financial_year
    from {{ ref('int_periods') }}
    where period_type = 'financial_year' or (period_type = 'rolling_12m' and is_latest)
),

rows_current as (
    select * from {{ ref('int_good_lives__profiles') }}
    where is_current
),

profiles as (
    select distinct
        la_code,
        counting_key,
        person_key,
        is_matched,
        profile_date,
        la_person_id_hash
    from rows_current
),

-- one local id per person and date (two local ids resolving to one person on one day: the first)
profile_heads as (
    select *
    from (
        select
            *,
            row_number() over (
                partition by la_code, counting_key, profile_date order by la_person_id_hash
            ) as id_rank
        from profiles
    ) as ranked
    where id_rank = 1
),

ordered as (
    select
        *,
        lag(profile_date) over (partition by la_code, counting_key order by profile_date) as previous_profile_date,
        lag(la_person_id_hash) over (partition by la_code, counting_key order by profile_date) as previous_person_id_hash
    from profile_heads
),

selected as (
    select
        pe.la_code,
        pe.period_type,
        pe.period_start,
        pe.period_end,
        pe.financial_year,
        o.counting_key,
        o.person_key,
        o.is_matched,
        o.profile_date,
        o.la_person_id_hash,
        o.previous_profile_date,
        o.previous_person_id_hash,
        row_number() over (
            partition by pe.la_code, pe.period_type, pe.period_start, o.counting_key
            order by o.profile_date desc
        ) as profile_rank
    from periods as pe
    inner join ordered as o
        on
            pe.la_code = o.la_code
            and o.profile_date <= pe.period_end
            and o.profile_date >= cast({{ dbt.dateadd('month', -lookback, add_days('pe.period_end', 1)) }} as date)
),

people as (
    select
        la_code,
        person_id,
        birth_year,
        birth_month,
        psr_group
    from {{ ref('int_cld__person_attributes') }}
),

distinct_profiles as (
    select distinct la_code, person_key, profile_date
    from selected
    where profile_rank = 1 and is_matched
),

lts_setting as (
    select
        la_code,
        person_key,
        profile_date,
        setting_rank
    from (
        select
            d.la_code,
            d.person_key,
            d.profile_date,
            l.setting_rank,
            row_number() over (
                partition by d.la_code, d.person_key, d.profile_date order by l.setting_rank
            ) as setting_order
        from distinct_profiles as d
        inner join {{ ref('int_lts__lines') }} as l
            on
                d.la_code = l.la_code and d.person_key = l.person_key
                and l.line_start_date <= d.profile_date
                and (l.line_end_date is null or l.line_end_date >= d.profile_date)
    ) as ranked
    where setting_order = 1
),

short_term as (
    select distinct
        d.la_code,
        d.person_key,
        d.profile_date
    from distinct_profiles as d
    inner join {{ ref('int_cld__events_enriched') }} as e
        on
            d.la_code = e.la_code and d.person_key = e.person_key
            and e.event_type = 'Service' and e.service_type_group = 'Short term support'
            and e.event_start_date <= d.profile_date
            and (e.event_end_date is null or e.event_end_date >= d.profile_date)
),

codes as (
    select dimension, code, label, sort_order from {{ ref('ref_code_lists') }}
),

attributed as (
    select
        s.*,
        {{ age_at('pe.birth_year', 'pe.birth_month', 's.profile_date') }} as age_at_profile,
        pe.psr_group as psr_group_label,
        st.code as setting_code,
        sh.person_key is not null as has_short_term_service
    from selected as s
    left join people as pe on s.la_code = pe.la_code and s.person_key = pe.person_id
    left join lts_setting as ls
        on s.la_code = ls.la_code and s.person_key = ls.person_key and s.profile_date = ls.profile_date
    left join codes as st on st.dimension = 'support_setting' and ls.setting_rank = st.sort_order
    left join short_term as sh
        on s.la_code = sh.la_code and s.person_key = sh.person_key and s.profile_date = sh.profile_date
    where s.profile_rank = 1
),

cohorts as (
    select
        a.*,
        case when a.is_matched then coalesce(pg.code, 'unknown') else 'unmatched' end as psr_group,
        case when a.is_matched then coalesce(ab.code, 'unknown') else 'unmatched' end as age_band,
        case when a.is_matched then coalesce(wb.code, 'unknown') else 'unmatched' end as working_age_band,
        case
            when not a.is_matched then 'unmatched'
            when a.setting_code is not null then a.setting_code
            when a.has_short_term_service then 'short_term'
            else 'no_service'
        end as setting
    from attributed as a
    left join codes as pg on pg.dimension = 'psr_group' and a.psr_group_label = pg.label
    left join codes as ab on ab.dimension = 'age_band' and {{ age_band('a.age_at_profile') }} = ab.label
    left join codes as wb on wb.dimension = 'working_age_band' and {{ working_age_band('a.age_at_profile') }} = wb.label
),

previous_rows as (
    select
        la_code,
        la_person_id_hash,
        profile_date,
        domain,
        need_level,
        goal_status
    from rows_current
)

select
    {{ surrogate_key(['c.la_code', 'c.period_type', 'c.period_start', 'c.counting_key', 'r.domain']) }}
        as period_profile_key,
    c.la_code,
    c.period_type,
    c.period_start,
    c.period_end,
    c.financial_year,
    c.counting_key,
    c.person_key,
    c.is_matched,
    c.profile_date,
    r.profile_row_key,
    r.domain,
    r.need_level,
    r.goal_status,
    r.matters_most,
    r.support_sources,
    r.has_paid,
    r.has_family,
    r.has_community,
    r.has_technology,
    r.has_none,
    r.support_mix,
    r.support_fit,
    r.paid_fit_effective,
    r.feels_like_home,
    r.practitioner_team,
    c.previous_profile_date,
    pr.need_level as previous_need_level,
    pr.goal_status as previous_goal_status,
    c.psr_group,
    c.age_band,
    c.working_age_band,
    c.setting,
    coalesce(r.practitioner_team, 'not_recorded') as team
from cohorts as c
inner join rows_current as r
    on c.la_code = r.la_code and c.la_person_id_hash = r.la_person_id_hash and c.profile_date = r.profile_date
left join previous_rows as pr
    on
        c.la_code = pr.la_code and c.previous_person_id_hash = pr.la_person_id_hash
        and c.previous_profile_date = pr.profile_date and r.domain = pr.domain
