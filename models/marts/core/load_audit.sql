-- The published copy of the ingest audit: one row per file load (marts.md).

select
    load_id,
    source_file,
    file_sha256,
    dataset,
    la_code,
    spec_release,
    received_at,
    received_at_source,
    stated_period_start,
    stated_period_end,
    derived_period_start,
    derived_period_end,
    rows_in,
    rows_loaded,
    rows_rejected,
    rows_flagged,
    started_at,
    finished_at,
    status,
    rule,
    message
from {{ ref('stg_audit__loads') }}
