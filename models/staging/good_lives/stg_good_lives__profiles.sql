-- Good-lives profile rows (good_lives_extract.md §4) of every load that is loaded and not
-- withdrawn (a withdrawn load has status 'withdrawn' in audit.loads, so it leaves selection here,
-- as in the finance and hospital staging). Ingest has already cleaned every code and applied the
-- §5 warnings; within one file GL040 duplicates are already in quarantine.
-- GL040 across loads: the newer load wins per la_code × person × profile_date × domain. Every
-- loaded row stays here with is_current = false when a newer load revised it, so the per-load
-- match summary still describes whole loads; everything downstream of identity reads current rows.

with

profile_loads as (
    select
        load_id,
        started_at
    from {{ source('audit', 'loads') }}
    where status = 'loaded' and dataset = 'good_lives_profiles'
    {%- if var('as_of_date') %}
        and cast(received_at as date) <= cast('{{ var("as_of_date") }}' as date)
    {%- endif %}
),

loaded as (
    select
        p.*,
        l.started_at as load_started_at
    from {{ source('raw', 'good_lives_profiles') }} as p
    inner join profile_loads as l on p.load_id = l.load_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by la_code, la_person_id_hash, profile_date, domain
            order by received_at desc, load_started_at desc, load_id desc, row_number asc
        ) as revision_rank
    from loaded
)

select
    {{ surrogate_key(['load_id', 'row_number']) }} as profile_source_row_key,
    {{ surrogate_key(['la_code', 'la_person_id_hash', 'profile_date', 'domain']) }} as profile_row_key,
    load_id,
    source_file,
    row_number,
    received_at,
    la_code,
    la_person_id_hash,
    nhs_number_hash,
    nhs_number_chk,
    profile_date,
    profile_id,
    practitioner_team,
    domain,
    strength_rating,
    has_strength_text,
    need_level,
    has_goal_text,
    goal_status,
    coalesce(matters_most, false) as matters_most,
    support_sources,
    paid_service_component,
    paid_service_ref,
    support_fit,
    paid_fit,
    feels_like_home,
    revision_rank = 1 as is_current
from ranked
