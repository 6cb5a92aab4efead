-- Accepted CLD rows from files that are loaded and not withdrawn, with every coded field mapped
-- raw -> cleaned (Release 2) -> grouped through its seed (cld_extract.md §6). Invalid values are
-- kept, cleaned to 'Invalid and not mapped' and flagged, never dropped.
{%- set coded = cld_coded_fields() %}
{%- set unseeded = cld_unseeded_fields() %}

with

source as (
    select * from {{ source('raw', 'cld_events') }}
),

loads as (
    select load_id, spec_release, derived_period_start, derived_period_end
    from {{ source('audit', 'loads') }}
    where status = 'loaded'
    {%- if var('as_of_date') %}
        and cast(received_at as date) <= cast('{{ var("as_of_date") }}' as date)
    {%- endif %}
),

renamed as (
    select
        e.load_id,
        e.source_file,
        e.row_number,
        e.file_sha256,
        e.received_at,
        l.spec_release,
        l.derived_period_start,
        l.derived_period_end,
        e.la_code_ons as la_code,
        e.la_code as la_code_submitted,
        e.reporting_period_start_date,
        e.reporting_period_end_date,
        e.nhs_number_hash,
        e.nhs_number_chk,
        e.la_person_id_hash,
        e.birth_year,
        e.birth_month,
        e.date_of_death,
        e.postcode_sector,
        e.gp_practice_code,
        e.event_reference,
        e.event_start_date,
        e.event_end_date,
        e.event_description,
        e.no_of_adults_being_cared_for,
        e.adult_1_linked_person_id_hash,
        e.adult_2_linked_person_id_hash,
        e.adult_3_linked_person_id_hash,
        e.provider_cqc_location_id,
        e.unit_cost,
        e.planned_units_per_week,
        e.dq_flags,
        e.dq_flags is not null as has_dq_flags,
        {%- for f in coded %}
        e.{{ f }} as {{ f }}_raw,
        {%- if f in unseeded %}
        e.{{ f }} as {{ f }}_cleaned,
        e.{{ f }} as {{ f }}_grouped,
        false as {{ f }}_is_invalid,
        {%- else %}
        case when e.{{ f }} is null then null else coalesce(m_{{ f }}.cleaned_value, 'Invalid and not mapped') end
            as {{ f }}_cleaned,
        case when e.{{ f }} is null then null else coalesce(m_{{ f }}.grouped_value, 'Invalid') end
            as {{ f }}_grouped,
        (e.{{ f }} is not null and coalesce(m_{{ f }}.cleaned_value, 'Invalid and not mapped') = 'Invalid and not mapped')
            as {{ f }}_is_invalid,
        {%- endif %}
        {%- endfor %}
        m_event_outcome.rank as event_outcome_rank,
        (
            {%- for keyword in var('conversation_keywords') %}
            {{ value_key('e.event_description') }} like '%{{ keyword | lower }}%'{% if not loop.last %} or{% endif %}
            {%- endfor %}
        ) as is_conversation_raw
    from source as e
    inner join loads as l on e.load_id = l.load_id
    {%- for f in coded if f not in unseeded %}
    left join {{ ref('cld_' ~ f) }} as m_{{ f }} on {{ value_key('e.' ~ f) }} = m_{{ f }}.value_key
    {%- endfor %}
)

select
    *,
    coalesce(is_conversation_raw, false) as is_conversation,
    -- A unique, stable id for the submitted row (load + physical line).
    load_id || ':' || cast(row_number as {{ dbt.type_string() }}) as source_row_id
from renamed
