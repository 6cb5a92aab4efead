-- One row per deduplicated event across all quarters (joined selection, processing_rules.md §2
-- and §5), with death-corrected end dates and ages from the proxy date of birth (§4).
-- Restricted: person-level.

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
    selected_quarter_start
from aged
