-- Latest known attributes per person (processing_rules.md §6), over every row that resolved to a
-- person (excluded events still carry attributes; a carer known by association feeds its carer).
-- Accommodation and employment rank the latest event end (open first) before the latest start,
-- so a later blank or Unknown never erases a known status.

{%- set by_start = 'event_start_date desc' %}
{%- set by_end = 'case when der_event_end_date is null then 0 else 1 end, der_event_end_date desc, event_start_date desc' %}

with

rows_with_person as (
    select * from {{ ref('int_cld__events_prepared') }}
    where person_id is not null
),

people as (
    select
        la_code,
        person_id,
        max(derived_period_end) as attributes_as_of,
        max(person_date_of_death) as date_of_death
    from rows_with_person
    group by la_code, person_id
),

client_type as ({{ pick_attribute('rows_with_person', 'client_type_grouped', is_known_code('client_type'), by_start, "'Unknown'") }}),
gender as ({{ pick_attribute('rows_with_person', 'gender_cleaned', is_known_code('gender'), by_start, "'Unknown (not recorded)'") }}),
ethnicity as ({{ pick_attribute('rows_with_person', 'ethnicity_cleaned', is_known_code('ethnicity'), by_start, "'No data: Undeclared or not known'") }}),
birth as ({{ pick_attribute('rows_with_person', 'birth_year * 100 + birth_month', 'true', by_start, 'null') }}),
psr as ({{ pick_attribute('rows_with_person', 'primary_support_reason_cleaned', is_known_code('primary_support_reason'), by_start, "'Unknown'") }}),
accommodation as ({{ pick_attribute('rows_with_person', 'accommodation_status_cleaned', is_known_code('accommodation_status'), by_end, "'Unknown'") }}),
employment as ({{ pick_attribute('rows_with_person', 'employment_status_cleaned', is_known_code('employment_status'), by_end, "'Unknown'") }}),
unpaid_carer as ({{ pick_attribute('rows_with_person', 'has_unpaid_carer_cleaned', is_known_code('has_unpaid_carer'), by_start, 'null') }}),
funding as ({{ pick_attribute('rows_with_person', 'client_funding_status_cleaned', is_known_code('client_funding_status'), by_start, "'Unknown'") }}),
postcode as ({{ pick_attribute('rows_with_person', 'postcode_sector', 'true', by_start, 'null') }}),

code_groups as (
    select distinct cleaned_value, grouped_value, 'ethnicity' as field from {{ ref('cld_ethnicity') }}
    union all
    select distinct cleaned_value, grouped_value, 'primary_support_reason' as field from {{ ref('cld_primary_support_reason') }}
    union all
    select distinct cleaned_value, grouped_value, 'accommodation_status' as field from {{ ref('cld_accommodation_status') }}
    union all
    select distinct cleaned_value, grouped_value, 'employment_status' as field from {{ ref('cld_employment_status') }}
)

select
    p.la_code,
    p.person_id,
    p.attributes_as_of,
    p.date_of_death,
    ct.attribute_value as client_type,
    cast(b.attribute_value / 100 as integer) as birth_year,
    cast(b.attribute_value - 100 * cast(b.attribute_value / 100 as integer) as integer) as birth_month,
    coalesce(g.attribute_value, 'Unknown (not recorded)') as gender,
    coalesce(e.attribute_value, 'No data: Undeclared or not known') as ethnicity,
    coalesce(eg.grouped_value, 'No data') as ethnicity_group,
    coalesce(s.attribute_value, 'Unknown') as primary_support_reason,
    coalesce(sg.grouped_value, 'Unknown') as psr_group,
    coalesce(a.attribute_value, 'Unknown') as accommodation_status,
    coalesce(ag.grouped_value = 'Settled', false) as accommodation_is_settled,
    coalesce(m.attribute_value, 'Unknown') as employment_status,
    coalesce(mg.grouped_value, 'Unknown') as employment_group,
    u.attribute_value as has_unpaid_carer,
    coalesce(f.attribute_value, 'Unknown') as client_funding_status,
    pc.attribute_value as postcode_sector
from people as p
left join client_type as ct on p.la_code = ct.la_code and p.person_id = ct.person_id
left join gender as g on p.la_code = g.la_code and p.person_id = g.person_id
left join ethnicity as e on p.la_code = e.la_code and p.person_id = e.person_id
left join birth as b on p.la_code = b.la_code and p.person_id = b.person_id
left join psr as s on p.la_code = s.la_code and p.person_id = s.person_id
left join accommodation as a on p.la_code = a.la_code and p.person_id = a.person_id
left join employment as m on p.la_code = m.la_code and p.person_id = m.person_id
left join unpaid_carer as u on p.la_code = u.la_code and p.person_id = u.person_id
left join funding as f on p.la_code = f.la_code and p.person_id = f.person_id
left join postcode as pc on p.la_code = pc.la_code and p.person_id = pc.person_id
left join code_groups as eg on eg.field = 'ethnicity' and e.attribute_value = eg.cleaned_value
left join code_groups as sg on sg.field = 'primary_support_reason' and s.attribute_value = sg.cleaned_value
left join code_groups as ag on ag.field = 'accommodation_status' and a.attribute_value = ag.cleaned_value
left join code_groups as mg on mg.field = 'employment_status' and m.attribute_value = mg.cleaned_value
