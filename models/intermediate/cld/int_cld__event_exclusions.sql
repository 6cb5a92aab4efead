-- Every selected row that is not an event in the facts, with the reason (processing_rules.md §3),
-- so exclusions are visible and countable rather than silent.

select
    selected_row_id,
    source_row_id,
    load_id,
    source_file,
    row_number,
    la_code,
    quarter_start,
    event_type_raw,
    exclusion_reason
from {{ ref('int_cld__events_prepared') }}
where exclusion_reason is not null
