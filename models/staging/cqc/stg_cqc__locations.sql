-- CQC care directory locations (reference_data.md §5), one row per location per snapshot date:
-- where two loaded files carry the same snapshot date, the newest load wins whole. The council is
-- resolved from the CQC council name (value key) through ref_la_codes names, then the alias seed.
-- Deviation: §5 derives it from the location postcode through the §4 postcode package, which the
-- project does not install; the name is §5's stated fallback.

with

cqc_loads as (
    select load_id
    from {{ source('audit', 'loads') }}
    where status = 'loaded' and dataset = 'cqc_directory'
    {%- if var('as_of_date') %}
        and cast(received_at as date) <= cast('{{ var("as_of_date") }}' as date)
    {%- endif %}
),

rows_loaded as (
    select c.*
    from {{ source('raw', 'cqc_locations') }} as c
    inner join cqc_loads as l on c.load_id = l.load_id
),

newest_load as (
    select
        snapshot_date,
        load_id,
        row_number() over (partition by snapshot_date order by max(received_at) desc, load_id desc) as load_rank
    from rows_loaded
    group by snapshot_date, load_id
),

la_names as (
    select
        {{ value_key('la_name') }} as name_key,
        min(la_code) as la_code,
        count(distinct la_code) as codes
    from (
        select la_name, la_code from {{ ref('ref_la_codes') }}
        where effective_to is null
        union all
        select la_name, la_code from {{ ref('ref_la_name_aliases') }}
    ) as names
    group by {{ value_key('la_name') }}
)

select
    r.load_id,
    r.source_file,
    r.row_number,
    r.snapshot_date,
    r.layout,
    r.data_source,
    r.location_id,
    r.provider_id,
    r.location_name,
    r.provider_name,
    r.postcode,
    r.local_authority,
    -- a name shared by two current councils is ambiguous: no code rather than a guess
    case when n.codes = 1 then n.la_code end as la_code,
    r.region,
    r.is_adult_social_care,
    r.is_care_home,
    r.is_dormant,
    r.beds,
    r.location_type,
    r.primary_inspection_category,
    r.latest_rating,
    r.publication_date,
    r.service_types,
    r.svc_care_home_nursing,
    r.svc_care_home_no_nursing,
    r.svc_domiciliary,
    r.svc_supported_living,
    r.svc_extra_care,
    r.svc_shared_lives,
    r.band_older_people,
    r.band_younger_adults,
    r.band_learning_disability_autism,
    r.band_mental_health,
    r.band_physical_disability,
    r.band_dementia
from rows_loaded as r
inner join newest_load as l on r.snapshot_date = l.snapshot_date and r.load_id = l.load_id
left join la_names as n on {{ value_key('r.local_authority') }} = n.name_key
where l.load_rank = 1
