-- Deduplicated events (int_cld__events_deduplicated) with friendly column names, ages from the
-- proxy date of birth (processing_rules.md §4) and the person-level facts every cohort and sequel
-- model needs (birth year/month, date of death). fct_events publishes a subset; the cohort,
-- sequel and metric models all start here so they agree on one event set.

with

events as (
    select * from {{ ref('int_cld__events_deduplicated') }}
),

people as (
    select la_code, person_id, birth_year, birth_month from {{ ref('int_cld__person_attributes') }}
),

aged as (
    select
        e.*,
        p.birth_year,
        p.birth_month,
        {{ age_at('p.birth_year', 'p.birth_month', 'e.event_start_date') }} as age_at_event_start,
        -- latest age: at the (death-corrected) end, or at the end of the data for open services
        {{ age_at('p.birth_year', 'p.birth_month', 'coalesce(e.event_end_date, e.derived_period_end)') }} as latest_age
    from events as e
    left join people as p on e.la_code = p.la_code and e.person_id = p.person_id
)

select
    event_key,
    person_id as person_key,
    la_code,
    client_type_cleaned as client_type,
    client_type_grouped as client_type_group,
    event_type,
    event_start_date,
    event_end_date,
    event_outcome_cleaned as event_outcome,
    event_outcome_grouped as event_outcome_group,
    event_outcome_raw,
    event_outcome_rank,
    request_route_of_access_cleaned as route_of_access,
    assessment_type_cleaned as assessment_type,
    eligible_needs_identified_cleaned as eligible_needs_identified,
    service_type_cleaned as service_type,
    service_type_grouped as service_type_group,
    service_component_cleaned as service_component,
    delivery_mechanism_cleaned as delivery_mechanism,
    review_reason_cleaned as review_reason,
    review_reason_grouped as review_type,
    primary_support_reason_cleaned as primary_support_reason,
    accommodation_status_cleaned as accommodation_status,
    employment_status_cleaned as employment_status,
    client_funding_status_cleaned as client_funding_status,
    provider_cqc_location_id,
    is_conversation,
    submitted_copies,
    has_dq_flags,
    age_at_event_start,
    latest_age,
    {{ age_band('latest_age') }} as age_band,
    spec_release,
    load_id,
    source_file,
    row_number as source_row_number,
    selected_quarter_start,
    birth_year,
    birth_month,
    person_date_of_death,
    received_at,
    derived_period_end
from aged
