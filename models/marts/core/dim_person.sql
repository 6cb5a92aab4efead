-- One row per person per LA with the latest known attributes (processing_rules.md §6) as of the
-- end of the latest file that mentions them. Dates of birth are year and month only; postcodes
-- are sectors. Restricted: person-level.

with

people as (
    select * from {{ ref('int_cld__person_attributes') }}
),

aged as (
    select
        *,
        {{ age_at('birth_year', 'birth_month',
            'case when date_of_death is not null and date_of_death < attributes_as_of then date_of_death else attributes_as_of end') }}
            as age_at_attributes_as_of
    from people
)

select
    person_id as person_key,
    attributes_as_of,
    la_code,
    client_type,
    birth_year,
    birth_month,
    age_at_attributes_as_of,
    {{ age_band('age_at_attributes_as_of') }} as age_band,
    {{ working_age_band('age_at_attributes_as_of') }} as working_age_band,
    gender,
    ethnicity,
    ethnicity_group,
    primary_support_reason,
    psr_group,
    accommodation_status,
    accommodation_is_settled,
    employment_status,
    employment_group,
    has_unpaid_carer,
    client_funding_status,
    -- truncate a timestamp, not a date: PostgreSQL would turn a date into a timestamptz first
    {{ dbt.date_trunc('month', 'cast(date_of_death as ' ~ dbt.type_timestamp() ~ ')') }} as date_of_death_month,
    postcode_sector
from aged
