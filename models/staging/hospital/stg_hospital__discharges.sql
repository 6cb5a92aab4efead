-- Hospital discharges for ASCOF 2D (metrics.md ASCOF_2D; contract: docs/hospital_discharge_extract.md),
-- one row per accepted discharge row of the selected load. Rows that could not be dated or linked
-- to a person were quarantined at ingest; everything else is kept and flagged here, never dropped,
-- so the metric applies its own filters (65+, resident, alive, last episode, exclusion lists).

with

discharge_loads as (
    select load_id
    from {{ source('audit', 'loads') }}
    where status = 'loaded' and dataset = 'hospital_discharges'
    {%- if var('as_of_date') %}
        and cast(received_at as date) <= cast('{{ var("as_of_date") }}' as date)
    {%- endif %}
),

loaded as (
    select
        d.*,
        extract(year from d.discharge_date) * 100 + extract(month from d.discharge_date) as discharge_month
    from {{ source('raw', 'hospital_discharges') }} as d
    inner join discharge_loads as l on d.load_id = l.load_id
),

-- Extracts overlap (each resubmission repeats earlier months): every LA × discharge month comes
-- from the latest received load holding discharges in that month, never from two loads at once.
month_load as (
    select
        la_code_ons,
        discharge_month,
        load_id,
        row_number() over (
            partition by la_code_ons, discharge_month order by max(received_at) desc, load_id desc
        ) as load_rank
    from loaded
    group by la_code_ons, discharge_month, load_id
),

selected as (
    select d.*
    from loaded as d
    inner join month_load as m
        on d.la_code_ons = m.la_code_ons and d.discharge_month = m.discharge_month and d.load_id = m.load_id
    where m.load_rank = 1
),

{%- if var('person_id_rule') == 'hybrid' %}

cld_loads as (
    select load_id
    from {{ source('audit', 'loads') }}
    where status = 'loaded' and dataset = 'cld'
),

-- Hybrid rule (processing_rules.md §1): an LA id seen with an NHS number anywhere in the LA's
-- data (CLD rows of loaded files, or these discharges) cannot stand in for a person on its own.
linked_local_ids as (
    select distinct
        e.la_code_ons as la_code,
        e.la_person_id_hash
    from {{ source('raw', 'cld_events') }} as e
    inner join cld_loads as l on e.load_id = l.load_id
    where e.nhs_number_hash is not null and e.la_person_id_hash is not null
    union
    select distinct
        la_code_ons as la_code,
        la_person_id_hash
    from selected
    where nhs_number_hash is not null and la_person_id_hash is not null
),
{%- endif %}

-- Person key chosen exactly as int_cld__person_identity chooses it, among the same keyed hashes
-- (same HMAC key, NHS number as 10 digits, local id as <ONS code>_<id>), so a discharge and the
-- person's CLD events share one person_key.
identified as (
    select
        s.*,
        {%- if var('person_id_rule') == 'hybrid' %}
        case
            when s.nhs_number_hash is not null then s.nhs_number_hash
            when s.la_person_id_hash is not null and k.la_person_id_hash is null then s.la_person_id_hash
        end as person_key,
        case
            when s.nhs_number_hash is not null then null
            when s.la_person_id_hash is null then 'no_person_identifier'
            when k.la_person_id_hash is not null then 'la_id_linked_to_nhs_number'
        end as identity_exclusion
        {%- else %}
        coalesce(s.nhs_number_hash, s.la_person_id_hash) as person_key,
        case
            when s.nhs_number_hash is null and s.la_person_id_hash is null then 'no_person_identifier'
        end as identity_exclusion
        {%- endif %}
    from selected as s
    {%- if var('person_id_rule') == 'hybrid' %}
    left join linked_local_ids as k
        on s.la_code_ons = k.la_code and s.la_person_id_hash = k.la_person_id_hash
    {%- endif %}
),

-- Episode-level files: the last episode is the one flagged, else the highest episode number of
-- the spell; a file without either is one row per spell, so every row ends its spell.
episodes as (
    select
        i.*,
        max(i.episode_number) over (partition by i.load_id, i.hospital_spell_id_hash) as last_episode_number
    from identified as i
),

-- Residence: the resident LA code (district or council) rolled up to its council through
-- ref_lad_to_cassr at the discharge date (reference_data.md §3).
lad_to_cassr as (
    select * from {{ ref('ref_lad_to_cassr') }}
),

successions as (
    -- a council retired into exactly one successor is the same council for residence
    select distinct
        la_code,
        successor_codes as successor_code
    from {{ ref('ref_la_codes') }}
    where successor_codes is not null and successor_codes not like '%|%'
),

excluded_destinations as (
    select code from {{ ref('ref_hospital_excluded_destinations') }}
),

excluded_treatment_functions as (
    select code from {{ ref('ref_hospital_excluded_treatment_functions') }}
)

select
    e.load_id,
    e.source_file,
    e.row_number,
    e.received_at,
    e.la_code_ons as la_code,
    e.person_key,
    e.identity_exclusion,
    e.hospital_spell_id_hash as hospital_spell_key,
    e.episode_number,
    case
        when e.last_episode_in_spell is not null then e.last_episode_in_spell
        when e.hospital_spell_id_hash is not null and e.episode_number is not null
            then e.episode_number = e.last_episode_number
        else true
    end as is_last_episode_of_spell,
    e.admission_date,
    e.discharge_date,
    e.discharge_method,
    -- NHS Data Dictionary discharge method 4 = patient died (metrics.md: "discharged alive").
    coalesce(e.discharge_method = '4', false) as is_died,
    e.discharge_destination,
    xd.code is not null as is_excluded_destination,
    e.treatment_function_code,
    xt.code is not null as is_excluded_treatment_function,
    e.birth_year,
    e.birth_month,
    -- Age at discharge (processing_rules.md §4, ASCOF 2D row): from the proxy date of birth, else
    -- the age the file states.
    coalesce(
        {{ age_at('e.birth_year', 'e.birth_month', 'e.discharge_date') }}, e.age_at_discharge
    ) as age_at_discharge,
    e.resident_la_code,
    r.cassr_code as resident_cassr_code,
    case
        when e.resident_la_code is null then cast(null as boolean)
        else coalesce(r.cassr_code = e.la_code_ons or sc.successor_code is not null, false)
    end as is_resident,
    e.dq_flags,
    e.dq_flags is not null as has_dq_flags
from episodes as e
left join lad_to_cassr as r
    on
        e.resident_la_code = r.lad_code
        and e.discharge_date >= r.effective_from
        and (r.effective_to is null or e.discharge_date <= r.effective_to)
left join successions as sc
    on r.cassr_code = sc.la_code and e.la_code_ons = sc.successor_code
left join excluded_destinations as xd on e.discharge_destination = xd.code
left join excluded_treatment_functions as xt on e.treatment_function_code = xt.code
