-- Councils (CASSRs) with their region and validity interval (reference_data.md §3), one row per
-- code per interval: the 153 current councils and the predecessor codes since 2019, so marts that
-- keep the code data was submitted under can still be labelled.

select
    la_code,
    la_name,
    entity_code,
    region,
    effective_from,
    effective_to,
    successor_codes,
    effective_to is null as is_current
from {{ ref('ref_la_codes') }}
