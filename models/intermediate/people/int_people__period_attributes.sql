{{ metric_partitioned() }}
-- One row per person and reporting period (financial_year and rolling_12m) for everyone with an
-- event active in the period: the §6 attributes as the data stood at the period end (only rows
-- starting by then count), ages at the period end (§4), and the accommodation imputation used by
-- ASCOF 2E (§6: from the latest service line of any type when the status is unknown or invalid).
-- Metrics take attributes from here, never from dim_person (which holds the latest values).

{%- set by_start = 'event_start_date desc' %}
{%- set by_end = 'case when der_event_end_date is null then 0 else 1 end, der_event_end_date desc, event_start_date desc' %}
{%- set keys = ['la_code', 'person_id', 'period_type', 'period_start'] %}

with

periods as (
    select la_code, period_type, period_start, period_end
    from {{ metric_periods() }}
    where period_type in ('financial_year', 'rolling_12m')
),

events as (
    select * from {{ ref('int_cld__events_enriched') }}
),

people_in_period as (
    select distinct
        e.la_code,
        e.person_key as person_id,
        p.period_type,
        p.period_start,
        p.period_end
    from events as e
    inner join periods as p
        on
            e.la_code = p.la_code
            and e.event_start_date <= p.period_end
            and (e.event_end_date is null or e.event_end_date >= p.period_start)
),

-- every row resolved to a person (excluded events still carry attributes), up to the period end
rows_in_period as (
    select
        pp.la_code,
        pp.person_id,
        pp.period_type,
        pp.period_start,
        r.received_at,
        r.load_id,
        r.event_start_date,
        r.der_event_end_date,
        r.primary_support_reason_cleaned,
        r.primary_support_reason_grouped,
        r.accommodation_status_cleaned,
        r.accommodation_status_grouped,
        r.employment_status_cleaned,
        r.employment_status_grouped,
        r.gender_cleaned,
        r.gender_grouped,
        r.ethnicity_cleaned,
        r.ethnicity_grouped,
        r.client_type_cleaned,
        r.client_type_grouped
    from people_in_period as pp
    inner join {{ ref('int_cld__events_prepared') }} as r
        on pp.la_code = r.la_code and pp.person_id = r.person_id and r.event_start_date <= pp.period_end
),

psr as ({{ pick_attribute('rows_in_period', 'primary_support_reason_cleaned', is_known_code('primary_support_reason'), by_start, "'Unknown'", keys) }}),
accommodation as ({{ pick_attribute('rows_in_period', 'accommodation_status_cleaned', is_known_code('accommodation_status'), by_end, "'Unknown'", keys) }}),
employment as ({{ pick_attribute('rows_in_period', 'employment_status_cleaned', is_known_code('employment_status'), by_end, "'Unknown'", keys) }}),
gender as ({{ pick_attribute('rows_in_period', 'gender_cleaned', is_known_code('gender'), by_start, "'Unknown (not recorded)'", keys) }}),
ethnicity as ({{ pick_attribute('rows_in_period', 'ethnicity_grouped', is_known_code('ethnicity'), by_start, "'No data'", keys) }}),
client_type as ({{ pick_attribute('rows_in_period', 'client_type_grouped', is_known_code('client_type'), by_start, "'Unknown'", keys) }}),

-- §6 imputation source: the latest service line of any type starting by the period end
latest_service as (
    select
        pp.la_code,
        pp.person_id,
        pp.period_type,
        pp.period_start,
        e.service_type,
        e.service_component,
        row_number() over (
            partition by pp.la_code, pp.person_id, pp.period_type, pp.period_start
            order by e.event_start_date desc, e.event_end_date desc nulls first, e.event_key asc
        ) as service_rank
    from people_in_period as pp
    inner join events as e
        on
            pp.la_code = e.la_code
            and pp.person_id = e.person_key
            and e.event_type = 'Service'
            and e.event_start_date <= pp.period_end
),

code_groups as (
    select distinct cleaned_value, grouped_value, 'primary_support_reason' as field from {{ ref('cld_primary_support_reason') }}
    union all
    select distinct cleaned_value, grouped_value, 'accommodation_status' as field from {{ ref('cld_accommodation_status') }}
    union all
    select distinct cleaned_value, grouped_value, 'employment_status' as field from {{ ref('cld_employment_status') }}
),

people as (
    select
        la_code,
        person_id,
        max(birth_year) as birth_year,
        max(birth_month) as birth_month,
        max(date_of_death) as date_of_death
    from {{ ref('int_cld__person_attributes') }}
    group by la_code, person_id
),

joined as (
    select
        pp.la_code,
        pp.person_id,
        pp.period_type,
        pp.period_start,
        pp.period_end,
        coalesce(ct.attribute_value, 'Unknown') as client_type_group,
        p.birth_year,
        p.birth_month,
        p.date_of_death,
        {{ age_at('p.birth_year', 'p.birth_month', 'pp.period_end') }} as age_at_period_end,
        coalesce(g.attribute_value, 'Unknown (not recorded)') as gender,
        coalesce(e.attribute_value, 'No data') as ethnicity_group,
        coalesce(s.attribute_value, 'Unknown') as primary_support_reason,
        coalesce(sg.grouped_value, 'Unknown') as psr_group,
        coalesce(a.attribute_value, 'Unknown') as accommodation_status,
        ag.grouped_value as accommodation_group,
        coalesce(m.attribute_value, 'Unknown') as employment_status,
        coalesce(mg.grouped_value, 'Unknown') as employment_group,
        ls.service_type as latest_service_type,
        ls.service_component as latest_service_component
    from people_in_period as pp
    left join people as p on pp.la_code = p.la_code and pp.person_id = p.person_id
    {%- for cte, alias in [('client_type', 'ct'), ('gender', 'g'), ('ethnicity', 'e'), ('psr', 's'), ('accommodation', 'a'), ('employment', 'm')] %}
    left join {{ cte }} as {{ alias }}
        on
            pp.la_code = {{ alias }}.la_code and pp.person_id = {{ alias }}.person_id
            and pp.period_type = {{ alias }}.period_type and pp.period_start = {{ alias }}.period_start
    {%- endfor %}
    left join latest_service as ls
        on
            pp.la_code = ls.la_code and pp.person_id = ls.person_id
            and pp.period_type = ls.period_type and pp.period_start = ls.period_start
            and ls.service_rank = 1
    left join code_groups as sg on sg.field = 'primary_support_reason' and s.attribute_value = sg.cleaned_value
    left join code_groups as ag on ag.field = 'accommodation_status' and a.attribute_value = ag.cleaned_value
    left join code_groups as mg on mg.field = 'employment_status' and m.attribute_value = mg.cleaned_value
),

imputed as (
    select
        *,
        case
            -- §6: an invalid status is imputed like Unknown (pick_attribute can return it when no known value exists)
            when accommodation_status not in ('Unknown', 'Invalid and not mapped') then accommodation_status
            when latest_service_type is null or latest_service_type like 'Short term%' then 'Unknown'
            when latest_service_type = 'Long term support: Nursing care' then 'Registered nursing home'
            when latest_service_type = 'Long term support: Residential care' then 'Registered care home'
            when latest_service_type = 'Long term support: Prison' then 'Prison / YOI / detention centre'
            when latest_service_type = 'Long term support: Community' then
                case
                    when latest_service_component = 'Shared Lives' then 'Shared Lives scheme'
                    when latest_service_component = 'Extra care housing'
                        then 'Sheltered housing / extra care housing / other sheltered housing'
                    when latest_service_component = 'Community supported living'
                        then 'Supported accommodation / supported lodgings / supported group home'
                    when latest_service_component = 'Home support or domiciliary care' then 'Unknown: presumed at home'
                    else 'Unknown: presumed in community'
                end
            else 'Unknown'
        end as accommodation_status_imputed
    from joined
)

select
    la_code,
    person_id as person_key,
    period_type,
    period_start,
    period_end,
    client_type_group,
    birth_year,
    birth_month,
    date_of_death,
    age_at_period_end,
    {{ age_band('age_at_period_end') }} as age_band,
    {{ working_age_band('age_at_period_end') }} as working_age_band,
    gender,
    ethnicity_group,
    primary_support_reason,
    psr_group,
    accommodation_status,
    accommodation_status_imputed,
    accommodation_status_imputed <> accommodation_status as accommodation_is_imputed,
    case
        when accommodation_status_imputed = 'Unknown: presumed at home' then true
        when accommodation_status_imputed = accommodation_status then coalesce(accommodation_group = 'Settled', false)
        else accommodation_status_imputed in (
            'Shared Lives scheme',
            'Sheltered housing / extra care housing / other sheltered housing',
            'Supported accommodation / supported lodgings / supported group home'
        )
    end as accommodation_is_settled,
    employment_status,
    employment_group
from imputed
