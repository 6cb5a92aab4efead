{#- The person key of a row of another extract (hospital discharges, finance ledger), chosen exactly
    as int_cld__person_identity chooses it among the same keyed hashes (processing_rules.md §1; same
    HMAC key, NHS number as 10 digits, local id as <ONS code>_<id>), so the row shares the person's
    CLD person_key. `linked` is the alias of a left-joined set of (la_code, la_person_id_hash) pairs
    seen with an NHS number (hybrid rule only). -#}
{% macro person_key_from_hashes(row, linked) -%}
    {%- if var('person_id_rule') == 'hybrid' -%}
    case
        when {{ row }}.nhs_number_hash is not null then {{ row }}.nhs_number_hash
        when {{ row }}.la_person_id_hash is not null and {{ linked }}.la_person_id_hash is null
            then {{ row }}.la_person_id_hash
    end
    {%- else -%}
    coalesce({{ row }}.nhs_number_hash, {{ row }}.la_person_id_hash)
    {%- endif -%}
{%- endmacro %}

{#- Local ids that cannot stand for a person on their own under the hybrid rule: seen with an NHS
    number anywhere in the LA's CLD rows of loaded files or in `extra` (a relation with la_code_ons,
    nhs_number_hash, la_person_id_hash). Returns a select; under coalesce an empty one. -#}
{% macro linked_local_ids(extra) -%}
    select distinct
        e.la_code_ons as la_code,
        e.la_person_id_hash
    from {{ source('raw', 'cld_events') }} as e
    inner join {{ source('audit', 'loads') }} as l on e.load_id = l.load_id and l.status = 'loaded' and l.dataset = 'cld'
    where e.nhs_number_hash is not null and e.la_person_id_hash is not null
    {%- if var('person_id_rule') != 'hybrid' %}
        and false
    {%- endif %}
    union
    select distinct
        la_code_ons as la_code,
        la_person_id_hash
    from {{ extra }}
    where nhs_number_hash is not null and la_person_id_hash is not null
    {%- if var('person_id_rule') != 'hybrid' %}
        and false
    {%- endif %}
{%- endmacro %}
