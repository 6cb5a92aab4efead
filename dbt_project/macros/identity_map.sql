{#- The case data's local-id map (good_lives_extract.md §6 "Identity", which finance_extract.md
    uses too): per LA and keyed local id, the NHS-number identities it was sent with on the LA's
    CLD rows of loaded files. Returns a select of (la_code, la_person_id_hash, nhs_number_hash,
    nhs_identities); nhs_number_hash is the single one when nhs_identities = 1. -#}
{% macro local_id_map() -%}
    select
        e.la_code_ons as la_code,
        e.la_person_id_hash,
        min(e.nhs_number_hash) as nhs_number_hash,
        count(distinct e.nhs_number_hash) as nhs_identities
    from {{ source('raw', 'cld_events') }} as e
    inner join {{ source('audit', 'loads') }} as l on e.load_id = l.load_id and l.status = 'loaded' and l.dataset = 'cld'
    where e.la_person_id_hash is not null
    group by e.la_code_ons, e.la_person_id_hash
{%- endmacro %}

{#- The person key of a row of another extract resolved through the local-id map first
    (good_lives_extract.md §6):
      1. the local id is in the map: its NHS-number identity when it has exactly one (that identity
         wins over the la_code_<id> form, the coalesce case), its la_code_<id> form when it has none,
         and no person when it has several (ambiguous: unmatched);
      2./3. otherwise the row's own hashes, as person_key_from_hashes chooses them.
    `row` is the row's alias, `map` the alias of the left-joined local_id_map(), `linked` as for
    person_key_from_hashes. -#}
{% macro person_key_via_local_id_map(row, map, linked) -%}
    case
        when {{ map }}.la_person_id_hash is null then {{ person_key_from_hashes(row, linked) }}
        when {{ map }}.nhs_identities = 1 then {{ map }}.nhs_number_hash
        when {{ map }}.nhs_identities = 0 then {{ map }}.la_person_id_hash
    end
{%- endmacro %}
