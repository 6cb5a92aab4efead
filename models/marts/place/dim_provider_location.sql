-- One row per CQC location per directory snapshot (marts.md; reference_data.md §5), when a directory
-- is supplied. Layout (a) (the care directory CSV) carries no beds, ratings, dormancy or user bands:
-- those are NULL for its snapshots, never false. Joins to CLD `Provider CQC Location ID` and to
-- finance `provider_cqc_location_id` (unmatched ids: int_cqc__unmatched_location_ids).

select
    location_id,
    snapshot_date,
    provider_id,
    location_name,
    provider_name,
    la_code,
    local_authority as local_authority_name,
    region,
    is_adult_social_care,
    is_care_home,
    svc_care_home_nursing as is_care_home_nursing,
    svc_care_home_no_nursing as is_care_home_without_nursing,
    svc_domiciliary as is_domiciliary_care,
    svc_supported_living as is_supported_living,
    svc_extra_care as is_extra_care_housing,
    svc_shared_lives as is_shared_lives,
    case when layout = 'b' then band_older_people end as serves_older_people,
    case when layout = 'b' then band_younger_adults end as serves_younger_adults,
    case when layout = 'b' then band_learning_disability_autism end as serves_learning_disability_autism,
    case when layout = 'b' then band_mental_health end as serves_mental_health,
    case when layout = 'b' then band_physical_disability end as serves_physical_disability,
    case when layout = 'b' then band_dementia end as serves_dementia,
    beds,
    latest_rating,
    publication_date as rating_published,
    is_dormant,
    primary_inspection_category,
    service_types,
    layout,
    data_source,
    load_id
from {{ ref('stg_cqc__locations') }}
