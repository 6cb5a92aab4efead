-- The shifts of each stored scenario, in file order (shift_number from 1). Cohort filters are
-- '|'-separated code-list labels (NULL = everyone), matched in int_scenarios__shift_years.

select
    scenario_id,
    shift_number,
    from_sector,
    to_sector,
    psr_groups,
    working_age_bands,
    age_bands,
    cohort_description,
    cast(share_percent as decimal(7, 3)) as share_percent,
    over_years,
    cast(destination_weekly_cost as decimal(18, 2)) as destination_weekly_cost
from {{ source('raw', 'scenario_shifts') }}
