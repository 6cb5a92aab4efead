-- The rows each quarter takes from its selected file (processing_rules.md §2, joined mode):
-- services active in the quarter; requests, assessments and reviews ending in it. Rows that are
-- not valid events (blank or invalid event type, or a completed-type event without an end date)
-- are placed by their start date so their exclusion is recorded rather than lost.
-- Grain: one row per submitted row per quarter it belongs to.

with

events as (
    select * from {{ ref('stg_cld__events') }}
),

selection as (
    select * from {{ ref('int_cld__quarter_selection') }}
)

select
    e.*,
    s.quarter_start,
    s.quarter_end,
    s.is_final_quarter,
    s.covers_whole_quarter,
    e.source_row_id || '@' || cast(s.quarter_start as {{ dbt.type_string() }}) as selected_row_id
from events as e
inner join selection as s
    on e.load_id = s.load_id and e.la_code = s.la_code
where
    (
        e.event_type_cleaned = 'Service'
        and e.event_start_date <= s.quarter_end
        and (e.event_end_date >= s.quarter_start or e.event_end_date is null)
    )
    or (
        e.event_type_cleaned in ('Request', 'Assessment', 'Review')
        and e.event_end_date between s.quarter_start and s.quarter_end
    )
    or (
        (
            e.event_type_cleaned is null
            or e.event_type_cleaned = 'Invalid and not mapped'
            or (e.event_type_cleaned in ('Request', 'Assessment', 'Review') and e.event_end_date is null)
        )
        and e.event_start_date between s.quarter_start and s.quarter_end
    )
