-- One row per service line per quarter it is active in, priced from the file selected for that
-- quarter (processing_rules.md §7). Money is numeric(18,2), computed exactly. Restricted.

select
    service_cost_key,
    service_line_key,
    event_key,
    person_id as person_key,
    la_code,
    quarter_start,
    quarter_end,
    event_start_date,
    event_end_date,
    service_type,
    service_component,
    delivery_mechanism,
    unit_cost,
    cost_frequency,
    planned_units_per_week,
    units_per_week,
    weekly_cost,
    days_in_quarter,
    weeks_in_quarter,
    quarter_cost,
    cost_flag,
    load_id,
    source_file,
    row_number as source_row_number
from {{ ref('int_cld__service_costs') }}
