-- Stored resource-shift scenarios (context.md §3 (d)), one row per scenario_id: the validated file
-- (orchestration/defs/scenarios/schema.py) as written by `ascw scenario run` or `ascw build`.

select
    scenario_id,
    name as scenario_name,
    description as scenario_description,
    la_code,
    base_quarter_start,
    years,
    cast(weeks_per_year as decimal(6, 2)) as weeks_per_year,
    cast(price_uplift_percent as decimal(7, 3)) as price_uplift_percent,
    cast(demand_growth_percent as decimal(7, 3)) as demand_growth_percent,
    source_file,
    file_sha256,
    loaded_at
from {{ source('raw', 'scenario_definitions') }}
