-- The ingest audit, one row per file load attempt, as written by the Python loaders.
with

source as (
    select * from {{ source('audit', 'loads') }}
),

renamed as (
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
        message,
        withdrawn_at
    from source
)

select * from renamed
