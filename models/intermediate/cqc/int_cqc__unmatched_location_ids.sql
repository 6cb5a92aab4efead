-- CQC location ids named in CLD service events or finance payments that no loaded directory
-- snapshot holds (reference_data.md §5: "unmatched ids are reported"), one row per LA × source ×
-- id, with how often it is named. Empty when no directory is loaded (nothing can match, so nothing
-- is reported). A singular test warns when rows exist.

with

directory as (
    select distinct location_id from {{ ref('stg_cqc__locations') }}
),

named as (
    select
        la_code,
        'cld' as named_in,
        upper(trim(provider_cqc_location_id)) as location_id,
        count(*) as rows_naming
    from {{ ref('stg_cld__events') }}
    where provider_cqc_location_id is not null
    group by la_code, upper(trim(provider_cqc_location_id))
    union all
    select
        la_code,
        'finance' as named_in,
        upper(trim(provider_cqc_location_id)) as location_id,
        count(*) as rows_naming
    from {{ ref('stg_finance__transactions') }}
    where provider_cqc_location_id is not null
    group by la_code, upper(trim(provider_cqc_location_id))
)

select
    n.la_code,
    n.named_in,
    n.location_id,
    n.rows_naming
from named as n
where
    exists (select 1 from directory)
    and not exists (
        select 1 from directory as d
        where upper(d.location_id) = n.location_id
    )
